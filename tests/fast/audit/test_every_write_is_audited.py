"""No write without an audit row (issue 20, docs/audit.md): every route of the URLconf that takes
a write is called here, as a manager, with a valid write, in a tenant holding one of everything.

The routes come from the URL resolver, so a new write route cannot hide: an API route with a write
method (its viewset's actions, its view's handlers) fails here until EXAMPLES gives it a valid
call; a dashboard route is posted to, and unless it refuses POST (405) it needs an example too.
For each call, two things are checked, whatever the route answers:
- it succeeded (2xx/3xx, no form errors): an audit entry of the tenant was written during the
  call, with the caller as its actor (the token, the signed-in user);
- any row of the tenant changed (a fingerprint of every tenant-owned model, and of the rows
  hanging off its stations, before and after): an audit entry was written.
Commands to stations find no station connected here (409): they must still not change rows
unaudited. A format-suffixed twin of an API route (`stations.json`) is the same view: the plain
route stands for it."""

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from alerts.models import Alert, StationMute
from audit.models import AuditEntry
from billing.models import Customer
from loadmgmt.models import LoadGroup
from stations.displaymessages.models import DisplayMessage
from stations.firmware.models import FirmwareFile
from stations.models import ChargingSession, Station
from stations.security import ca
from tenants.models import Tenant
from tests.factories import make_station
from tests.fast import walks
from tests.fast.tenants.test_tenant_isolation_routes import tenant_a  # noqa: F401  (one of each)
from tests.fast.walks.calls import Write, api, page
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

API = "api/v1/"
WRITES = ("post", "put", "patch", "delete")
# Not an operator's write to a tenant's data, so not walked (each with its reason):
NOT_WALKED = {
    "accounts/": "signing in and out, one's own password: the user's, not a tenant's data",
    "admin/": "the admin is audited by its own test (tests/fast/audit/test_capture.py)",
    "ocpp-files/": "stations upload and download files there with a token, no operator acts",
    "^static/": "static files",
}


@dataclass(frozen=True)
class Route:
    method: str  # post, put, patch, delete
    route: str  # readable: api/v1/stations/<identity>/commands/
    pattern: str  # as the resolver has it

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.route}"

    @property
    def api(self) -> bool:
        return self.route.startswith(API)


def readable(route: str) -> str:
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    route = re.sub(r"<\w+:(\w+)>", r"<\1>", route)
    return route.replace("^", "").replace("$", "").replace("\\.", ".")


def _methods(pattern: URLPattern, route: str) -> list[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)  # a DRF viewset: its methods in this route
    if actions:
        return [method for method in WRITES if method in actions]
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return [method for method in WRITES if hasattr(view_class, method)
                and method in getattr(view_class, "http_method_names", WRITES)]
    return [] if route.startswith(API) else ["post"]  # a dashboard function: tried with POST


def write_routes() -> list[Route]:
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if any(route.startswith(skipped) for skipped in NOT_WALKED):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif "(?P<format>" not in route:
                found.extend(Route(method, readable(route), route) for method in _methods(pattern, route))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found), key=lambda r: r.key)


# ---- One of everything -----------------------------------------------------------------------


@pytest.fixture
def objects(tenant_a, tenant) -> dict:  # noqa: F811
    """Tenant A's objects of the isolation walk, a 2.0.1 station with its own, spares that a
    delete may take (a customer without invoices, a firmware file without jobs), and the
    operations apps' own."""
    now = timezone.now()
    station = tenant_a["station"]
    station201, _ = make_station(tenant, "WALK-201", ocpp_version="2.0.1")
    StationMute.objects.get_or_create(station=station, defaults={"tenant": tenant, "reason": "works"})
    pem, _ = ca.new_ca("Walk Root")
    own = {
        "pem": pem,
        "station201": station201,
        "session201": ChargingSession.objects.create(
            tenant=tenant, station=station201, connector_id=1, transaction_id=2,
            station_transaction_id="walk-tx-2", id_tag="AONLY7F3C", meter_start=0,
            started_at=now - timedelta(hours=1)),
        "display201": DisplayMessage.objects.create(tenant=tenant, station=station201, message_id=6,
                                                    priority="NormalCycle", content="Hello"),
        "spare_customer": Customer.objects.create(tenant=tenant, name="Walk spare customer"),
        "spare_firmware": FirmwareFile.objects.create(tenant=tenant, name="Walk spare image",
                                                      version="3", file="firmware/a/spare.bin"),
        "api_group": LoadGroup.objects.create(tenant=tenant, name="Walk metered", max_current=63,
                                              base_load_source="api"),
        "other_station": make_station(tenant, "WALK-OTHER-1")[0],
        "running16": ChargingSession.objects.create(  # stopped from the dashboard by its own id
            tenant=tenant, station=station, connector_id=2, transaction_id=3, station_transaction_id="3",
            id_tag="AONLY7F3C", id_tag_status="Accepted", meter_start=0,
            started_at=now - timedelta(minutes=30)),
    }
    if "alert" not in tenant_a:
        own["alert"] = Alert.objects.create(tenant=tenant, kind="station_offline", key=f"walk:{station.pk}",
                                            station=station, title="Offline", opened_at=now,
                                            last_seen_at=now)
    if "endpoint" not in tenant_a:
        own["endpoint"] = WebhookEndpoint.objects.create(tenant=tenant, url="https://hooks.example.com/in",
                                                         secret_encrypted="-")
    if "event" not in tenant_a:
        own["event"] = WebhookEvent.objects.create(tenant=tenant, type="station.connected",
                                                   occurred_at=now - timedelta(minutes=5), data={})
    own.update(walks.more_objects(tenant, {**tenant_a, **own}))
    return {**tenant_a, **own}


