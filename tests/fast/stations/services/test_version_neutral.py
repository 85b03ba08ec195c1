"""The version-neutral fields in process: a session found by its transaction id as either
version names it, meter values matched to a session by a string id, a token's type in
authorization, and the device model endpoint scoped to the tenant (docs/domain-model.md; the
1.6 path end to end over a real WebSocket: tests/test_domain_model.py)."""

from datetime import UTC, datetime

import pytest

from stations.models import ChargingSession, IdTag, MeterSample, VariableAttribute
from stations.selectors import sessions_by_transaction_id
from stations.services.authorization import id_tag_info
from stations.services.batch import Batch, MeterValuesItem, batch_write
from stations.services.device_model import configuration_recorded
from stations.services.meter_values import samples_from
from stations.services.transactions import transaction_start
from tests.factories import make_id_tag, make_station

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def station(tenant):
    return make_station(tenant)[0]


def a_2_0_1_session(station, transaction_id: str) -> ChargingSession:
    """As a 2.0.1 adapter will make it: the station's string id, no integer of ours."""
    return ChargingSession.objects.create(
        tenant_id=station.tenant_id, station=station, connector_id=1, evse_id=1,
        station_transaction_id=transaction_id, id_tag="04A2", id_token_type="ISO14443",
        started_at=AT, meter_start=0)


def test_a_1_6_session_is_found_by_its_integer_and_by_its_string(station):
    transaction_id, _ = transaction_start(station=station, received_at=AT, payload={
        "connectorId": 1, "idTag": "ANY", "meterStart": 0, "timestamp": AT.isoformat()})
    session = ChargingSession.objects.get(station=station)
    assert session.station_transaction_id == str(transaction_id)
    for named in (transaction_id, str(transaction_id)):
        assert sessions_by_transaction_id(station_id=station.pk, transaction_id=named).get() == session


def test_a_2_0_1_session_is_found_by_its_string_only_at_its_station(station, tenant):
    session = a_2_0_1_session(station, "f6a1c1e0-4b7e-4a49-9a7e-2f1d2c3b4a5e")
    other = make_station(tenant)[0]
    found = sessions_by_transaction_id(station_id=station.pk,
                                       transaction_id="f6a1c1e0-4b7e-4a49-9a7e-2f1d2c3b4a5e")
    assert found.get() == session
    assert not sessions_by_transaction_id(station_id=other.pk,
                                          transaction_id=session.station_transaction_id).exists()


def test_meter_values_with_a_string_transaction_id_go_to_its_session(station):
    session = a_2_0_1_session(station, "TX-A")
    samples = samples_from([{"timestamp": AT.isoformat(), "sampledValue": [{"value": "1234"}]}],
                           station_id=station.pk, connector_id=1, received_at=AT)
    batch_write(Batch(meter_values=[MeterValuesItem(station.pk, 1, "TX-A", samples)]))
    sample = MeterSample.objects.get(station=station)
    assert (sample.session_id, sample.evse_id) == (session.pk, 1)
    session.refresh_from_db()
    assert session.meter_last == 1234


def test_a_token_type_given_must_be_the_tags_and_a_1_6_tag_comes_without_one(tenant):
    make_id_tag(tenant, "NL-ABC-1", token_type="eMAID")
    assert id_tag_info(tenant_id=tenant.pk, id_tag="nl-abc-1")["status"] == "Accepted"
    assert id_tag_info(tenant_id=tenant.pk, id_tag="NL-ABC-1", token_type="eMAID")["status"] == "Accepted"
    assert id_tag_info(tenant_id=tenant.pk, id_tag="NL-ABC-1", token_type="ISO14443") == {
        "status": "Invalid"}


def test_the_device_model_endpoint_shows_the_stations_components_to_its_tenant_only(
        station, owner_api, member_api, outsider_api):
    configuration_recorded(station_id=station.pk, response={"configurationKey": [
        {"key": "HeartbeatInterval", "readonly": False, "value": "300"}]})
    url = f"/api/v1/stations/{station.identity}/device-model/"
    body = owner_api.get(url).json()
    assert body["count"] == 1
    [variable] = body["results"][0]["variables"]
    assert (variable["name"], variable["attributes"][0]["value"]) == ("HeartbeatInterval", "300")
    assert member_api.get(url).status_code == 200
    assert outsider_api.get(url).status_code == 404
    assert VariableAttribute.objects.count() == 1


def test_the_dashboards_id_tag_form_sets_the_token_type_and_keeps_it_when_not_sent(tenant, owner_web):
    tag = {"id_tag": "NL-XYZ-9", "name": "Contract", "status": "Accepted", "priority": "0",
           "token_type": "eMAID"}
    created = owner_web.post("/id-tags/new/", tag)
    card = IdTag.objects.get(tenant=tenant, id_tag="NL-XYZ-9")
    form = owner_web.get(f"/id-tags/{card.pk}/")
    edited = owner_web.post(f"/id-tags/{card.pk}/", {k: v for k, v in tag.items() if k != "token_type"}
                            | {"name": "Renamed"})
    card.refresh_from_db()
    assert created.status_code == edited.status_code == 302
    assert '<option value="eMAID" selected>' in form.content.decode()
    assert (card.token_type, card.name) == ("eMAID", "Renamed")


def test_sessions_filter_by_the_stations_transaction_id_and_id_tags_by_token_type(
        tenant, station, owner_api):
    a_2_0_1_session(station, "TX-B")
    a_2_0_1_session(station, "TX-C")
    make_id_tag(tenant, "CARD")
    make_id_tag(tenant, "APP", token_type="Central")
    sessions = owner_api.get("/api/v1/sessions/", params={"station_transaction_id": "TX-B"}).json()
    tags = owner_api.get("/api/v1/id-tags/", params={"token_type": "Central"}).json()
    wrong = owner_api.get("/api/v1/id-tags/", params={"token_type": "Barcode"})
    assert [s["station_transaction_id"] for s in sessions["results"]] == ["TX-B"]
    assert [t["id_tag"] for t in tags["results"]] == ["APP"]
    assert wrong.status_code == 400


def test_a_station_never_connected_has_no_version_and_no_evses(station, owner_api):
    body = owner_api.get(f"/api/v1/stations/{station.identity}/").json()
    assert (body["ocpp_version"], body["evses"]) == ("", [])
