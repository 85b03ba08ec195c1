"""The webhooks pages (webhooks/views.py): a manager adds an endpoint and sees its secret once,
edits, rotates, tests, re-enables and deletes it, reads the delivery log with each delivery's
attempts and replays one event or a time range; installers and accountants are refused; another
tenant's manager finds none of it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tenants.models import Role
from tests.fast.clients import signed_in
from tests.fast.lists import small_pages
from tests.test_admin import make_user
from webhooks import services
from webhooks.models import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db
URL = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True


def make_endpoint(tenant, *types: str, url: str = URL) -> WebhookEndpoint:
    return services.endpoint_create(tenant=tenant, url=url, event_types=list(types))[0]


def make_delivery(endpoint, type_: str = "station.connected", **fields) -> WebhookDelivery:
    event = services.webhook_emit(tenant_id=endpoint.tenant_id, type=type_,
                                  data={"station": {"id": 1, "identity": "CP", "ocpp_version": "1.6"}})
    delivery = event.deliveries.get(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    delivery.refresh_from_db()
    return delivery


def text(response) -> str:
    return response.content.decode()


# Who may see them -----------------------------------------------------------------------------

PAGES = ["/webhooks/", "/webhooks/deliveries/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [Role.INSTALLER, Role.ACCOUNTANT])
def test_only_a_manager_opens_the_webhooks_pages(tenant, page, role):
    response = signed_in(_user(tenant, role)).get(page)

    assert response.status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_a_manager_opens_them(owner_web, page):
    assert owner_web.get(page).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, page):
    response = client.get(page)

    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("role", [Role.INSTALLER, Role.ACCOUNTANT])
def test_only_a_manager_changes_an_endpoint(tenant, role):
    endpoint = make_endpoint(tenant)
    http = signed_in(_user(tenant, role))

    for action in ("delete", "rotate-secret", "test", "enable"):
        assert http.post(f"/webhooks/{endpoint.pk}/{action}/").status_code == 403
    assert http.post("/webhooks/", {"url": "http://127.0.0.1:9/other"}).status_code == 403
    assert WebhookEndpoint.objects.filter(tenant=tenant).count() == 1


def _user(tenant, role):
    user = make_user(tenant=tenant, role=role)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return user


# Endpoints ------------------------------------------------------------------------------------

def test_a_new_endpoint_shows_its_secret_once(tenant, owner_web):
    response = owner_web.post("/webhooks/", {"url": URL, "event_types": ["session.stopped",
                                                                         "session.priced"],
                                             "description": "ERP"})

    endpoint = WebhookEndpoint.objects.get(tenant=tenant)
    assert response.status_code == 200
    assert endpoint.event_types == ["session.priced", "session.stopped"]
    secret = _shown_secret(text(response))
    assert secret.startswith(endpoint.secret_prefix)
    assert secret not in text(owner_web.get("/webhooks/"))  # never again


def test_no_event_type_ticked_means_every_type(tenant, owner_web):
    owner_web.post("/webhooks/", {"url": URL})

    assert WebhookEndpoint.objects.get(tenant=tenant).event_types == []
    assert "every type" in text(owner_web.get("/webhooks/"))


@pytest.mark.parametrize(("data", "reason"), [
    ({"url": "not a url"}, "Enter a valid URL"),
    ({"url": URL, "event_types": ["station.exploded"]}, "not one of the available choices"),
    ({"url": "ftp://127.0.0.1/hook"}, "must start with https://"),
])
def test_a_bad_endpoint_is_refused_with_the_reason(tenant, owner_web, data, reason):
    response = owner_web.post("/webhooks/", data)

    assert response.status_code == 400 and reason in text(response)
    assert not WebhookEndpoint.objects.filter(tenant=tenant).exists()


def test_a_private_address_is_refused_when_not_allowed(tenant, owner_web, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False

    response = owner_web.post("/webhooks/", {"url": "https://127.0.0.1/hook"})

    assert response.status_code == 400 and "loopback, private or link-local" in text(response)
    assert not WebhookEndpoint.objects.filter(tenant=tenant).exists()


def test_an_endpoint_is_edited(tenant, owner_web):
    endpoint = make_endpoint(tenant, "station.connected")

    page = owner_web.get(f"/webhooks/{endpoint.pk}/")
    response = owner_web.post(f"/webhooks/{endpoint.pk}/", {
        "url": "http://127.0.0.1:9/new", "event_types": ["alert.opened"], "description": "Ops"})

    assert page.status_code == 200 and 'value="station.connected"' in text(page)
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types, endpoint.description) == (
        "http://127.0.0.1:9/new", ["alert.opened"], "Ops")


def test_rotating_shows_the_new_secret_once(tenant, owner_web):
    endpoint = make_endpoint(tenant)
    old_prefix = endpoint.secret_prefix

    response = owner_web.post(f"/webhooks/{endpoint.pk}/rotate-secret/")

    endpoint.refresh_from_db()
    assert response.status_code == 200 and "Secret rotated" in text(response)
    assert _shown_secret(text(response)).startswith(endpoint.secret_prefix)
    assert endpoint.secret_prefix != old_prefix and endpoint.previous_secret_encrypted


def test_a_test_event_goes_to_that_endpoint_only(tenant, owner_web):
    endpoint = make_endpoint(tenant, "session.priced")
    other = make_endpoint(tenant, url="http://127.0.0.1:9/other")

    response = owner_web.post(f"/webhooks/{endpoint.pk}/test/")

    assert response.status_code == 302
    [delivery] = WebhookDelivery.objects.filter(tenant=tenant)
    assert delivery.endpoint == endpoint and delivery.event.type == "webhook.test"
    assert not other.deliveries.exists()


def test_a_disabled_endpoint_gets_no_test_until_enabled(tenant, owner_web):
    endpoint = make_endpoint(tenant)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)

    response = owner_web.post(f"/webhooks/{endpoint.pk}/test/", follow=True)

    assert "is disabled: enable it first" in text(response)
    assert not WebhookDelivery.objects.filter(tenant=tenant).exists()


def test_a_disabled_endpoint_shows_why_and_is_enabled_again(tenant, owner_web):
    endpoint = make_endpoint(tenant)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        enabled=False, disabled_reason="30 failed attempts in a row", consecutive_failures=30)

    page = owner_web.get("/webhooks/")
    response = owner_web.post(f"/webhooks/{endpoint.pk}/enable/")

    assert "30 failed attempts in a row" in text(page) and "Enable</button>" in text(page)
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0


def test_an_endpoint_is_deleted_after_a_confirmation(tenant, owner_web):
    endpoint = make_endpoint(tenant)

    page = owner_web.get("/webhooks/")
    response = owner_web.post(f"/webhooks/{endpoint.pk}/delete/")

    assert f'data-confirm="Delete the endpoint {URL}' in text(page)
    assert response.status_code == 302 and not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_get_changes_nothing(tenant, owner_web):
    endpoint = make_endpoint(tenant)

    assert owner_web.get(f"/webhooks/{endpoint.pk}/delete/").status_code == 405
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


# The delivery log -----------------------------------------------------------------------------

def test_the_log_shows_each_delivery_with_its_attempts(tenant, owner_web):
    endpoint = make_endpoint(tenant)
    delivery = make_delivery(endpoint, state=DeliveryState.FAILED, attempts=1, last_status_code=503,
                             last_error="HTTP 503")
    WebhookAttempt.objects.create(delivery=delivery, at=timezone.now(), status_code=503,
                                  duration_ms=12, response_excerpt="Service Unavailable")

    page = text(owner_web.get("/webhooks/deliveries/"))

    assert "station.connected" in page and "Failed (retrying)" in page and "HTTP 503" in page
    assert "1 attempt" in page and "Service Unavailable" in page and "12 ms" in page


def test_the_log_is_filtered_by_type_endpoint_and_state(tenant, owner_web):
    first = make_endpoint(tenant, "station.connected")
    second = make_endpoint(tenant, "session.started", url="http://127.0.0.1:9/second")
    make_delivery(first, "station.connected")
    make_delivery(second, "session.started", state=DeliveryState.SUCCEEDED)

    by_type = text(owner_web.get("/webhooks/deliveries/", {"type": "session.started"}))
    by_endpoint = text(owner_web.get("/webhooks/deliveries/", {"endpoint": first.pk}))
    by_state = text(owner_web.get("/webhooks/deliveries/", {"state": "succeeded"}))

    started, connected = "<code>session.started</code>", "<code>station.connected</code>"
    assert started in by_type and connected not in by_type
    assert connected in by_endpoint and started not in by_endpoint
    assert started in by_state and connected not in by_state


def test_the_log_is_paged(tenant, owner_web, monkeypatch):
    small_pages(monkeypatch, 25)
    endpoint = make_endpoint(tenant)
    for _ in range(30):
        make_delivery(endpoint)

    first, second = owner_web.get("/webhooks/deliveries/"), owner_web.get("/webhooks/deliveries/",
                                                                           {"page": 2})

    assert text(first).count("data-delivery=") == 25 and text(second).count("data-delivery=") == 5
    assert "1–25 of 30" in text(first)


def test_one_event_is_replayed(tenant, owner_web):
    endpoint = make_endpoint(tenant)
    delivery = make_delivery(endpoint, state=DeliveryState.DEAD)

    response = owner_web.post(f"/webhooks/events/{delivery.event_id}/replay/")

    assert response.status_code == 302
    replayed = WebhookDelivery.objects.filter(event=delivery.event, replay=True)
    assert [d.endpoint for d in replayed] == [endpoint]


def test_a_time_range_is_replayed(tenant, owner_web):
    endpoint = make_endpoint(tenant)
    make_delivery(endpoint, "station.connected")
    make_delivery(endpoint, "session.started")
    now = datetime.now(UTC)

    response = owner_web.post("/webhooks/deliveries/replay/", {
        "since": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "until": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "endpoint": endpoint.pk, "types": ["session.started"]})

    assert response.status_code == 302
    [replayed] = WebhookDelivery.objects.filter(tenant=tenant, replay=True)
    assert replayed.event.type == "session.started"


def test_a_range_that_ends_before_it_starts_is_refused(tenant, owner_web):
    now = datetime.now(UTC)

    response = owner_web.post("/webhooks/deliveries/replay/", {
        "since": now.strftime("%Y-%m-%dT%H:%M"),
        "until": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 400 and "Must be after" in text(response)


# Another tenant -------------------------------------------------------------------------------

def test_another_tenants_manager_finds_none_of_it(tenant, outsider):
    endpoint = make_endpoint(tenant)
    delivery = make_delivery(endpoint)
    http = signed_in(outsider)

    assert URL not in text(http.get("/webhooks/")) and URL not in text(http.get("/webhooks/deliveries/"))
    assert http.get(f"/webhooks/{endpoint.pk}/").status_code == 404
    for action in ("delete", "rotate-secret", "test", "enable"):
        assert http.post(f"/webhooks/{endpoint.pk}/{action}/").status_code == 404
    assert http.post(f"/webhooks/events/{delivery.event_id}/replay/").status_code == 404
    response = http.post("/webhooks/deliveries/replay/", {
        "since": "2026-01-01T00:00", "until": "2030-01-01T00:00", "endpoint": endpoint.pk})
    assert response.status_code == 400  # not one of its endpoints
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert not WebhookDelivery.objects.filter(replay=True).exists()


def _shown_secret(page: str) -> str:
    start = page.index('data-field="webhook-secret">') + len('data-field="webhook-secret">')
    return page[start:page.index("</code>", start)]
