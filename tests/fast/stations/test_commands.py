"""Commands from the API to a station that is not connected: a 409 (commands a real station
answers, on any process: tests/test_commands.py)."""


import pytest

from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


def command(action: str, payload: dict | None = None) -> dict:
    return {"action": action, "payload": payload or {}}


def test_a_command_to_a_station_that_is_not_connected_is_a_409():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/commands/",
                            json=command("Reset", {"type": "Soft"}))
    assert response.status_code == 409


def _station(version: str):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    station.ocpp_version = version
    station.save(update_fields=["ocpp_version"])
    return tenant, station


@pytest.mark.parametrize(("version", "action", "payload"), [
    ("2.0.1", "RemoteStartTransaction", {"idTag": "TAG"}),
    ("2.0.1", "GetConfiguration", {}),
    ("1.6", "RequestStartTransaction", {"idToken": {"idToken": "TAG", "type": "ISO14443"},
                                        "remoteStartId": 1}),
    ("1.6", "GetVariables", {"getVariableData": []}),
])
def test_an_action_of_the_other_version_is_a_400_naming_the_station_s(version, action, payload):
    tenant, station = _station(version)
    with api_client(tenant) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/commands/",
                            json=command(action, payload))
    assert response.status_code == 400
    assert f"the station speaks OCPP {version}" in response.json()["action"][0]


def test_a_2_0_1_payload_is_checked_against_the_2_0_1_schema_in_2_0_1_words():
    tenant, station = _station("2.0.1")
    with api_client(tenant) as api:
        bad = api.post(f"/api/v1/stations/{station.identity}/commands/",
                       json=command("Reset", {"type": "Soft"}))
        good = api.post(f"/api/v1/stations/{station.identity}/commands/",
                        json=command("Reset", {"type": "OnIdle", "evseId": 1}))
    assert bad.status_code == 400
    assert bad.json()["payload"][0].startswith(("FormatViolation", "PropertyConstraintViolation"))
    assert good.status_code == 409  # valid, but the station is not connected
