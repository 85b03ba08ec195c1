"""Settings come from the environment alone: each case loads them in a clean subprocess."""

import json
import os
import subprocess
import sys

from tests.server import ROOT

PROBE = """
import json
import django
from django.core.exceptions import ImproperlyConfigured
try:
    django.setup()
except ImproperlyConfigured as error:
    print(json.dumps({"error": type(error).__name__, "message": str(error)}))
    raise SystemExit(3)
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database": str(settings.DATABASES["default"]["NAME"]),
    "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def load_settings(**environ: str) -> tuple[int, dict]:
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "cpms.settings",
           **environ}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr
    return done.returncode, json.loads(lines[-1])


def test_production_without_a_secret_key_refuses_to_start():
    code, out = load_settings(DJANGO_DEBUG="0")
    assert code == 3
    assert out["error"] == "ImproperlyConfigured"
    assert "SECRET_KEY" in out["message"]


def test_production_with_a_secret_key_starts_without_debug():
    code, out = load_settings(DJANGO_DEBUG="0", SECRET_KEY="s0m3-r4nd0m-k3y-" * 4,
                              ALLOWED_HOSTS="cpms.example", EMAIL_HOST="smtp.cpms.example",
                              OCPP_TRUST_PROXY_HEADERS="1")
    assert code == 0
    assert out["debug"] is False
    assert out["allowed_hosts"] == ["cpms.example"]


def test_a_bad_boolean_fails_loudly():
    code, out = load_settings(DJANGO_DEBUG="maybe")
    assert code == 3
    assert "DJANGO_DEBUG" in out["message"]


def test_bad_gc_thresholds_fail_loudly():
    code, out = load_settings(PYTHON_GC_THRESHOLDS="50000,lots")
    assert code == 3
    assert "PYTHON_GC_THRESHOLDS" in out["message"]


def test_nothing_set_is_the_embedded_default():
    code, out = load_settings()
    assert code == 0
    assert out["engine"] == "django.db.backends.sqlite3"
    assert out["channel_layer"] == "channels.layers.InMemoryChannelLayer"
    assert out["eager"] is True
    assert out["debug"] is True


def test_database_and_redis_urls_select_postgresql_and_redis():
    code, out = load_settings(DATABASE_URL="postgres://cpms:secret@db.example:5432/cpms",
                              REDIS_URL="redis://redis.example:6379/1")
    assert code == 0
    assert out["engine"] == "django.db.backends.postgresql"
    assert out["database"] == "cpms"
    assert out["channel_layer"] == "channels_redis.core.RedisChannelLayer"
    assert out["eager"] is False
    assert out["broker"] == "redis://redis.example:6379/1"
