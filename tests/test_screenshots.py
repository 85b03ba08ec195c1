"""`manage.py screenshots` makes the README's pictures of the main pages from a running server."""

import subprocess
import sys

from tests.browser import member, needs_chromium
from tests.factories import make_station, make_tenant
from tests.server import ROOT, server_env
from tests.test_admin import PASSWORD

pytestmark = needs_chromium


def test_the_command_saves_a_picture_of_each_main_page(server, tmp_path):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    user = member(tenant, "manager")
    run = subprocess.run(
        [sys.executable, "manage.py", "screenshots", str(tmp_path), "--url", server.http,
         "--username", user.username, "--password", PASSWORD, "--station", station.identity],
        cwd=ROOT, env=server_env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    pictures = {path.name: path.read_bytes() for path in tmp_path.glob("*.png")}
    assert {"overview.png", "stations.png", "station.png", "sessions.png", "tariffs.png",
            "load-groups.png", "invoices.png", "onboarding.png"} <= set(pictures)
    assert all(data.startswith(b"\x89PNG") and len(data) > 5_000 for data in pictures.values())