# ---- The writes ---------------------------------------------------------------------------------


_api, _page = api, page


def _s(o) -> str:
    return o["station"].identity


def _s2(o) -> str:
    return o["station201"].identity


def _pem(o) -> str:
    return o["pem"]


def _iso(delta: timedelta) -> str:
    return (timezone.now() + delta).isoformat()


NOT_CONNECTED = 409  # a command to a station that is not connected here
TARIFF = {"name": "Walk tariff", "currency": "EUR", "vat_rate": "19",
          "elements": [{"price_components": [{"type": "ENERGY", "price": "0.40"}]}]}
LOAD_GROUP_FORM = {"name": "Walk group", "max_current": "32", "phases": "3", "voltage": "230",
                   "min_current": "6", "failsafe_current": "6", "safety_margin": "0",
                   "base_load_current": "0", "base_load_source": "fixed"}
TARIFF_FORM = {"name": "Walk tariff", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "0",
               "mode": "simple", "energy_price": "0.30"}
ID_TAG_FORM = {"status": "Accepted", "token_type": "ISO14443", "priority": "0"}
VARIABLE = {"component": "OCPPCommCtrlr", "variable": "HeartbeatInterval"}
MONITOR = {**VARIABLE, "type": "Delta", "value": "10", "severity": 5}

