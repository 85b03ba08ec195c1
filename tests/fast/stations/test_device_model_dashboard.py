"""The device model on the dashboard (stations/devicemodel/views.py), in process: a 2.0.1
station's page shows it in place of the configuration table, searchable and narrowed to what
can be written, with a form only where the attribute can be written (never the password); who
may open and act, and another tenant's station a 404 (a real station answering the forms:
tests/test_device_model_201.py; docs/domain-model.md)."""

import pytest

from stations.models import Station
from stations.services.device_model import ReportedVariable, device_model_record
from tenants.models import Role
from tests.factories import make_station
from tests.fast.clients import post, signed_in
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(tenant) -> Station:
    station = make_station(tenant, identity="DM-CP")[0]
    Station.objects.filter(pk=station.pk).update(ocpp_version="2.0.1")
    device_model_record(station_id=station.pk, source="report", reported=[
        ReportedVariable("OCPPCommCtrlr", "HeartbeatInterval", "300"),
        ReportedVariable("SecurityCtrlr", "Identity", "DM-CP", mutability="ReadOnly"),
        ReportedVariable("SecurityCtrlr", "BasicAuthPassword", "", mutability="WriteOnly"),
        ReportedVariable("EVSE", "Power", "22000", evse_id=1, mutability="ReadOnly"),
        ReportedVariable("EVSE", "Power", "11000", attribute_type="MaxSet", evse_id=1)])
    station.refresh_from_db()
    return station


def user(tenant, role):
    member = make_user(tenant=tenant, role=role)
    member.is_staff = False
    member.save(update_fields=["is_staff"])
    return member


PAGE = "/stations/DM-CP/device-model/"
SET = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval", "value": "60"}


def test_a_201_station_page_shows_the_device_model_instead_of_the_configuration(tenant, owner,
                                                                                 station):
    page = signed_in(owner).get("/stations/DM-CP/").content.decode()
    assert "Refresh device model" in page and PAGE in page
    assert "Read configuration (GetConfiguration)" not in page
    one_six = make_station(tenant, identity="DM-16")[0]
    page = signed_in(owner).get(f"/stations/{one_six.identity}/").content.decode()
    assert "Read configuration (GetConfiguration)" in page and "Refresh device model" not in page


def test_the_model_is_listed_with_a_form_only_where_an_attribute_can_be_written(owner, station):
    html = signed_in(owner).get(PAGE).content.decode()
    for shown in ("HeartbeatInterval", "Identity", "BasicAuthPassword", "EVSE 1", "MaxSet",
                  "11000", "Refresh device model"):
        assert shown in html
    forms = html.count('name="variable" value=')
    assert forms == 2  # HeartbeatInterval and EVSE Power's MaxSet; not Identity, not the password
    assert "on the security page" in html


def test_the_model_can_be_searched_and_narrowed(owner, station):
    http = signed_in(owner)
    found = http.get(PAGE, {"q": "heartbeat"}, headers={"HX-Request": "true"}).content.decode()
    assert "HeartbeatInterval" in found and "Identity" not in found
    assert "<html" not in found  # htmx gets the table only
    writable = http.get(PAGE, {"writable": "1"}).content.decode()
    assert "HeartbeatInterval" in writable and "Identity" not in writable
    evse = http.get(PAGE, {"component": "EVSE"}).content.decode()
    assert "Power" in evse and "HeartbeatInterval" not in evse
    assert "Nothing matches" in http.get(PAGE, {"q": "nothing-like-it"}).content.decode()


def test_a_set_shows_why_nothing_was_sent(owner, station):
    http = signed_in(owner)
    refused = post(http, PAGE + "set/", SET | {"variable": "BasicAuthPassword",
                                               "component": "SecurityCtrlr"})
    assert refused.status_code == 400 and "security page" in refused.content.decode()
    offline = post(http, PAGE + "set/", SET)
    assert offline.status_code == 200 and "Not connected" in offline.content.decode()
    refresh = post(http, PAGE + "refresh/", {})
    assert "Not connected" in refresh.content.decode()


@pytest.mark.parametrize("role, page, act", [
    (Role.MANAGER, 200, 200), (Role.INSTALLER, 200, 200), (Role.ACCOUNTANT, 403, 403)])
def test_who_may_open_and_act(tenant, station, role, page, act):
    http = signed_in(user(tenant, role))
    assert http.get(PAGE).status_code == page
    assert post(http, PAGE + "set/", SET).status_code == act
    assert post(http, PAGE + "refresh/", {}).status_code == act


def test_another_tenants_station_is_a_404(other_tenant, station):
    http = signed_in(user(other_tenant, Role.MANAGER))
    assert http.get(PAGE).status_code == 404
    assert post(http, PAGE + "set/", SET).status_code == 404
    assert post(http, PAGE + "refresh/", {}).status_code == 404
    assert http.get(PAGE + "refresh/").status_code in (404, 405)
