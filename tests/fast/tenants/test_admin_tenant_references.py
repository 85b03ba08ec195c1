"""The admin keeps every reference inside one tenant: a staff user's forms offer only their
tenant's customers, tariffs and load groups (an existing object's: its own tenant's), the list
filters name only their tenants, and the models' clean() refuses a reference to another
tenant's object, for superusers too (issue 16, finding 3). In process, as an admin session."""

import pytest

from billing.models import Customer
from billing.selectors import group_tariff_of
from billing.services import tariff_create
from loadmgmt.models import LoadGroup
from stations.models import IdTag
from tenants.models import Role
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.clients import admin_session
from tests.test_admin import _hidden_fields, make_user

pytestmark = pytest.mark.django_db

ENERGY = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]
TAG_PERMISSIONS = ("view_idtag", "add_idtag", "change_idtag", "view_station", "change_station")


def two_tenants():
    """Tenants A and B, each with a customer, a tariff and a load group named after it."""
    made = []
    for name in ("Alpha", "Beta"):
        tenant = make_tenant(name)
        made.append((tenant, Customer.objects.create(tenant=tenant, name=f"{name} customer"),
                     tariff_create(tenant=tenant, name=f"{name} tariff", currency="EUR", vat_rate="19",
                                   idle_grace_minutes=0, elements=ENERGY, is_default=False),
                     LoadGroup.objects.create(tenant=tenant, name=f"{name} car park", max_current=63)))
    return made


def id_tag_form(fields: dict, tenant, customer, id_tag: str = "CARD-1") -> dict:
    return fields | {"tenant": str(tenant.pk), "id_tag": id_tag, "token_type": "ISO14443",
                     "status": "Accepted", "name": "", "parent_id_tag": "", "priority": "0",
                     "customer": str(customer.pk), "max_sessions": "", "expiry_date_0": "",
                     "expiry_date_1": "", "_save": "Save"}


def test_a_staff_users_id_tag_form_offers_and_saves_only_their_tenants_customers():
    (mine, my_customer, _, _), (_, their_customer, _, _) = two_tenants()
    tag = make_id_tag(mine, "CARD-1")
    user = make_user(tenant=mine, role=Role.MANAGER, permissions=TAG_PERMISSIONS)
    with admin_session(user) as http:
        add = http.get("/admin/stations/idtag/add/")
        change = http.get(f"/admin/stations/idtag/{tag.pk}/change/")
        saved = http.post(f"/admin/stations/idtag/{tag.pk}/change/",
                          data=id_tag_form(_hidden_fields(change.text), mine, their_customer))
    for page in (add.text, change.text):
        assert "Alpha customer" in page and "Beta customer" not in page
    assert "Select a valid choice" in saved.text
    assert IdTag.objects.get(pk=tag.pk).customer_id is None


def test_a_staff_user_sees_only_their_tenants_in_the_tenant_filter():
    (mine, _, _, _), (theirs, _, _, _) = two_tenants()
    make_station(mine, "ALPHA-CP")
    make_station(theirs, "BETA-CP")
    user = make_user(tenant=mine, permissions=TAG_PERMISSIONS)
    with admin_session(user) as http:
        stations = http.get("/admin/stations/station/")
        tags = http.get("/admin/stations/idtag/")
    assert str(mine) in stations.text and "ALPHA-CP" in stations.text
    assert str(theirs) not in stations.text and str(theirs) not in tags.text


def test_a_superuser_cannot_save_a_reference_to_another_tenants_object():
    (mine, _, _, my_group), (_, their_customer, their_tariff, _) = two_tenants()
    with admin_session(make_user(superuser=True)) as http:
        tag_form = http.get("/admin/stations/idtag/add/")
        tag = http.post("/admin/stations/idtag/add/",
                        data=id_tag_form(_hidden_fields(tag_form.text), mine, their_customer, "X-1"))
        group_page = http.get(f"/admin/loadmgmt/loadgroup/{my_group.pk}/change/")
        fields = _hidden_fields(group_page.text)
        group = http.post(f"/admin/loadmgmt/loadgroup/{my_group.pk}/change/", data=fields | {
      "name": "Alpha car park", "max_current": "63", "phases": "3", "voltage": "230",
      "min_current": "6", "failsafe_current": "6", "safety_margin": "0", "base_load_current": "0",
      "base_load_source": "fixed", "base_load_meter": "", "base_load_measured": "{}",
      "tariff": str(their_tariff.pk), "_save": "Save"})
    assert "Beta customer" in tag_form.text  # a superuser adding sees every tenant's
    assert tag.url.path == "/admin/stations/idtag/add/" and "It belongs to another tenant." in tag.text
    assert not IdTag.objects.filter(id_tag="X-1").exists()
    assert "Select a valid choice" in group.text or "It belongs to another tenant." in group.text
    assert group_tariff_of(group_id=my_group.pk) is None


def test_an_installer_edits_stations_and_id_tags_in_the_admin_without_their_money_fields():
    (mine, my_customer, my_tariff, _), _ = two_tenants()
    station, _ = make_station(mine)
    tag = make_id_tag(mine, "CARD-2")
    user = make_user(tenant=mine, role=Role.INSTALLER, permissions=TAG_PERMISSIONS)
    with admin_session(user) as http:
        station_page = (http.get(f"/admin/stations/station/{station.pk}/change/")).text
        change = http.get(f"/admin/stations/idtag/{tag.pk}/change/")
        saved = http.post(f"/admin/stations/idtag/{tag.pk}/change/", data=id_tag_form(
      _hidden_fields(change.text), mine, my_customer, "CARD-2") | {"internal": "on"})
    assert 'name="tariff"' not in station_page and "Alpha tariff" not in station_page
    assert 'name="customer"' not in change.text and 'name="internal"' not in change.text
    assert saved.url.path == "/admin/stations/idtag/", saved.text[-1500:]
    tag.refresh_from_db()
    assert tag.customer_id is None and tag.internal is False


def test_an_existing_stations_form_offers_its_own_tenants_tariffs_and_groups_even_to_a_superuser():
    (mine, _, _, _), _ = two_tenants()
    station, _ = make_station(mine)
    with admin_session(make_user(superuser=True)) as http:
        page = (http.get(f"/admin/stations/station/{station.pk}/change/")).text
    assert "Alpha tariff" in page and "Alpha car park" in page
    assert "Beta tariff" not in page and "Beta car park" not in page