EXAMPLES: dict[str, Write] = {
    # -- the API: alerts and webhooks
    "POST api/v1/alert-mutes/": _api(lambda o: "/api/v1/alert-mutes/",
                                     lambda o: {"station": o["other_station"].identity}, 201),
    "DELETE api/v1/alert-mutes/<identity>/": _api(lambda o: f"/api/v1/alert-mutes/{_s(o)}/", None, 204),
    "POST api/v1/alerts/<pk>/acknowledge/": _api(
        lambda o: f"/api/v1/alerts/{o['alert'].pk}/acknowledge/", None, 200),
    "PATCH api/v1/alert-rules/<kind>/": _api(lambda o: "/api/v1/alert-rules/station_offline/",
                                             {"threshold": 15}, 200),
    "POST api/v1/webhooks/endpoints/": _api(lambda o: "/api/v1/webhooks/endpoints/", {
        "url": "https://hooks.example.com/new", "event_types": ["station.connected"]}, 201),
    "PATCH api/v1/webhooks/endpoints/<pk>/": _api(
        lambda o: f"/api/v1/webhooks/endpoints/{o['endpoint'].pk}/", {"description": "Ops"}, 200),
    "PUT api/v1/webhooks/endpoints/<pk>/": _api(
        lambda o: f"/api/v1/webhooks/endpoints/{o['endpoint'].pk}/",
        {"url": "https://hooks.example.com/put", "event_types": ["station.booted"]}, 200),
    "DELETE api/v1/webhooks/endpoints/<pk>/": _api(
        lambda o: f"/api/v1/webhooks/endpoints/{o['endpoint'].pk}/", None, 204),
    "POST api/v1/webhooks/endpoints/<pk>/enable/": _api(
        lambda o: f"/api/v1/webhooks/endpoints/{o['endpoint'].pk}/enable/", None, 200),
    "POST api/v1/webhooks/endpoints/<pk>/rotate-secret/": _api(
        lambda o: f"/api/v1/webhooks/endpoints/{o['endpoint'].pk}/rotate-secret/", None, 200),
    "POST api/v1/webhooks/endpoints/<pk>/test/": _api(
        lambda o: f"/api/v1/webhooks/endpoints/{o['endpoint'].pk}/test/", None, 202),
    "POST api/v1/webhooks/events/<pk>/replay/": _api(
        lambda o: f"/api/v1/webhooks/events/{o['event'].pk}/replay/", None, 202),
    "POST api/v1/webhooks/replay/": _api(lambda o: "/api/v1/webhooks/replay/", lambda o: {
        "since": _iso(-timedelta(hours=1)), "until": _iso(timedelta(0))}, 202),
    # -- the API: money
    "POST api/v1/customers/": _api(lambda o: "/api/v1/customers/", {"name": "Walk customer"}, 201),
    "PATCH api/v1/customers/<pk>/": _api(lambda o: f"/api/v1/customers/{o['customer'].pk}/",
                                         {"name": "Renamed"}, 200),
    "PUT api/v1/customers/<pk>/": _api(lambda o: f"/api/v1/customers/{o['customer'].pk}/",
                                       {"name": "Renamed"}, 200),
    "DELETE api/v1/customers/<pk>/": _api(  # one without invoices (they protect theirs)
        lambda o: f"/api/v1/customers/{o['spare_customer'].pk}/", None, 204),
    "POST api/v1/invoices/<pk>/credit-note/": _api(
        lambda o: f"/api/v1/invoices/{o['invoice'].pk}/credit-note/", None, 201),
    "POST api/v1/invoices/run/": _api(lambda o: "/api/v1/invoices/run/",
                                      {"period_start": "2026-01-01", "period_end": "2026-01-31"}),
    "PUT api/v1/seller/": _api(lambda o: "/api/v1/seller/", {"legal_name": "Walk GmbH"}, 200),
    "POST api/v1/tariffs/": _api(lambda o: "/api/v1/tariffs/", TARIFF, 201),
    "PATCH api/v1/tariffs/<pk>/": _api(lambda o: f"/api/v1/tariffs/{o['tariff'].pk}/",
                                       {"name": "Day rate"}, 200),
    "PUT api/v1/tariffs/<pk>/": _api(lambda o: f"/api/v1/tariffs/{o['tariff'].pk}/", TARIFF, 200),
    "DELETE api/v1/tariffs/<pk>/": _api(lambda o: f"/api/v1/tariffs/{o['tariff'].pk}/", None, 204),
    # -- the API: stations' data
    "POST api/v1/stations/": _api(lambda o: "/api/v1/stations/", {"identity": "WALK-NEW-1"}, 201),
    "PATCH api/v1/stations/<identity>/": _api(lambda o: f"/api/v1/stations/{_s(o)}/",
                                              {"name": "Renamed"}, 200),
    "PUT api/v1/stations/<identity>/": _api(lambda o: f"/api/v1/stations/{_s(o)}/",
                                            lambda o: {"identity": _s(o), "name": "Renamed"}, 200),
    "DELETE api/v1/stations/<identity>/": _api(lambda o: f"/api/v1/stations/{_s(o)}/", None, 204),
    "POST api/v1/id-tags/": _api(lambda o: "/api/v1/id-tags/", {"id_tag": "WALKTAG1"}, 201),
    "PATCH api/v1/id-tags/<id_tag>/": _api(lambda o: f"/api/v1/id-tags/{o['id_tag'].id_tag}/",
                                           {"name": "Renamed"}, 200),
    "PUT api/v1/id-tags/<id_tag>/": _api(lambda o: f"/api/v1/id-tags/{o['id_tag'].id_tag}/",
                                         lambda o: {"id_tag": o["id_tag"].id_tag, "name": "Renamed"}, 200),
    "DELETE api/v1/id-tags/<id_tag>/": _api(lambda o: f"/api/v1/id-tags/{o['id_tag'].id_tag}/",
                                            None, 204),
    "POST api/v1/sessions/<pk>/close/": _api(lambda o: f"/api/v1/sessions/{o['session'].pk}/close/",
                                             None, 200),
    "POST api/v1/sessions/<pk>/transaction-status/": _api(
        lambda o: f"/api/v1/sessions/{o['session201'].pk}/transaction-status/", None, NOT_CONNECTED),
    "POST api/v1/load-groups/": _api(lambda o: "/api/v1/load-groups/",
                                     {"name": "Walk group", "max_current": "32"}, 201),
    "PATCH api/v1/load-groups/<pk>/": _api(lambda o: f"/api/v1/load-groups/{o['group'].pk}/",
                                           {"name": "Renamed"}, 200),
    "PUT api/v1/load-groups/<pk>/": _api(lambda o: f"/api/v1/load-groups/{o['group'].pk}/",
                                         {"name": "Renamed", "max_current": "40"}, 200),
    "DELETE api/v1/load-groups/<pk>/": _api(lambda o: f"/api/v1/load-groups/{o['group'].pk}/", None, 204),
    "POST api/v1/load-groups/<pk>/base-load/": _api(
        lambda o: f"/api/v1/load-groups/{o['api_group'].pk}/base-load/", {"current": "12.5"}),
    "POST api/v1/load-groups/<pk>/rebalance/": _api(
        lambda o: f"/api/v1/load-groups/{o['group'].pk}/rebalance/", None, 200),
    "POST api/v1/firmware/": _api(lambda o: "/api/v1/firmware/", {
        "data": {"name": "Walk image", "version": "9"},
        "files": {"file": ("walk.bin", b"firmware", "application/octet-stream")}}, 201, multipart=True),
    "DELETE api/v1/firmware/<pk>/": _api(  # one without jobs (they keep theirs)
        lambda o: f"/api/v1/firmware/{o['spare_firmware'].pk}/", None, 204),
    "POST api/v1/firmware/rollouts/": _api(
        lambda o: "/api/v1/firmware/rollouts/",
        lambda o: {"firmware": o["firmware"].pk, "stations": [_s(o)]}, 201),
    "POST api/v1/security/contract-certificates/": _api(
        lambda o: "/api/v1/security/contract-certificates/", {"emaid": "DEWLK0000001"}, 201),
    "POST api/v1/security/contract-certificates/<pk>/revoke/": _api(
        lambda o: f"/api/v1/security/contract-certificates/{o['contract'].pk}/revoke/", None, 200),
    "POST api/v1/security/uploaded-cas/": _api(lambda o: "/api/v1/security/uploaded-cas/",
                                               lambda o: {"name": "Walk CA", "certificate": _pem(o)}, 201),
    "DELETE api/v1/security/uploaded-cas/<pk>/": _api(
        lambda o: f"/api/v1/security/uploaded-cas/{o['uploaded_ca'].pk}/", None, 204),
    "POST api/v1/customer-information/": _api(lambda o: "/api/v1/customer-information/",
                                              {"customer_identifier": "walk-customer"}),
    # -- the API: commands to stations (none is connected here)
    "POST api/v1/stations/<identity>/commands/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/commands/",
        {"action": "Reset", "payload": {"type": "Soft"}}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/certificates/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/certificates/",
        lambda o: {"certificate_type": "CentralSystemRootCertificate", "certificate": _pem(o)},
        NOT_CONNECTED),
    "DELETE api/v1/stations/<identity>/certificates/<pk>/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/certificates/{o['certificate'].pk}/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/certificates/refresh/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/certificates/refresh/",
        {"certificate_type": "CentralSystemRootCertificate"}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/certificates/renew/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/certificates/renew/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/charging-profiles/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/charging-profiles/", {
            "connector_id": 1, "charging_profile": {
                "chargingProfileId": 9, "stackLevel": 1, "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Absolute", "chargingSchedule": {
                    "chargingRateUnit": "A", "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 16}]}}},
        NOT_CONNECTED),
    "DELETE api/v1/stations/<identity>/charging-profiles/<pk>/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/charging-profiles/{o['profile'].pk}/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/charging-profiles/clear/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/charging-profiles/clear/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/charging-profiles/reports/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/charging-profiles/reports/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/customer-information/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/customer-information/",
        {"customer_identifier": "walk-customer"}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/get/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/get/", {"variables": [VARIABLE]}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/set/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/set/",
        {"variables": [{**VARIABLE, "value": "60"}]}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/reports/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/reports/", {"report_base": "FullInventory"},
        NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/monitors/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/monitors/", {"monitors": [MONITOR]},
        NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/monitors/base/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/monitors/base/", {"base": "All"}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/monitors/clear/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/monitors/clear/", {"monitor_ids": [1]},
        NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/monitors/level/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/monitors/level/", {"severity": 5}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/device-model/monitors/report/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/device-model/monitors/report/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/diagnostics/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/diagnostics/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/display-messages/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/display-messages/",
        {"priority": "NormalCycle", "content": "Welcome"}, NOT_CONNECTED),
    "DELETE api/v1/stations/<identity>/display-messages/<message_id>/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/display-messages/{o['display201'].message_id}/", None,
        NOT_CONNECTED),
    "POST api/v1/stations/<identity>/display-messages/refresh/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/display-messages/refresh/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/firmware/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/firmware/", lambda o: {"firmware": o["firmware"].pk},
        NOT_CONNECTED),
    "POST api/v1/stations/<identity>/firmware/publications/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/firmware/publications/",
        {"location": "https://files.example.com/fw.bin", "checksum": "0" * 32}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/firmware/unpublish/": _api(
        lambda o: f"/api/v1/stations/{_s2(o)}/firmware/unpublish/", {"checksum": "0" * 32}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/local-list/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/local-list/", {"update_type": "Full"}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/local-list/version/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/local-list/version/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/logs/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/logs/", {"log_type": "DiagnosticsLog"}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/password/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/password/", None, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/remote-start/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/remote-start/", {"id_tag": "AONLY7F3C", "connector_id": 1},
        NOT_CONNECTED),
    "POST api/v1/stations/<identity>/reservations/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/reservations/", lambda o: {
            "connector_id": 1, "id_tag": "AONLY7F3C", "expiry_date": _iso(timedelta(hours=1))},
        NOT_CONNECTED),
    "DELETE api/v1/stations/<identity>/reservations/<reservation_id>/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/reservations/{o['reservation'].reservation_id}/", None,
        NOT_CONNECTED),
    "POST api/v1/stations/<identity>/security-profile/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/security-profile/", {"profile": 2}, NOT_CONNECTED),
    "POST api/v1/stations/<identity>/trigger/": _api(
        lambda o: f"/api/v1/stations/{_s(o)}/trigger/", {"requested_message": "Heartbeat"}, NOT_CONNECTED),
    # -- the dashboard: alerts and webhooks
    "POST alerts/<alert_id>/acknowledge/": _page(lambda o: f"/alerts/{o['alert'].pk}/acknowledge/"),
    "POST alerts/mute/<identity>/": _page(lambda o: f"/alerts/mute/{o['other_station'].identity}/",
                                          {"reason": "works"}),
    "POST alerts/unmute/<identity>/": _page(lambda o: f"/alerts/unmute/{_s(o)}/"),
    "POST alerts/rules/<kind>/": _page(lambda o: "/alerts/rules/station_offline/", {
        "station_offline-enabled": "on", "station_offline-threshold": "15",
        "station_offline-severity": "warning", "station_offline-email": "on",
        "station_offline-notify_roles": ["manager"]}),
    "POST webhooks/": _page(lambda o: "/webhooks/", {"url": "https://hooks.example.com/page",
                                                     "event_types": ["station.connected"]}),
    "POST webhooks/<pk>/": _page(lambda o: f"/webhooks/{o['endpoint'].pk}/", {
        "url": "https://hooks.example.com/edited", "event_types": ["station.booted"]}),
    "POST webhooks/<pk>/delete/": _page(lambda o: f"/webhooks/{o['endpoint'].pk}/delete/"),
    "POST webhooks/<pk>/enable/": _page(lambda o: f"/webhooks/{o['endpoint'].pk}/enable/"),
    "POST webhooks/<pk>/rotate-secret/": _page(lambda o: f"/webhooks/{o['endpoint'].pk}/rotate-secret/"),
    "POST webhooks/<pk>/test/": _page(lambda o: f"/webhooks/{o['endpoint'].pk}/test/"),
    "POST webhooks/deliveries/replay/": _page(lambda o: "/webhooks/deliveries/replay/", lambda o: {
        "since": (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "until": timezone.now().strftime("%Y-%m-%dT%H:%M")}),
    "POST webhooks/events/<event_id>/replay/": _page(lambda o: f"/webhooks/events/{o['event'].pk}/replay/"),
    # -- the dashboard: money and groups
    "POST customers/new/": _page(lambda o: "/customers/new/", {"name": "Walk customer"}),
    "POST customers/<pk>/": _page(lambda o: f"/customers/{o['customer'].pk}/", {"name": "Renamed"}),
    "POST id-tags/new/": _page(lambda o: "/id-tags/new/", {"id_tag": "WALKTAG2", **ID_TAG_FORM}),
    "POST id-tags/<pk>/": _page(lambda o: f"/id-tags/{o['id_tag'].pk}/",
                                lambda o: {"id_tag": o["id_tag"].id_tag, "name": "Renamed", **ID_TAG_FORM}),
    "POST invoices/run/": _page(lambda o: "/invoices/run/",
                                {"period_start": "2026-01-01", "period_end": "2026-01-31"}),
    "POST tariffs/new/": _page(lambda o: "/tariffs/new/", TARIFF_FORM),
    "POST tariffs/<pk>/": _page(lambda o: f"/tariffs/{o['tariff'].pk}/", {**TARIFF_FORM, "name": "Day rate"}),
    "POST load-groups/new/": _page(lambda o: "/load-groups/new/", LOAD_GROUP_FORM),
    "POST load-groups/<pk>/edit/": _page(lambda o: f"/load-groups/{o['group'].pk}/edit/",
                                         {**LOAD_GROUP_FORM, "name": "Renamed"}),
    "POST load-groups/<pk>/rebalance/": _page(lambda o: f"/load-groups/{o['group'].pk}/rebalance/"),
    "POST security/uploaded-cas/<pk>/delete/": _page(
        lambda o: f"/security/uploaded-cas/{o['uploaded_ca'].pk}/delete/"),
    "POST sessions/<pk>/close/": _page(lambda o: f"/sessions/{o['session'].pk}/close/"),
    "POST stations/new/": _page(lambda o: "/stations/new/", {"identity": "WALK-NEW-2", "name": "Walk",
                                                                 "max_current": "32"}),
    "POST stations/<identity>/admission/": _page(lambda o: f"/stations/{_s(o)}/admission/",
                                                 {"admission": "Accepted"}),
    # -- the dashboard: commands to stations (none is connected here)
    "POST stations/<identity>/availability/": _page(lambda o: f"/stations/{_s(o)}/availability/",
                                                    {"connector_id": "0", "type": "Inoperative"}),
    "POST stations/<identity>/certificates/install/": _page(
        lambda o: f"/stations/{_s(o)}/certificates/install/",
        lambda o: {"certificate_type": "CSMSRootCertificate", "certificate": _pem(o)}),
    "POST stations/<identity>/certificates/refresh/": _page(
        lambda o: f"/stations/{_s(o)}/certificates/refresh/",
        {"certificate_type": "CentralSystemRootCertificate"}),
    "POST stations/<identity>/configuration/change/": _page(
        lambda o: f"/stations/{_s(o)}/configuration/change/", {"key": "HeartbeatInterval", "value": "60"}),
    "POST stations/<identity>/customer-information/": _page(
        lambda o: f"/stations/{_s2(o)}/customer-information/",
        {"customer_identifier": "walk-customer", "report": "on"}),
    "POST stations/<identity>/device-model/refresh/": _page(
        lambda o: f"/stations/{_s2(o)}/device-model/refresh/"),
    "POST stations/<identity>/device-model/set/": _page(
        lambda o: f"/stations/{_s2(o)}/device-model/set/", {**VARIABLE, "value": "60"}),
    "POST stations/<identity>/display-messages/": _page(
        lambda o: f"/stations/{_s2(o)}/display-messages/",
        {"priority": "NormalCycle", "content": "Hi", "message_format": "UTF8"}),
    "POST stations/<identity>/display-messages/<message_id>/clear/": _page(
        lambda o: f"/stations/{_s2(o)}/display-messages/{o['display201'].message_id}/clear/"),
    "POST stations/<identity>/display-messages/refresh/": _page(
        lambda o: f"/stations/{_s2(o)}/display-messages/refresh/"),
    "POST stations/<identity>/firmware/publish/": _page(
        lambda o: f"/stations/{_s2(o)}/firmware/publish/",
        {"location": "https://files.example.com/fw.bin", "checksum": "0" * 32}),
    "POST stations/<identity>/firmware/unpublish/": _page(
        lambda o: f"/stations/{_s2(o)}/firmware/unpublish/", {"checksum": "0" * 32}),
    "POST stations/<identity>/firmware/update/": _page(
        lambda o: f"/stations/{_s(o)}/firmware/update/", lambda o: {"firmware": o["firmware"].pk}),
    "POST stations/<identity>/local-list/send/": _page(
        lambda o: f"/stations/{_s(o)}/local-list/send/", {"update_type": "Full"}),
    "POST stations/<identity>/local-list/version/": _page(lambda o: f"/stations/{_s(o)}/local-list/version/"),
    "POST stations/<identity>/logs/": _page(lambda o: f"/stations/{_s(o)}/logs/",
                                            {"log_type": "DiagnosticsLog"}),
    "POST stations/<identity>/monitoring/<monitor_id>/clear/": _page(
        lambda o: f"/stations/{_s2(o)}/monitoring/1/clear/"),
    "POST stations/<identity>/monitoring/add/": _page(lambda o: f"/stations/{_s2(o)}/monitoring/add/",
                                                      MONITOR),
    "POST stations/<identity>/monitoring/base/": _page(lambda o: f"/stations/{_s2(o)}/monitoring/base/",
                                                       {"base": "All"}),
    "POST stations/<identity>/monitoring/level/": _page(lambda o: f"/stations/{_s2(o)}/monitoring/level/",
                                                        {"severity": "5"}),
    "POST stations/<identity>/monitoring/report/": _page(lambda o: f"/stations/{_s2(o)}/monitoring/report/"),
    "POST stations/<identity>/remote-start/": _page(lambda o: f"/stations/{_s(o)}/remote-start/",
                                                    {"id_tag": "AONLY7F3C", "connector_id": "1"}),
    "POST stations/<identity>/remote-stop/": _page(lambda o: f"/stations/{_s(o)}/remote-stop/",
                                                   {"transaction_id": "3"}),
    "POST stations/<identity>/reservations/": _page(lambda o: f"/stations/{_s(o)}/reservations/", {
        "connector_id": "1", "id_tag": "AONLY7F3C", "minutes": "60"}),
    "POST stations/<identity>/reservations/<reservation_id>/cancel/": _page(
        lambda o: f"/stations/{_s(o)}/reservations/{o['reservation'].reservation_id}/cancel/"),
    "POST stations/<identity>/reset/": _page(lambda o: f"/stations/{_s(o)}/reset/", {"type": "Soft"}),
    "POST stations/<identity>/trigger/": _page(lambda o: f"/stations/{_s(o)}/trigger/",
                                               {"requested_message": "Heartbeat"}),
    "POST stations/<identity>/unlock/": _page(lambda o: f"/stations/{_s(o)}/unlock/", {"connector_id": "1"}),
}

