"""The security keys (AuthorizationKey, SecurityProfile) are changed only through the security
endpoints, and the station password never shows: in any case and with white space around the
key, as some stations trim it. (The command API's refusal: tests/test_station_passwords.py; the
redacted log of a ChangeConfiguration: tests/fast/stations/security/test_security_keys.py.)"""

import asyncio
import json
from contextlib import asynccontextmanager

import httpx

from stations.models import Station
from stations.simulator import connect
from tenants.models import Role
from tenants.services import api_token_create
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import api_client, eventually, make_station, make_tenant
from tests.fast.stations.security.test_security_keys import REPORTED, SECRET, SPELLINGS
from tests.test_security import secure_station


async def test_the_dashboard_configuration_form_never_sends_a_security_key(server):
    tenant = make_tenant("Keys")
    station, password = make_station(tenant)
    page = f"/stations/{station.identity}/configuration/"
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        async with secure_station(server, tenant, station, password) as cp:
            answers = [await post(http, f"{page}change/", {"key": key, "value": "0"})
                       for key in ["AuthorizationKey", "SecurityProfile", *SPELLINGS]]
            table = await http.get(page, headers={"HX-Request": "true"})
    finally:
        await http.aclose()
    assert all("security page" in a.text and "Accepted" not in a.text for a in answers)
    assert not [action for action, _ in cp.received if action == "ChangeConfiguration"]
    assert cp.configuration["SecurityProfile"] == "1"
    assert table.status_code == 200 and "HeartbeatInterval" in table.text
    assert 'name="key" value="SecurityProfile"' not in table.text
    assert 'name="key" value="AuthorizationKey"' not in table.text


@asynccontextmanager
async def reporting_station(server, tenant):
    """A station that reports its password under keys spelt with white space (it should not)."""
    station, password = make_station(tenant)
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)

    async def answer():
        async for text in connection:
            frame = json.loads(text)
            if frame[0] == 2 and frame[2] == "GetConfiguration":
                await connection.send(json.dumps([3, frame[1], {"configurationKey": REPORTED}]))

    answering = asyncio.create_task(answer())
    await eventually(lambda: Station.objects.get(pk=station.pk).channel_name)
    try:
        yield station
    finally:
        answering.cancel()
        await connection.close()


async def test_an_accountant_never_reads_a_reported_password_in_the_frame_log(server):
    tenant = make_tenant()
    _, accountant_key = api_token_create(tenant=tenant, role=Role.ACCOUNTANT)
    async with reporting_station(server, tenant) as station, api_client(server, tenant) as api:
        base = f"/api/v1/stations/{station.identity}"
        asked = await api.post(f"{base}/commands/", json={"action": "GetConfiguration"})
        assert asked.status_code == 200
        async with httpx.AsyncClient(base_url=server.http, timeout=20,
                                     headers={"Authorization": f"Token {accountant_key}"}) as read:
            async def logged():
                body = (await read.get(f"{base}/messages/",
                                       params={"action": "GetConfiguration"})).json()
                return body if len(body["results"]) == 2 else None

            frames = await eventually(logged)
    assert SECRET not in json.dumps(frames)
    answer = next(f for f in frames["results"] if f["direction"] == "in")
    assert [k["value"] for k in answer["payload"]["configurationKey"]] == [
        "(redacted)", "(redacted)", "1", "60"]


async def test_the_dashboard_never_shows_a_reported_password_nor_offers_to_change_it(server):
    tenant = make_tenant("Shown")
    http = await logged_in(server, member(tenant, Role.INSTALLER))
    try:
        async with reporting_station(server, tenant) as station:
            table = await http.get(f"/stations/{station.identity}/configuration/",
                                   headers={"HX-Request": "true"})
    finally:
        await http.aclose()
    assert table.status_code == 200 and 'name="key" value="HeartbeatInterval"' in table.text
    assert SECRET not in table.text and "name=\"key\" value=\"AuthorizationKey" not in table.text
    assert 'name="key" value="SecurityProfile"' not in table.text
