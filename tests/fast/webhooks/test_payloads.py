"""Each webhook payload builder (webhooks/payloads.py): the documented names, times in UTC ISO
8601, energy in Wh, money as decimal strings in the currency's minor unit; every payload valid
against the JSON Schema the event-type catalogue serves (docs/webhooks.md)."""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import jsonschema
import pytest
from django.utils import timezone

from alerts.models import Alert
from billing.models import Customer, Invoice, SessionPrice
from stations.models import ChargingSession
from tests.factories import make_station, make_tenant
from webhooks import payloads
from webhooks.catalogue import EVENT_TYPES

pytestmark = pytest.mark.django_db

_ids = itertools.count(1)
STARTED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def valid(type_: str, data: dict) -> dict:
    jsonschema.validate(data, payloads.SCHEMAS[type_],
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return data


def make_session(station, **fields) -> ChargingSession:
    return ChargingSession.objects.create(**{
        "tenant_id": station.tenant_id, "station": station, "connector_id": 1, "evse_id": 1,
        "transaction_id": next(_ids), "station_transaction_id": "tx-42", "id_tag": "CARD1",
        "meter_start": 1000, "meter_stop": 8500, "started_at": STARTED,
        "stopped_at": STARTED + timedelta(hours=1), "stop_reason": "Local"} | fields)


def make_price(session, **fields) -> SessionPrice:
    return SessionPrice.objects.create(**{
        "session": session, "tenant_id": session.tenant_id, "currency": "EUR",
        "net": Decimal("2.2500"), "vat": Decimal("0.4275"), "gross": Decimal("2.6775"),
        "lines": [{"component": "ENERGY", "quantity": "7.5", "unit": "kWh", "unit_price": "0.30",
                   "net": "2.25", "vat_rate": "19"}],
        "energy_wh": Decimal("7500.0000"), "charging_seconds": 3600, "parking_seconds": 0,
        "final": True, "priced_at": STARTED + timedelta(hours=1, seconds=5)} | fields)


@pytest.fixture
def station():
    station, _ = make_station(make_tenant(), "CP-PAY", vendor="Acme", model="Fast 22",
                              firmware_version="1.2.3")
    station.ocpp_version = "1.6"
    station.save(update_fields=["ocpp_version"])
    return station


def test_every_event_type_has_a_schema():
    assert set(payloads.SCHEMAS) == set(EVENT_TYPES)
    for schema in payloads.SCHEMAS.values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_times_are_utc_with_a_z_whatever_the_time_zone_they_come_in():
    berlin = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.get_fixed_timezone(60))

    assert payloads.iso(berlin) == "2026-03-01T09:00:00Z"
    assert payloads.iso(None) is None


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    (Decimal("2.6775"), "EUR", "2.68"), (Decimal("1234.0000"), "JPY", "1234"),
    (Decimal("0"), "EUR", "0.00"), (None, "EUR", None)])
def test_money_is_a_string_in_the_currencys_minor_unit(amount, currency, shown):
    assert payloads.money(amount, currency) == shown


def test_a_station_is_told_by_its_identity_and_ocpp_version(station):
    data = valid("station.connected", payloads.station_connected(station))

    assert data == {"station": {"id": station.pk, "identity": "CP-PAY", "ocpp_version": "1.6"}}
    assert valid("station.disconnected", payloads.station_disconnected(station)) == data


def test_a_boot_tells_what_the_station_said_of_itself(station):
    data = valid("station.booted", payloads.station_booted(station))

    assert data["vendor"] == "Acme" and data["model"] == "Fast 22"
    assert data["firmware_version"] == "1.2.3"
    assert data["serial_number"] is None and data["boot_reason"] is None


def test_a_status_change_carries_its_connector_evse_and_error_code(station):
    data = valid("station.status_changed", payloads.station_status_changed(
        station, connector_id=1, evse_id=1, status="Faulted", error_code="GroundFailure"))

    assert data == {"station": payloads.station_ref(station), "connector_id": 1, "evse_id": 1,
                    "status": "Faulted", "error_code": "GroundFailure"}


def test_a_session_is_told_by_both_ids_with_energy_in_wh(station):
    session = make_session(station)

    data = valid("session.stopped", payloads.session_stopped(session))

    assert data["session"] == {
        "id": session.pk, "transaction_id": "tx-42", "connector_id": 1, "evse_id": 1,
        "id_tag": "CARD1", "started_at": "2026-03-01T09:00:00Z", "stopped_at": "2026-03-01T10:00:00Z",
        "meter_start_wh": 1000, "meter_stop_wh": 8500, "energy_wh": 7500, "stop_reason": "Local",
        "closed_reason": None}
    assert data["completed_late"] is False


def test_a_running_session_has_no_stop_yet(station):
    session = make_session(station, meter_stop=None, stopped_at=None, stop_reason="")

    data = valid("session.started", payloads.session_started(session))

    assert data["session"]["stopped_at"] is None and data["session"]["energy_wh"] is None