# Writes whose valid call cannot run in this tier, each with its reason (and where it is tested):
# their services claim their row on the station link's database thread (stations/ocpp/dbthreads.py),
# whose connection does not see this test's rolled-back transaction. The live tier runs them
# (tests/test_customer_information_201.py, tests/test_firmware_publish_201.py, tests/test_firmware.py).
LIVE_TIER_ONLY = {
    "POST api/v1/stations/<identity>/customer-information/": "CustomerInformation claimed on the "
                                                             "database thread",
    "POST stations/<identity>/customer-information/": "CustomerInformation claimed on the database thread",
    "POST stations/<identity>/firmware/unpublish/": "the station re-read on the database thread",
    # these two answer 503 here: the database thread's connection finds the tables locked
    "POST stations/<identity>/firmware/publish/": "the publication written on the database thread",
    "POST stations/<identity>/firmware/update/": "the job written on the database thread",
}

# Dashboard pages that read: they answer a POST as a GET (no 405), so they are walked too, with an
# empty body, and held to the same two checks.
PAGES = {
    "", "alerts/", "alerts/card/", "alerts/card/<identity>/", "alerts/rules/", "audit/",
    "audit/export.csv", "audit/export.json", "customers/", "exports/", "exports/<name>.csv",
    "id-tags/", "invoices/", "invoices/<pk>/pdf/", "load-groups/", "load-groups/<pk>/", "security/",
    "security/ca.pem", "sessions/", "sessions/<pk>/", "sessions/export.csv", "stations/",
    "stations/<identity>/", "stations/<identity>/certificates/", "stations/<identity>/configuration/",
    "stations/<identity>/device-model/", "stations/<identity>/events/",
    "stations/<identity>/events/latest/", "stations/<identity>/logs/<pk>/file/",
    "stations/<identity>/monitoring/", "tariffs/", "tariffs/preview/", "tenant/",
    "webhooks/deliveries/",
}

