"""Every /api/v1/ route, walked as another tenant: tenant scoping is applied once, by the API's
bases (tenants/api.py, stations/api_base.py), and this proves no route escapes it.

The routes come from the URL resolver, so a new route cannot hide: it fails here until this file
says what to fill its parameters with. A route with an object in its path is called with each
method, by tenant B's manager token, on tenant A's object: 404 (or 405 where the method does not
exist), and A's data unchanged. A tenant-wide route (a list, the seller, an export) answers B with
B's own rows: nothing of A's shows in it."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone

from alerts.models import Alert, AlertRule, StationMute
from audit.models import AuditEntry
from billing.models import Customer, Invoice, Tariff
from billing.services import tariff_create
from loadmgmt.models import LoadGroup
from stations.displaymessages.models import DisplayMessage, DisplayMessageReport
from stations.firmware.models import (
    FirmwareFile,
    FirmwareJob,
    FirmwarePublication,
    Rollout,
    UploadRequest,
)
from stations.models import ChargingSession, CustomerInformation, IdTag, Station
from stations.reservations.models import Reservation
from stations.security.models import (
    ContractCertificate,
    InstalledCertificate,
    IssuedCertificate,
    SecurityEvent,
    UploadedCertificateAuthority,
)
from stations.smartcharging.models import ChargingProfile, ExternalChargingLimit, ProfileReport
from tests.factories import make_id_tag, make_station
from tests.fast import walks
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db

API = "api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")
SECRET = "A-ONLY-7f3c"  # in the names of tenant A's objects: B must never read it

# What fills each route's path parameters: `objects` is tenant A's (see tenant_a below).
ON_AN_OBJECT_OF_A = {
    "station-detail": lambda o: {"identity": o["station"].identity},
    "security-uploaded-ca": lambda o: {"pk": o["uploaded_ca"].pk},
    "station-messages": lambda o: {"identity": o["station"].identity},
    "station-device-model": lambda o: {"identity": o["station"].identity},
    "station-device-reports": lambda o: {"identity": o["station"].identity},
    "station-variables-get": lambda o: {"identity": o["station"].identity},
    "station-variables-set": lambda o: {"identity": o["station"].identity},
    "station-commands": lambda o: {"identity": o["station"].identity},
    "station-trigger": lambda o: {"identity": o["station"].identity},
    "station-firmware-jobs": lambda o: {"identity": o["station"].identity},
    "station-firmware-job": lambda o: {"identity": o["station"].identity, "pk": o["job"].pk},
    "station-firmware-publications": lambda o: {"identity": o["station"].identity},
    "station-firmware-publication": lambda o: {"identity": o["station"].identity,
                                               "pk": o["publication"].pk},
    "station-firmware-unpublish": lambda o: {"identity": o["station"].identity},
    "station-diagnostics": lambda o: {"identity": o["station"].identity},
    "station-diagnostics-detail": lambda o: {"identity": o["station"].identity,
                                             "pk": o["diagnostics"].pk},
    "station-diagnostics-file": lambda o: {"identity": o["station"].identity,
                                           "pk": o["diagnostics"].pk},
    "station-logs": lambda o: {"identity": o["station"].identity},
    "station-log": lambda o: {"identity": o["station"].identity, "pk": o["log"].pk},
    "station-log-file": lambda o: {"identity": o["station"].identity, "pk": o["log"].pk},
    "station-local-list": lambda o: {"identity": o["station"].identity},
    "station-local-list-version": lambda o: {"identity": o["station"].identity},
    "station-reservations": lambda o: {"identity": o["station"].identity},
    "station-reservation": lambda o: {"identity": o["station"].identity,
                                      "reservation_id": o["reservation"].reservation_id},
    "charging-profiles": lambda o: {"identity": o["station"].identity},
    "charging-profiles-clear": lambda o: {"identity": o["station"].identity},
    "charging-profile": lambda o: {"identity": o["station"].identity, "pk": o["profile"].pk},
    "composite-schedule": lambda o: {"identity": o["station"].identity},
    "charging-profile-reports": lambda o: {"identity": o["station"].identity},
    "charging-profile-report": lambda o: {"identity": o["station"].identity,
                                          "pk": o["profile_report"].pk},
    "remote-start": lambda o: {"identity": o["station"].identity},
    "station-security-events": lambda o: {"identity": o["station"].identity},
    "station-password": lambda o: {"identity": o["station"].identity},
    "station-security-profile": lambda o: {"identity": o["station"].identity},
    "station-certificates": lambda o: {"identity": o["station"].identity},
    "station-certificates-refresh": lambda o: {"identity": o["station"].identity},
    "station-certificates-renew": lambda o: {"identity": o["station"].identity},
    "station-certificate": lambda o: {"identity": o["station"].identity,
                                      "pk": o["certificate"].pk},
    "station-security-commands": lambda o: {"identity": o["station"].identity},
    "station-issued-certificates": lambda o: {"identity": o["station"].identity},
    "charging-limits": lambda o: {"identity": o["station"].identity},
    "charging-limit": lambda o: {"identity": o["station"].identity, "pk": o["limit"].pk},
    "charging-needs": lambda o: {"identity": o["station"].identity},
    "station-customer-information": lambda o: {"identity": o["station"].identity},
    "station-customer-information-detail": lambda o: {"identity": o["station"].identity,
                                                      "pk": o["customer_information"].pk},
    "station-display-messages": lambda o: {"identity": o["station"].identity},
    "station-display-messages-refresh": lambda o: {"identity": o["station"].identity},
    "station-display-message": lambda o: {"identity": o["station"].identity,
                                          "message_id": o["display_message"].message_id},
    "station-display-message-reports": lambda o: {"identity": o["station"].identity},
    "station-display-message-report": lambda o: {"identity": o["station"].identity,
                                                 "pk": o["display_report"].pk},
    "station-events": lambda o: {"identity": o["station"].identity},
    "station-monitors": lambda o: {"identity": o["station"].identity},
    "station-monitors-clear": lambda o: {"identity": o["station"].identity},
    "station-monitoring-base": lambda o: {"identity": o["station"].identity},
    "station-monitoring-level": lambda o: {"identity": o["station"].identity},
    "station-monitoring-report": lambda o: {"identity": o["station"].identity},
    "security-contract-certificate-revoke": lambda o: {"pk": o["contract"].pk},
    "session-charging-needs": lambda o: {"pk": o["session"].pk},
    "idtag-detail": lambda o: {"id_tag": o["id_tag"].id_tag},
    "session-detail": lambda o: {"pk": o["session"].pk},
    "session-close": lambda o: {"pk": o["session"].pk},
    "session-transaction-status": lambda o: {"pk": o["session"].pk},
    "firmware-file": lambda o: {"pk": o["firmware"].pk},
    "firmware-rollout": lambda o: {"pk": o["rollout"].pk},
    "loadgroup-detail": lambda o: {"pk": o["group"].pk},
    "loadgroup-allocation": lambda o: {"pk": o["group"].pk},
    "loadgroup-base-load": lambda o: {"pk": o["group"].pk},
    "loadgroup-rebalance": lambda o: {"pk": o["group"].pk},
    "tariff-detail": lambda o: {"pk": o["tariff"].pk},
    "customer-detail": lambda o: {"pk": o["customer"].pk},
    "api-invoice-detail": lambda o: {"pk": o["invoice"].pk},
    "api-invoice-credit-note": lambda o: {"pk": o["invoice"].pk},
    "api-invoice-pdf": lambda o: {"pk": o["invoice"].pk},
    "api-alert": lambda o: {"pk": o["alert"].pk},
    "api-alert-acknowledge": lambda o: {"pk": o["alert"].pk},
    "api-alert-mute": lambda o: {"identity": o["station"].identity},
    "api-webhook-endpoint-detail": lambda o: {"pk": o["endpoint"].pk},
    "api-webhook-endpoint-enable": lambda o: {"pk": o["endpoint"].pk},
    "api-webhook-endpoint-rotate-secret": lambda o: {"pk": o["endpoint"].pk},
    "api-webhook-endpoint-test": lambda o: {"pk": o["endpoint"].pk},
    "api-webhook-event-detail": lambda o: {"pk": str(o["event"].pk)},
    "api-webhook-event-replay": lambda o: {"pk": str(o["event"].pk)},
    "api-webhook-delivery-detail": lambda o: {"pk": o["delivery"].pk},
    "audit-entry-detail": lambda o: {"pk": o["audit_entry"].pk},
}

# Routes without an object in their path: the caller's tenant's rows, or its own settings.
TENANT_WIDE = {
    "api-root", "station-list", "idtag-list", "session-list", "firmware-files", "firmware-rollouts",
    "security-events", "security-ca", "security-uploaded-cas", "loadgroup-list", "tariff-list",
    "customer-list",
    "api-invoice-list", "api-invoice-run", "api-seller",
    "export-sessions-csv", "export-sessions-json", "export-energy-csv", "export-energy-json",
    "export-revenue-csv", "export-revenue-json",
    "customer-information", "security-pki", "security-pki-requests",
    "security-contract-certificates",
    "api-alerts", "api-alert-rules", "api-alert-rule", "api-alert-mutes", "api-alert-notifications",
    "api-webhook-endpoint-list", "api-webhook-event-list", "api-webhook-delivery-list",
    "api-webhook-replay", "api-webhook-event-types",
    "audit-entry-list", "audit-export-csv", "audit-export-json",
}
# A tenant-wide route with a parameter that names no object (B's own rule of that kind).
PARAMETERS_OF_TENANT_WIDE = {"api-alert-rule": lambda o: {"kind": "station_offline"}}

# Tenant A's rows compared before and after the walk.
MODELS_OF_A = (Station, IdTag, ChargingSession, FirmwareFile, Rollout, FirmwareJob, UploadRequest,
               FirmwarePublication,
               Reservation, ChargingProfile, InstalledCertificate, IssuedCertificate, SecurityEvent,
               Tariff, Customer, Invoice, LoadGroup, ProfileReport,
               UploadedCertificateAuthority, ExternalChargingLimit, CustomerInformation,
               DisplayMessage, DisplayMessageReport, ContractCertificate, Alert, AlertRule,
               StationMute, WebhookEndpoint, WebhookEvent, WebhookDelivery, AuditEntry)

# The areas' own tables (tests/fast/walks/)
ON_AN_OBJECT_OF_A.update(walks.merged_dict("ON_AN_OBJECT_OF_A"))
TENANT_WIDE |= walks.merged_set("TENANT_WIDE")
PARAMETERS_OF_TENANT_WIDE.update(walks.merged_dict("PARAMETERS_OF_TENANT_WIDE"))
MODELS_OF_A += tuple(walks.merged_set("MODELS_OF_A"))


def api_routes() -> list[tuple[str, str]]:
    """(name, route) of every route under /api/v1/, format-suffixed ones included. (By route, not
    by name: the dashboard reuses some names.)"""
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith(API):
                found.append((pattern.name, route))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def url_of(name: str, route: str, objects: dict) -> str:
    """The route with its parameters filled: A's objects, `json` for a format suffix."""
    fill = ON_AN_OBJECT_OF_A.get(name) or PARAMETERS_OF_TENANT_WIDE.get(name)
    kwargs = fill(objects) if fill else {}
    kwargs["format"] = "json"
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda group: str(kwargs.pop(group[1])), route)
    path = path.replace("<drf_format_suffix:format>", ".json")  # the API root's suffix
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda group: str(kwargs.pop(group[1])), path)
    path = "/" + path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    kwargs.pop("format", None)  # routes without a suffix
    assert kwargs == {}, f"{route} does not take {sorted(kwargs)}"
    assert resolve(path).url_name == name, path
    return path


