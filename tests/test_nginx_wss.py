"""The plain-host deployment for real: the nginx site of deploy/ with a self-signed certificate
in front of two server processes. A station connects over wss:// with Basic auth (OCPP Security
profile 2), charges, and commands reach it whichever process serves the API call."""

import asyncio
import ssl

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from stations.simulator import SimulatedChargePoint, connect
from tests.conftest import needs_redis
from tests.factories import api_client, eventually, make_id_tag, make_station, make_tenant
from tests.nginx import needs_nginx, running_nginx

pytestmark = [
    needs_redis,
    needs_nginx,
]


@pytest.fixture
def nginx(server, second_server, tmp_path):
    with running_nginx(tmp_path, [server.port, second_server.port]) as proxy:
        yield proxy


async def test_a_station_charges_over_wss_behind_nginx_and_commands_reach_it(nginx, server):
    port, cert = nginx
    tls = ssl.create_default_context(cafile=str(cert))
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "WSS-TAG")
    connection = await connect(f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}", station.identity,
                               password, ssl=tls)
    assert connection.subprotocol == "ocpp1.6"
    cp = SimulatedChargePoint(station.identity, connection)
    runner = asyncio.create_task(cp.start())
    try:
        await cp.boot()
        start = await cp.start_transaction(1, "WSS-TAG")
        await cp.meter_values(1, 2500)
        await cp.stop_transaction(1)
        async with api_client(server, tenant) as direct:
            key = direct.headers["Authorization"]
        async with httpx.AsyncClient(base_url=f"https://127.0.0.1:{port}", verify=tls,
                                     headers={"Authorization": key}, timeout=20) as api:
            # nginx sends these round-robin to both processes; every one reaches the station.
            for _ in range(4):
                response = await api.post(f"/api/v1/stations/{station.identity}/commands/",
                                          json={"action": "Reset", "payload": {"type": "Soft"}})
                assert response.status_code == 200, response.text
                assert response.json()["response"] == {"status": "Accepted"}

            async def stopped_session():
                body = (await api.get("/api/v1/sessions/",
                                      params={"station": station.identity})).json()
                return body["results"][0] if body["results"] else None

            session = await eventually(stopped_session)
    finally:
        runner.cancel()
        await connection.close()
    assert session["transaction_id"] == start.transaction_id
    assert session["energy_wh"] == 2500
    assert [name for name, _ in cp.received].count("Reset") == 4


async def test_a_wrong_password_is_refused_over_wss_too(nginx):
    port, cert = nginx
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with pytest.raises(InvalidStatus):
        await connect(f"wss://127.0.0.1:{port}/ocpp/{tenant.slug}", station.identity,
                      "not-the-password-0123456789",
                      ssl=ssl.create_default_context(cafile=str(cert)))
