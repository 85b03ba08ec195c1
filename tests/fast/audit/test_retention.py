"""The audit log keeps its entries for AUDIT_RETENTION_DAYS and nothing changes one: not the
application (AuditEntry.save), not the admin, not an UPDATE on the table (a trigger)."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from audit.context import audit_context
from audit.models import AuditEntry
from audit.services import audit_entries_purge, audit_entry_create
from audit.tasks import purge_audit_entries

pytestmark = pytest.mark.django_db


def entry_aged(tenant, days: float) -> AuditEntry:
    with audit_context(tenant=tenant) as context:
        entry = audit_entry_create(context=context, action="request", changes={})
    AuditEntry.objects.filter(pk=entry.pk).delete()  # re-made with its age: no update allowed
    entry.pk, entry.at = None, timezone.now() - timedelta(days=days)
    entry.save()
    return entry


def test_entries_older_than_the_retention_go_and_newer_ones_stay(tenant, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old, young = entry_aged(tenant, 31), entry_aged(tenant, 29)
    assert purge_audit_entries() == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [young.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_a_retention_of_zero_keeps_everything(tenant, settings):
    settings.AUDIT_RETENTION_DAYS = 0
    entry_aged(tenant, 5000)
    assert purge_audit_entries() == 0
    assert AuditEntry.objects.count() == 1


def test_the_purge_goes_in_batches(tenant):
    for _ in range(5):
        entry_aged(tenant, 10)
    assert audit_entries_purge(days=1, batch=2) == 5
    assert not AuditEntry.objects.exists()


def test_the_application_cannot_change_an_entry(tenant):
    entry = entry_aged(tenant, 1)
    entry.actor = "someone else"
    with pytest.raises(RuntimeError):
        entry.save()


def test_the_database_refuses_an_update_of_the_table(tenant):
    entry = entry_aged(tenant, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor="someone else")
    assert AuditEntry.objects.get(pk=entry.pk).actor == "system"


def test_the_admin_shows_entries_and_changes_none(tenant):
    from tests.fast.clients import admin_session
    from tests.test_admin import make_user

    entry = entry_aged(tenant, 1)
    admin = make_user(superuser=True)
    with admin_session(admin) as session:
        listed = session.get("/admin/audit/auditentry/")
        assert listed.status_code == 200 and f"/admin/audit/auditentry/{entry.pk}/" in listed.text
        assert session.get("/admin/audit/auditentry/add/").status_code == 403
        assert session.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
        shown = session.get(f"/admin/audit/auditentry/{entry.pk}/change/")
        assert shown.status_code == 200 and 'name="actor"' not in shown.text


def test_staff_see_only_the_entries_of_the_tenants_they_manage(tenant, other_tenant):
    from tests.fast.clients import admin_session
    from tests.test_admin import make_user

    mine, theirs = entry_aged(tenant, 1), entry_aged(other_tenant, 1)
    manager = make_user(tenant=tenant, role="manager", permissions=("view_auditentry",))
    installer = make_user(tenant=tenant, permissions=("view_auditentry",))
    with admin_session(manager) as session:
        listed = session.get("/admin/audit/auditentry/").text
    assert f"/admin/audit/auditentry/{mine.pk}/" in listed
    assert f"/admin/audit/auditentry/{theirs.pk}/" not in listed
    with admin_session(installer) as session:  # the API and the dashboard refuse them too
        assert f"/admin/audit/auditentry/{mine.pk}/" not in session.get("/admin/audit/auditentry/").text
