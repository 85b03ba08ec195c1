"""Money is for money roles, whatever the endpoint (issue 16, findings 4, 11, 12): an installer
neither sets nor reads a station's or load group's tariff, nor an id tag's customer or free
charging (the API refuses with 403 naming the field; the dashboard shows none of it, the sessions
CSV included); and a reference to another tenant's tariff, customer or load group gets the same
words as one to an id that does not exist."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Max

from billing.models import Customer, StationTariff, Tariff
from billing.selectors import group_tariff_of
from billing.services import tariff_create
from loadmgmt.models import LoadGroup
from stations.models import IdTag
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in
from tests.factories import api_client, make_id_tag, make_station, make_tenant, set_station_tariff
from tests.test_dashboard_money import charged, rows_of

ENERGY = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]
MANAGER, ACCOUNTANT, INSTALLER = "manager", "accountant", "installer"
client = api_client


def site(name: str = "Site"):
    """A tenant with a station, a load group, a tariff, a customer and an id tag."""
    tenant = make_tenant(name)
    station, _ = make_station(tenant)
    tariff = tariff_create(tenant=tenant, name=f"{name} tariff", currency="EUR", vat_rate="19",
                           idle_grace_minutes=0, elements=ENERGY, is_default=False)
    group = LoadGroup.objects.create(tenant=tenant, name=f"{name} park", max_current=63)
    customer = Customer.objects.create(tenant=tenant, name=f"{name} customer")
    tag = make_id_tag(tenant, f"{name.upper()}-TAG")
    return tenant, {"station": station, "tariff": tariff, "group": group, "customer": customer, "tag": tag}


def money_writes(objects: dict) -> list[tuple[str, str, dict]]:
    station, tag = objects["station"].identity, objects["tag"].id_tag
    return [("PATCH", f"/api/v1/stations/{station}/", {"tariff": objects["tariff"].pk}),
            ("PATCH", f"/api/v1/load-groups/{objects['group'].pk}/", {"tariff": objects["tariff"].pk}),
            ("PATCH", f"/api/v1/id-tags/{tag}/", {"internal": True}),
            ("PATCH", f"/api/v1/id-tags/{tag}/", {"customer": objects["customer"].pk}),
            ("POST", "/api/v1/id-tags/", {"id_tag": "FREE-CARD", "internal": True}),
            ("POST", "/api/v1/id-tags/", {"id_tag": "PAID-CARD", "customer": objects["customer"].pk}),
            ("POST", "/api/v1/stations/", {"identity": "PRICED-CP", "tariff": objects["tariff"].pk})]


def nothing_about_money_stored(objects: dict) -> bool:
    return (not StationTariff.objects.filter(station__tenant=objects["tariff"].tenant).exists()
            and group_tariff_of(group_id=objects["group"].pk) is None
            and not IdTag.objects.filter(tenant=objects["tariff"].tenant, internal=True).exists()
            and not IdTag.objects.filter(tenant=objects["tariff"].tenant, customer__isnull=False).exists())


async def test_an_installer_token_sets_no_tariff_customer_or_free_charging(server):
    tenant, objects = site()
    async with client(server, tenant, INSTALLER) as api:
        answers = [await api.request(method, path, json=body) for method, path, body in money_writes(objects)]
        renamed = await api.patch(f"/api/v1/stations/{objects['station'].identity}/", json={"name": "Hall"})
    assert [a.status_code for a in answers] == [403] * 7, [a.text for a in answers]
    assert "tariff" in answers[0].json()["detail"] and "internal" in answers[2].json()["detail"]
    assert "customer" in answers[3].json()["detail"]
    assert renamed.status_code == 200
    assert nothing_about_money_stored(objects)
    assert not IdTag.objects.filter(id_tag__in=["FREE-CARD", "PAID-CARD"]).exists()


async def test_a_manager_token_sets_them(server):
    tenant, objects = site()
    async with client(server, tenant, MANAGER) as api:
        answers = [await api.request(method, path, json=body) for method, path, body in money_writes(objects)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 201, 201, 201], [a.text for a in answers]
    assert IdTag.objects.get(pk=objects["tag"].pk).internal is True


@pytest.mark.parametrize("role", [MANAGER, ACCOUNTANT, INSTALLER])
async def test_only_money_roles_read_the_money_fields(server, role):
    tenant, objects = site()
    set_station_tariff(objects["station"], objects["tariff"])
    IdTag.objects.filter(pk=objects["tag"].pk).update(customer=objects["customer"], internal=True)
    async with client(server, tenant, role) as api:
        station = (await api.get(f"/api/v1/stations/{objects['station'].identity}/")).json()
        stations = (await api.get("/api/v1/stations/")).json()["results"]
        group = (await api.get(f"/api/v1/load-groups/{objects['group'].pk}/")).json()
        tag = (await api.get(f"/api/v1/id-tags/{objects['tag'].id_tag}/")).json()
    seen = {"tariff" in station, "tariff" in stations[0], "tariff" in group, "customer" in tag,
            "internal" in tag}
    assert seen == ({False} if role == INSTALLER else {True})
    if role != INSTALLER:
        assert station["tariff"] == objects["tariff"].pk and tag["customer"] == objects["customer"].pk


async def test_the_dashboard_shows_an_installer_no_customer_or_free_charging(server):
    tenant, objects = site()
    IdTag.objects.filter(pk=objects["tag"].pk).update(customer=objects["customer"], internal=True)
    installer = await logged_in(server, member(tenant, Role.INSTALLER))
    manager = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        hidden = (await installer.get("/id-tags/")).text
        shown = (await manager.get("/id-tags/")).text
    finally:
        await installer.aclose()
        await manager.aclose()
    assert "Internal" not in hidden and "Site customer" not in hidden
    assert "Internal" in shown and "Site customer" in shown


async def test_an_installers_sessions_csv_names_no_customer(server):
    tenant, objects = site()
    IdTag.objects.filter(pk=objects["tag"].pk).update(customer=objects["customer"])
    charged(objects["station"], id_tag=objects["tag"].id_tag, wh=5000,
            start=datetime.now(UTC) - timedelta(hours=2))
    installer = await logged_in(server, member(tenant, Role.INSTALLER))
    accountant = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    try:
        for_installer = await installer.get("/sessions/export.csv")
        for_accountant = await accountant.get("/sessions/export.csv")
    finally:
        await installer.aclose()
        await accountant.aclose()
    assert for_installer.status_code == 200 and len(rows_of(for_installer.text)) == 1
    assert "customer" not in rows_of(for_installer.text)[0] and "Site customer" not in for_installer.text
    assert rows_of(for_accountant.text)[0]["customer"] == "Site customer"


async def test_another_tenants_ids_read_as_ids_that_do_not_exist(server):
    tenant, objects = site("Ours")
    _, theirs = site("Theirs")
    unknown = {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000
               for model in (Tariff, Customer, LoadGroup)}
    station, tag = objects["station"].identity, objects["tag"].id_tag
    tries = [  # (path, field, another tenant's id, an id that does not exist)
        (f"/api/v1/stations/{station}/", "tariff", theirs["tariff"].pk, unknown[Tariff]),
        (f"/api/v1/stations/{station}/", "load_group", theirs["group"].pk, unknown[LoadGroup]),
        (f"/api/v1/id-tags/{tag}/", "customer", theirs["customer"].pk, unknown[Customer]),
        (f"/api/v1/load-groups/{objects['group'].pk}/", "tariff", theirs["tariff"].pk, unknown[Tariff]),
    ]
    async with client(server, tenant, MANAGER) as api:
        answers = [(await api.patch(path, json={field: foreign}),
                    await api.patch(path, json={field: missing}), field)
                   for path, field, foreign, missing in tries]
    for foreign, missing, field in answers:
        assert foreign.status_code == missing.status_code == 400
        assert foreign.json() == missing.json(), (foreign.json(), missing.json())
        assert str(theirs[{"load_group": "group"}.get(field, field)].pk) not in foreign.text
