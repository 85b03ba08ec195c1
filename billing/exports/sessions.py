"""sessions.csv: one row per stopped session, oldest stop first, with its price as stored.

The cost lines are one column, `COMPONENT: quantity unit x unit price = net (VAT rate%)` joined by
`; ` (e.g. `ENERGY: 12.345 kWh x 0.30 = 3.70 (VAT 19%); PARKING_TIME: 0.4167 h x 6.00 = 2.50 (VAT 19%)`):
a tariff has any number of components and restrictions (a night rate is a second ENERGY line), so
fixed per-component columns would either lose lines or sprawl; `net`, `vat` and `gross` are the
columns to sum. The JSON twin gives the lines as objects, as the sessions API does.

`price_status`: `final`; `provisional` (priced, but the car was still plugged in after the stop, so
parking may still add to it); `pending` (stopped, not priced yet); `no_tariff` (no tariff applied:
nothing to pay). Money columns are blank unless the session is priced under a tariff (or free).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower

from billing.exports.csv_stream import Row, plain_cell, safe_text
from billing.exports.filters import ExportFilters, stopped_within
from billing.pricing import currency_exponent
from stations.models import ChargingSession, IdTag

COLUMNS = ["session_id", "transaction_id", "station", "station_name", "connector", "id_tag", "customer",
           "started_at", "stopped_at", "energy_kwh", "tariff", "internal", "currency", "cost_lines",
           "net", "vat", "gross", "price_status"]
FIELDS = ["id", "transaction_id", "station__identity", "station__name", "connector_id", "id_tag",
          "customer_name", "started_at", "stopped_at", "meter_start", "meter_stop", "meter_last",
          "price__tariff__name", "price__tariff__version", "price__free", "price__currency",
          "price__lines", "price__net", "price__vat", "price__gross", "price__priced_at", "price__final"]
TEXT = {"station", "station_name", "id_tag", "customer", "tariff"}
CHUNK_ROWS = 2000


def session_rows(filters: ExportFilters) -> Iterator[Row]:
    customer = IdTag.objects.filter(tenant_id=OuterRef("tenant_id"),  # the tag in any case
                                    id_tag__lower=Lower(OuterRef("id_tag")),
                                    customer__isnull=False).values("customer__name")[:1]
    sessions = (ChargingSession.objects.filter(stopped_within(filters))
                .annotate(customer_name=Subquery(customer))
                .order_by("stopped_at", "id").values(*FIELDS))
    for values in sessions.iterator(chunk_size=CHUNK_ROWS):
        yield session_row(values)


def session_row(v: dict) -> Row:
    priced = v["price__priced_at"] is not None
    currency = v["price__currency"] if priced else ""
    money = money_text(currency) if currency else (lambda amount: None)
    tariff = v["price__tariff__name"]
    return {
        "session_id": v["id"],
        "transaction_id": v["transaction_id"],
        "station": v["station__identity"],
        "station_name": v["station__name"],
        "connector": v["connector_id"],
        "id_tag": v["id_tag"],
        "customer": v["customer_name"],
        "started_at": iso(v["started_at"]),
        "stopped_at": iso(v["stopped_at"]),
        "energy_kwh": kwh(energy_wh(v)),
        "tariff": f"{tariff} v{v['price__tariff__version']}" if tariff is not None else None,
        "internal": bool(v["price__free"]),
        "currency": currency or None,
        "cost_lines": (v["price__lines"] or []) if currency else [],
        "net": money(v["price__net"]),
        "vat": money(v["price__vat"]),
        "gross": money(v["price__gross"]),
        "price_status": _status(v, currency),
    }


def _status(v: dict, currency: str) -> str:
    if v["price__priced_at"] is None:
        return "pending"
    if not currency:
        return "no_tariff"
    return "final" if v["price__final"] else "provisional"


def session_cell(column: str, value: object) -> str:
    if column == "cost_lines":
        return "; ".join(cost_line_text(line) for line in value)
    if column in TEXT:
        return plain_cell(column, safe_text(value))
    return plain_cell(column, value)


def cost_line_text(line: dict) -> str:
    text = f"{line['component']}: {line['quantity']} {line['unit']} x {line['unit_price']} = {line['net']}"
    rate = line.get("vat_rate")
    return f"{text} (VAT {rate}%)" if rate is not None else text


# Shared by the other exports -------------------------------------------------------------------

def energy_wh(v: dict) -> int | None:
    """As the session API's energy_wh: the stop (else latest) register reading minus the start."""
    end = v["meter_stop"] if v["meter_stop"] is not None else v["meter_last"]
    if end is None or v["meter_start"] is None:
        return None
    return max(end - v["meter_start"], 0)


def kwh(wh: int | Decimal | None) -> str | None:
    return None if wh is None else str((Decimal(wh) / 1000).quantize(Decimal("0.001")))


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def money_text(currency: str):
    """Amounts in the currency's minor unit (stored with 4 places), as plain decimal text."""
    unit = Decimal(1).scaleb(-currency_exponent(currency))
    return lambda amount: None if amount is None else str(Decimal(amount).quantize(unit))
