"""Pages carry a Content-Security-Policy that runs no inline script; behind TLS cookies are
Secure, HSTS is sent and http is redirected (issue 16, findings 8 and 14; templates without inline
scripts and the proxy's forwarded address: tests/fast/cpms/test_security_headers.py)."""


import httpx
import pytest

from tests.server import server_env, start_server


def test_pages_forbid_inline_scripts(server):
    policy = httpx.get(f"{server.http}/accounts/login/").headers["content-security-policy"]

    script_src = policy.split("script-src")[1].split(";")[0]
    assert script_src.strip() == "'self'"
    assert "frame-ancestors 'none'" in policy


@pytest.fixture(scope="module")
def tls_server(database, tmp_path_factory):
    srv = start_server(server_env() | {"HTTPS": "1", "OCPP_TRUST_PROXY_HEADERS": "1"},
                       tmp_path_factory.mktemp("tls"))
    yield srv
    srv.stop()


def test_behind_tls_cookies_are_secure_and_hsts_is_sent(tls_server):
    page = httpx.get(f"{tls_server.http}/accounts/login/", headers={"X-Forwarded-Proto": "https"})

    assert page.status_code == 200
    assert "secure" in page.headers["set-cookie"].lower()
    assert "max-age=31536000" in page.headers["strict-transport-security"]


def test_behind_tls_plain_http_is_redirected(tls_server):
    page = httpx.get(f"{tls_server.http}/accounts/login/")

    assert page.status_code == 301 and page.headers["location"].startswith("https://")
