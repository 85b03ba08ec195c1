"""The `data` of each webhook event type, version 1 (webhooks/catalogue.py PAYLOAD_VERSION).

A receiver's code depends on these names: a field is never renamed or removed within a version,
only added (docs/webhooks.md lists every field with an example). One builder per type, from the
rows as they are after the change; times ISO 8601 in UTC, energy in Wh, money as decimal strings
with the currency beside them. `SCHEMAS` holds a JSON Schema of each type's `data`, served by
the event-type catalogue (webhooks/event_types_api.py)."""

from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from billing.models import Invoice, SessionPrice
from billing.pricing import currency_exponent
from stations.models import ChargingSession, Station


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def money(amount: Decimal | None, currency: str) -> str | None:
    """An amount rounded to the currency's minor unit ("12.34" EUR, "1234" JPY), as a string."""
    if amount is None:
        return None
    exponent = currency_exponent(currency) if currency else 2
    return str(Decimal(amount).quantize(Decimal(1).scaleb(-exponent)))


# --- Pieces shared by several types ----------------------------------------------------------

def station_ref(station: Station) -> dict:
    return {"id": station.pk, "identity": station.identity, "ocpp_version": station.ocpp_version or None}


def session_ref(session: ChargingSession) -> dict:
    return {
        "id": session.pk,
        "transaction_id": session.station_transaction_id or None,
        "connector_id": session.connector_id,
        "evse_id": session.evse_id,
        "id_tag": session.id_tag or None,
        "started_at": iso(session.started_at),
        "stopped_at": iso(session.stopped_at),
        "meter_start_wh": session.meter_start,
        "meter_stop_wh": session.meter_stop,
        "energy_wh": session.energy_wh,
        "stop_reason": session.stop_reason or None,
        "closed_reason": session.closed_reason or None,
    }


# --- Stations --------------------------------------------------------------------------------

def station_connected(station: Station) -> dict:
    return {"station": station_ref(station)}


def station_disconnected(station: Station) -> dict:
    return {"station": station_ref(station)}


def station_booted(station: Station) -> dict:
    return {"station": station_ref(station), "vendor": station.vendor, "model": station.model,
            "serial_number": station.serial_number or None,
            "firmware_version": station.firmware_version or None,
            "boot_reason": station.boot_reason or None}


def station_status_changed(station: Station, *, connector_id: int, evse_id: int | None,
                           status: str, error_code: str = "NoError") -> dict:
    return {"station": station_ref(station), "connector_id": connector_id, "evse_id": evse_id,
            "status": status, "error_code": error_code}


# --- Sessions --------------------------------------------------------------------------------

def session_started(session: ChargingSession) -> dict:
    return {"station": station_ref(session.station), "session": session_ref(session)}


def session_stopped(session: ChargingSession, *, completed_late: bool = False) -> dict:
    return {"station": station_ref(session.station), "session": session_ref(session),
            "completed_late": completed_late}


def session_closed(session: ChargingSession, *, reason: str) -> dict:
    return {"station": station_ref(session.station), "session": session_ref(session),
            "reason": reason}


def session_priced(price: SessionPrice, *, corrected: bool = False) -> dict:
    session, currency = price.session, price.currency
    return {
        "station": station_ref(session.station), "session": session_ref(session),
        "corrected": corrected, "free": price.free,
        "price": {
            "currency": currency or None, "net": money(price.net, currency),
            "vat": money(price.vat, currency), "gross": money(price.gross, currency),
            "energy_wh": None if price.energy_wh is None else f"{price.energy_wh.normalize():f}",
            "charging_seconds": price.charging_seconds, "parking_seconds": price.parking_seconds,
            "lines": [_cost_line(line) for line in price.lines],
            "priced_at": iso(price.priced_at),
        },
    }


def _cost_line(line: dict) -> dict:
    """A stored cost line: its decimals are strings already; keep only the documented keys."""
    return {key: None if line.get(key) is None else str(line[key])
            for key in ("component", "quantity", "unit", "unit_price", "net", "vat_rate")}


# --- Invoices --------------------------------------------------------------------------------

def invoice_issued(invoice: Invoice) -> dict:
    currency = invoice.currency
    return {"invoice": {
        "id": invoice.pk, "number": invoice.number, "kind": invoice.kind,
        "credits": invoice.credits.number if invoice.credits_id else None,
        "customer": {"id": invoice.customer_id, "name": invoice.buyer_name,
                     "email": invoice.buyer_email or None, "vat_id": invoice.buyer_vat_id or None},
        "issued_at": iso(invoice.issued_at),
        "period_start": invoice.period_start.isoformat(), "period_end": invoice.period_end.isoformat(),
        "currency": currency, "net": money(invoice.net, currency), "vat": money(invoice.vat, currency),
        "gross": money(invoice.gross, currency),
        "vat_breakdown": [{key: None if row.get(key) is None else str(row[key])
                           for key in ("rate", "net", "vat", "gross")}
                          for row in invoice.vat_breakdown],
        "pdf_url": settings.PUBLIC_BASE_URL.rstrip("/") + reverse("api-invoice-pdf", args=[invoice.pk]),
    }}


# --- Alerts (rows of alerts.Alert, read without importing alerts' models here) ----------------

