"""`manage.py serve`: several daphne workers behind one port, each a full server."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.factories import api_client, charge_point, make_station, make_tenant
from tests.server import ROOT, Server, free_port, server_env


@pytest.fixture
def served(database, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2"], cwd=ROOT, env=server_env(), stdout=log.open("w"),
        stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/schema/", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.2)
    yield Server(port, process, log)
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(20)


def _workers(served) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(served.process.pid)], capture_output=True,
                           text=True).stdout.split()
    return [int(pid) for pid in found]


async def test_serve_runs_several_workers_that_each_serve_stations_and_the_api(served):
    assert len(_workers(served)) == 2
    assert (f"Stations connect to ws://127.0.0.1:{served.port}/ocpp/<tenant>/<identity>"
            in served.log())
    tenant = make_tenant()
    async with api_client(served, tenant) as api:
        for _ in range(6):  # whichever worker takes each connection, all of it works
            station, password = make_station(tenant)
            async with charge_point(served, tenant, station, password) as cp:
                await cp.status(1, "Available")
                body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
                assert body["connected"] is True and body["vendor"] == "Simulator"


async def test_serve_restarts_a_worker_that_dies(served):
    first = _workers(served)
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = _workers(served)
        if len(now) == 2 and first[0] not in now:
            break
        time.sleep(0.2)
    assert len(now) == 2 and first[0] not in now
    tenant = make_tenant()
    station, password = make_station(tenant)
    for _ in range(4):  # connections on the restarted worker's socket are served again
        async with charge_point(served, tenant, station, password) as cp:
            assert cp.configuration["HeartbeatInterval"] == "300"


def test_a_child_that_keeps_dying_is_restarted_later_and_later_not_in_a_loop(monkeypatch):
    from cpms.management.commands import serve

    clock = [1000.0]
    monkeypatch.setattr(serve.time, "monotonic", lambda: clock[0])
    restarts = serve.Restarts()
    waits = []
    for _ in range(8):  # dies a second after each start, as with its port taken
        clock[0] += 1
        waits.append(restarts.died())
        assert not restarts.due() or waits[-1] == 0
        clock[0] += waits[-1]
        assert restarts.due()
        restarts.started()
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    clock[0] += 3600  # a long good run: the next death restarts at once
    assert restarts.died() == 0.0 and restarts.due()
