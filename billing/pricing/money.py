"""Numbers for pricing: Decimal at the edges, exact fractions in between.

Crossing times of kWh thresholds and energy spread over time are ratios that Decimal cannot hold
exactly; `Fraction` can, so every quantity stays exact until a line is rounded once, at the end.
Nothing here ever goes through float.
"""

import math
from decimal import Decimal
from fractions import Fraction

# ISO 4217 minor units that differ from 2; everything else has cents.
_EXPONENTS = {
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
                     "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("CLF", "UYW"), 4),
}


def currency_exponent(currency: str) -> int:
    """Digits after the decimal mark of an ISO 4217 currency (EUR 2, JPY 0, KWD 3)."""
    code = str(currency).strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    return _EXPONENTS.get(code, 2)


def to_decimal(value: object, *, field: str) -> Decimal:
    """A tariff number as Decimal: strings and Decimals as they are, ints, and floats by their
    shortest text (JSON numbers arrive as floats: 0.3 means "0.3", not its binary neighbour)."""
    if isinstance(value, bool):
        raise ValueError(f"{field}: not a number: {value!r}")
    if isinstance(value, Decimal | int):
        result = Decimal(value)
    elif isinstance(value, float | str):
        try:
            result = Decimal(str(value).strip())
        except ArithmeticError:
            raise ValueError(f"{field}: not a number: {value!r}") from None
    else:
        raise ValueError(f"{field}: not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"{field}: not a finite number: {value!r}")
    return result


def exact(value: Decimal | int) -> Fraction:
    return Fraction(value)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero (Decimal's ROUND_HALF_UP)."""
    scaled = abs(value) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    return Decimal(-units if value < 0 else units).scaleb(-places)


def tidy(value: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent notation: 12.345000 -> 12.345, 1E+1 -> 10."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal


def ceil_to_step(value: Fraction, step: int) -> Fraction:
    """Round a total up to whole steps (OCPI step_size)."""
    if value <= 0:
        return value
    return Fraction(math.ceil(value / step) * step)


def split_units(total: int, weights: list[Fraction]) -> list[int]:
    """Share `total` whole units out in proportion to non-negative `weights` (largest remainder),
    so the shares always add up to `total` exactly."""
    weight_sum = sum(weights, Fraction(0))
    if not weights:
        return []
    if weight_sum == 0:
        return [total] + [0] * (len(weights) - 1)
    sign, magnitude = (-1 if total < 0 else 1), abs(total)
    ideal = [magnitude * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in ideal]
    by_remainder = sorted(range(len(ideal)), key=lambda i: (ideal[i] - shares[i], -i), reverse=True)
    for i in by_remainder[: magnitude - sum(shares)]:
        shares[i] += 1
    return [sign * s for s in shares]


def decimal_text(value: Decimal, places: int = 0) -> str:
    """A decimal as a plain string with at least `places` decimals: "0.30", "12.5", "10"."""
    value = value.normalize()
    if value.as_tuple().exponent > -places:
        value = value.quantize(Decimal(1).scaleb(-places))
    return format(value, "f")
