"""A tariff as the pricing engine reads it: the JSON of docs/pricing.md §1 (OCPI 2.2.1 names) checked and
turned into typed values once, so the engine never guesses at a field."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from billing.pricing.money import currency_exponent, tidy, to_decimal
from billing.pricing.restrictions import Restrictions, parse_restrictions

ENERGY, TIME, PARKING_TIME, FLAT = "ENERGY", "TIME", "PARKING_TIME", "FLAT"
TYPES = (ENERGY, TIME, PARKING_TIME, FLAT)


@dataclass(frozen=True)
class Component:
    type: str
    price: Decimal  # net, per kWh, per hour or per session
    step_size: int  # Wh for ENERGY, seconds for TIME and PARKING_TIME
    vat_rate: Decimal  # percent


@dataclass(frozen=True)
class Element:
    components: Mapping[str, Component]  # by type: the first of each type in the element
    restrictions: Restrictions


@dataclass(frozen=True)
class Tariff:
    currency: str
    exponent: int
    vat_rate: Decimal
    grace_seconds: int
    min_price: Decimal | None
    max_price: Decimal | None
    elements: tuple[Element, ...]

    def clock_times(self) -> set[int]:
        return set().union(*(e.restrictions.clock_times() for e in self.elements))

    def energy_thresholds(self) -> set[Fraction]:
        return set().union(*(e.restrictions.energy_thresholds() for e in self.elements))

    def duration_thresholds(self) -> set[Fraction]:
        return set().union(*(e.restrictions.duration_thresholds() for e in self.elements))


def parse_tariff(raw: Mapping) -> Tariff:
    currency = str(raw.get("currency") or "EUR").strip().upper()
    exponent = currency_exponent(currency)
    vat_rate = _rate(raw.get("vat_rate", 0), "vat_rate")
    grace = to_decimal(raw.get("idle_grace_minutes") or 0, field="idle_grace_minutes")
    if grace < 0:
        raise ValueError("idle_grace_minutes: must not be negative")
    elements = tuple(_element(e, vat_rate, i) for i, e in enumerate(raw.get("elements") or ()))
    min_price = _money(raw.get("min_price"), "min_price")
    max_price = _money(raw.get("max_price"), "max_price")
    if min_price is not None and max_price is not None and min_price > max_price:
        raise ValueError("min_price: must not exceed max_price")
    return Tariff(currency=currency, exponent=exponent, vat_rate=vat_rate, grace_seconds=int(grace * 60),
                  min_price=min_price, max_price=max_price, elements=elements)


def _element(raw: Mapping, vat_rate: Decimal, index: int) -> Element:
    components: dict[str, Component] = {}
    for c in raw.get("price_components") or ():
        kind = str(c.get("type", "")).upper()
        if kind not in TYPES:
            raise ValueError(f"elements[{index}]: unknown price component type {c.get('type')!r}")
        price = _money(c.get("price"), f"elements[{index}].price")
        if price is None:
            raise ValueError(f"elements[{index}]: a {kind} component without a price")
        step = to_decimal(c.get("step_size") or 1, field=f"elements[{index}].step_size")
        if step < 1 or step != step.to_integral_value():
            raise ValueError(f"elements[{index}].step_size: a whole number of at least 1")
        vat = c.get("vat_rate", c.get("vat"))  # the API's name; OCPI's own is "vat"
        components.setdefault(kind, Component(
            type=kind, price=price, step_size=int(step),
            vat_rate=vat_rate if vat is None else _rate(vat, f"elements[{index}].vat_rate")))
    return Element(components=components, restrictions=parse_restrictions(raw.get("restrictions")))


def _money(value: object, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = to_decimal(value, field=field)
    if amount < 0:
        raise ValueError(f"{field}: must not be negative")
    return amount


def _rate(value: object, field: str) -> Decimal:
    rate = to_decimal(value if value is not None else 0, field=field)
    if not 0 <= rate <= 100:
        raise ValueError(f"{field}: a percentage from 0 to 100")
    return tidy(rate)
