"""Webhooks in the admin (webhooks/admin.py): read-only, and a staff member sees only the
endpoints, events and deliveries of the tenants they are a member of (an invoice's event names
its customer)."""

import pytest

from tests.fast.clients import admin_session
from tests.fast.stations.test_admin import make_user
from webhooks.models import WebhookEndpoint, WebhookEvent
from webhooks.services import endpoint_create, webhook_emit

pytestmark = pytest.mark.django_db
VIEW = ("view_webhookendpoint", "view_webhookevent", "view_webhookdelivery",
        "add_webhookendpoint", "change_webhookendpoint", "delete_webhookendpoint")


def _endpoint(tenant, name: str) -> WebhookEndpoint:
    endpoint, _ = endpoint_create(tenant=tenant, url=f"https://{name}.example.com/in",
                                  event_types=[], description=name)
    webhook_emit(tenant_id=tenant.pk, type="webhook.test", data={"who": name})
    return endpoint


def test_staff_see_their_tenants_webhooks_only_and_change_nothing(tenant, other_tenant,
                                                                  django_capture_on_commit_callbacks):
    mine, theirs = _endpoint(tenant, "mine"), _endpoint(other_tenant, "theirs")
    staff = make_user(tenant=tenant, permissions=VIEW)
    with admin_session(staff) as admin:
        for page in ("webhookendpoint", "webhookevent", "webhookdelivery"):
            listed = admin.get(f"/admin/webhooks/{page}/").content.decode()
            assert "theirs" not in listed, page
        assert "mine.example.com" in admin.get("/admin/webhooks/webhookendpoint/").content.decode()
        assert admin.get(f"/admin/webhooks/webhookendpoint/{theirs.pk}/change/").url.path == "/admin/"
        assert admin.get("/admin/webhooks/webhookendpoint/add/").status_code == 403
        admin.post(f"/admin/webhooks/webhookendpoint/{mine.pk}/delete/", {"post": "yes"})
    assert WebhookEndpoint.objects.filter(pk=mine.pk).exists()
    assert WebhookEvent.objects.filter(tenant=other_tenant).exists()
