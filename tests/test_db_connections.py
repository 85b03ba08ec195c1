"""The server's database connections: HTTP requests do not pile them up, and the station link
takes new ones when PostgreSQL drops its own."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from ocpp.v16 import call

from stations.models import StatusEvent
from tests.factories import api_client, charge_point, eventually, make_station, make_tenant
from tests.server import ROOT, server_env, start_server

needs_postgres = pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                                    reason="counts and ends PostgreSQL's connections")


@pytest.fixture
def named_server(database, tmp_path):
    """A server of the test's own whose connections carry a name of their own."""
    name = f"cpms-test-{os.getpid()}-{tmp_path.name}"[:60]
    srv = start_server(server_env() | {"DB_APPLICATION_NAME": name}, tmp_path)
    srv.application_name = name
    yield srv
    srv.stop()


def _connections_of(server, terminate: bool = False) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {'pg_terminate_backend(pid)' if terminate else 'pid'} "
                       "FROM pg_stat_activity WHERE application_name = %s",
                       [server.application_name])
        return len(cursor.fetchall())


@needs_postgres
async def test_api_requests_do_not_leave_a_connection_each(named_server):
    tenant = make_tenant()
    async with api_client(named_server, tenant) as api:
        for _ in range(60):  # each request runs in a thread of its own under ASGI
            assert (await api.get("/api/v1/stations/")).status_code == 200
    assert _connections_of(named_server) < 5


@needs_postgres
async def test_the_station_link_takes_new_connections_after_postgresql_dropped_them(
        named_server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(named_server, tenant, station, password) as cp:
        assert _connections_of(named_server, terminate=True) > 0
        answers = []
        for status in ("Preparing", "Charging", "SuspendedEV", "Finishing", "Available"):
            answers.append(await cp.call(call.StatusNotification(
                connector_id=1, error_code="NoError", status=status)))
    # The batch that met a dead connection is written again on a new one: nothing is lost.
    assert None not in answers, answers
    await eventually(lambda: StatusEvent.objects.filter(station=station,
                                                        status="Available").exists())


def test_the_asgi_application_freezes_start_up_objects_and_raises_the_gc_thresholds():
    probe = ("import gc, cpms.asgi; from django.conf import settings; "
             "print(gc.get_freeze_count() > 10_000, "
             "gc.get_threshold() == settings.PYTHON_GC_THRESHOLDS)")
    env = os.environ | {"PYTHON_GC_THRESHOLDS": "20000,30,40"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.split() == ["True", "True"]
