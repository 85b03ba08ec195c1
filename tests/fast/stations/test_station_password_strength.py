"""A station password set through the API must be hard to guess, not only 16 characters long
(issue 16, finding 8); the generated ones always are."""

import pytest

from tenants.secrets import new_station_password
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["aaaaaaaaaaaaaaaa", "abcdefghijklmnop", "abababababababab",
                                      "1111111111111111", "zyxwvutsrqponmlk"])
def test_a_guessable_password_is_refused(password):
    tenant = make_tenant()
    with api_client(tenant) as api:
        created = api.post("/api/v1/stations/", json={"identity": "CP-WEAK", "password": password})
        station, _ = make_station(tenant)
        changed = api.patch(f"/api/v1/stations/{station.identity}/", json={"password": password})

    assert created.status_code == changed.status_code == 400
    assert "password" in created.json() and "password" in changed.json()


def test_a_random_password_is_taken():
    tenant = make_tenant()
    with api_client(tenant) as api:
        created = api.post("/api/v1/stations/", json={"identity": "CP-STRONG",
                                                      "password": new_station_password()})

    assert created.status_code == 201