EXAMPLES.update(walks.merged_dict("EXAMPLES"))
LIVE_TIER_ONLY.update(walks.merged_dict("LIVE_TIER_ONLY"))
PAGES |= walks.merged_set("PAGES")


# ---- Checking ---------------------------------------------------------------------------------


def tenant_models() -> list[tuple[type, str]]:
    """Every model with rows of a tenant: by its tenant, else by its station's."""
    found = []
    for model in apps.get_models():
        names = {f.name: f for f in model._meta.concrete_fields if f.is_relation}
        if model is AuditEntry:
            continue
        if "tenant" in names and names["tenant"].related_model is Tenant:
            found.append((model, "tenant"))
        elif "station" in names and names["station"].related_model is Station:
            found.append((model, "station__tenant"))
    return found


IGNORED_FIELDS = {"last_used_at", "last_login"}  # bookkeeping stamps, not a change


def fingerprint(tenant) -> dict[str, str]:
    prints = {}
    for model, path in tenant_models():
        rows = model._default_manager.filter(**{path: tenant}).order_by("pk").values()
        text = repr([{k: v for k, v in row.items() if k not in IGNORED_FIELDS} for row in rows])
        prints[model._meta.label_lower] = hashlib.sha256(text.encode()).hexdigest()
    return prints


