"""From what a session used to what it costs: lines, step sizes, min/max price, VAT (docs/pricing.md
§3)."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from billing.pricing.money import ceil_to_step, round_half_up, split_units, tidy
from billing.pricing.tariff import ENERGY, FLAT, PARKING_TIME, TIME, Component, Tariff

MIN_PRICE, MAX_PRICE = "MIN_PRICE", "MAX_PRICE"  # the adjustment that clamps the total
_UNITS = {ENERGY: ("kWh", 1000), TIME: ("h", 3600), PARKING_TIME: ("h", 3600)}  # per base unit
_SHOWN_PLACES = 6  # decimals of a line's quantity (kWh or h); its net is from the exact quantity


@dataclass(frozen=True)
class CostLine:
    component: str  # ENERGY, TIME, PARKING_TIME, FLAT (or MIN_PRICE / MAX_PRICE, the clamp)
    quantity: Decimal  # kWh, hours, or 1
    unit: str  # "kWh", "h", "session"
    unit_price: Decimal  # net
    net: Decimal  # rounded to the currency's minor unit
    vat_rate: Decimal  # percent


@dataclass(frozen=True)
class Price:
    currency: str
    lines: tuple[CostLine, ...]
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_by_rate: dict[Decimal, tuple[Decimal, Decimal]]  # rate -> (net, vat)
    energy_wh: Decimal
    charging_seconds: int
    parking_seconds: int  # billable (after grace)


@dataclass
class Usage:
    """What one dimension used, in time order: Wh for ENERGY, seconds for TIME and PARKING_TIME."""

    uses: list[tuple[Component, Fraction]]

    def add(self, component: Component, quantity: Fraction) -> None:
        if quantity > 0:
            self.uses.append((component, quantity))


def make_price(*, tariff: Tariff, usage: dict[str, Usage], flat: Component | None, energy_wh: Fraction,
               charging_seconds: Fraction, parking_seconds: Fraction) -> Price:
    """The priced lines, clamped and taxed. `min_price` applies only to a session with something
    to pay for (energy taken, or billable time): a car plugged in and out for nothing pays nothing."""
    exponent = tariff.exponent
    lines: list[CostLine] = []
    if flat is not None and energy_wh > 0:  # plug in, plug out, no energy: nothing to pay
        lines.append(CostLine(FLAT, Decimal(1), "session", flat.price,
                              round_half_up(Fraction(flat.price), exponent), flat.vat_rate))
    for kind in (ENERGY, TIME, PARKING_TIME):
        lines += _dimension_lines(kind, usage[kind].uses, exponent)
    lines += _clamp(tariff, lines, payable=energy_wh > 0 or bool(lines))

    zero = Decimal(0).scaleb(-exponent)
    net_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        net_by_rate[line.vat_rate] = net_by_rate.get(line.vat_rate, zero) + line.net
    by_rate = {rate: (net, round_half_up(Fraction(net) * Fraction(rate) / 100, exponent))
               for rate, net in net_by_rate.items()}
    net = sum((line.net for line in lines), zero)
    vat = sum((v for _, v in by_rate.values()), zero)
    return Price(currency=tariff.currency, lines=tuple(lines), net=net, vat=vat, gross=net + vat,
                 vat_by_rate=by_rate, energy_wh=tidy(round_half_up(energy_wh, 3)),
                 charging_seconds=int(charging_seconds), parking_seconds=int(parking_seconds))


def _dimension_lines(kind: str, uses: list[tuple[Component, Fraction]], exponent: int) -> list[CostLine]:
    """One line per (unit price, VAT rate). The step size is applied once, on the dimension's
    total, with the step of the component in force last; what it adds is billed at that price
    (OCPI 2.2.1's reading)."""
    if not uses:
        return []
    groups: dict[tuple[Decimal, Decimal], list] = {}
    for component, quantity in uses:
        group = groups.setdefault((component.price, component.vat_rate), [component, Fraction(0)])
        group[1] += quantity
    last = uses[-1][0]
    total = sum((q for _, q in uses), Fraction(0))
    groups[(last.price, last.vat_rate)][1] += ceil_to_step(total, last.step_size) - total

    unit, per = _UNITS[kind]
    exact = [q / per for _, q in groups.values()]
    stepped_total = sum(exact, Fraction(0)) * 10**_SHOWN_PLACES
    if stepped_total.denominator == 1:  # shown quantities add up to the stepped total exactly
        shown = [Decimal(n).scaleb(-_SHOWN_PLACES) for n in split_units(int(stepped_total), exact)]
    else:
        shown = [round_half_up(q, _SHOWN_PLACES) for q in exact]
    return [CostLine(kind, tidy(s), unit, c.price, round_half_up(q * Fraction(c.price), exponent), c.vat_rate)
            for (c, _), q, s in zip(groups.values(), exact, shown, strict=True)]


def _clamp(tariff: Tariff, lines: list[CostLine], *, payable: bool) -> list[CostLine]:
    """Lines that bring the rounded total to `min_price` / `max_price`, split over the VAT rates
    in proportion to their nets (so the VAT stays with the supplies it belongs to)."""
    exponent = tariff.exponent
    net = sum((line.net for line in lines), Decimal(0))
    target, kind = None, None
    if tariff.min_price is not None and payable:
        low = round_half_up(Fraction(tariff.min_price), exponent)
        if net < low:
            target, kind = low, MIN_PRICE
    if tariff.max_price is not None:
        high = round_half_up(Fraction(tariff.max_price), exponent)
        if net > high:
            target, kind = high, MAX_PRICE
    if target is None:
        return []
    rates: dict[Decimal, Fraction] = {}
    for line in lines:
        rates[line.vat_rate] = rates.get(line.vat_rate, Fraction(0)) + Fraction(line.net)
    if not rates or sum(rates.values()) == 0:
        rates = {tariff.vat_rate: Fraction(1)}
    units = int((target - net).scaleb(exponent))
    shares = split_units(units, list(rates.values()))
    amounts = [(rate, Decimal(n).scaleb(-exponent)) for rate, n in zip(rates, shares, strict=True) if n]
    return [CostLine(kind, Decimal(1), "session", amount, amount, rate) for rate, amount in amounts]
