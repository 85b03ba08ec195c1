"""The price told to a driver at the station, in one short line: what OCPP 2.0.1 shows as the
`personalMessage` of an accepted id token (docs/ocpp201.md, tariff text). EU AFIR asks that the
price be known before charging; the line gives the tariff's headline rates with VAT included,
e.g. "0.357 EUR/kWh, 2.38 EUR/h parking after 30 min, incl. 19% VAT".

Pure: a parsed tariff in, a string out. A tariff of several elements (time-of-day, per-kWh
tiers...) is shown by the first rate of each kind and says other rates may apply."""

from decimal import Decimal
from fractions import Fraction

from billing.pricing.money import exact, round_half_up, tidy
from billing.pricing.tariff import ENERGY, FLAT, PARKING_TIME, TIME, Component, Tariff

MAX_LENGTH = 512  # MessageContentType.content


def _gross(component: Component, exponent: int) -> str:
    """The rate with its VAT, to two more decimals than the currency has, trailing zeros cut
    down to the currency's own (0.357, 0.36 -> 0.36, 2 -> 2.00)."""
    gross = exact(component.price) * (1 + Fraction(component.vat_rate) / 100)
    value = tidy(round_half_up(gross, exponent + 2))
    if -value.as_tuple().exponent < exponent:
        value = value.quantize(Decimal(1).scaleb(-exponent))
    return f"{value:f}"


def _first(tariff: Tariff, kind: str) -> Component | None:
    return next((e.components[kind] for e in tariff.elements if kind in e.components), None)


def _phrase(kind: str, component: Component, tariff: Tariff) -> str:
    price = f"{_gross(component, tariff.exponent)} {tariff.currency}"
    if kind == ENERGY:
        return f"{price}/kWh"
    if kind == TIME:
        return f"{price}/h"
    if kind == PARKING_TIME:
        grace = tariff.grace_seconds // 60
        return f"{price}/h parking" + (f" after {grace} min" if grace else "")
    return f"{price} per session"


def tariff_text(tariff: Tariff) -> str:
    """The tariff's price line ("" for a tariff without any rate)."""
    parts = [_phrase(kind, component, tariff) for kind in (ENERGY, TIME, PARKING_TIME, FLAT)
             if (component := _first(tariff, kind)) is not None]
    if not parts:
        return ""
    if len(tariff.elements) > 1:
        parts.append("other rates may apply")
    if tariff.vat_rate:
        parts.append(f"incl. {tariff.vat_rate:f}% VAT")
    return ", ".join(parts)[:MAX_LENGTH]
