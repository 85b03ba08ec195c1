"""The audit log's capture of model changes (audit/capture.py): who, from where, what changed,
written in the change's transaction, only for an operator's writes, never a secret."""

import pytest
from django.db import transaction
from django.utils import timezone

from alerts.models import AlertRule
from audit.context import audit_context
from audit.models import AuditEntry
from stations.models import IdTag, Station, StatusEvent
from stations.services.stations import station_create
from tenants.models import Membership
from tests.factories import make_id_tag, make_station
from tests.fast.clients import admin_session, post
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db


def entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


# Through the API -------------------------------------------------------------------------------

def test_an_id_tag_created_through_the_api_is_recorded_with_the_token_as_actor(tenant, owner_api):
    created = owner_api.post("/api/v1/id-tags/", json={"id_tag": "CARD-1"},
                             headers={"X-Forwarded-For": "203.0.113.9"})
    assert created.status_code == 201, created.content
    [entry] = entries(object_type="stations.idtag")
    tag = IdTag.objects.get(tenant=tenant, id_tag="CARD-1")
    assert (entry.action, entry.via, entry.tenant_id, entry.object_id) == (
        "create", "api", tenant.pk, str(tag.pk))
    assert (entry.actor_type, entry.actor_id) == ("token", owner_api.token.pk)
    assert entry.actor.startswith("API token")
    assert entry.ip == "127.0.0.1"  # no proxy is trusted here: the header is the client's word
    assert (entry.method, entry.path) == ("POST", "/api/v1/id-tags/")
    assert entry.changes["id_tag"] == [None, "CARD-1"]


def test_an_update_records_only_the_fields_that_changed_before_and_after(tenant, owner_api):
    station, _ = make_station(tenant, "AUD-1", name="Old name")
    changed = owner_api.patch("/api/v1/stations/AUD-1/", json={"name": "New name", "enabled": True})
    assert changed.status_code == 200, changed.content
    [entry] = entries(object_type="stations.station", action="update")
    assert entry.changes == {"name": ["Old name", "New name"]}
    assert (entry.station_id, entry.station_identity) == (station.pk, "AUD-1")
    assert entry.object_repr == str(Station.objects.get(pk=station.pk))


def test_a_save_that_changes_nothing_writes_no_entry(tenant, owner_api):
    make_station(tenant, "AUD-2", name="Same")
    assert owner_api.patch("/api/v1/stations/AUD-2/", json={"name": "Same"}).status_code == 200
    assert entries(object_type="stations.station") == []
    [asked] = entries()  # the request that changed nothing still leaves its row
    assert (asked.action, asked.object_type, asked.object_id) == ("request", "station-detail", "AUD-2")


def test_a_delete_is_recorded_with_what_the_object_held(tenant, owner_api):
    tag = make_id_tag(tenant, "GONE-1")
    assert owner_api.delete("/api/v1/id-tags/GONE-1/").status_code == 204
    [entry] = entries(action="delete")
    assert (entry.object_type, entry.object_id, entry.tenant_id) == ("stations.idtag", str(tag.pk), tenant.pk)
    assert entry.changes["id_tag"] == ["GONE-1", None]


def test_a_station_password_is_masked(tenant, owner_api):
    created = owner_api.post("/api/v1/stations/", json={"identity": "AUD-3"})
    assert created.status_code == 201, created.content
    [entry] = entries(object_type="stations.station", action="create")
    assert entry.changes["password_hash"] == [None, "***"]
    assert created.json()["password"] not in str(entry.changes)


def test_one_request_shares_its_request_id_and_another_tenant_is_not_involved(
        tenant, other_tenant, owner_api):
    owner_api.post("/api/v1/id-tags/", json={"id_tag": "A"})
    owner_api.post("/api/v1/id-tags/", json={"id_tag": "B"})
    first, second = entries(object_type="stations.idtag")
    assert first.request_id != second.request_id
    assert not AuditEntry.objects.filter(tenant=other_tenant).exists()


# Through the dashboard and the admin ------------------------------------------------------------

def test_a_station_onboarded_in_the_dashboard_is_the_signed_in_users(tenant, owner, owner_web):
    answer = post(owner_web, "/stations/new/", {"identity": "WEB-1", "name": "Web", "max_current": "16"})
    assert answer.status_code == 200, answer.content
    [entry] = entries(object_type="stations.station", action="create")
    assert (entry.via, entry.actor_type, entry.actor_id, entry.actor) == (
        "dashboard", "user", owner.pk, owner.username)
    assert (entry.tenant_id, entry.station_identity) == (tenant.pk, "WEB-1")


