"""POST /api/v1/stations/<identity>/trigger/ without a station: which variant is sent, a station not
connected is a 409 (the station's answer and errors: tests/test_triggers.py)."""

import pytest

from stations.ocpp.v16.commands import trigger_action
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


def test_the_standard_trigger_is_used_unless_only_the_extended_one_has_the_message():
    assert trigger_action(requested_message="Heartbeat") == "TriggerMessage"
    assert trigger_action(requested_message="DiagnosticsStatusNotification") == "TriggerMessage"
    assert trigger_action(requested_message="Heartbeat", extended=True) == "ExtendedTriggerMessage"
    assert trigger_action(requested_message="LogStatusNotification") == "ExtendedTriggerMessage"
    assert trigger_action(requested_message="SignChargePointCertificate") == "ExtendedTriggerMessage"


def test_a_station_that_is_not_connected_is_a_409():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/trigger/",
                            json={"requested_message": "Heartbeat"})
    assert response.status_code == 409


def _station(version: str):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    station.ocpp_version = version
    station.save(update_fields=["ocpp_version"])
    return tenant, station


@pytest.mark.parametrize(("version", "message", "extended", "code"), [
    ("2.0.1", "TransactionEvent", False, 409),  # valid: the station is only not connected
    ("2.0.1", "DiagnosticsStatusNotification", False, 409),  # asked as LogStatusNotification
    ("2.0.1", "SignChargePointCertificate", False, 400),  # 1.6's name only
    ("1.6", "TransactionEvent", False, 400),  # 2.0.1's message only
    ("1.6", "SignChargePointCertificate", True, 409),
    ("1.6", "DiagnosticsStatusNotification", True, 400),  # not in ExtendedTriggerMessage
])
def test_what_a_station_can_be_asked_depends_on_its_version(version, message, extended, code):
    tenant, station = _station(version)
    with api_client(tenant) as api:
        response = api.post(f"/api/v1/stations/{station.identity}/trigger/",
                            json={"requested_message": message, "extended": extended})
    assert response.status_code == code, response.text
    if code == 400:
        assert f"OCPP {version} station cannot be asked" in response.json()["requested_message"][0]