def alert(alert) -> dict:
    station = alert.station if alert.station_id else None
    return {"alert": {
        "id": alert.pk, "kind": alert.kind, "key": alert.key, "severity": alert.severity,
        "title": alert.title, "details": alert.details, "state": alert.state,
        "station": station_ref(station) if station is not None else None,
        "opened_at": iso(alert.opened_at), "last_seen_at": iso(alert.last_seen_at),
        "occurrences": alert.occurrences, "resolved_at": iso(alert.resolved_at),
        "resolution": alert.resolution or None,
    }}


def alert_summary(*, opened: list, resolved: list) -> dict:
    """`opened`, `resolved`: (id, kind) pairs of the alerts a burst told as one."""
    return {"opened": _counted(opened), "resolved": _counted(resolved)}


def _counted(alerts: list) -> dict:
    by_kind: dict[str, int] = {}
    for _, kind in alerts:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return {"count": len(alerts), "by_kind": dict(sorted(by_kind.items())),
            "ids": sorted(pk for pk, _ in alerts)}


# --- JSON Schemas of each type's `data` --------------------------------------------------------

def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict, *, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": required if required is not None else list(properties)}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
TIME = {"type": "string", "format": "date-time"}
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
NULLABLE_TIME = _nullable("string", format="date-time")
NULLABLE_DECIMAL = _nullable("string", pattern=r"^-?\d+(\.\d+)?$")

STATION = _object({"id": INTEGER, "identity": STRING,
                   "ocpp_version": _nullable("string", description='"1.6" or "2.0.1"')})
SESSION = _object({
    "id": INTEGER, "transaction_id": _nullable("string"), "connector_id": INTEGER,
    "evse_id": _nullable("integer"), "id_tag": _nullable("string"), "started_at": NULLABLE_TIME,
    "stopped_at": NULLABLE_TIME, "meter_start_wh": _nullable("integer"),
    "meter_stop_wh": _nullable("integer"), "energy_wh": _nullable("integer"),
    "stop_reason": _nullable("string"), "closed_reason": _nullable("string")})
COST_LINE = _object({key: NULLABLE_DECIMAL if key in ("quantity", "unit_price", "net", "vat_rate")
                     else _nullable("string")
                     for key in ("component", "quantity", "unit", "unit_price", "net", "vat_rate")})
PRICE = _object({
    "currency": _nullable("string"), "net": NULLABLE_DECIMAL, "vat": NULLABLE_DECIMAL,
    "gross": NULLABLE_DECIMAL, "energy_wh": NULLABLE_DECIMAL,
    "charging_seconds": _nullable("integer"), "parking_seconds": _nullable("integer"),
    "lines": {"type": "array", "items": COST_LINE}, "priced_at": NULLABLE_TIME})
INVOICE = _object({
    "id": INTEGER, "number": STRING, "kind": {"type": "string", "enum": ["invoice", "credit_note"]},
    "credits": _nullable("string"),
    "customer": _object({"id": INTEGER, "name": STRING, "email": _nullable("string"),
                         "vat_id": _nullable("string")}),
    "issued_at": TIME, "period_start": {"type": "string", "format": "date"},
    "period_end": {"type": "string", "format": "date"}, "currency": STRING, "net": DECIMAL,
    "vat": DECIMAL, "gross": DECIMAL,
    "vat_breakdown": {"type": "array", "items": _object(
        {"rate": NULLABLE_DECIMAL, "net": NULLABLE_DECIMAL, "vat": NULLABLE_DECIMAL,
         "gross": NULLABLE_DECIMAL})},
    "pdf_url": {"type": "string", "format": "uri"}})
ALERT = _object({
    "id": INTEGER, "kind": STRING, "key": STRING,
    "severity": {"type": "string", "enum": ["critical", "warning", "info"]}, "title": STRING,
    "details": {"type": "object"}, "state": {"type": "string", "enum": ["open", "resolved"]},
    "station": {"oneOf": [STATION, {"type": "null"}]}, "opened_at": TIME, "last_seen_at": TIME,
    "occurrences": INTEGER, "resolved_at": NULLABLE_TIME, "resolution": _nullable("string")})
COUNTED = _object({"count": INTEGER, "by_kind": {"type": "object", "additionalProperties": INTEGER},
                   "ids": {"type": "array", "items": INTEGER}})

SCHEMAS: dict[str, dict] = {
    "alert.opened": _object({"alert": ALERT}),
    "alert.resolved": _object({"alert": ALERT}),
    "alert.summary": _object({"opened": COUNTED, "resolved": COUNTED}),
    "station.connected": _object({"station": STATION}),
    "station.disconnected": _object({"station": STATION}),
    "station.booted": _object({
        "station": STATION, "vendor": STRING, "model": STRING, "serial_number": _nullable("string"),
        "firmware_version": _nullable("string"), "boot_reason": _nullable("string")}),
    "station.status_changed": _object({
        "station": STATION, "connector_id": {"type": "integer", "description": "0: the station"},
        "evse_id": _nullable("integer"), "status": STRING,
        "error_code": {"type": "string", "description": "NoError unless Faulted"}}),
    "session.started": _object({"station": STATION, "session": SESSION}),
    "session.stopped": _object({"station": STATION, "session": SESSION, "completed_late": BOOLEAN}),
    "session.priced": _object({"station": STATION, "session": SESSION, "corrected": BOOLEAN,
                               "free": BOOLEAN, "price": PRICE}),
    "session.closed": _object({"station": STATION, "session": SESSION, "reason": STRING}),
    "invoice.issued": _object({"invoice": INVOICE}),
    "webhook.test": _object({"endpoint": {"type": "integer", "description": "The endpoint tested"},
                             "message": STRING}),
}