def rows_of(tenant) -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.filter(tenant=tenant).order_by("pk").values())
            for model in MODELS_OF_A}


@pytest.fixture
def tenant_a(tenant) -> dict:
    """One object of tenant A for every kind a route takes in its path."""
    now = timezone.now()
    station, _ = make_station(tenant, f"{SECRET}-CP")
    firmware = FirmwareFile.objects.create(tenant=tenant, name=f"{SECRET} image", version="2",
                                           file="firmware/a/fw.bin")
    customer = Customer.objects.create(tenant=tenant, name=f"{SECRET} customer")
    endpoint = WebhookEndpoint.objects.create(tenant=tenant, url="https://a.example/hook",
                                              description=SECRET, secret_encrypted="-")
    event = WebhookEvent.objects.create(tenant=tenant, type="webhook.test", occurred_at=now,
                                        station_id=station.pk, data={"note": SECRET})
    AlertRule.objects.create(tenant=tenant, kind="station_offline", threshold=3)
    StationMute.objects.create(tenant=tenant, station=station, reason=SECRET)
    objects = {
        "alert": Alert.objects.create(tenant=tenant, kind="station_offline", key=f"station:{station.pk}",
                                      station=station, title=f"{SECRET} offline", opened_at=now,
                                      last_seen_at=now),
        "endpoint": endpoint,
        "event": event,
        "delivery": WebhookDelivery.objects.create(endpoint=endpoint, event=event, tenant=tenant,
                                                   station_id=station.pk, next_attempt_at=now),
        "audit_entry": AuditEntry.objects.create(tenant=tenant, at=now, via="api", actor_type="user",
                                                 actor=SECRET, action="update",
                                                 object_repr=SECRET),
        "station": station,
        "id_tag": make_id_tag(tenant, "AONLY7F3C", name=SECRET),
        "session": ChargingSession.objects.create(
            tenant=tenant, station=station, connector_id=1, transaction_id=1,
            id_tag="AONLY7F3C", meter_start=0, started_at=now - timedelta(hours=1)),
        "firmware": firmware,
        "rollout": Rollout.objects.create(tenant=tenant, firmware=firmware),
        "job": FirmwareJob.objects.create(tenant=tenant, station=station, firmware=firmware,
                                          location="x", retrieve_date=now),
        "publication": FirmwarePublication.objects.create(tenant=tenant, station=station,
                                                          location="x", checksum="0" * 32),
        "diagnostics": UploadRequest.objects.create(tenant=tenant, station=station,
                                                    kind=UploadRequest.DIAGNOSTICS, location="x"),
        "log": UploadRequest.objects.create(tenant=tenant, station=station, kind=UploadRequest.LOG,
                                            location="x"),
        "reservation": Reservation.objects.create(
            tenant=tenant, station=station, reservation_id=7, connector_id=1, id_tag="AONLY7F3C",
            expiry_date=now + timedelta(hours=1)),
        "profile": ChargingProfile.objects.create(
            tenant=tenant, station=station, connector_id=1, payload={}, charging_profile_id=1,
            stack_level=0, purpose="TxDefaultProfile", kind="Absolute", charging_rate_unit="A"),
        "profile_report": ProfileReport.objects.create(tenant=tenant, station=station, request_id=1),
        "certificate": InstalledCertificate.objects.create(
            tenant=tenant, station=station, certificate_type="CentralSystemRootCertificate",
            issuer_name_hash="a", issuer_key_hash="b", serial_number="c", install_status="Accepted",
            installed=True),
        "limit": ExternalChargingLimit.objects.create(
            tenant=tenant, station=station, evse_id=1, source="SO", received_at=now),
        "customer_information": CustomerInformation.objects.create(
            tenant=tenant, station=station, request_id=3, report=True, clear=False,
            customer_identifier=SECRET),
        "display_message": DisplayMessage.objects.create(
            tenant=tenant, station=station, message_id=5, priority="NormalCycle",
            content=f"{SECRET} message"),
        "display_report": DisplayMessageReport.objects.create(tenant=tenant, station=station,
                                                              request_id=4),
        "contract": ContractCertificate.objects.create(
            tenant=tenant, emaid=f"{SECRET}-EMAID", serial_number="01", issuer_name_hash="a",
            issuer_key_hash="b", certificate_pem="-", not_after=now + timedelta(days=365)),
        "group": LoadGroup.objects.create(tenant=tenant, name=f"{SECRET} car park", max_current=63),
        "tariff": tariff_create(tenant=tenant, name=f"{SECRET} tariff", currency="EUR",
                                vat_rate=Decimal("19"), elements=[
                                    {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]),
        "customer": customer,
        "uploaded_ca": UploadedCertificateAuthority.objects.create(
            tenant=tenant, name=SECRET, certificate_pem="-", subject=f"CN={SECRET}",
            issuer=f"CN={SECRET}", fingerprint_sha256="ab" * 32, not_before=now,
            not_after=now + timedelta(days=365)),
        "invoice": Invoice.objects.create(
            tenant=tenant, number=f"{SECRET}-1", customer=customer, buyer_name=SECRET,
            seller_name=SECRET, issued_at=now, period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31), currency="EUR", net=Decimal("1.00"),
            vat=Decimal("0.19"), gross=Decimal("1.19")),
    }
    objects.update(walks.more_objects(tenant, objects))
    return objects


