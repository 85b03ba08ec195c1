"""The alerts API (alerts/api.py): every role reads, manager and installer acknowledge and mute,
only a manager changes a rule, bad input is a 400 with the reason, and another tenant's alerts,
rules, mutes and e-mails are not there (404 or absent)."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertKind, AlertNotification, AlertState, StationMute
from tenants.models import Role
from tests.factories import make_station

pytestmark = pytest.mark.django_db
_n = count()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def alert(tenant, *, kind="station_offline", station=None, minutes_ago=20, **fields) -> Alert:
    opened = timezone.now() - timedelta(minutes=minutes_ago)
    station = station or make_station(tenant)[0]
    return Alert.objects.create(tenant=tenant, kind=kind, key=f"station:{station.pk}:{next(_n)}",
                                station=station, title=f"Station {station.identity} offline",
                                opened_at=opened, last_seen_at=opened, **fields)


# --- Alerts ---------------------------------------------------------------------------------

def test_every_role_lists_the_tenants_alerts_newest_first(tenant, other_tenant, api_for):
    older, newer = alert(tenant, minutes_ago=30), alert(tenant, minutes_ago=5)
    alert(other_tenant)
    for role in Role.values:
        body = api_for(tenant, role).get("/api/v1/alerts/").json()
        assert body["count"] == 2
        assert [row["id"] for row in body["results"]] == [newer.id, older.id]


def test_the_list_filters(tenant, owner_api):
    station, _ = make_station(tenant, "CP-FILTER")
    offline = alert(tenant, station=station, minutes_ago=60)
    faulted = alert(tenant, kind="connector_faulted", severity="critical", minutes_ago=1,
                    acknowledged_at=timezone.now())
    gone = alert(tenant, state=AlertState.RESOLVED, resolved_at=timezone.now())

    def ids(**params) -> set[int]:
        response = owner_api.get("/api/v1/alerts/", params=params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(state="open") == {offline.id, faulted.id}
    assert ids(state="resolved") == {gone.id}
    assert ids(kind="connector_faulted") == {faulted.id}
    assert ids(severity="critical") == {faulted.id}
    assert ids(station="CP-FILTER") == {offline.id}
    assert ids(acknowledged="true") == {faulted.id}
    assert ids(acknowledged="false") == {offline.id, gone.id}
    assert ids(since=iso(timezone.now() - timedelta(minutes=10))) == {faulted.id}
    assert ids(until=iso(timezone.now() - timedelta(minutes=30))) == {offline.id}


@pytest.mark.parametrize("params", [{"state": "burning"}, {"kind": "nope"},
                                    {"acknowledged": "maybe"}, {"since": "yesterday"}])
def test_a_bad_filter_is_a_400_with_the_reason(owner_api, params):
    response = owner_api.get("/api/v1/alerts/", params=params)
    assert response.status_code == 400
    assert list(params)[0] in response.json()


def test_one_alert_and_another_tenants_is_a_404(tenant, owner_api, outsider_api):
    mine = alert(tenant)
    assert owner_api.get(f"/api/v1/alerts/{mine.id}/").json()["station"] == mine.station.identity
    assert outsider_api.get(f"/api/v1/alerts/{mine.id}/").status_code == 404
    assert outsider_api.post(f"/api/v1/alerts/{mine.id}/acknowledge/").status_code == 404
    assert owner_api.get("/api/v1/alerts/999999999999999999/").status_code == 404


def test_acknowledging_is_idempotent_and_keeps_the_first(tenant, api_for):
    incident = alert(tenant)
    installer = api_for(tenant, Role.INSTALLER)
    first = installer.post(f"/api/v1/alerts/{incident.id}/acknowledge/")
    assert first.status_code == 200 and first.json()["acknowledged_at"]
    assert "API token" in first.json()["acknowledged_by"]
    again = api_for(tenant, Role.MANAGER).post(f"/api/v1/alerts/{incident.id}/acknowledge/")
    assert again.json()["acknowledged_at"] == first.json()["acknowledged_at"]
    assert again.json()["acknowledged_by"] == first.json()["acknowledged_by"]


def test_an_accountant_reads_but_does_not_acknowledge(tenant, api_for):
    incident = alert(tenant)
    accountant = api_for(tenant, Role.ACCOUNTANT)
    assert accountant.get(f"/api/v1/alerts/{incident.id}/").status_code == 200
    assert accountant.post(f"/api/v1/alerts/{incident.id}/acknowledge/").status_code == 403


# --- Rules ----------------------------------------------------------------------------------

def test_a_tenant_that_configured_nothing_has_every_default_rule(api_for, tenant):
    rules = api_for(tenant, Role.ACCOUNTANT).get("/api/v1/alert-rules/").json()
    assert [rule["kind"] for rule in rules] == AlertKind.values
    assert all(rule["is_default"] for rule in rules)
    offline = rules[0]
    assert offline["threshold"] == 10 and offline["notify_roles"] == ["manager"]
    assert offline["enabled"] and offline["email"]


def test_a_manager_changes_a_rule(tenant, owner, owner_api, member_api):
    response = owner_api.patch("/api/v1/alert-rules/station_offline/",
                               json={"threshold": 0, "notify_roles": ["manager", "installer"],
                                     "notify_users": [owner.id], "severity": "warning"})
    assert response.status_code == 200, response.json()
    rule = response.json()
    assert not rule["is_default"] and rule["threshold"] == 0 and rule["severity"] == "warning"
    assert rule["notify_users"] == [owner.id]
    assert rule["notify_roles"] == ["installer", "manager"]
    assert member_api.get("/api/v1/alert-rules/station_offline/").json() == rule
    assert member_api.patch("/api/v1/alert-rules/station_offline/",
                            json={"enabled": False}).status_code == 403


def test_a_rule_tells_only_the_tenants_members(owner_api, outsider):
    response = owner_api.patch("/api/v1/alert-rules/connector_faulted/",
                               json={"notify_users": [outsider.id]})
    assert response.status_code == 400
    assert "notify_users" in response.json()


@pytest.mark.parametrize("body", [{"threshold": -1}, {"threshold": 10**6},
                                  {"severity": "apocalyptic"},
                                  {"notify_roles": ["driver"]}, {"notify_roles": "manager"},
                                  {"enabled": "perhaps"}])
def test_a_bad_rule_is_a_400(owner_api, body):
    response = owner_api.patch("/api/v1/alert-rules/station_offline/", json=body)
    assert response.status_code == 400
    assert list(body)[0] in response.json()


def test_a_threshold_only_for_a_kind_that_has_one(owner_api):
    response = owner_api.patch("/api/v1/alert-rules/connector_faulted/", json={"threshold": 5})
    assert response.status_code == 400
    assert "threshold" in response.json()
    assert owner_api.patch("/api/v1/alert-rules/connector_faulted/",
                           json={"threshold": None}).status_code == 200


def test_an_unknown_kind_is_a_404(owner_api):
    assert owner_api.get("/api/v1/alert-rules/sunburn/").status_code == 404
    assert owner_api.patch("/api/v1/alert-rules/sunburn/", json={}).status_code == 404


def test_another_tenants_rule_change_is_not_seen(owner_api, outsider_api):
    owner_api.patch("/api/v1/alert-rules/station_offline/", json={"enabled": False})
    theirs = outsider_api.get("/api/v1/alert-rules/station_offline/").json()
    assert theirs["enabled"] and theirs["is_default"]


# --- Mutes ----------------------------------------------------------------------------------

def test_an_installer_mutes_and_unmutes_a_station(tenant, member_api):
    station, _ = make_station(tenant, "CP-MUTE")
    until = iso(timezone.now() + timedelta(hours=2))
    response = member_api.post("/api/v1/alert-mutes/",
                               json={"station": "CP-MUTE", "until": until, "reason": "repair"})
    assert response.status_code == 201, response.json()
    assert response.json()["station"] == "CP-MUTE" and response.json()["reason"] == "repair"
    assert [row["station"] for row in member_api.get("/api/v1/alert-mutes/").json()["results"]] \
        == ["CP-MUTE"]
    assert member_api.delete("/api/v1/alert-mutes/CP-MUTE/").status_code == 204
    assert not StationMute.objects.filter(station=station).exists()
    assert member_api.delete("/api/v1/alert-mutes/CP-MUTE/").status_code == 404


@pytest.mark.parametrize("body", [{"station": "NOT-MINE"}, {},
                                  {"station": "CP-M2", "until": "2000-01-01T00:00:00Z"},
                                  {"station": "CP-M2", "until": "soon"}])
def test_a_bad_mute_is_a_400(tenant, owner_api, body):
    make_station(tenant, "CP-M2")
    response = owner_api.post("/api/v1/alert-mutes/", json=body)
    assert response.status_code == 400
    assert set(response.json()) & {"station", "until"}


def test_another_tenants_station_is_not_muted_nor_unmuted(tenant, owner_api, outsider_api,
                                                          api_for):
    station, _ = make_station(tenant, "CP-THEIRS")
    assert outsider_api.post("/api/v1/alert-mutes/",
                             json={"station": "CP-THEIRS"}).status_code == 400
    owner_api.post("/api/v1/alert-mutes/", json={"station": "CP-THEIRS"})
    assert outsider_api.get("/api/v1/alert-mutes/").json()["count"] == 0
    assert outsider_api.delete("/api/v1/alert-mutes/CP-THEIRS/").status_code == 404
    assert api_for(tenant, Role.ACCOUNTANT).delete(
        "/api/v1/alert-mutes/CP-THEIRS/").status_code == 403
    assert StationMute.objects.filter(station=station).exists()


# --- Notifications --------------------------------------------------------------------------

def test_the_email_history_is_the_tenants(tenant, other_tenant, api_for, outsider_api):
    incident = alert(tenant)
    sent = AlertNotification.objects.create(tenant=tenant, sent_at=timezone.now(),
                                            recipients=["m@example.com"], subject="[CPMS] x")
    sent.alerts.add(incident)
    AlertNotification.objects.create(tenant=other_tenant, sent_at=timezone.now(), subject="y")
    rows = api_for(tenant, Role.ACCOUNTANT).get("/api/v1/alert-notifications/").json()["results"]
    assert [(row["id"], row["alert_count"]) for row in rows] == [(sent.id, 1)]
    by_alert = api_for(tenant, Role.MANAGER).get("/api/v1/alert-notifications/",
                                                 params={"alert": incident.id}).json()
    assert by_alert["count"] == 1
    assert [row["subject"] for row in outsider_api.get(
        "/api/v1/alert-notifications/").json()["results"]] == ["y"]