def failed_form(response) -> bool:
    if response.streaming or response.status_code >= 300:
        return False
    body = response.content.decode(errors="replace")
    return 'class="errorlist' in body or 'class="form-errors' in body


@pytest.mark.parametrize("write", write_routes(), ids=lambda r: r.key)
def test_a_write_is_audited(write, objects, tenant, owner, owner_api, owner_web):
    if write.key in LIVE_TIER_ONLY:
        pytest.skip(f"runs in the live tier: {LIVE_TIER_ONLY[write.key]}")
    example = EXAMPLES.get(write.key)
    page = not write.api and write.route in PAGES
    if os.environ.get("AUDIT_WALK_DISCOVER") and example is None:
        example = Write(lambda o: (_filled(write, o), {}))
    if example is None and not page:  # a dashboard route without either must refuse POST
        response = owner_web.post(_filled(write, objects), data={})
        assert response.status_code == 405, f"add an example for {write.key}"
        return
    url, body = (example or Write(lambda o: (_filled(write, o), {}))).call(objects)
    assert readable(resolve(url.split("?")[0]).route) == write.route, (url, write.route)
    before = fingerprint(tenant)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = _call(write, url, body, example, owner_api, owner_web)

    entries = AuditEntry.objects.filter(tenant=tenant, pk__gt=last)
    changed = sorted(name for name, print_ in fingerprint(tenant).items() if before.get(name) != print_)
    status = response.status_code
    if os.environ.get("AUDIT_WALK_DISCOVER"):
        print(f"\nWALK {write.key} -> {status} form_failed={failed_form(response)} changed={changed} "
              f"entries={entries.count()} "
              f"{(response.content[:300] if not response.streaming else b'')!r}")
    if example is not None and example.expect:
        assert status in example.expect, (write.key, status, response.content[:500])
    elif example is not None:  # an example is a valid write: the page or API takes it
        assert 200 <= status < 400 and not failed_form(response), (
            f"the example for {write.key} is refused ({status})", response.content[:500])
    if 200 <= status < 400 and not failed_form(response):
        actor = ("token", owner_api.token.pk) if write.api else ("user", owner.pk)
        assert entries.filter(actor_type=actor[0], actor_id=actor[1]).exists(), (
            f"{write.key} answered {status} and wrote no audit entry of its caller")
    if changed:
        assert entries.exists(), f"{write.key} changed {changed} without an audit entry"


# What fills a page's path (the pages read: any object of the kind will do).
PAGE_OBJECTS = {"invoices": "invoice", "load-groups": "group", "sessions": "session", "logs": "log"}


def _filled(write: Route, objects: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match[1]
        if name == "identity":
            return objects["station"].identity
        if name == "name":
            return "sessions"
        kind = next((key for prefix, key in PAGE_OBJECTS.items() if f"{prefix}/<{name}>" in write.route),
                    None)
        return str(objects[kind].pk) if kind else "1"

    return "/" + re.sub(r"<(\w+)>", fill, write.route)


def _call(write: Route, url: str, body: dict, example: Write | None, api, web):
    if write.api:
        if example is not None and example.multipart:
            return getattr(api, write.method)(url, data=body.get("data", {}), files=body.get("files"))
        return getattr(api, write.method)(url, json=body)
    return web.post(url, data=body, headers={"HX-Request": "true"})


def test_the_tables_name_only_routes_that_exist():
    """A route renamed or removed leaves no stale example behind."""
    keys = {write.key for write in write_routes()}

    assert set(EXAMPLES) - keys == set()
    assert {f"POST {route}" for route in PAGES} - keys == set()
    assert set(LIVE_TIER_ONLY) - keys == set()
