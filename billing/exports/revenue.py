"""revenue.csv: per month (local to each station, by the session's stop), tariff version, currency
and VAT rate, the sessions, energy and money of the priced sessions, from their stored prices:
the columns add up exactly to the sum of the sessions' prices (sessions.csv, the sessions API).

Each session's net and VAT are taken per rate as it was priced (`vat_by_rate`); gross = net + VAT
per row. A session whose lines carry different VAT rates adds its money to each rate's row, and
its count and energy to one row only (its tariff's own rate), so every column sums to the totals.
Free (internal) sessions are priced with a zero flat fee at 0 % VAT, so they count (sessions, energy)
in a 0 % row of their tariff with no money; sessions not priced yet, or priced under no tariff
(nothing to pay), are not in this export (sessions.csv lists them, as `pending` and `no_tariff`).

The sessions stream by; only the totals are kept (months x tariffs x rates: a few hundred at most).
"""

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from billing.exports.csv_stream import Row, plain_cell, safe_text
from billing.exports.filters import ExportFilters, stopped_within
from billing.exports.sessions import energy_wh, kwh, money_text
from billing.pricing.money import decimal_text
from stations.models import ChargingSession

COLUMNS = ["month", "tariff", "tariff_version", "currency", "vat_rate", "sessions", "energy_kwh",
           "net", "vat", "gross"]
TEXT = {"tariff"}
CHUNK_ROWS = 5000


def revenue_rows(filters: ExportFilters) -> Iterator[Row]:
    tenant_zone = filters.tenant.timezone
    sessions = (ChargingSession.objects.filter(stopped_within(filters))
                .filter(price__priced_at__isnull=False).exclude(price__currency="")
                .values_list("station__timezone", "stopped_at", "meter_start", "meter_stop", "meter_last",
                             "price__tariff__name", "price__tariff__version", "price__tariff__vat_rate",
                             "price__currency", "price__vat_by_rate", "price__net", "price__vat"))
    totals: dict[tuple, dict] = defaultdict(lambda: {"sessions": 0, "energy_wh": 0, "net": Decimal(0),
                                                     "vat": Decimal(0)})
    for (zone, stopped_at, start, stop, last, name, version, tariff_rate, currency, by_rate, net,
         vat) in sessions.iterator(chunk_size=CHUNK_ROWS):
        month = stopped_at.astimezone(_zone(zone or tenant_zone)).strftime("%Y-%m")
        shares = {_rate(rate): (Decimal(n), Decimal(v)) for rate, (n, v) in (by_rate or {}).items()}
        main = _rate(tariff_rate) if tariff_rate is not None else None
        if main not in shares:
            main = min(shares, key=Decimal) if shares else (main or "0")
        if not shares:
            shares = {main: (net, vat)}
        for rate, (rate_net, rate_vat) in shares.items():
            total = totals[(month, name or "", version, currency, rate)]
            total["net"] += rate_net
            total["vat"] += rate_vat
            if rate == main:
                total["sessions"] += 1
                total["energy_wh"] += energy_wh({"meter_start": start, "meter_stop": stop,
                                                 "meter_last": last}) or 0
    for (month, name, version, currency, rate) in sorted(totals, key=_order):
        total = totals[(month, name, version, currency, rate)]
        money = money_text(currency)
        yield {"month": month, "tariff": name or None, "tariff_version": version, "currency": currency,
               "vat_rate": rate, "sessions": total["sessions"], "energy_kwh": kwh(total["energy_wh"]),
               "net": money(total["net"]), "vat": money(total["vat"]),
               "gross": money(total["net"] + total["vat"])}


def _order(key: tuple) -> tuple:
    month, name, version, currency, rate = key
    return month, name, version or 0, currency, Decimal(rate)


def _rate(value) -> str:
    """"19", "19.00" and Decimal("19.00") are one rate: "19"."""
    return decimal_text(Decimal(str(value)))


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def revenue_cell(column: str, value: object) -> str:
    return plain_cell(column, safe_text(value) if column in TEXT else value)
