"""Both test tiers share one fresh database, made and migrated here (tests/README.md).

With DATABASE_URL / REDIS_URL set (as CI does) that is PostgreSQL and channels-redis; with
nothing set, the embedded default (SQLite, in-memory channel layer). The live tier (tests/test_*.py)
runs against a real server, daphne on a free port: its data is made with the project's services in
this process and committed; what is checked goes through the API or a real charge point over a real
WebSocket. The fast tier (tests/fast/) runs in this process with pytest-django, each test inside a
transaction rolled back at its end, so nothing it writes reaches the live tier's data.
"""

import os
import secrets
import sys
import tempfile
from pathlib import Path

import pytest

if "django.conf" in sys.modules and sys.modules["django.conf"].settings.configured:
    # pytest-django loads the settings before this file when DJANGO_SETTINGS_MODULE or --ds is
    # given: they would name the developer's database, not the fresh one made below.
    raise pytest.UsageError("Run the tests without DJANGO_SETTINGS_MODULE and --ds: tests/conftest.py "
                            "sets them after pointing the settings at a fresh database.")

_ENVIRONMENT = dict(os.environ)  # as given: what pytest-xdist's workers start from (pytest_configure)
TEST_RUN = secrets.token_hex(4)
_tmp = Path(tempfile.mkdtemp(prefix="cpms-tests-"))


def _prepare_database() -> str | None:
    """Point DATABASE_URL at a fresh database; return its name (PostgreSQL) to drop later."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        os.environ["SQLITE_PATH"] = str(_tmp / "test.sqlite3")
        return None
    import psycopg

    base, _, _ = url.rpartition("/")
    name = f"cpms_test_{TEST_RUN}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ["CPMS_TEST_ADMIN_URL"] = url
    return name


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpms.settings")
os.environ["CHANNEL_PREFIX"] = f"cpms-test-{TEST_RUN}"
os.environ["OCPP_CALL_TIMEOUT"] = "3"
os.environ["OCPP_COMMAND_TIMEOUT"] = "5"
os.environ["PRESENCE_BEAT_SECONDS"] = "1"
os.environ["PRESENCE_TIMEOUT_SECONDS"] = "3"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["CELERY_QUEUE"] = f"cpms-test-{TEST_RUN}"  # the workers of this run take its tasks only
os.environ["LOAD_REBALANCE_DEBOUNCE"] = "0.2"
os.environ["LOAD_EARLY_REJECTION_SECONDS"] = "4"  # wide enough for a loaded CI machine
os.environ["SESSION_STOP_GRACE_SECONDS"] = "2"  # the lifecycle closes orphans when a test runs its task
os.environ["EMBEDDED_BEAT"] = "0"  # periodic work only where a test asks for it (test_embedded_beat)
os.environ["FTP_ENABLED"] = "0"  # FTP only where a test starts its server (test_file_transfer_ftp)
os.environ["MEDIA_ROOT"] = str(_tmp / "media")  # shared by the tests and their servers
# Two workers' servers, Celery workers and tests share one PostgreSQL (100 connections by
# default): each server holds one connection per DB thread it has used (README, settings).
os.environ.setdefault("OCPP_DB_THREADS", "4")
os.environ.setdefault("OCPP_DB_BACKGROUND_THREADS", "2")
# Every test connects from 127.0.0.1: throttling by address and identity only where a test
# starts a server with its own limits (test_throttling).
for _limit in ("LOGIN_FAILURES_PER_ADDRESS", "LOGIN_FAILURES_PER_ACCOUNT",
               "OCPP_HANDSHAKE_FAILURES_PER_ADDRESS", "OCPP_HANDSHAKE_FAILURES_PER_IDENTITY"):
    os.environ.setdefault(_limit, "1000000")
_DB_NAME = _prepare_database()

import django  # noqa: E402

django.setup()
# Tests build data with the ORM from inside their event loop; the server is another process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests import server as servers  # noqa: E402
from tests.server import server_env, start_celery_worker, start_server  # noqa: E402

SERVER_LOG_LINES = 80


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing live test's report ends with the logs of the servers that ran with it (their
    tracebacks: a CI run keeps nothing else of them)."""
    report = (yield).get_result()
    if not report.failed:
        return
    for srv in servers.started:
        lines = srv.log().splitlines()[-SERVER_LOG_LINES:]
        report.sections.append((f"log of {srv.log_path.name} (last {len(lines)} lines)",
                                "\n".join(lines)))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config) -> None:
    """With `-n` (pytest-xdist, as `make test`) this process only hands tests to workers, which
    it starts after this hook with its environment: give them the environment as it was given,
    so each makes its own run (database, prefixes, queue), and drop the database made above."""
    global _DB_NAME
    if getattr(config, "workerinput", None) is not None or not config.getoption("numprocesses", default=None):
        return
    os.environ.clear()
    os.environ.update(_ENVIRONMENT)
    if _DB_NAME:
        import psycopg

        with psycopg.connect(_ENVIRONMENT["DATABASE_URL"], autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_DB_NAME}" WITH (FORCE)')
        _DB_NAME = None

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                                 reason="needs REDIS_URL: several server processes share a fleet")


@pytest.fixture(scope="session", autouse=True)
def database(request):
    """The run's database, migrated; the live tier reaches it freely for the whole session (the
    fast tier blocks it again per test, unless the test asks for pytest-django's `db`)."""
    from django.core.management import call_command

    if request.config.pluginmanager.has_plugin("django"):  # not in `manage.py conformance`'s run
        request.getfixturevalue("django_db_blocker").unblock()
    call_command("migrate", verbosity=0)
    yield
    if _DB_NAME:
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(os.environ["CPMS_TEST_ADMIN_URL"], autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_DB_NAME}" WITH (FORCE)')


@pytest.fixture(scope="session")
def django_db_setup(database):
    """pytest-django's `db` uses the database migrated above ("use an existing database"): no
    test_ copy, so both tiers run in one pytest run."""


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        marker = item.get_closest_marker("django_db")
        if {"transactional_db", "live_server"} & set(item.fixturenames) or (
                marker and marker.kwargs.get("transaction")):
            # A TransactionTestCase flushes every table at its end: the live tier's data too.
            raise pytest.UsageError(f"{item.nodeid}: use `db` (rolled back), not a transactional "
                                    "database; what needs committed data belongs in the live tier.")


@pytest.fixture(scope="session")
def server(database):
    srv = start_server(server_env(), _tmp)
    yield srv
    srv.stop()


@pytest.fixture
def second_server(database):
    """Another server process on the same database and channel layer."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL: several server processes share a fleet")
    srv = start_server(server_env(), _tmp)
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(database):
    """A server of the test's own, which it may kill."""
    srv = start_server(server_env(), _tmp)
    yield srv
    srv.stop(hard=True)


@pytest.fixture(scope="module")
def celery_worker(database):
    """With Redis, a real Celery worker for the module's tests (tasks the servers queue run on
    it); on the embedded default tasks run in the server, so there is nothing to start."""
    if not os.environ.get("REDIS_URL"):
        yield None
        return
    worker = start_celery_worker(server_env(), _tmp)
    yield worker
    worker.stop()
