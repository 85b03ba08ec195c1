"""PublishFirmware and UnpublishFirmware on an OCPP 2.0.1 local controller over a real
WebSocket (the simulated station plays the controller): through the API and the station page,
the controller's statuses stored and shown, the API's 400s, another tenant's 404, a 1.6 station
refused, accountants only read (docs/ocpp201.md, "Firmware"; docs/api.md)."""

import secrets

from stations.firmware.models import FirmwarePublication
from stations.simulator.v201 import SimulatedChargePoint201
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import api_client, charge_point, charge_point_201, eventually, make_station, make_tenant

LOCATION = "https://images.example.com/controller.bin"


def url(station, rest: str = "publications/") -> str:
    return f"/api/v1/stations/{station.identity}/firmware/{rest}"


async def published(station, md5: str) -> FirmwarePublication:
    return await eventually(lambda: FirmwarePublication.objects.filter(
        station=station, checksum=md5, state="published").first())


async def test_an_image_is_published_then_unpublished_and_its_statuses_kept(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    md5 = secrets.token_hex(16)
    async with charge_point_201(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        created = await api.post(url(station), json={"location": LOCATION, "checksum": md5.upper(),
                                                      "retries": 2, "retry_interval": 30})
        row = await published(station, md5)
        listed = (await api.get(url(station))).json()
        gone = await api.post(url(station, "unpublish/"), json={"checksum": md5})
        again = await api.post(url(station, "unpublish/"), json={"checksum": md5})
    assert created.status_code == 201, created.text
    assert created.json()["response"] == {"status": "Accepted"}
    [sent] = [p for a, p in cp.received if a == "PublishFirmware"]
    assert sent == {"location": LOCATION, "checksum": md5, "request_id": row.request_id,
                    "retries": 2, "retry_interval": 30}
    assert row.published_locations == cp.served_at(md5)
    assert [e["status"] for e in row.history][-1] == "Published"
    assert listed["count"] == 1 and listed["results"][0]["state"] == "published"
    assert gone.json() == {"status": "Unpublished", "unpublished": 1}
    assert again.json() == {"status": "NoFirmware", "unpublished": 0}
    await row.arefresh_from_db()
    assert (row.state, row.unpublish_status) == ("unpublished", "NoFirmware")


async def test_a_refused_publication_is_rejected_with_the_answer(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    refusing = type("Refusing", (SimulatedChargePoint201,), {"publish_answer": "Rejected"})
    async with charge_point_201(server, tenant, station, password, cls=refusing), \
            api_client(server, tenant) as api:
        created = await api.post(url(station), json={"location": LOCATION, "checksum": "0" * 32})
    assert created.status_code == 201
    assert (created.json()["state"], created.json()["failure_reason"]) == (
        "rejected", "The station answered Rejected.")


async def test_bad_input_is_a_400_a_1_6_station_is_refused_and_another_tenant_gets_404(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    old, old_password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password), \
            charge_point(server, tenant, old, old_password), \
            api_client(server, tenant) as api, api_client(server, other) as outsider, \
            api_client(server, tenant, role="accountant") as accountant:
        bad = [await api.post(url(station), json=body) for body in (
            {"location": LOCATION, "checksum": "not-an-md5"},
            {"location": "not a url", "checksum": "0" * 32},
            {"checksum": "0" * 32},
            {"location": LOCATION, "checksum": "0" * 32, "retries": -1})]
        bad_unpublish = await api.post(url(station, "unpublish/"), json={"checksum": "z" * 32})
        one_six = [await api.post(url(old), json={"location": LOCATION, "checksum": "0" * 32}),
                   await api.post(url(old, "unpublish/"), json={"checksum": "0" * 32})]
        foreign = [await outsider.get(url(station)),
                   await outsider.post(url(station), json={"location": LOCATION, "checksum": "0" * 32}),
                   await outsider.post(url(station, "unpublish/"), json={"checksum": "0" * 32})]
        read = await accountant.get(url(station))
        write = await accountant.post(url(station), json={"location": LOCATION, "checksum": "0" * 32})
    assert [b.status_code for b in bad] == [400] * 4 and "checksum" in bad[0].json()
    assert bad_unpublish.status_code == 400
    assert [r.status_code for r in one_six] == [400, 400]
    assert "OCPP 2.0.1 message" in one_six[0].json()["non_field_errors"][0]
    assert [f.status_code for f in foreign] == [404] * 3
    assert read.status_code == 200 and write.status_code == 403
    assert not await FirmwarePublication.objects.filter(station__in=[station, old]).aexists()


async def test_the_station_page_publishes_and_shows_the_publication(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    md5 = secrets.token_hex(16)
    http = await logged_in(server, member(tenant, Role.INSTALLER))
    async with charge_point_201(server, tenant, station, password) as cp:
        answer = await post(http, f"/stations/{station.identity}/firmware/publish/",
                            {"location": LOCATION, "checksum": md5})
        bad = await post(http, f"/stations/{station.identity}/firmware/publish/",
                         {"location": LOCATION, "checksum": "short"})
        await published(station, md5)
        page = await http.get(f"/stations/{station.identity}/")
    assert answer.status_code == 200 and "PublishFirmware:" in answer.text and "Accepted" in answer.text
    assert bad.status_code == 400 and "32 hex digits" in bad.text
    assert 'id="h-publications"' in page.text and cp.served_at(md5)[0] in page.text
    assert "Publish firmware" in page.text


async def test_accountants_see_publications_but_cannot_publish(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    http = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    async with charge_point_201(server, tenant, station, password):
        page = await http.get(f"/stations/{station.identity}/")
        refused = await post(http, f"/stations/{station.identity}/firmware/publish/",
                             {"location": LOCATION, "checksum": "0" * 32})
    assert 'id="h-publications"' in page.text and "Publish firmware" not in page.text
    assert refused.status_code == 403


async def test_the_raw_commands_endpoint_sends_firmware_messages_through_their_endpoints(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        raw = [await api.post(f"/api/v1/stations/{station.identity}/commands/", json={
            "action": action, "payload": payload}) for action, payload in (
            ("UpdateFirmware", {"requestId": 1, "firmware": {"location": LOCATION,
                                                             "retrieveDateTime": "2026-01-01T00:00:00Z"}}),
            ("PublishFirmware", {"location": LOCATION, "checksum": "0" * 32, "requestId": 1}),
            ("UnpublishFirmware", {"checksum": "0" * 32}))]
    assert [r.status_code for r in raw] == [400, 400, 400]
    assert [r.json()["action"][0].split(" endpoint")[0].rsplit(" ", 1)[-1] for r in raw] == [
        "firmware/", "firmware/publications/", "firmware/unpublish/"]
    assert not [a for a, _ in cp.received if a in ("UpdateFirmware", "PublishFirmware", "UnpublishFirmware")]
