"""The alerts pages in process (alerts/views.py, alerts/templatetags/alerts.py): every role sees
the alerts, the header badge and the cards on the overview and a station's page; managers and
installers acknowledge and mute, accountants may not; only managers change the rules, whose form
puts its reasons next to its fields; another tenant's alert or station is a 404 (the live side,
an alert appearing without reload in a real browser: tests/test_alerts_browser.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertKind, AlertRule, AlertState, Severity, StationMute
from tenants.models import Role
from tests.factories import make_station
from tests.fast.clients import post, signed_in
from tests.test_admin import make_user

pytestmark = pytest.mark.django_db

PAGES = ["/alerts/", "/alerts/rules/", "/", "/stations/ALERT-CP/", "/alerts/card/",
         "/alerts/card/ALERT-CP/", "/alerts/badge/"]


@pytest.fixture
def station(tenant):
    return make_station(tenant, identity="ALERT-CP")[0]


def raised(station, *, kind=AlertKind.CONNECTOR_FAULTED, title="ALERT-CP connector 1 Faulted",
           state=AlertState.OPEN, **fields) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        tenant_id=station.tenant_id, station=station, kind=kind, key=f"{kind}:{station.pk}:{title}",
        title=title, severity=Severity.CRITICAL, state=state, opened_at=now - timedelta(minutes=5),
        last_seen_at=now, resolved_at=now if state == AlertState.RESOLVED else None, **fields)


def client_of(tenant, role: str):
    user = make_user(tenant=tenant, role=role)
    user.is_staff = False
    user.save(update_fields=["is_staff"])
    return signed_in(user)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT])
def test_every_role_sees_the_alerts_pages_and_cards(tenant, station, role):
    alert = raised(station)
    client = client_of(tenant, role)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        if url not in ("/alerts/rules/", "/alerts/badge/"):
            assert alert.title in response.text, url


def test_the_badge_counts_open_alerts_no_one_acknowledged(tenant, station, owner):
    raised(station, title="one")
    raised(station, title="two", acknowledged_at=timezone.now(), acknowledged_by="user x")
    raised(station, title="three", state=AlertState.RESOLVED)
    client = signed_in(owner)
    page = client.get("/stations/").text
    assert 'data-open-count="1"' in page
    assert "js/alerts.js" in page
    assert 'data-open-count="1"' in client.get("/alerts/badge/").text


def test_the_alerts_page_shows_open_ones_and_filters_the_history(tenant, station, owner):
    other = make_station(tenant, identity="OTHER-CP")[0]
    raised(station, title="open here")
    raised(station, title="resolved here", state=AlertState.RESOLVED)
    raised(other, kind=AlertKind.STATION_OFFLINE, title="resolved there", state=AlertState.RESOLVED)
    client = signed_in(owner)
    page = client.get("/alerts/").text
    assert page.index("open here") < page.index("resolved here")
    assert "resolved there" in page
    only = client.get("/alerts/", {"station": "OTHER-CP"}).text
    assert "resolved there" in only and "open here" not in only
    resolved = client.get("/alerts/", {"state": "resolved", "kind": "connector_faulted"}).text
    assert "resolved here" in resolved and "open here" not in resolved
    assert "resolved there" not in resolved


def test_a_storm_is_listed_a_page_at_a_time_newest_first_sortable_and_searchable(station, owner):
    for n in range(55):
        raised(station, title=f"storm {n:02d}")
    client = signed_in(owner)
    first = client.get("/alerts/").text
    last = client.get("/alerts/", {"page": "2"}).text
    oldest_first = client.get("/alerts/", {"sort": "opened"}).text
    searched = client.get("/alerts/", {"q": "storm 07"}).text
    assert "1–50 of 55" in first and "storm 54" in first and "storm 00" not in first
    assert "storm 00" in last
    assert oldest_first.index("storm 00") < oldest_first.index("storm 01")
    assert "storm 07" in searched and "storm 08" not in searched


def test_bad_filters_are_ignored_never_a_500(station, owner):
    response = signed_in(owner).get("/alerts/", {"state": "nope", "kind": "x" * 500,
                                                 "station": "NO-SUCH", "page": "-3"})
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INSTALLER])
def test_managers_and_installers_acknowledge(tenant, station, role):
    alert = raised(station)
    response = post(client_of(tenant, role), f"/alerts/{alert.pk}/acknowledge/", {})
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.acknowledged_by.startswith("user ")
    assert 'id="alerts-badge"' in response.text and 'hx-swap-oob="true"' in response.text
    assert 'data-open-count="0"' in response.text


def test_an_acknowledge_without_htmx_goes_back_to_the_alerts_page(station, owner):
    alert = raised(station)
    response = post(signed_in(owner), f"/alerts/{alert.pk}/acknowledge/", {}, htmx=False)
    assert response.status_code == 302 and response.url == "/alerts/"


def test_an_accountant_may_not_acknowledge_or_mute(tenant, station):
    alert = raised(station)
    client = client_of(tenant, Role.ACCOUNTANT)
    assert post(client, f"/alerts/{alert.pk}/acknowledge/", {}).status_code == 403
    assert post(client, "/alerts/mute/ALERT-CP/", {"reason": "x"}).status_code == 403
    assert post(client, "/alerts/unmute/ALERT-CP/", {}).status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not StationMute.objects.filter(station=station).exists()


def test_another_tenants_alert_and_station_are_not_found(station, outsider):
    alert = raised(station)
    client = signed_in(outsider)
    assert post(client, f"/alerts/{alert.pk}/acknowledge/", {}).status_code == 404
    assert post(client, "/alerts/mute/ALERT-CP/", {"reason": "x"}).status_code == 404
    assert post(client, "/alerts/unmute/ALERT-CP/", {}).status_code == 404
    assert client.get("/alerts/card/ALERT-CP/").status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not StationMute.objects.filter(station=station).exists()
    for url in ("/alerts/", "/alerts/card/", "/"):
        assert alert.title not in client.get(url).text, url
    assert 'data-open-count="0"' in client.get("/alerts/badge/").text


def test_a_station_is_muted_and_unmuted_from_its_card(tenant, station, member):
    client = signed_in(member)
    until = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    card = post(client, "/alerts/mute/ALERT-CP/", {"until": until, "reason": "new cable"})
    assert card.status_code == 200
    assert "new cable" in card.text and "Unmute" in card.text
    mute = StationMute.objects.get(station=station)
    assert mute.tenant == tenant and mute.created_by.startswith("user ")
    assert "new cable" in client.get("/stations/ALERT-CP/").text
    card = post(client, "/alerts/unmute/ALERT-CP/", {})
    assert card.status_code == 200 and "Mute this station" in card.text
    assert not StationMute.objects.filter(station=station).exists()


def test_a_mute_ending_in_the_past_is_refused_next_to_its_field(station, owner):
    past = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    card = post(signed_in(owner), "/alerts/mute/ALERT-CP/", {"until": past})
    assert "The mute must end in the future." in card.text
    assert not StationMute.objects.filter(station=station).exists()


def test_only_managers_change_rules(tenant, station):
    data = {"station_offline-enabled": "on", "station_offline-threshold": "20",
            "station_offline-severity": "warning"}
    for role in (Role.INSTALLER, Role.ACCOUNTANT):
        client = client_of(tenant, role)
        assert 'action="/alerts/rules/' not in client.get("/alerts/rules/").text
        assert post(client, "/alerts/rules/station_offline/", data, htmx=False).status_code == 403
    assert not AlertRule.objects.filter(tenant=tenant).exists()


def test_a_manager_changes_a_rule(tenant, owner):
    colleague = make_user(tenant=tenant, role=Role.INSTALLER)
    response = post(signed_in(owner), "/alerts/rules/station_offline/", {
        "station_offline-enabled": "on", "station_offline-threshold": "20",
        "station_offline-severity": "warning", "station_offline-email": "on",
        "station_offline-notify_roles": ["manager", "installer"],
        "station_offline-notify_user_ids": [str(colleague.pk)]}, htmx=False)
    assert response.status_code == 302
    rule = AlertRule.objects.get(tenant=tenant, kind="station_offline")
    assert (rule.enabled, rule.threshold, rule.severity, rule.email) == (True, 20, "warning", True)
    assert rule.notify_roles == ["manager", "installer"]
    assert list(rule.notify_users.all()) == [colleague]


@pytest.mark.parametrize(("kind", "data", "reason"), [
    ("station_offline", {"threshold": "-5", "severity": "warning"}, "greater than or equal to 1"),
    ("station_offline", {"threshold": "ten", "severity": "warning"}, "Enter a whole number"),
    ("station_offline", {"severity": "loud"}, "Select a valid choice"),
    ("connector_faulted", {"threshold": "5", "severity": "critical"}, "has no threshold"),
    ("station_offline", {"severity": "warning", "notify_roles": "driver"}, "Select a valid choice"),
])
def test_the_rules_form_puts_its_reasons_next_to_the_fields(tenant, owner, kind, data, reason):
    sent = {f"{kind}-{name}": value for name, value in data.items()}
    response = post(signed_in(owner), f"/alerts/rules/{kind}/", sent, htmx=False)
    assert response.status_code == 400
    assert reason in response.text
    assert 'aria-invalid="true"' in response.text
    assert not AlertRule.objects.filter(tenant=tenant).exists()


def test_a_member_of_another_tenant_cannot_be_told(tenant, other_tenant, owner):
    stranger = make_user(tenant=other_tenant, role=Role.MANAGER)
    response = post(signed_in(owner), "/alerts/rules/station_offline/", {
        "station_offline-severity": "warning",
        "station_offline-notify_user_ids": [str(stranger.pk)]}, htmx=False)
    assert response.status_code == 400
    assert not AlertRule.objects.filter(tenant=tenant).exists()


def test_the_live_fragments_only_read(station, owner):
    client = signed_in(owner)
    for url in ("/alerts/badge/", "/alerts/card/", "/alerts/card/ALERT-CP/"):
        assert post(client, url, {}).status_code == 405, url


def test_an_unknown_kind_is_not_found(owner):
    assert post(signed_in(owner), "/alerts/rules/nope/", {}, htmx=False).status_code == 404