def test_a_closed_session_says_why(station):
    session = make_session(station, closed_reason="station_silent")

    data = valid("session.closed", payloads.session_closed(session, reason="station_silent"))

    assert data["reason"] == "station_silent" and data["session"]["closed_reason"] == "station_silent"


def test_a_price_is_told_in_decimal_strings_with_its_currency(station):
    price = make_price(make_session(station))

    data = valid("session.priced", payloads.session_priced(price, corrected=True))

    assert data["price"] == {
        "currency": "EUR", "net": "2.25", "vat": "0.43", "gross": "2.68", "energy_wh": "7500",
        "charging_seconds": 3600, "parking_seconds": 0, "priced_at": "2026-03-01T10:00:05Z",
        "lines": [{"component": "ENERGY", "quantity": "7.5", "unit": "kWh", "unit_price": "0.30",
                   "net": "2.25", "vat_rate": "19"}]}
    assert data["corrected"] is True and data["free"] is False


def test_a_session_without_a_tariff_has_a_price_without_money(station):
    price = make_price(make_session(station), currency="", net=0, vat=0, gross=0, lines=[],
                       energy_wh=None)

    data = valid("session.priced", payloads.session_priced(price))

    assert data["price"]["currency"] is None and data["price"]["energy_wh"] is None


def test_an_invoice_is_told_with_its_totals_and_where_its_pdf_is(station, settings):
    settings.PUBLIC_BASE_URL = "https://cpms.example.com/"
    customer = Customer.objects.create(tenant=station.tenant, name="Carla", email="c@example.com")
    invoice = Invoice.objects.create(
        tenant=station.tenant, number="2026-000007", customer=customer, buyer_name="Carla",
        buyer_email="c@example.com", seller_name="Operator", issued_at=STARTED,
        period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), currency="EUR",
        net=Decimal("10.0000"), vat=Decimal("1.9000"), gross=Decimal("11.9000"),
        vat_breakdown=[{"rate": "19", "net": "10.00", "vat": "1.90", "gross": "11.90"}])

    data = valid("invoice.issued", payloads.invoice_issued(invoice))["invoice"]

    assert data["number"] == "2026-000007" and data["kind"] == "invoice" and data["credits"] is None
    assert data["customer"] == {"id": customer.pk, "name": "Carla", "email": "c@example.com",
                                "vat_id": None}
    assert (data["net"], data["vat"], data["gross"]) == ("10.00", "1.90", "11.90")
    assert data["period_start"] == "2026-02-01" and data["issued_at"] == "2026-03-01T09:00:00Z"
    assert data["pdf_url"] == f"https://cpms.example.com/api/v1/invoices/{invoice.pk}/pdf/"


def test_an_alert_tells_its_kind_station_and_times(station):
    alert = Alert.objects.create(
        tenant=station.tenant, kind="station_offline", key=f"station:{station.pk}", station=station,
        severity="critical", title="CP-PAY offline", details={"minutes": 10}, opened_at=STARTED,
        last_seen_at=STARTED)

    data = valid("alert.opened", payloads.alert(alert))["alert"]

    assert data["station"] == payloads.station_ref(station)
    assert data["state"] == "open" and data["resolved_at"] is None
    assert data["opened_at"] == "2026-03-01T09:00:00Z" and data["details"] == {"minutes": 10}


def test_a_summary_counts_alerts_per_kind_with_their_ids():
    data = valid("alert.summary", payloads.alert_summary(
        opened=[(3, "station_offline"), (1, "station_offline"), (2, "connector_faulted")],
        resolved=[]))

    assert data == {"opened": {"count": 3, "by_kind": {"connector_faulted": 1, "station_offline": 2},
                               "ids": [1, 2, 3]},
                    "resolved": {"count": 0, "by_kind": {}, "ids": []}}


# The catalogue (webhooks/event_types_api.py) -------------------------------------------------

def test_the_catalogue_lists_every_type_with_its_version_and_schema(owner_api):
    response = owner_api.get("/api/v1/webhooks/event-types/")

    assert response.status_code == 200
    listed = {row["type"]: row for row in response.json()}
    assert list(listed) == list(EVENT_TYPES)
    stopped = listed["session.stopped"]
    assert stopped["version"] == 1 and stopped["description"] == EVENT_TYPES["session.stopped"]
    assert stopped["schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert stopped["schema"]["properties"]["session"]["properties"]["energy_wh"] == {
        "type": ["integer", "null"]}


@pytest.mark.parametrize("role", ["installer", "accountant"])
def test_only_a_managers_token_reads_the_catalogue(tenant, api_for, role):
    assert api_for(tenant, role).get("/api/v1/webhooks/event-types/").status_code == 403


def test_without_a_token_the_catalogue_is_refused(client):
    assert client.get("/api/v1/webhooks/event-types/").status_code in (401, 403)