def test_every_api_route_has_a_way_to_be_walked():
    """A new route fails here until it is in one of the tables above."""
    names = {name for name, _ in api_routes()}
    assert names - set(ON_AN_OBJECT_OF_A) - TENANT_WIDE == set()
    assert set(ON_AN_OBJECT_OF_A) - names == set(), "a route in the table no longer exists"
    assert TENANT_WIDE - names == set(), "a route in the table no longer exists"


def test_another_tenant_gets_404_on_every_route_to_an_object_of_a(tenant_a, tenant, outsider_api):
    before = rows_of(tenant)
    answered = {}
    for name, route in api_routes():
        if name not in ON_AN_OBJECT_OF_A:
            continue
        url = url_of(name, route, tenant_a)
        for method in METHODS:
            status = getattr(outsider_api, method)(url, json={}).status_code
            if status not in (404, 405):
                answered[f"{method.upper()} {url}"] = status
    assert answered == {}
    assert rows_of(tenant) == before


def test_a_tenant_wide_route_shows_another_tenant_nothing_of_a(tenant_a, outsider_api):
    shown = []
    for name, route in api_routes():
        if name not in TENANT_WIDE:
            continue
        response = outsider_api.get(url_of(name, route, tenant_a))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code in (200, 405), (name, response.status_code)  # 405: POST only
        if SECRET.encode() in body:
            shown.append(name)
    assert shown == []


