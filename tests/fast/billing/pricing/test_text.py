"""The driver's price line (billing/pricing/text.py) with worked numbers: gross rates (net + VAT)
to two more decimals than the currency has, each kind of rate once, the idle grace before
parking, several elements flagged."""

from hypothesis import given
from hypothesis import strategies as st

from billing.pricing.tariff import parse_tariff
from billing.pricing.text import MAX_LENGTH, tariff_text


def text(elements, **fields) -> str:
    return tariff_text(parse_tariff({"currency": "EUR", "vat_rate": "19", "elements": elements}
                                    | fields))


def test_an_energy_rate_is_told_with_its_vat():
    # 0.30 net + 19 % = 0.357 gross
    assert text([{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]) == \
        "0.357 EUR/kWh, incl. 19% VAT"


def test_parking_after_the_grace_time_and_a_session_fee():
    # 2.00 net/h + 19 % = 2.38; 1.00 + 19 % = 1.19
    assert text([{"price_components": [
        {"type": "ENERGY", "price": "0.25"}, {"type": "PARKING_TIME", "price": "2.00"},
        {"type": "FLAT", "price": "1"}]}], idle_grace_minutes=30) == \
        "0.2975 EUR/kWh, 2.38 EUR/h parking after 30 min, 1.19 EUR per session, incl. 19% VAT"


def test_without_vat_and_in_a_currency_without_cents():
    assert tariff_text(parse_tariff({"currency": "JPY", "elements": [
        {"price_components": [{"type": "TIME", "price": "120"}]}]})) == "120 JPY/h"


def test_a_tariff_of_several_elements_says_other_rates_may_apply():
    night = {"price_components": [{"type": "ENERGY", "price": "0.20"}],
             "restrictions": {"start_time": "22:00", "end_time": "06:00"}}
    day = {"price_components": [{"type": "ENERGY", "price": "0.40"}]}
    assert text([night, day], vat_rate="0") == "0.20 EUR/kWh, other rates may apply"


def test_a_tariff_without_rates_has_no_line():
    assert text([]) == ""


@given(price=st.decimals(min_value=0, max_value=10**6, places=4),
       vat=st.decimals(min_value=0, max_value=100, places=2))
def test_any_rate_gives_a_short_line_naming_the_currency(price, vat):
    line = tariff_text(parse_tariff({"currency": "EUR", "vat_rate": str(vat), "elements": [
        {"price_components": [{"type": "ENERGY", "price": str(price)}]}]}))
    assert line.startswith(tuple("0123456789")) and "EUR/kWh" in line and len(line) <= MAX_LENGTH
