"""Admission (stations/services/admission.py, docs/ocpp201.md): the rule, the tenant's choice for
new stations, the operator's change through the service, the API and the dashboard, and the
command path's refusal. The live link's part is tests/test_provisioning_201.py."""

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings

from stations.commands.sending import StationNotAdmitted, StationNotConnected, station_call
from stations.models import Station
from stations.services import admission
from stations.services.admission_follow_up import admission_follow_up
from stations.services.stations import station_admission_set, station_create
from tenants.models import Role
from tests.factories import make_station
from tests.fast.clients import admin_session, post, signed_in
from tests.fast.stations.test_admin import add_station, make_user

pytestmark = pytest.mark.django_db


# The rule ---------------------------------------------------------------------------------------
@override_settings(OCPP_HEARTBEAT_INTERVAL=300, OCPP_PENDING_RETRY_SECONDS=45)
def test_the_boot_answer_is_the_admission_with_its_interval():
    assert admission.boot_answer("Accepted") == ("Accepted", 300)
    assert admission.boot_answer("Pending") == ("Pending", 45)
    assert admission.boot_answer("Rejected") == ("Rejected", 45)


def test_a_station_not_accepted_is_served_its_boot_and_when_pending_what_was_triggered():
    assert admission.station_message_served("Accepted", "Heartbeat")
    assert admission.station_message_served("Pending", "BootNotification")
    assert admission.station_message_served("Rejected", "BootNotification")
    assert not admission.station_message_served("Pending", "Heartbeat")
    assert admission.station_message_served("Pending", "Heartbeat", triggered={"Heartbeat"})
    assert not admission.station_message_served("Rejected", "Heartbeat", triggered={"Heartbeat"})


def test_a_triggered_certificate_signing_is_a_sign_certificate():
    assert admission.triggered_action("SignChargePointCertificate") == "SignCertificate"
    assert admission.triggered_action("SignV2GCertificate") == "SignCertificate"
    assert admission.triggered_action("StatusNotification") == "StatusNotification"


@pytest.mark.parametrize("state, version, action, refused", [
    ("Accepted", "2.0.1", "RequestStartTransaction", False),
    ("Pending", "2.0.1", "GetVariables", False),
    ("Pending", "2.0.1", "SetNetworkProfile", False),
    ("Pending", "2.0.1", "Reset", False),
    ("Pending", "2.0.1", "RequestStartTransaction", True),
    ("Pending", "2.0.1", "GetConfiguration", True),
    ("Pending", "1.6", "ChangeConfiguration", False),
    ("Pending", "1.6", "TriggerMessage", False),
    ("Pending", "1.6", "RemoteStartTransaction", True),
    ("Pending", "", "GetConfiguration", False),  # never connected: taken for 1.6
    ("Rejected", "2.0.1", "GetVariables", True),
    ("Rejected", "1.6", "TriggerMessage", True),
])
def test_a_pending_station_gets_only_provisioning_commands_and_a_rejected_one_none(
        state, version, action, refused):
    reason = admission.command_refusal(admission=state, version=version, action=action)
    assert bool(reason) is refused
    if refused:
        assert state in reason


# New stations and the operator's change -------------------------------------------------------
def test_a_tenant_that_holds_new_stations_creates_them_pending(tenant):
    tenant.new_stations_pending = True
    tenant.save(update_fields=["new_stations_pending"])
    held, _ = station_create(tenant=tenant, identity="HELD")
    chosen, _ = station_create(tenant=tenant, identity="CHOSEN", admission="Accepted")
    assert (held.admission, chosen.admission) == ("Pending", "Accepted")


def test_stations_are_accepted_by_default(tenant):
    station, _ = station_create(tenant=tenant, identity="FREE")
    assert station.admission == "Accepted"


def test_a_change_of_admission_queues_its_follow_up_once(tenant,
                                                         django_capture_on_commit_callbacks):
    station, _ = make_station(tenant, admission="Pending")
    with django_capture_on_commit_callbacks() as callbacks:
        station_admission_set(station=station, admission="Pending")
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        station_admission_set(station=station, admission="Accepted")
    assert len(callbacks) == 1
    assert Station.objects.get(pk=station.pk).admission == "Accepted"
    with pytest.raises(ValueError):
        station_admission_set(station=station, admission="Maybe")


def test_the_follow_up_of_a_station_not_connected_sends_nothing(tenant):
    station, _ = make_station(tenant)
    assert async_to_sync(admission_follow_up)(station=station, before="Pending") == \
        "not connected"


# The command path --------------------------------------------------------------------------------
def test_the_command_path_refuses_a_pending_station_what_does_not_provision_it(tenant):
    station, _ = make_station(tenant, admission="Pending")
    station = Station.objects.select_related("server_process").get(pk=station.pk)
    with pytest.raises(StationNotAdmitted) as refused:
        async_to_sync(station_call)(station, "ClearCache", {})
    assert refused.value.status_code == 409 and "ClearCache" in refused.value.body["detail"]
    with pytest.raises(StationNotConnected):  # allowed: it is only offline
        async_to_sync(station_call)(station, "GetConfiguration", {})
    deferred = Station.objects.only("pk", "ocpp_version", "channel_name").get(pk=station.pk)
    with pytest.raises(StationNotAdmitted):
        async_to_sync(station_call)(deferred, "ClearCache", {})


