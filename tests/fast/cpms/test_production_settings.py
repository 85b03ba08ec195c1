"""Production (DJANGO_DEBUG=0) starts only with what it needs, and then passes Django's own
deployment checks (issue 16, findings 8 and 14)."""

import os
import secrets
import subprocess
import sys

import pytest

from tests.fast.cpms.test_settings import load_settings
from tests.server import ROOT

PRODUCTION = {"DJANGO_DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
              "ALLOWED_HOSTS": "cpms.example.com", "EMAIL_HOST": "smtp.example.com",
              "OCPP_TRUST_PROXY_HEADERS": "1"}


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", ""), "SQLITE_PATH": "/nonexistent/never-opened.sqlite3",
           **environ}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_the_deployment_checks():
    done = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_cookies_are_secure_and_hsts_is_sent():
    done = manage("shell", "-v", "0", "-c", "from django.conf import settings as s; "
                  "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0,"
                  " s.SECURE_PROXY_SSL_HEADER)", **PRODUCTION)

    assert done.stdout.split() == ["True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"]


@pytest.mark.parametrize("key", ["change-me-to-50-random-characters",
                                 "dev-only-insecure-key-do-not-use-in-production",
                                 "django-insecure-" + "x1y2z3" * 10, "short-but-random-3x9Q", "ab" * 40])
def test_production_refuses_a_placeholder_or_weak_secret_key(key):
    code, out = load_settings(**PRODUCTION | {"SECRET_KEY": key})

    assert code == 3
    assert "SECRET_KEY" in out["message"]


def test_production_refuses_to_print_reset_links_without_being_told_to():
    code, out = load_settings(**{k: v for k, v in PRODUCTION.items() if k != "EMAIL_HOST"})

    assert code == 3
    assert "EMAIL_HOST" in out["message"]
    code, _ = load_settings(**{k: v for k, v in PRODUCTION.items() if k != "EMAIL_HOST"},
                            ALLOW_CONSOLE_EMAIL="1")
    assert code == 0


def test_production_behind_tls_needs_the_proxy_trusted_or_says_where_tls_is():
    untrusted = {k: v for k, v in PRODUCTION.items() if k != "OCPP_TRUST_PROXY_HEADERS"}
    code, out = load_settings(**untrusted)

    assert code == 3
    assert "OCPP_TRUST_PROXY_HEADERS" in out["message"]
    assert load_settings(**untrusted, HTTPS="0")[0] == 0


def test_the_proxy_headers_are_ignored_unless_trusted():
    done = manage("shell", "-v", "0", "-c",
                  "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER)")

    assert done.stdout.strip() == "None"
