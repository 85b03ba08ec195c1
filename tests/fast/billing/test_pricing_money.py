"""billing/pricing/money.py's decimal_text: the plain text of a decimal that the API, the
invoices and the exports write (moved here from the serializers so that services need none)."""

from decimal import Decimal

import pytest

from billing.pricing.money import decimal_text


@pytest.mark.parametrize(("value", "places", "text"), [
    (Decimal("0.3"), 2, "0.30"), (Decimal("12.50"), 0, "12.5"), (Decimal("10.000"), 0, "10"),
    (Decimal("1E+1"), 0, "10"), (Decimal("19.00"), 0, "19"), (Decimal("0.1234"), 2, "0.1234"),
    (Decimal("-3.5"), 2, "-3.50"),
])
def test_a_decimal_is_written_plain_with_at_least_its_places(value, places, text):
    assert decimal_text(value, places) == text