# The API ------------------------------------------------------------------------------------------
def test_the_api_shows_and_changes_the_admission_and_the_boot_reason(tenant, owner_api):
    station, _ = make_station(tenant, admission="Pending", boot_reason="PowerUp",
                              ocpp_version="2.0.1")
    shown = owner_api.get(f"/api/v1/stations/{station.identity}/").json()
    assert (shown["admission"], shown["boot_reason"], shown["ocpp_version"]) == \
        ("Pending", "PowerUp", "2.0.1")
    patched = owner_api.patch(f"/api/v1/stations/{station.identity}/",
                              json={"admission": "Rejected", "boot_reason": "Watchdog"})
    assert patched.status_code == 200
    assert (patched.json()["admission"], patched.json()["boot_reason"]) == ("Rejected", "PowerUp")
    bad = owner_api.patch(f"/api/v1/stations/{station.identity}/", json={"admission": "Maybe"})
    assert bad.status_code == 400 and "admission" in bad.json()
    assert Station.objects.get(pk=station.pk).admission == "Rejected"


def test_a_station_created_through_the_api_of_a_holding_tenant_is_pending(tenant, owner_api):
    tenant.new_stations_pending = True
    tenant.save(update_fields=["new_stations_pending"])
    created = owner_api.post("/api/v1/stations/", json={"identity": "API-HELD"})
    assert created.status_code == 201 and created.json()["admission"] == "Pending"


def test_another_tenant_cannot_change_the_admission(tenant, outsider_api):
    station, _ = make_station(tenant, admission="Pending")
    response = outsider_api.patch(f"/api/v1/stations/{station.identity}/",
                                  json={"admission": "Accepted"})
    assert response.status_code == 404
    assert Station.objects.get(pk=station.pk).admission == "Pending"


# The dashboard --------------------------------------------------------------------------------------
def test_the_station_page_shows_the_version_the_boot_reason_and_accept(tenant, member_web):
    station, _ = make_station(tenant, admission="Pending", boot_reason="FirmwareUpdate",
                              ocpp_version="2.0.1")
    page = member_web.get(f"/stations/{station.identity}/").content.decode()
    assert 'data-field="ocpp-version">2.0.1' in page and "(FirmwareUpdate)" in page
    assert 'value="Accepted">Accept</button>' in page and 'value="Rejected"' in page
    listed = member_web.get("/stations/").content.decode()
    assert "OCPP 2.0.1" in listed and "Pending" in listed


def test_an_installer_accepts_a_station_on_its_page(tenant, member_web):
    station, _ = make_station(tenant, admission="Pending")
    response = post(member_web, f"/stations/{station.identity}/admission/",
                    {"admission": "Accepted"}, htmx=False)
    assert response.status_code == 302
    assert Station.objects.get(pk=station.pk).admission == "Accepted"
    assert post(member_web, f"/stations/{station.identity}/admission/",
                {"admission": "Pending"}, htmx=False).status_code == 302
    assert Station.objects.get(pk=station.pk).admission == "Accepted"
    assert member_web.get(f"/stations/{station.identity}/admission/").status_code == 405


def test_an_accountant_or_another_tenant_cannot_accept(tenant, outsider):
    from tests.fast.conftest import _dashboard_user

    station, _ = make_station(tenant, admission="Pending")
    accountant = signed_in(_dashboard_user(tenant, Role.ACCOUNTANT))
    url = f"/stations/{station.identity}/admission/"
    assert post(accountant, url, {"admission": "Accepted"}, htmx=False).status_code == 403
    assert post(signed_in(outsider), url, {"admission": "Accepted"}, htmx=False).status_code == 404
    assert Station.objects.get(pk=station.pk).admission == "Pending"


def test_a_dashboard_action_a_pending_station_may_not_get_says_why(tenant, member_web):
    station, _ = make_station(tenant, admission="Pending", ocpp_version="2.0.1")
    response = post(member_web, f"/stations/{station.identity}/unlock/", {"connector_id": 1})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Refused" in page and "Pending" in page and "UnlockConnector" in page


def test_onboarding_in_a_holding_tenant_makes_a_pending_station_and_says_so(tenant, member_web):
    tenant.new_stations_pending = True
    tenant.save(update_fields=["new_stations_pending"])
    response = post(member_web, "/stations/new/", {"identity": "NEW-HELD", "max_current": "32"},
                    htmx=False)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-admission="Pending"' in page
    assert "OCPP 2.0.1" in page
    assert Station.objects.get(tenant=tenant, identity="NEW-HELD").admission == "Pending"


def test_the_api_lists_the_stations_waiting_for_an_operator(tenant, other_tenant, owner_api):
    make_station(tenant, "WAITING", admission="Pending")
    make_station(tenant, "SERVED", ocpp_version="2.0.1")
    make_station(other_tenant, "FOREIGN", admission="Pending")
    pending = owner_api.get("/api/v1/stations/", params={"admission": "Pending"}).json()
    assert [s["identity"] for s in pending["results"]] == ["WAITING"]
    v201 = owner_api.get("/api/v1/stations/", params={"ocpp_version": "2.0.1"}).json()
    assert [s["identity"] for s in v201["results"]] == ["SERVED"]


def test_a_station_added_in_the_admin_of_a_holding_tenant_is_pending_and_shown_so(tenant):
    tenant.new_stations_pending = True
    tenant.save(update_fields=["new_stations_pending"])
    user = make_user(tenant=tenant, permissions=("view_station", "add_station", "change_station"))
    with admin_session(user) as http:
        added = add_station(http, tenant, "ADMIN-HELD")
        station = Station.objects.get(tenant=tenant, identity="ADMIN-HELD")
        page = http.get(f"/admin/stations/station/{station.pk}/change/")
    assert added.status_code == 200 and station.admission == "Pending"
    assert "Admission" in page.text and "Pending" in page.text
