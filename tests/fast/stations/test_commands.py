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
