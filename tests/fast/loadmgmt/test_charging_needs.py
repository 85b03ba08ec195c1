"""A car's charging needs as the allocator's inputs (loadmgmt/charging_needs.py,
docs/smart-charging.md §7): the current it needs to finish by its departure, with worked numbers,
and what it still needs however its meter and its needs come in."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loadmgmt.allocation import Demand
from loadmgmt.charging_needs import _with, needed_current
from loadmgmt.models import LoadGroup
from stations.models import ChargingSession
from stations.smartcharging.ev_needs import energy_still_needed
from stations.smartcharging.models import ChargingNeeds

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def needs(energy_wh: int | None = 22000, hours: float | None = 1.5, meter_wh: int | None = 1000,
          transfer: str = "AC_three_phase", ev_max_current: int | None = None) -> ChargingNeeds:
    departure = None if hours is None else NOW + timedelta(hours=hours)
    return ChargingNeeds(energy_amount_wh=energy_wh, departure_time=departure, meter_wh=meter_wh,
                         requested_energy_transfer=transfer, ev_max_current=ev_max_current)


def session(meter_last: int | None = 1000) -> ChargingSession:
    return ChargingSession(meter_start=0, meter_last=meter_last)


def test_22_kwh_in_an_hour_and_a_half_on_three_phases_at_230_v_needs_21_3_a():
    assert needed_current(needs(), session(), phases=3, voltage=230, now=NOW) == Decimal("21.3")


def test_what_the_meter_counted_since_the_needs_is_no_longer_needed():
    # 11 kWh delivered since: 11000 / (1.5 x 690) = 10.63 -> 10.7 A (rounded up)
    assert needed_current(needs(), session(12000), phases=3, voltage=230, now=NOW) == Decimal("10.7")


def test_a_single_phase_car_needs_three_times_the_current():
    assert needed_current(needs(energy_wh=5520), session(), phases=1, voltage=230,
                          now=NOW) == Decimal("16.0")


def test_no_departure_a_departure_past_or_nothing_left_needs_nothing():
    for told in (needs(hours=None), needs(hours=-0.5), needs(energy_wh=None)):
        assert needed_current(told, session(), phases=3, voltage=230, now=NOW) is None
    assert needed_current(needs(energy_wh=1000), session(5000), phases=3, voltage=230, now=NOW) is None


def test_an_ac_cars_maximum_caps_its_demand_a_dc_cars_does_not():
    demand = Demand(key="k", started_at=NOW, max_current=Decimal(32))
    group = LoadGroup(voltage=230)
    ac = _with(demand, session(), needs(ev_max_current=16), group, NOW)
    dc = _with(demand, session(), needs(ev_max_current=200, transfer="DC"), group, NOW)
    assert (ac.max_current, ac.needed_current) == (Decimal(16), Decimal("21.3"))
    assert dc.max_current == Decimal(32)


@given(asked=st.none() | st.integers(min_value=0, max_value=200_000),
       at_needs=st.none() | st.integers(min_value=0, max_value=10**7),
       meter_now=st.none() | st.integers(min_value=0, max_value=10**7))
def test_what_is_still_needed_is_never_negative_nor_more_than_asked(asked, at_needs, meter_now):
    still = energy_still_needed(needs(energy_wh=asked, meter_wh=at_needs), session(meter_now))
    if asked is None:
        assert still is None
    else:
        assert 0 <= still <= asked
