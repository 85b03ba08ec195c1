"""Webhook services (webhooks/services.py): the outbox, endpoints and their secrets, who wants
what, replays, and the addresses we refuse to call (SSRF)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import make_station
from webhooks import services
from webhooks.crypto import secret_decrypt
from webhooks.delivery import UnsafeURL, signing_secrets, url_check
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/in"


def endpoint(tenant, types=(), url=URL) -> WebhookEndpoint:
    return services.endpoint_create(tenant=tenant, url=url, event_types=list(types))[0]


# --- The outbox --------------------------------------------------------------------------------

def test_an_event_makes_one_delivery_per_enabled_endpoint_that_takes_its_type(tenant):
    every, stations_only, sessions_only = endpoint(tenant), endpoint(tenant, ["station.connected"]), \
        endpoint(tenant, ["session.started"])
    off = endpoint(tenant)
    services.endpoint_update(endpoint=off, enabled=False)
    station, _ = make_station(tenant)
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected",
                                  data={"station": station.identity}, station_id=station.pk)
    deliveries = WebhookDelivery.objects.filter(event=event)
    assert {d.endpoint_id for d in deliveries} == {every.pk, stations_only.pk}
    assert all(d.station_id == station.pk and d.state == "pending" for d in deliveries)
    assert sessions_only.pk not in {d.endpoint_id for d in deliveries}


def test_no_endpoint_for_the_type_writes_nothing(tenant):
    endpoint(tenant, ["session.started"])
    assert services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={}) is None
    assert not WebhookEvent.objects.filter(tenant=tenant).exists()


def test_an_unknown_type_is_a_value_error(tenant):
    with pytest.raises(ValueError):
        services.webhook_emit(tenant_id=tenant.pk, type="station.exploded", data={})


def test_deliveries_are_queued_only_when_the_event_commits(tenant, django_capture_on_commit_callbacks):
    endpoint(tenant)
    with django_capture_on_commit_callbacks() as queued:
        services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    assert len(queued) == 1


def test_a_failed_emit_leaves_the_callers_transaction_usable(tenant):
    endpoint(tenant)
    assert services.webhook_emit(tenant_id=tenant.pk, type="station.connected",
                                 data={"not json": object()}) is None
    assert WebhookEndpoint.objects.filter(tenant=tenant).count() == 1  # no broken transaction
    assert not connection.needs_rollback


def test_another_tenants_endpoints_get_nothing(tenant, other_tenant):
    endpoint(other_tenant)
    assert services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={}) is None


# --- Who wants what ----------------------------------------------------------------------------

def test_wanted_is_unknown_until_read_then_answered_from_the_cache(tenant):
    endpoint(tenant, ["station.connected"])
    assert services.webhook_wanted(tenant.pk, "station.connected") is None
    assert services.webhook_types_of(tenant.pk) == {"station.connected"}
    assert services.webhook_wanted(tenant.pk, "station.connected") is True
    assert services.webhook_wanted(tenant.pk, "session.started") is False


def test_an_endpoint_of_every_type_wants_everything_and_a_change_forgets_the_cache(tenant):
    services.webhook_types_of(tenant.pk)
    assert services.webhook_wanted(tenant.pk, "session.started") is False
    endpoint(tenant)
    assert services.webhook_wanted(tenant.pk, "session.started") is None
    services.webhook_types_of(tenant.pk)
    assert services.webhook_wanted(tenant.pk, "session.started") is True


# --- Endpoints and secrets ---------------------------------------------------------------------

def test_the_secret_is_returned_once_and_stored_encrypted(tenant):
    made, secret = services.endpoint_create(tenant=tenant, url=URL, event_types=[])
    made.refresh_from_db()
    assert secret not in made.secret_encrypted
    assert secret_decrypt(made.secret_encrypted) == secret
    assert secret.startswith(made.secret_prefix)


def test_a_rotated_out_secret_signs_too_for_a_day(tenant):
    made, old = services.endpoint_create(tenant=tenant, url=URL, event_types=[])
    new = services.endpoint_rotate_secret(endpoint=made)
    assert signing_secrets(made) == [new, old]
    made.previous_secret_expires_at = timezone.now() - timedelta(seconds=1)
    assert signing_secrets(made) == [new]
    expires = timezone.now() + timedelta(hours=24)
    made.refresh_from_db()
    assert abs((made.previous_secret_expires_at - expires).total_seconds()) < 5


def test_unknown_event_types_are_refused(tenant):
    with pytest.raises(ValueError, match="station.exploded"):
        services.endpoint_create(tenant=tenant, url=URL, event_types=["station.exploded"])


@pytest.mark.parametrize("url", [
    "http://hooks.example.com/in", "https://127.0.0.1/in", "https://10.1.2.3/", "https://192.168.0.9/",
    "https://169.254.169.254/latest/meta-data", "https://[::1]/", "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/", "https://0.0.0.0/", "https://localhost/", "ftp://hooks.example.com/",
    "https:///nohost"])
def test_loopback_private_link_local_and_plain_http_are_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeURL):
        url_check(url)


def test_a_public_https_address_is_taken(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    url_check("https://93.184.216.34/hooks")


def test_private_addresses_are_taken_where_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    url_check("http://127.0.0.1:8123/hooks")


def test_an_unsafe_address_is_refused_at_creation_and_on_update(settings, tenant):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeURL):
        services.endpoint_create(tenant=tenant, url="https://127.0.0.1/", event_types=[])
    made = endpoint(tenant, url="https://93.184.216.34/")
    with pytest.raises(UnsafeURL):
        services.endpoint_update(endpoint=made, url="https://10.0.0.1/")


# --- Replays and tests -------------------------------------------------------------------------

def test_a_replayed_event_keeps_its_id_in_a_new_delivery(tenant):
    made = endpoint(tenant)
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    again = services.webhook_replay_event(tenant=tenant, event_id=event.pk)
    assert [(d.event_id, d.endpoint_id, d.replay) for d in again] == [(event.pk, made.pk, True)]
    assert WebhookDelivery.objects.filter(event=event).count() == 2


def test_a_replay_to_one_endpoint_goes_there_only(tenant):
    first, second = endpoint(tenant), endpoint(tenant)
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    again = services.webhook_replay_event(tenant=tenant, event_id=event.pk, endpoint_id=second.pk)
    assert [d.endpoint_id for d in again] == [second.pk]
    assert first.pk != second.pk


def test_another_tenants_event_or_endpoint_cannot_be_replayed(tenant, other_tenant):
    endpoint(tenant)
    theirs = endpoint(other_tenant)
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    with pytest.raises(WebhookEvent.DoesNotExist):
        services.webhook_replay_event(tenant=other_tenant, event_id=event.pk)
    with pytest.raises(WebhookEndpoint.DoesNotExist):
        services.webhook_replay_event(tenant=tenant, event_id=event.pk, endpoint_id=theirs.pk)


def test_a_range_replay_sends_the_events_of_that_time_and_types_oldest_first(tenant):
    made = endpoint(tenant)
    emitted = [services.webhook_emit(tenant_id=tenant.pk, type=type_, data={})
               for type_ in ("station.connected", "session.started", "station.connected")]
    now = timezone.now()
    count = services.webhook_replay_range(tenant=tenant, since=now - timedelta(minutes=1),
                                          until=now + timedelta(1), types=["station.connected"])
    replays = WebhookDelivery.objects.filter(tenant=tenant, replay=True).order_by("id")
    assert count == 2 and [d.event_id for d in replays] == [emitted[0].pk, emitted[2].pk]
    assert {d.endpoint_id for d in replays} == {made.pk}
    assert services.webhook_replay_range(tenant=tenant, since=now - timedelta(days=2),
                                         until=now - timedelta(days=1)) == 0


def test_a_range_replay_of_another_tenants_endpoint_is_refused(tenant, other_tenant):
    theirs = endpoint(other_tenant)
    with pytest.raises(WebhookEndpoint.DoesNotExist):
        services.webhook_replay_range(tenant=tenant, since=timezone.now() - timedelta(1),
                                      until=timezone.now(), endpoint_id=theirs.pk)


def test_a_test_event_goes_to_that_endpoint_whatever_it_takes(tenant):
    made = endpoint(tenant, ["session.started"])
    delivery = services.webhook_send_test(endpoint=made)
    assert delivery.endpoint_id == made.pk and delivery.event.type == "webhook.test"


def test_a_deleted_endpoint_takes_its_deliveries_and_keeps_the_events(tenant):
    made = endpoint(tenant)
    event = services.webhook_emit(tenant_id=tenant.pk, type="station.connected", data={})
    services.endpoint_delete(endpoint=made)
    assert not WebhookDelivery.objects.filter(event=event).exists()
    assert WebhookEvent.objects.filter(pk=event.pk).exists()
