"""The version-neutral domain filled from 1.6 stations over a real WebSocket: EVSEs, the
transaction id as a string, id token types, EVSEs on samples and statuses, the device model
learnt from configuration answers, and the API fields that show them (docs/domain-model.md)."""

from datetime import UTC, datetime

from ocpp.routing import on
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

from stations.models import (
    CONFIGURATION_KEYS,
    ChargingSession,
    Connector,
    Evse,
    MeterSample,
    StatusEvent,
    VariableAttribute,
)
from stations.selectors import sessions_by_transaction_id
from stations.simulator import SimulatedChargePoint
from stations.smartcharging.models import ChargingProfile
from tenants.models import Role
from tests.dashboard_helpers import logged_in, post
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.test_admin import make_user


def iso_now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


async def test_a_1_6_connector_is_its_own_evse_in_the_rows_and_the_api(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        for connector_id in (0, 1, 2):
            await cp.status(connector_id, "Available")
        await cp.status(2, "Charging")
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    shown = {c["connector_id"]: (c["evse_id"], c["evse_connector_id"]) for c in body["connectors"]}
    assert shown == {0: (0, 0), 1: (1, 1), 2: (2, 1)}
    assert body["evses"] == [
        {"evse_id": 1, "connectors": [{"connector_id": 1, "evse_connector_id": 1, "status": "Available"}]},
        {"evse_id": 2, "connectors": [{"connector_id": 2, "evse_connector_id": 1, "status": "Charging"}]}]
    assert body["ocpp_version"] == "1.6"
    stored = set(Connector.objects.filter(station=station)
                 .values_list("connector_id", "evse_id", "evse_connector_id"))
    assert stored == {(0, 0, 0), (1, 1, 1), (2, 2, 1)}
    assert list(Evse.objects.filter(station=station).values_list("evse_id", flat=True)) == [0, 1, 2]
    assert set(StatusEvent.objects.filter(station=station)
               .values_list("connector_id", "evse_id")) == {(0, 0), (1, 1), (2, 2)}


async def test_a_session_has_its_evse_its_transaction_id_as_a_string_and_its_token_type(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "app-7", token_type="Central")
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        cp.connectors[2].meter_wh = 5_000
        central = await cp.start_transaction(2, "APP-7")  # a tag in any case is the tag
        await cp.meter_values(2, 1_500)
        card = await cp.start_transaction(1, "UNKNOWN-CARD")
        await cp.stop_transaction(2)
        async with api_client(server, tenant) as api:
            listed = (await api.get("/api/v1/sessions/", params={"station": station.identity})).json()
    sessions = {s["transaction_id"]: s for s in listed["results"]}
    mine = sessions[central.transaction_id]
    assert (mine["evse_id"], mine["station_transaction_id"], mine["id_token_type"]) == (
        2, str(central.transaction_id), "Central")
    assert mine["energy_wh"] == 1_500
    assert mine["ocpp_transaction_id"] == mine["station_transaction_id"]  # the contract's name
    other = sessions[card.transaction_id]
    assert (other["evse_id"], other["station_transaction_id"], other["id_token_type"]) == (
        1, str(card.transaction_id), "ISO14443")
    session = ChargingSession.objects.get(pk=mine["id"])
    samples = MeterSample.objects.filter(session=session)
    assert samples.exists() and set(samples.values_list("evse_id", flat=True)) == {2}


async def test_one_selector_finds_a_session_by_its_integer_or_its_string_transaction_id(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "DRIVER")
    by_integer = sessions_by_transaction_id(station_id=station.pk, transaction_id=start.transaction_id)
    by_string = sessions_by_transaction_id(station_id=station.pk,
                                           transaction_id=str(start.transaction_id))
    assert list(by_integer) == list(by_string) and len(by_string) == 1
    assert not sessions_by_transaction_id(station_id=make_station(tenant)[0].pk,
                                          transaction_id=str(start.transaction_id)).exists()


async def test_a_stop_without_its_start_keeps_the_stations_id_as_a_string_too(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        await cp.call(call.StopTransaction(meter_stop=900, timestamp=iso_now(), transaction_id=4711))
    session = ChargingSession.objects.get(station=station, transaction_id=4711)
    assert (session.station_transaction_id, session.evse_id, session.start_missing) == ("4711", 0, True)


async def test_an_id_tag_has_a_token_type_iso14443_by_default_and_only_from_the_choices(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api:
        card = await api.post("/api/v1/id-tags/", json={"id_tag": "CARD-1"})
        contract = await api.post("/api/v1/id-tags/", json={"id_tag": "NL-ABC-123", "token_type": "eMAID"})
        wrong = await api.post("/api/v1/id-tags/", json={"id_tag": "X-1", "token_type": "Barcode"})
        renamed = await api.patch("/api/v1/id-tags/card-1/", json={"token_type": "ISO15693"})
        kept = await api.put("/api/v1/id-tags/NL-ABC-123/", json={"id_tag": "NL-ABC-123", "name": "Fleet"})
    assert card.status_code == 201 and card.json()["token_type"] == "ISO14443"
    assert contract.status_code == 201 and contract.json()["token_type"] == "eMAID"
    assert wrong.status_code == 400 and "token_type" in wrong.json()
    assert renamed.status_code == 200 and renamed.json()["token_type"] == "ISO15693"
    assert kept.status_code == 200 and kept.json()["token_type"] == "eMAID"  # unchanged unless sent
    async with charge_point(server, tenant, station, password) as cp:  # any type authorizes as before
        assert await cp.authorize("nl-abc-123") == "Accepted"
        assert await cp.authorize("card-1") == "Accepted"


class StationWithReadOnlyKeys(SimulatedChargePoint):
    """Reports NumberOfConnectors read-only, a password it should not, and one key unknown."""

    @on(Action.get_configuration)
    async def on_get_configuration(self, key=None, **kwargs):
        keys = [{"key": k, "readonly": k == "NumberOfConnectors", "value": v}
                for k, v in self.configuration.items()]
        keys.append({"key": "AuthorizationKey", "readonly": False, "value": "secret-password"})
        return call_result.GetConfiguration(configuration_key=keys, unknown_key=["Gone"])


def stored_configuration(station) -> dict:
    return {a.variable.name: (a.value, a.mutability, a.source) for a in VariableAttribute.objects
            .filter(variable__component__station=station,
                    variable__component__name=CONFIGURATION_KEYS).select_related("variable")}


async def test_a_configuration_answer_is_kept_in_the_device_model_and_shown_by_the_api(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    other, _ = make_station(make_tenant())
    async with charge_point(server, tenant, station, password, cls=StationWithReadOnlyKeys) as cp:
        async with api_client(server, tenant) as api:
            command = f"/api/v1/stations/{station.identity}/commands/"
            read = await api.post(command, json={"action": "GetConfiguration", "payload": {}})
            changed = await api.post(command, json={"action": "ChangeConfiguration", "payload": {
                "key": "MeterValueSampleInterval", "value": "15"}})
            refused = await api.post(command, json={"action": "ChangeConfiguration", "payload": {
                "key": "HeartbeatInterval", "value": "soon"}})
            model = await api.get(f"/api/v1/stations/{station.identity}/device-model/")
            foreign = await api.get(f"/api/v1/stations/{other.identity}/device-model/")
    assert read.status_code == changed.status_code == refused.status_code == 200
    assert cp.configuration["MeterValueSampleInterval"] == "15"
    stored = stored_configuration(station)
    assert stored["NumberOfConnectors"] == ("1", "ReadOnly", "get")
    assert stored["MeterValueSampleInterval"] == ("15", "ReadWrite", "set")
    assert stored["HeartbeatInterval"][0] == "300"  # the rejected change left it as reported
    assert "AuthorizationKey" not in stored and "Gone" not in stored
    assert model.status_code == 200 and foreign.status_code == 404
    [component] = model.json()["results"]
    assert component["name"] == CONFIGURATION_KEYS
    variables = {v["name"]: v["attributes"] for v in component["variables"]}
    assert variables["NumberOfConnectors"][0] | {"updated_at": None} == {
        "type": "Actual", "value": "1", "mutability": "ReadOnly", "persistent": False,
        "constant": False, "source": "get", "updated_at": None}


async def test_a_key_the_station_reports_unknown_leaves_the_device_model(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        async with api_client(server, tenant) as api:
            command = f"/api/v1/stations/{station.identity}/commands/"
            await api.post(command, json={"action": "GetConfiguration", "payload": {}})
            assert "HeartbeatInterval" in stored_configuration(station)
            del cp.configuration["HeartbeatInterval"]  # a new firmware dropped it
            await api.post(command, json={"action": "GetConfiguration",
                                          "payload": {"key": ["HeartbeatInterval"]}})
    assert "HeartbeatInterval" not in stored_configuration(station)
    assert "MeterValueSampleInterval" in stored_configuration(station)


async def test_the_station_page_shows_the_configuration_as_last_learnt(server):
    tenant = make_tenant("Learnt")
    station, password = make_station(tenant)
    http = await logged_in(server, make_user(tenant=tenant, role=Role.INSTALLER))
    try:
        async with charge_point(server, tenant, station, password):
            before = await http.get(f"/stations/{station.identity}/")
            await http.get(f"/stations/{station.identity}/configuration/", headers={"HX-Request": "true"})
            await post(http, f"/stations/{station.identity}/configuration/change/",
                       {"key": "MeterValueSampleInterval", "value": "30"})
        page = await http.get(f"/stations/{station.identity}/")
    finally:
        await http.aclose()
    assert "stored-configuration" not in before.text
    assert 'id="stored-configuration"' in page.text
    assert "MeterValueSampleInterval" in page.text and "<code>30</code>" in page.text


async def test_a_charging_profile_names_its_evse_and_its_transaction_as_a_string(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "DRIVER")
        async with api_client(server, tenant) as api:
            sent = await api.post(f"/api/v1/stations/{station.identity}/charging-profiles/", json={
                "connector_id": 1, "charging_profile": {
                    "chargingProfileId": 9, "stackLevel": 0, "chargingProfilePurpose": "TxProfile",
                    "chargingProfileKind": "Relative", "transactionId": start.transaction_id,
                    "chargingSchedule": {"chargingRateUnit": "A",
                                         "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10}]}}})
    assert sent.status_code in (200, 201), sent.text
    body = sent.json()
    assert (body["evse_id"], body["station_transaction_id"]) == (1, str(start.transaction_id))
    row = await eventually(lambda: ChargingProfile.objects.filter(station=station).first())
    assert (row.evse_id, row.station_transaction_id) == (1, str(start.transaction_id))
