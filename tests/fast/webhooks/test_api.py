"""The webhooks API (webhooks/api.py, /api/v1/webhooks/): managers only, every row the
tenant's, bad input a 400 with its reason, the secret shown only when it is made."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants.models import Role
from tests.factories import make_station
from webhooks import services
from webhooks.delivery import Outcome
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
BASE = "/api/v1/webhooks"
URL = "https://hooks.example.com/in"


@pytest.fixture
def made(tenant) -> WebhookEndpoint:
    return services.endpoint_create(tenant=tenant, url=URL, event_types=["station.connected"])[0]


def test_a_manager_adds_an_endpoint_and_sees_its_secret_once(owner_api):
    created = owner_api.post(f"{BASE}/endpoints/", json={"url": URL, "event_types": ["session.started"],
                                                         "description": "ERP"})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["secret"].startswith(body["secret_prefix"]) and body["event_types"] == ["session.started"]
    listed = owner_api.get(f"{BASE}/endpoints/").json()["results"]
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    assert "secret" not in owner_api.get(f"{BASE}/endpoints/{body['id']}/").json()


@pytest.mark.parametrize(("payload", "field"), [
    ({"url": "not a url"}, "url"),
    ({"url": URL, "event_types": ["station.exploded"]}, "event_types"),
    ({"url": URL, "event_types": "station.connected"}, "event_types"),
    ({}, "url"),
])
def test_bad_endpoints_are_400_with_the_reason(owner_api, payload, field):
    answer = owner_api.post(f"{BASE}/endpoints/", json=payload)
    assert answer.status_code == 400 and field in answer.json()


def test_a_private_address_is_400_where_not_allowed(settings, owner_api):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    answer = owner_api.post(f"{BASE}/endpoints/", json={"url": "https://127.0.0.1/hook"})
    assert answer.status_code == 400 and "private" in answer.json()["url"][0]
    answer = owner_api.post(f"{BASE}/endpoints/", json={"url": "http://hooks.example.com/"})
    assert answer.status_code == 400 and "https" in answer.json()["url"][0]


def test_an_endpoint_is_changed_disabled_and_deleted(owner_api, made):
    changed = owner_api.patch(f"{BASE}/endpoints/{made.pk}/", json={"event_types": [], "enabled": False})
    assert changed.status_code == 200
    assert (changed.json()["event_types"], changed.json()["enabled"]) == ([], False)
    assert changed.json()["disabled_reason"] == "Disabled by a manager"
    assert owner_api.delete(f"{BASE}/endpoints/{made.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=made.pk).exists()


def test_rotating_answers_the_new_secret_and_how_long_the_old_one_signs(owner_api, made):
    answer = owner_api.post(f"{BASE}/endpoints/{made.pk}/rotate-secret/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["secret"].startswith(body["secret_prefix"]) and body["previous_secret_expires_at"]


def test_a_test_event_is_queued_for_the_endpoint(owner_api, made):
    answer = owner_api.post(f"{BASE}/endpoints/{made.pk}/test/")
    assert answer.status_code == 202
    assert (answer.json()["endpoint"], answer.json()["event_type"], answer.json()["state"]) == \
        (made.pk, "webhook.test", "pending")


def test_a_disabled_endpoint_is_not_tested_but_enabled(owner_api, made):
    services.endpoint_update(endpoint=made, enabled=False)
    assert owner_api.post(f"{BASE}/endpoints/{made.pk}/test/").status_code == 400
    enabled = owner_api.post(f"{BASE}/endpoints/{made.pk}/enable/")
    assert enabled.status_code == 200 and enabled.json()["enabled"] is True


def test_events_are_listed_with_their_station_and_filtered(owner_api, tenant, made):
    station, _ = make_station(tenant)
    other, _ = make_station(tenant)
    mine = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={"a": 1},
                                 station_id=station.pk)
    services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={}, station_id=other.pk)
    listed = owner_api.get(f"{BASE}/events/", params={"station": station.identity}).json()["results"]
    assert [(e["id"], e["station"], e["data"]) for e in listed] == \
        [(str(mine.pk), station.identity, {"a": 1})]
    assert owner_api.get(f"{BASE}/events/", params={"type": "session.started"}).json()["count"] == 0
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert owner_api.get(f"{BASE}/events/", params={"since": later}).json()["count"] == 0
    assert owner_api.get(f"{BASE}/events/{mine.pk}/").json()["type"] == "station.connected"


@pytest.mark.parametrize("params", [{"type": "nope"}, {"since": "yesterday"},
                                    {"until": "9999-12-31T23:59:59-23:00"}])
def test_bad_event_filters_are_400(owner_api, params):
    assert owner_api.get(f"{BASE}/events/", params=params).status_code == 400


def test_an_event_is_replayed_with_its_id(owner_api, tenant, made):
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    answer = owner_api.post(f"{BASE}/events/{event.pk}/replay/", json={"endpoint": made.pk})
    assert answer.status_code == 202
    assert [(d["event"], d["replay"]) for d in answer.json()] == [(str(event.pk), True)]


def test_a_time_range_is_replayed(owner_api, tenant, made):
    services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    now = timezone.now()
    answer = owner_api.post(f"{BASE}/replay/", json={
        "since": (now - timedelta(minutes=5)).isoformat(), "until": (now + timedelta(minutes=5)).isoformat(),
        "types": ["station.connected"]})
    assert answer.status_code == 202 and answer.json() == {"queued": 1}


@pytest.mark.parametrize("payload", [
    {"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
    {"since": "2026-01-01T00:00:00Z", "until": "2026-01-02T00:00:00Z", "types": ["nope"]},
    {"since": "2026-01-01T00:00:00Z"},
])
def test_a_bad_range_is_400(owner_api, payload):
    answer = owner_api.post(f"{BASE}/replay/", json=payload)
    assert answer.status_code == 400


def test_deliveries_come_with_their_attempts_and_filters(owner_api, tenant, made, monkeypatch):
    monkeypatch.setattr("webhooks.delivery.post", lambda **_: Outcome(status_code=500, error="HTTP 500"))
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    delivery = event.deliveries.get()
    services.delivery_attempt(delivery_id=delivery.pk)
    listed = owner_api.get(f"{BASE}/deliveries/", params={"state": "failed", "endpoint": made.pk})
    [row] = listed.json()["results"]
    assert (row["id"], row["event"], row["attempts"]) == (delivery.pk, str(event.pk), 1)
    assert [(a["status_code"], a["error"]) for a in row["attempt_log"]] == [(500, "HTTP 500")]
    assert owner_api.get(f"{BASE}/deliveries/", params={"state": "succeeded"}).json()["count"] == 0
    assert owner_api.get(f"{BASE}/deliveries/", params={"event": "not-a-uuid"}).status_code == 400
    assert owner_api.get(f"{BASE}/deliveries/{delivery.pk}/").status_code == 200


@pytest.mark.parametrize("role", [Role.INSTALLER, Role.ACCOUNTANT])
def test_only_a_manager_manages_webhooks(api_for, tenant, made, role):
    api = api_for(tenant, role)
    assert api.get(f"{BASE}/endpoints/").status_code == 403
    assert api.post(f"{BASE}/endpoints/", json={"url": URL}).status_code == 403
    assert api.get(f"{BASE}/events/").status_code == 403
    assert api.get(f"{BASE}/deliveries/").status_code == 403
    assert api.post(f"{BASE}/endpoints/{made.pk}/rotate-secret/").status_code == 403


def test_another_tenant_sees_and_touches_nothing(outsider_api, tenant, made):
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    delivery = event.deliveries.get()
    for path in (f"/endpoints/{made.pk}/", f"/events/{event.pk}/", f"/deliveries/{delivery.pk}/"):
        assert outsider_api.get(BASE + path).status_code == 404
    for path in (f"/endpoints/{made.pk}/rotate-secret/", f"/endpoints/{made.pk}/test/",
                 f"/endpoints/{made.pk}/enable/", f"/events/{event.pk}/replay/"):
        assert outsider_api.post(BASE + path).status_code == 404
    assert outsider_api.delete(f"{BASE}/endpoints/{made.pk}/").status_code == 404
    for path in ("/endpoints/", "/events/", "/deliveries/"):
        assert outsider_api.get(BASE + path).json()["count"] == 0
    replay = outsider_api.post(f"{BASE}/replay/", json={
        "since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "endpoint": made.pk})
    assert replay.status_code == 400
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_a_replay_to_another_tenants_endpoint_is_400(owner_api, tenant, other_tenant):
    theirs, _ = services.endpoint_create(tenant=other_tenant, url=URL, event_types=[])
    services.endpoint_create(tenant=tenant, url=URL, event_types=[])
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    answer = owner_api.post(f"{BASE}/events/{event.pk}/replay/", json={"endpoint": theirs.pk})
    assert answer.status_code == 400 and "endpoint" in answer.json()


def test_the_event_type_catalogue_is_served(owner_api):
    types = [row["type"] for row in owner_api.get(f"{BASE}/event-types/").json()]
    assert "station.connected" in types and "webhook.test" in types