def test_a_body_naming_an_object_of_a_is_refused_to_another_tenant(tenant_a, tenant, outsider_api,
                                                                   other_tenant):
    """Where B writes its own rows, a reference to one of A's objects is a 400, as if none."""
    before = rows_of(tenant)
    own, _ = make_station(other_tenant, "B-OWN-1")
    a = tenant_a
    attempts = [
        ("post", "/api/v1/stations/", {"identity": "B-NEW-1", "load_group": a["group"].pk}),
        ("post", "/api/v1/stations/", {"identity": "B-NEW-2", "tariff": a["tariff"].pk}),
        ("patch", f"/api/v1/stations/{own.identity}/", {"load_group": a["group"].pk}),
        ("patch", f"/api/v1/stations/{own.identity}/", {"tariff": a["tariff"].pk}),
        ("post", "/api/v1/id-tags/", {"id_tag": "BNEW1", "customer": a["customer"].pk}),
        ("post", "/api/v1/load-groups/", {"name": "B", "max_current": "32",
                                          "stations": [a["station"].identity]}),
        ("post", "/api/v1/load-groups/", {"name": "B", "max_current": "32",
                                          "tariff": a["tariff"].pk}),
        ("post", "/api/v1/firmware/rollouts/", {"firmware": a["firmware"].pk}),
    ]
    answered = {f"{method.upper()} {url} {body}": getattr(outsider_api, method)(url, json=body).status_code
                for method, url, body in attempts}
    assert answered == {key: 400 for key in answered}
    assert rows_of(tenant) == before


def test_a_filter_naming_an_object_of_a_finds_nothing_for_another_tenant(tenant_a, outsider_api):
    identity = tenant_a["station"].identity
    for url in ("/api/v1/sessions/", "/api/v1/security-events/"):
        assert outsider_api.get(url, params={"station": identity}).json()["results"] == []
    assert outsider_api.get("/api/v1/id-tags/", params={"parent_id_tag": "AONLY7F3C"}).json()[
        "results"] == []
    assert outsider_api.get("/api/v1/invoices/", params={"customer": tenant_a["customer"].pk}).json()[
        "results"] == []
    export = outsider_api.get("/api/v1/exports/sessions.json", params={"station": identity})
    assert export.status_code == 400  # an unknown station