def test_the_admins_changes_are_recorded_as_the_admins(tenant):
    admin = make_user(tenant=tenant, role="manager", superuser=True)
    tag = make_id_tag(tenant, "ADM-1")
    with admin_session(admin) as session:
        answer = session.post(f"/admin/stations/idtag/{tag.pk}/delete/", data={"post": "yes"})
    assert answer.status_code == 200
    [entry] = entries(action="delete", object_type="stations.idtag")
    assert (entry.via, entry.actor, entry.tenant_id) == ("admin", admin.username, tenant.pk)


# Many-to-many, rollback, no context -------------------------------------------------------------

def test_a_many_to_many_change_records_the_ids_before_and_after(tenant, owner, member):
    rule = AlertRule.objects.create(tenant=tenant, kind="station_offline")
    with audit_context(actor=owner):
        rule.notify_users.add(owner)
        rule.notify_users.add(member)
    added = [e.changes for e in entries(object_type="alerts.alertrule", action="update")]
    assert added == [{"notify_users": [[], [owner.pk]]},
                     {"notify_users": [[owner.pk], sorted([owner.pk, member.pk])]}]


def test_a_change_rolled_back_takes_its_entry_with_it(tenant, owner):
    with audit_context(actor=owner, tenant=tenant):
        try:
            with transaction.atomic():
                station_create(tenant=tenant, identity="ROLLED")
                assert entries(object_type="stations.station")
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert entries(object_type="stations.station") == []


def test_writes_without_an_audit_context_record_nothing(tenant):
    station, _ = make_station(tenant, "LINK-1")
    station.name = "The link's write"
    station.save()
    assert entries() == []


def test_logs_are_never_recorded_even_for_an_operator(tenant, owner):
    station, _ = make_station(tenant, "LOG-1")
    with audit_context(actor=owner, tenant=tenant):
        StatusEvent.objects.create(station=station, connector_id=1, status="Available", error_code="NoError",
                                   received_at=timezone.now())
    assert entries() == []


def test_a_system_context_records_the_system(tenant):
    with audit_context(tenant=tenant):
        station_create(tenant=tenant, identity="SYS-1")
    [entry] = entries(object_type="stations.station")
    assert (entry.via, entry.actor_type, entry.actor, entry.actor_id) == ("system", "system", "system", None)


# The fallback for writes no model change tells of -------------------------------------------------

def test_a_station_admitted_in_the_dashboard_records_before_and_after(tenant, owner_web):
    station, _ = make_station(tenant, "ADMIT-1", admission="Pending")
    answer = post(owner_web, f"/stations/{station.identity}/admission/", {"admission": "Accepted"})
    assert answer.status_code == 302
    [entry] = entries()
    assert (entry.action, entry.changes, entry.via) == (
        "update", {"admission": ["Pending", "Accepted"]}, "dashboard")


def test_a_write_no_model_change_tells_of_gets_a_request_entry(tenant, other_tenant, owner, owner_web):
    Membership.objects.create(user=owner, tenant=other_tenant, role="manager")
    answer = post(owner_web, "/tenant/", {"tenant": other_tenant.pk})  # only the session changes
    assert answer.status_code == 302
    [entry] = entries()
    assert (entry.action, entry.method, entry.path, entry.result) == ("request", "POST", "/tenant/", "302")
    assert (entry.object_type, entry.actor) == ("tenant-switch", owner.username)
    assert entry.changes == {"fields": ["tenant"]}


def test_a_failed_or_read_request_gets_no_fallback_entry(tenant, owner_web, owner_api):
    make_station(tenant, "READ-1")
    owner_api.get("/api/v1/stations/")
    assert owner_api.post("/api/v1/id-tags/", json={}).status_code == 400
    assert entries() == []


def test_a_station_admitted_through_the_api_records_the_admission_before_and_after(tenant, owner_api):
    make_station(tenant, "ADMIT-2", admission="Pending")
    assert owner_api.patch("/api/v1/stations/ADMIT-2/", json={"admission": "Accepted"}).status_code == 200
    [entry] = entries(action="update")
    assert (entry.object_type, entry.changes) == ("stations.station", {"admission": ["Pending", "Accepted"]})


def test_deleting_a_tenant_deletes_its_entries_but_not_the_entries_of_the_deletion(other_tenant):
    from tests.test_admin import make_user as make_admin

    admin = make_admin(superuser=True)
    make_id_tag(other_tenant, "OLD")
    tenant_id = other_tenant.pk
    with audit_context(actor=admin):
        make_id_tag(other_tenant, "NEW")
        other_tenant.delete()
    assert not AuditEntry.objects.filter(tenant_id=tenant_id).exists()  # NEW's create went with it
    [entry] = entries(object_type="tenants.tenant")
    assert (entry.action, entry.tenant_id, entry.object_id) == ("delete", None, str(tenant_id))
    assert sorted(e.changes["id_tag"][0] for e in entries(object_type="stations.idtag")) == ["NEW", "OLD"]
