"""Customer information on a real OCPP 2.0.1 station over a real WebSocket (N09/N10): the API
sends CustomerInformation, the station's report comes back in parts that the API shows as one
text, a cleared token comes off the station's local list, bad input is a 400 with its reason, a
1.6 station a 400 too, another tenant a 404 (stations/customerinfo/, docs/ocpp201.md)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.authlist.models import LocalList
from stations.customerinfo.services import customer_information_create, customer_information_part_record
from stations.models import CustomerInformation
from stations.ocpp.frames import clean_text
from stations.simulator.v201.customer_information import customer_key
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


def url(station, rest: str = "") -> str:
    return f"/api/v1/stations/{station.identity}/customer-information/{rest}"


async def ask(api, station, expected: int = 201, **body) -> dict:
    response = await api.post(url(station), json=body)
    assert response.status_code == expected, response.text
    return response.json()


async def complete(api, station, asked: dict) -> dict:
    async def done():
        body = (await api.get(url(station, f"{asked['id']}/"))).json()
        return body if body["complete"] else None

    return await eventually(done)


async def test_a_long_report_comes_in_parts_and_reads_as_one_text(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    history = "".join(f"session {n}: 12.5 kWh at EVSE 1; " for n in range(40))  # > 2 parts
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        cp.customer_data[customer_key(id_token="ALICE")] = history
        asked = await ask(api, station, id_token="alice", id_token_type="ISO14443")
        shown = await complete(api, station, asked)
    [sent] = [payload for action, payload in cp.received if action == "CustomerInformation"]
    assert sent == {"request_id": asked["request_id"], "report": True, "clear": False,
                    "id_token": {"id_token": "alice", "type": "ISO14443"}}
    assert asked["status"] == "Accepted" and asked["request"]["idToken"]["idToken"] == "alice"
    assert [p["seq_no"] for p in shown["parts"]] == [0, 1, 2] and shown["parts"][-1]["tbc"] is False
    assert shown["text"] == history and cp.customer_data  # reported, not cleared


async def test_clearing_a_tokens_data_takes_it_off_the_stations_local_list(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BOB")
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        await api.post(f"/api/v1/stations/{station.identity}/local-list/", json={"update_type": "Full"})
        cp.customer_data[customer_key(id_token="ALICE")] = "2 sessions"
        asked = await ask(api, station, id_token="ALICE", report=False, clear=True)
        shown = await complete(api, station, asked)
        again = await ask(api, station, id_token="ALICE", report=False, clear=True)
    removal = [p for action, p in cp.received if action == "SendLocalList"][-1]
    assert (removal["version_number"], removal["update_type"]) == (2, "Differential")
    assert removal["entries"] == [{"id_token": {"id_token": "ALICE", "type": "ISO14443"}}]
    assert set(cp.local_list) == {"BOB"}
    assert shown["text"] == "Cleared." and not cp.customer_data
    assert asked["local_list"] == "Taken off the local list: version 2, Accepted."
    assert again["local_list"] == "Not on the station's local list."
    assert set(LocalList.objects.get(station=station).snapshot) == {"BOB"}


async def test_a_refused_request_keeps_its_answer_and_gets_no_report(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        cp.customer_information_answer = "Invalid"
        asked = await ask(api, station, customer_identifier="OpenChargeAlliance", clear=True)
    assert (asked["state"], asked["status"], asked["parts"]) == ("sent", "Invalid", [])
    assert asked["local_list"] == ""


async def test_bad_input_is_a_400_with_its_reason_and_a_16_station_cannot_carry_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    old, old_password = make_station(tenant)
    certificate = {"hash_algorithm": "MD5", "issuer_name_hash": "a", "issuer_key_hash": "b",
                   "serial_number": "1"}
    async with charge_point_201(server, tenant, station, password), \
            charge_point(server, tenant, old, old_password), api_client(server, tenant) as api:
        none = await ask(api, station, 400)
        two = await ask(api, station, 400, id_token="ALICE", customer_identifier="alice")
        idle = await ask(api, station, 400, id_token="ALICE", report=False)
        md5 = await ask(api, station, 400, customer_certificate=certificate)
        long = await ask(api, station, 400, customer_identifier="x" * 65)
        legacy = await ask(api, old, 400, id_token="ALICE")
    assert "exactly one of" in str(none) and "exactly one of" in str(two)
    assert "a report, a clear, or both" in str(idle)
    assert "hash_algorithm" in md5["customer_certificate"] and "customer_identifier" in long
    assert "OCPP version cannot carry" in legacy["detail"]
    assert CustomerInformation.objects.get(pk=legacy["id"]).state == CustomerInformation.FAILED


async def test_a_2_0_1_station_not_connected_is_a_409_and_the_request_is_kept(server):
    tenant = make_tenant()
    station, _ = make_station(tenant, ocpp_version="2.0.1")  # it was connected once
    async with api_client(server, tenant) as api:
        refused = await ask(api, station, 409, customer_identifier="alice")
        listed = (await api.get(url(station))).json()
    assert [row["id"] for row in listed["results"]] == [refused["id"]]
    assert listed["results"][0]["state"] == "failed"


async def test_another_tenant_gets_404_on_every_customer_information_endpoint(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password), \
            api_client(server, tenant) as api, api_client(server, other) as outsider:
        asked = await ask(api, station, customer_identifier="alice")
        answers = [await outsider.get(url(station)),
                   await outsider.post(url(station), json={"customer_identifier": "alice"}),
                   await outsider.get(url(station, f"{asked['id']}/"))]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert CustomerInformation.objects.filter(station=station).count() == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=20).map(clean_text), min_size=1, max_size=6),  # as the link cleans
       st.randoms(use_true_random=False))
def test_parts_in_any_order_and_repeated_read_as_the_text_in_seq_no_order(database, texts, rng):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    row = customer_information_create(station=station, report=True, clear=False,
                                      customer_identifier="alice")
    parts = [(n, text, n < len(texts) - 1) for n, text in enumerate(texts)]
    arrivals = parts + rng.sample(parts, k=min(2, len(parts)))
    rng.shuffle(arrivals)
    completed = []
    for seq_no, data, tbc in arrivals:
        customer_information_part_record(station_id=station.pk, request_id=row.request_id,
                                         seq_no=seq_no, tbc=tbc, data=data,
                                         generated_at=row.created_at, received_at=row.created_at)
        completed.append(CustomerInformation.objects.get(pk=row.pk).completed_at is not None)
    row.refresh_from_db()
    assert "".join(part.data for part in row.parts.all()) == "".join(texts)
    assert completed.index(True) == max(arrivals.index(part) for part in parts)


async def test_a_tenant_wide_request_asks_every_2_0_1_station_and_keeps_the_unreachable(server):
    tenant, other = make_tenant(), make_tenant()
    make_id_tag(tenant, "ALICE")
    first, first_password = make_station(tenant, "GDPR-A")
    second, second_password = make_station(tenant, "GDPR-B")
    offline, _ = make_station(tenant, "GDPR-C", ocpp_version="2.0.1")
    legacy, legacy_password = make_station(tenant, "GDPR-D")
    async with charge_point_201(server, tenant, first, first_password) as cp_a, \
            charge_point_201(server, tenant, second, second_password) as cp_b, \
            charge_point(server, tenant, legacy, legacy_password), \
            api_client(server, tenant) as api, api_client(server, other) as outsider:
        cp_a.customer_data[customer_key(id_token="ALICE")] = "at A"
        response = await api.post("/api/v1/customer-information/",
                                  json={"id_token": "ALICE", "clear": True})
        listed = (await api.get("/api/v1/customer-information/")).json()
        unseen = (await outsider.get("/api/v1/customer-information/")).json()
    assert response.status_code == 201, response.text
    body = {row["station"]: row for row in response.json()}
    assert set(body) == {"GDPR-A", "GDPR-B", "GDPR-C"}  # the 1.6 station has no such message
    assert [body[s]["status"] for s in ("GDPR-A", "GDPR-B")] == ["Accepted", "Accepted"]
    assert body["GDPR-C"]["state"] == "failed" and body["GDPR-C"]["error"]["status_code"] == 409
    assert not cp_a.customer_data and cp_b.received[-1][0] == "CustomerInformation"
    assert listed["count"] == 3 and unseen["count"] == 0
