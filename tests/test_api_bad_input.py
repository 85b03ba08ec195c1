"""While the database or Redis is down the API says 503 with Retry-After (issue 16, finding 13; the
odd but well-formed requests of that finding: tests/fast/stations/test_api_bad_input.py)."""

import httpx
import pytest

from tests.server import server_env, start_server


@pytest.fixture
def server_without_its_database(database, tmp_path):
    """A server whose database cannot be reached (PostgreSQL on a closed port, or an SQLite file
    in a folder that does not exist) and whose Redis is on a closed port."""
    env = server_env() | {"REDIS_URL": "redis://127.0.0.1:1/0"}
    if env.get("DATABASE_URL"):
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:1/none"
    else:
        env["SQLITE_PATH"] = str(tmp_path / "missing" / "db.sqlite3")
    srv = start_server(env, tmp_path)
    yield srv
    srv.stop(hard=True)


def test_a_database_outage_is_a_503_with_retry_after(server_without_its_database):
    response = httpx.get(f"{server_without_its_database.http}/api/v1/stations/",
                         headers={"Authorization": "Token any"}, timeout=30)

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0


def test_a_redis_outage_is_a_503_with_retry_after(server_without_its_database):
    """The login page's throttle asks Redis first (the cache), before any query."""
    response = httpx.post(f"{server_without_its_database.http}/accounts/login/",
                          data={"username": "someone", "password": "x"}, timeout=30,
                          headers={"Cookie": "csrftoken=" + "a" * 32, "X-CSRFToken": "a" * 32})

    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0


