"""The management commands of the public interface, run as an operator would run them, on the
test database; what they print is used against the running server."""

import os
import re
import shlex
import subprocess
import sys

import httpx

from tenants.models import Tenant
from tests.factories import make_tenant
from tests.server import ROOT


def manage(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_createtenant_creates_a_tenant():
    done = manage("createtenant", "acme-energy", "--name", "Acme Energy",
                  "--timezone", "Europe/Vienna")
    assert done.returncode == 0, done.stderr
    tenant = Tenant.objects.get(slug="acme-energy")
    assert (tenant.name, tenant.timezone) == ("Acme Energy", "Europe/Vienna")


def test_createtenant_refuses_a_bad_slug():
    done = manage("createtenant", "Not A Slug!", "--name", "Bad")
    assert done.returncode != 0
    assert "slug" in done.stderr
    assert not Tenant.objects.filter(name="Bad").exists()


def test_createtenant_refuses_an_unknown_timezone():
    done = manage("createtenant", "lost-in-time", "--name", "Lost", "--timezone", "Mars/Olympus")
    assert done.returncode != 0
    assert "timezone" in done.stderr
    assert not Tenant.objects.filter(slug="lost-in-time").exists()


def test_createtenant_refuses_a_taken_slug():
    tenant = make_tenant()
    done = manage("createtenant", tenant.slug, "--name", "Again")
    assert done.returncode != 0
    assert Tenant.objects.filter(slug=tenant.slug).count() == 1


def test_apitoken_prints_a_key_that_works_against_the_api(server):
    tenant = make_tenant()
    done = manage("apitoken", tenant.slug)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", key)
    response = httpx.get(f"{server.http}/api/v1/stations/",
                         headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_apitoken_refuses_an_unknown_tenant():
    done = manage("apitoken", "no-such-tenant")
    assert done.returncode != 0
    assert "no-such-tenant" in done.stderr


def test_the_demo_credentials_run_a_simulated_session_that_the_api_shows(server):
    demo = manage("demo", "--host", f"127.0.0.1:{server.port}")
    assert demo.returncode == 0, demo.stderr
    identity, password = re.search(r"Basic auth\s*:\s*user (\S+)\s+password (\S+)",
                                   demo.stdout).groups()
    key = re.search(r"API token\s*:\s*(\S+)", demo.stdout).group(1)
    assert f"ws://127.0.0.1:{server.port}/ocpp/demo/{identity}" in demo.stdout

    # the simulate line exactly as printed, as a user pastes it
    printed = re.search(r"\.venv/bin/python manage\.py (simulate .*)", demo.stdout).group(1)
    assert password in printed
    run = manage(*shlex.split(printed), "--samples", "2", "--interval", "0.05")
    assert run.returncode == 0, run.stdout + run.stderr
    transaction_id = int(re.search(r"Session (\d+) done", run.stdout).group(1))

    response = httpx.get(f"{server.http}/api/v1/sessions/", params={"station": identity},
                         headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    session = next(s for s in response.json()["results"]
                   if s["transaction_id"] == transaction_id)
    assert session["id_tag"] == "DEMO-TAG-1"
    assert session["energy_wh"] == 3000
    assert session["stopped_at"] is not None
    # the demo's default tariff: 3 kWh at 0.35 net, 19 % VAT (parking is free for 15 minutes)
    assert (session["currency"], session["cost_net"], session["cost"]) == ("EUR", "1.05", "1.25")


def test_a_wrong_password_makes_simulate_fail(server):
    demo = manage("demo", "--host", f"127.0.0.1:{server.port}")
    assert demo.returncode == 0, demo.stderr
    run = manage("simulate", f"{server.ws}/ocpp/demo", "--identity", "DEMO-CP1",
                 "--password", "definitely-not-the-password", "--samples", "1",
                 "--interval", "0")
    assert run.returncode != 0
    assert "Session failed" in run.stderr or "Could not connect" in run.stderr
