"""Roles of API tokens: a manager does everything, an accountant reads everything and writes
money only, an installer does everything about stations and nothing about money (tenants/permissions.py,
through every API view, in process)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from billing.models import Customer
from billing.services import tariff_create
from billing.tasks import price_session_task
from stations.models import ChargingSession
from stations.services.transactions import transaction_start, transaction_stop
from tenants.models import ApiToken
from tenants.permissions import view_area
from tenants.services import api_token_create
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import TenantApi

pytestmark = pytest.mark.django_db

MANAGER, ACCOUNTANT, INSTALLER = "manager", "accountant", "installer"
ENERGY_30 = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]

# (method, path, body, expected status for manager, accountant, installer); destructive ones last.
TABLE = [
    ("GET", "/api/v1/stations/", None, (200, 200, 200)),
    ("OPTIONS", "/api/v1/stations/", None, (200, 200, 200)),
    ("GET", "/api/v1/stations/{station}/", None, (200, 200, 200)),
    ("GET", "/api/v1/stations/{station}/messages/", None, (200, 200, 200)),
    ("POST", "/api/v1/stations/", {"identity": "CP-NEW"}, (201, 403, 201)),
    ("PATCH", "/api/v1/stations/{station}/", {"name": "Renamed"}, (200, 403, 200)),
    ("POST", "/api/v1/stations/{station}/commands/", {"action": "Reset", "payload": {"type": "Soft"}},
     (409, 403, 409)),
    ("POST", "/api/v1/stations/{station}/trigger/", {"requested_message": "Heartbeat"}, (409, 403, 409)),
    ("POST", "/api/v1/stations/{station}/reservations/", {}, (400, 403, 400)),
    ("POST", "/api/v1/stations/{station}/charging-profiles/", {}, (400, 403, 400)),
    ("GET", "/api/v1/id-tags/", None, (200, 200, 200)),
    ("POST", "/api/v1/id-tags/", {"id_tag": "NEW-TAG"}, (201, 403, 201)),
    ("GET", "/api/v1/sessions/", None, (200, 200, 200)),
    ("GET", "/api/v1/sessions/{session}/", None, (200, 200, 200)),
    ("GET", "/api/v1/load-groups/", None, (200, 200, 200)),
    ("POST", "/api/v1/load-groups/", {"name": "Garage", "max_current": 63}, (201, 403, 201)),
    ("GET", "/api/v1/firmware/", None, (200, 200, 200)),
    ("GET", "/api/v1/tariffs/", None, (200, 200, 403)),
    ("POST", "/api/v1/tariffs/", {"name": "Night", "elements": ENERGY_30}, (201, 201, 403)),
    ("GET", "/api/v1/customers/", None, (200, 200, 403)),
    ("POST", "/api/v1/customers/", {"name": "ACME"}, (201, 201, 403)),
    ("PATCH", "/api/v1/customers/{customer}/", {"email": "books@example.com"}, (200, 200, 403)),
    ("GET", "/api/v1/exports/sessions.csv", None, (200, 200, 403)),
    ("GET", "/api/v1/exports/energy.csv", None, (200, 200, 403)),
    ("GET", "/api/v1/exports/revenue.json", None, (200, 200, 403)),
    ("DELETE", "/api/v1/id-tags/{tag}/", None, (204, 403, 204)),
    ("DELETE", "/api/v1/stations/{station}/", None, (204, 403, 204)),
]
ROLES = (MANAGER, ACCOUNTANT, INSTALLER)


def fleet():
    """A tenant with a station, an id tag, a customer, a tariff and one priced session."""
    tenant = make_tenant()
    station, _ = make_station(tenant)
    customer = Customer.objects.create(tenant=tenant, name="Fleet Ltd")
    make_id_tag(tenant, "TAG-R", customer=customer)
    tariff_create(tenant=tenant, name="Standard", currency="EUR", vat_rate="19", idle_grace_minutes=0,
                  elements=ENERGY_30, is_default=True)
    now = datetime.now(UTC) + timedelta(seconds=1)  # after the tariff's creation
    transaction_id, _ = transaction_start(station=station, received_at=now, payload={
        "connectorId": 1, "idTag": "TAG-R", "meterStart": 0, "timestamp": now.isoformat()})
    stop = now + timedelta(seconds=1)
    transaction_stop(station=station, received_at=stop, payload={
        "transactionId": transaction_id, "meterStop": 10_000, "timestamp": stop.isoformat()})
    session = ChargingSession.objects.get(station=station, transaction_id=transaction_id)
    price_session_task.run(session.pk)
    return tenant, {"station": station.identity, "tag": "TAG-R", "customer": customer.pk,
                    "session": session.pk}


def client(tenant, role: str) -> TenantApi:
    return TenantApi(tenant, role)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says_on_every_endpoint(role):
    tenant, names = fleet()
    expected, got = {}, {}
    with client(tenant, role) as api:
        for method, path, body, codes in TABLE:
            response = api.request(method, path.format(**names), json=body)
            expected[f"{method} {path}"] = codes[ROLES.index(role)]
            got[f"{method} {path}"] = response.status_code
    assert got == expected


def test_an_accountant_cannot_send_a_command_to_a_station():
    tenant, names = fleet()
    with client(tenant, ACCOUNTANT) as api:
        response = api.post(f"/api/v1/stations/{names['station']}/commands/",
                                  json={"action": "RemoteStopTransaction", "payload": {"transactionId": 1}})
    assert response.status_code == 403
    assert response.json()["detail"] == "An accountant's token reads stations but does not change them."


def test_an_installer_cannot_download_an_export():
    tenant, _ = fleet()
    with client(tenant, INSTALLER) as api:
        response = api.get("/api/v1/exports/sessions.csv")
    assert response.status_code == 403
    assert "installer" in response.json()["detail"]


def test_an_installer_reads_sessions_without_their_cost():
    tenant, names = fleet()
    cost_fields = {"currency", "cost_net", "cost_vat", "cost", "cost_lines"}
    with client(tenant, INSTALLER) as api:
        listed = (api.get("/api/v1/sessions/")).json()["results"]
        one = (api.get(f"/api/v1/sessions/{names['session']}/")).json()
    with client(tenant, ACCOUNTANT) as api:
        priced = (api.get(f"/api/v1/sessions/{names['session']}/")).json()
    assert not cost_fields & set(listed[0]) and not cost_fields & set(one)
    assert one["energy_wh"] == 10_000 and one["id"] == names["session"]
    assert (priced["cost_net"], priced["cost"]) == ("3.00", "3.57")


def test_another_tenants_objects_are_a_404_whatever_the_role():
    _, names = fleet()
    other = make_tenant()
    for role in ROLES:
        with client(other, role) as api:
            station = api.get(f"/api/v1/stations/{names['station']}/")
            session = api.get(f"/api/v1/sessions/{names['session']}/")
        assert (station.status_code, session.status_code) == (404, 404), role


# Tokens and their roles ------------------------------------------------------------------------

def test_a_token_is_a_manager_unless_given_another_role():
    tenant = make_tenant()
    assert api_token_create(tenant=tenant)[0].role == MANAGER
    assert api_token_create(tenant=tenant, role=INSTALLER)[0].role == INSTALLER
    with pytest.raises(ValueError):
        api_token_create(tenant=tenant, role="owner")


def test_the_apitoken_command_takes_a_role_and_prints_the_key_alone_on_its_last_line():
    tenant = make_tenant()
    out = io.StringIO()
    call_command("apitoken", tenant.slug, "--role", ACCOUNTANT, stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get(tenant=tenant)
    assert token.role == ACCOUNTANT and key.startswith(token.prefix) and " " not in key
    with pytest.raises(CommandError):
        call_command("apitoken", tenant.slug, "--role", "owner", stdout=io.StringIO())


def test_a_views_area_is_its_own_else_its_modules():
    def view(module: str, **attributes):
        return type("View", (), {"__module__": module, **attributes})()

    assert view_area(view("billing.invoices.api")) == "money"  # invoices need no change to be money
    assert view_area(view("billing.exports.api")) == "money"
    assert view_area(view("stations.api")) == "stations"
    assert view_area(view("loadmgmt.api")) == "stations"
    assert view_area(view("stations.api", area="money")) == "money"
