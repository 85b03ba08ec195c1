"""Session pricing (billing/pricing): docs/pricing.md §4's worked examples to the cent, the edges where
the price in force changes (local time, DST, weekdays, kWh thresholds), idle time, and the rules
any price must keep (Hypothesis)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.pricing import (
    ENERGY,
    FLAT,
    MIN_PRICE,
    PARKING_TIME,
    TIME,
    MeterPoint,
    StatusPoint,
    Timeline,
    currency_exponent,
    price_session,
)

D = Decimal
T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)  # a Monday
BERLIN = ZoneInfo("Europe/Berlin")


def tariff(*elements, vat="19", grace=0, currency="EUR", **fields) -> dict:
    return {"currency": currency, "vat_rate": vat, "idle_grace_minutes": grace, "elements": list(elements),
            **fields}


def element(*components, **restrictions) -> dict:
    return {"price_components": list(components), "restrictions": restrictions or None}


def energy(price, **kw) -> dict:
    return {"type": ENERGY, "price": price, **kw}


def parking(price, **kw) -> dict:
    return {"type": PARKING_TIME, "price": price, **kw}


def session(minutes: float, wh, *, start=T0, **fields) -> Timeline:
    """A session of `minutes` charging `wh` at a steady rate (no readings between start and stop)."""
    return Timeline(started_at=start, stopped_at=start + timedelta(minutes=minutes),
                    meter_start_wh=D(1000), meter_stop_wh=D(1000) + D(wh), **fields)


def parked_after_stop(minutes: float, wh, parked_minutes: float, **fields) -> Timeline:
    stop = T0 + timedelta(minutes=minutes)
    return session(minutes, wh, statuses=[StatusPoint(T0, "Charging"), StatusPoint(stop, "Finishing"),
                                          StatusPoint(stop + timedelta(minutes=parked_minutes), "Available")],
                   **fields)


def local(*args, fold=0) -> datetime:
    """A Berlin wall-clock time, as the UTC instant it is (aware datetimes of one zone subtract by
    wall clock)."""
    return datetime(*args, tzinfo=BERLIN, fold=fold).astimezone(UTC)


def by_component(price) -> dict:
    return {(line.component, line.unit_price): line for line in price.lines}


# docs/pricing.md §4, worked examples ------------------------------------------------------------

PARK_AFTER_15 = tariff(element(energy("0.30"), parking("6.00")), grace=15)


def test_energy_and_parking_beyond_the_grace_cost_7_38_gross():
    price = price_session(PARK_AFTER_15, parked_after_stop(60, 12345, 40), "Europe/Berlin")
    lines = by_component(price)
    assert lines[ENERGY, D("0.30")].net == D("3.70")
    assert lines[ENERGY, D("0.30")].quantity == D("12.345")
    assert lines[PARKING_TIME, D("6.00")].net == D("2.50")
    assert price.parking_seconds == 25 * 60
    assert (price.net, price.vat, price.gross) == (D("6.20"), D("1.18"), D("7.38"))


def test_parking_within_the_grace_is_free_so_the_same_charge_costs_4_40_gross():
    price = price_session(PARK_AFTER_15, parked_after_stop(60, 12345, 10), "Europe/Berlin")
    assert [line.component for line in price.lines] == [ENERGY]
    assert (price.net, price.vat, price.gross) == (D("3.70"), D("0.70"), D("4.40"))
    assert price.parking_seconds == 0


def test_suspended_ev_during_the_transaction_is_parking_too():
    stop = T0 + timedelta(minutes=100)
    timeline = session(100, 12345, statuses=[StatusPoint(T0, "Charging"),
                                             StatusPoint(stop - timedelta(minutes=40), "SuspendedEV")])
    price = price_session(PARK_AFTER_15, timeline, "UTC")
    assert (price.net, price.gross, price.parking_seconds) == (D("6.20"), D("7.38"), 1500)
    assert price.charging_seconds == 60 * 60


def test_flat_fee_energy_at_10_percent_and_parking_in_15_minute_steps_cost_7_00_net():
    tariff_ = tariff(element({"type": FLAT, "price": "0.50"}, energy("0.25", vat_rate="10"),
                             parking("2.00", step_size=900)))
    price = price_session(tariff_, parked_after_stop(120, 20000, 40), "Europe/Berlin")
    lines = by_component(price)
    assert lines[FLAT, D("0.50")].net == D("0.50")
    assert lines[ENERGY, D("0.25")].net == D("5.00")
    parked = lines[PARKING_TIME, D("2.00")]
    assert (parked.quantity, parked.net) == (D("0.75"), D("1.50"))
    assert price.net == D("7.00")
    assert price.vat_by_rate == {D(10): (D("5.00"), D("0.50")), D(19): (D("2.00"), D("0.38"))}
    assert (price.vat, price.gross) == (D("0.88"), D("7.88"))


def test_a_small_charge_pays_the_minimum_price():
    price = price_session(tariff(element(energy("0.25")), min_price="0.50"), session(10, 1000), "UTC")
    assert price.net == D("0.50")
    assert [(line.component, line.net) for line in price.lines] == [(ENERGY, D("0.25")),
                                                                    (MIN_PRICE, D("0.25"))]
    assert price.gross == D("0.60")


def test_the_maximum_price_caps_the_total():
    price = price_session(tariff(element(energy("0.50")), max_price="10"), session(60, 30000), "UTC")
    assert (price.net, price.vat, price.gross) == (D("10.00"), D("1.90"), D("11.90"))


NIGHT_RATE = tariff(element(energy("0.20"), start_time="22:00", end_time="06:00"), element(energy("0.35")))


def test_a_steady_11_kw_from_21_to_23_pays_the_day_rate_then_the_night_rate():
    timeline = session(120, 22000, start=local(2026, 6, 10, 21, 0))
    price = price_session(NIGHT_RATE, timeline, "Europe/Berlin")
    lines = by_component(price)
    assert (lines[ENERGY, D("0.35")].quantity, lines[ENERGY, D("0.35")].net) == (D(11), D("3.85"))
    assert (lines[ENERGY, D("0.20")].quantity, lines[ENERGY, D("0.20")].net) == (D(11), D("2.20"))
    assert price.net == D("6.05")


def test_time_of_day_is_the_stations_local_time_not_utc():
    timeline = session(120, 22000, start=datetime(2026, 6, 10, 21, 0, tzinfo=UTC))  # 23:00-01:00 in Berlin
    assert price_session(NIGHT_RATE, timeline, "Europe/Berlin").net == D("4.40")
    assert price_session(NIGHT_RATE, timeline, "UTC").net == D("6.05")


# DST and weekdays -----------------------------------------------------------------------------------

NIGHT_0_TO_3 = tariff(element(energy("0.20"), start_time="00:00", end_time="03:00"), element(energy("0.40")))


def test_a_night_across_the_spring_dst_change_has_one_hour_less_of_night_rate():
    start, stop = local(2026, 3, 28, 23, 0), local(2026, 3, 29, 4, 0)  # 4 real hours, 10 kW
    assert stop - start == timedelta(hours=4)
    timeline = Timeline(started_at=start, stopped_at=stop, meter_start_wh=D(0), meter_stop_wh=D(40000))
    lines = by_component(price_session(NIGHT_0_TO_3, timeline, "Europe/Berlin"))
    assert lines[ENERGY, D("0.20")].quantity == D(20)  # 00:00-03:00 CEST is two real hours
    assert lines[ENERGY, D("0.40")].quantity == D(20)
    assert price_session(NIGHT_0_TO_3, timeline, "Europe/Berlin").net == D("12.00")


def test_a_night_across_the_autumn_dst_change_has_one_hour_more_of_night_rate():
    start, stop = local(2026, 10, 24, 23, 0), local(2026, 10, 25, 4, 0)  # 6 real hours, 10 kW
    assert (stop - start) == timedelta(hours=6)
    timeline = Timeline(started_at=start, stopped_at=stop, meter_start_wh=D(0), meter_stop_wh=D(60000))
    price = price_session(NIGHT_0_TO_3, timeline, "Europe/Berlin")
    lines = by_component(price)
    assert lines[ENERGY, D("0.20")].quantity == D(40)  # 02:00-03:00 happens twice
    assert lines[ENERGY, D("0.40")].quantity == D(20)
    assert price.net == D("16.00")


def test_a_night_rate_from_22_to_06_covers_a_whole_dst_night():
    for day in ((3, 28), (10, 24)):
        start = local(2026, *day, 23, 0)
        stop = local(2026, day[0], day[1] + 1, 4, 0)
        timeline = Timeline(started_at=start, stopped_at=stop, meter_start_wh=D(0), meter_stop_wh=D(30000))
        price = price_session(NIGHT_RATE, timeline, "Europe/Berlin")
        assert [(line.unit_price, line.quantity) for line in price.lines] == [(D("0.20"), D(30))]


def test_a_clock_time_that_the_spring_change_skips_ends_the_night_at_the_change():
    until_0230 = tariff(element(energy("0.20"), start_time="00:00", end_time="02:30"),
                        element(energy("0.40")))
    start = local(2026, 3, 29, 0, 0)  # 02:00 CET becomes 03:00 CEST: the night lasts 2 real hours
    timeline = Timeline(started_at=start, stopped_at=start + timedelta(hours=4), meter_start_wh=D(0),
                        meter_stop_wh=D(40000))
    lines = by_component(price_session(until_0230, timeline, "Europe/Berlin"))
    assert (lines[ENERGY, D("0.20")].quantity, lines[ENERGY, D("0.40")].quantity) == (D(20), D(20))


def test_a_clock_time_that_the_autumn_change_repeats_starts_the_rate_again():
    from_0230 = tariff(element(energy("0.20"), start_time="02:30", end_time="06:00"), element(energy("0.40")))
    start = local(2026, 10, 25, 2, 0)  # 02:00 CEST; at 03:00 CEST the clock goes back to 02:00 CET
    timeline = Timeline(started_at=start, stopped_at=start + timedelta(hours=2), meter_start_wh=D(0),
                        meter_stop_wh=D(120))  # 1 Wh a minute
    lines = by_component(price_session(from_0230, timeline, "Europe/Berlin"))
    # 02:00-02:30 CEST day, 02:30-03:00 CEST night, 02:00-02:30 CET day, 02:30-03:00 CET night
    assert (lines[ENERGY, D("0.20")].quantity, lines[ENERGY, D("0.40")].quantity) == (D("0.06"), D("0.06"))


def test_times_given_in_the_stations_zone_price_like_the_same_instants_in_utc():
    start = datetime(2026, 10, 24, 23, 0, tzinfo=BERLIN)
    stop = datetime(2026, 10, 25, 4, 0, tzinfo=BERLIN)  # 6 real hours, though 5 by the wall clock
    in_berlin = Timeline(started_at=start, stopped_at=stop, meter_start_wh=D(0), meter_stop_wh=D(60000))
    in_utc = Timeline(started_at=start.astimezone(UTC), stopped_at=stop.astimezone(UTC), meter_start_wh=D(0),
                      meter_stop_wh=D(60000))
    assert price_session(NIGHT_0_TO_3, in_berlin, "Europe/Berlin") == \
        price_session(NIGHT_0_TO_3, in_utc, "Europe/Berlin")


def test_naive_times_are_refused():
    naive = Timeline(started_at=datetime(2026, 1, 1), stopped_at=datetime(2026, 1, 1, 1), meter_start_wh=D(0),
                     meter_stop_wh=D(1))
    with pytest.raises(ValueError, match="aware"):
        price_session(NIGHT_RATE, naive, "UTC")


def test_a_weekend_rate_starts_at_midnight_between_friday_and_saturday():
    weekend = tariff(element(energy("0.10"), day_of_week=["SATURDAY", "SUNDAY"]), element(energy("0.30")))
    start = local(2026, 11, 27, 23, 0)  # a Friday
    assert start.strftime("%A") == "Friday"
    timeline = Timeline(started_at=start, stopped_at=start + timedelta(hours=2), meter_start_wh=D(0),
                        meter_stop_wh=D(20000))
    lines = by_component(price_session(weekend, timeline, "Europe/Berlin"))
    assert (lines[ENERGY, D("0.30")].quantity, lines[ENERGY, D("0.10")].quantity) == (D(10), D(10))


def test_a_date_restriction_is_inclusive_at_its_start_and_exclusive_at_its_end():
    promo = tariff(element(energy("0.10"), start_date="2026-03-03", end_date="2026-03-04"),
                   element(energy("0.30")))
    start = local(2026, 3, 2, 12, 0)
    timeline = Timeline(started_at=start, stopped_at=start + timedelta(hours=48), meter_start_wh=D(0),
                        meter_stop_wh=D(48000))
    lines = by_component(price_session(promo, timeline, "Europe/Berlin"))
    assert (lines[ENERGY, D("0.10")].quantity, lines[ENERGY, D("0.30")].quantity) == (D(24), D(24))


# thresholds and steps -------------------------------------------------------------------------------


def test_a_kwh_threshold_splits_the_energy_exactly_where_it_is_crossed():
    tiered = tariff(element(energy("0.50"), max_kwh="5"), element(energy("0.30")))
    price = price_session(tiered, session(60, 11000), "UTC")
    lines = by_component(price)
    assert (lines[ENERGY, D("0.50")].quantity, lines[ENERGY, D("0.30")].quantity) == (D(5), D(6))
    assert price.net == D("4.30")


def test_the_crossing_is_interpolated_between_the_readings_around_it():
    # 4 kWh in the first half hour, 6 kWh in the second: 5 kWh is reached at 35 minutes
    readings = [MeterPoint(T0 + timedelta(minutes=30), energy_wh=D(5000))]
    timeline = Timeline(started_at=T0, stopped_at=T0 + timedelta(hours=1), meter_start_wh=D(1000),
                        meter_stop_wh=D(11000), samples=readings)
    after_5_kwh = tariff(element({"type": TIME, "price": "6.00"}, min_kwh="5"), element(energy("0.30")))
    price = price_session(after_5_kwh, timeline, "UTC")
    lines = by_component(price)
    assert (lines[TIME, D("6.00")].quantity, lines[TIME, D("6.00")].net) == (D("0.416667"), D("2.50"))
    assert lines[ENERGY, D("0.30")].net == D("3.00")
    assert price.charging_seconds == 3600


def test_a_duration_threshold_starts_a_second_rate():
    long_stay = tariff(element({"type": TIME, "price": "1.00"}, max_duration=3600),
                       element({"type": TIME, "price": "4.00"}))
    lines = by_component(price_session(long_stay, session(90, 5000), "UTC"))
    assert (lines[TIME, D("1.00")].quantity, lines[TIME, D("4.00")].quantity) == (D(1), D("0.5"))


def test_a_power_restriction_follows_the_power_readings():
    readings = [MeterPoint(T0, power_w=D(50000)), MeterPoint(T0 + timedelta(minutes=30), power_w=D(7000))]
    fast = tariff(element(energy("0.60"), min_power="22"), element(energy("0.40")))
    timeline = Timeline(started_at=T0, stopped_at=T0 + timedelta(hours=1), meter_start_wh=D(0),
                        meter_stop_wh=D(20000), samples=readings)
    lines = by_component(price_session(fast, timeline, "UTC"))
    assert (lines[ENERGY, D("0.60")].quantity, lines[ENERGY, D("0.40")].quantity) == (D(10), D(10))


def test_a_step_size_rounds_the_session_total_up_once():
    stepped = tariff(element(energy("0.30", step_size=1000)))
    price = price_session(stepped, session(60, 12345), "UTC")
    assert (price.lines[0].quantity, price.net) == (D(13), D("3.90"))
    assert price.energy_wh == D(12345)


def test_a_step_size_is_applied_on_the_total_not_on_each_time_slot():
    stepped = tariff(element(energy("0.20", step_size=1000), start_time="22:00", end_time="06:00"),
                     element(energy("0.35", step_size=1000)))
    timeline = session(120, 2200, start=local(2026, 6, 10, 21, 0))  # 1.1 kWh each side
    lines = by_component(price_session(stepped, timeline, "Europe/Berlin"))
    assert (lines[ENERGY, D("0.35")].quantity, lines[ENERGY, D("0.20")].quantity) == (D("1.1"), D("1.9"))


def test_a_flat_fee_is_not_charged_when_no_energy_was_taken():
    with_fee = tariff(element({"type": FLAT, "price": "1.00"}, energy("0.30")), min_price="0.50")
    price = price_session(with_fee, session(30, 0), "UTC")
    assert (price.lines, price.net, price.gross) == ((), D("0.00"), D("0.00"))
    assert price_session(with_fee, session(30, 1), "UTC").net == D("1.00")


def test_a_free_tariff_costs_nothing_but_keeps_the_metering():
    price = price_session(tariff(element({"type": FLAT, "price": "0.00"})), session(60, 7000), "UTC")
    assert (price.net, price.gross, price.energy_wh, price.charging_seconds) == (D(0), D(0), D(7000), 3600)


# idle time ------------------------------------------------------------------------------------------

PARKING_ONLY = tariff(element(energy("0.30"), {"type": TIME, "price": "1.20"}, parking("6.00")))


def test_suspended_evse_is_not_parking_nor_charging_time():
    timeline = session(60, 5000, statuses=[StatusPoint(T0, "Charging"),
                                           StatusPoint(T0 + timedelta(minutes=20), "SuspendedEVSE"),
                                           StatusPoint(T0 + timedelta(minutes=50), "Charging")])
    price = price_session(PARKING_ONLY, timeline, "UTC")
    assert (price.parking_seconds, price.charging_seconds) == (0, 30 * 60)
    assert {line.component for line in price.lines} == {ENERGY, TIME}


def test_time_held_at_0_a_by_our_load_manager_is_not_parking():
    paused = (T0 + timedelta(minutes=10), T0 + timedelta(minutes=40))
    timeline = session(60, 5000, statuses=[StatusPoint(T0, "Charging"), StatusPoint(paused[0], "SuspendedEV"),
                                           StatusPoint(paused[1], "Charging")], load_paused=[paused])
    price = price_session(PARKING_ONLY, timeline, "UTC")
    assert (price.parking_seconds, price.charging_seconds) == (0, 30 * 60)


def test_low_power_over_two_readings_while_offered_6_a_is_parking():
    def reading(minute, power, offered):
        return MeterPoint(T0 + timedelta(minutes=minute), power_w=D(power), offered_a=D(offered))

    full = [reading(0, 11000, 16), reading(30, 40, 16), reading(40, 30, 16), reading(50, 0, 16)]
    price = price_session(PARKING_ONLY, session(60, 5000, samples=full), "UTC")
    assert (price.charging_seconds, price.parking_seconds) == (30 * 60, 30 * 60)
    throttled = [reading(0, 11000, 16), reading(30, 40, 0), reading(40, 30, 0), reading(50, 0, 0)]
    price = price_session(PARKING_ONLY, session(60, 5000, samples=throttled), "UTC")
    assert (price.charging_seconds, price.parking_seconds) == (30 * 60, 0)
    one_low = [reading(0, 11000, 16), reading(30, 40, 16), reading(40, 11000, 16)]
    price = price_session(PARKING_ONLY, session(60, 5000, samples=one_low), "UTC")
    assert (price.charging_seconds, price.parking_seconds) == (60 * 60, 0)


def test_the_grace_is_one_allowance_per_session_across_idle_spells():
    spells = [StatusPoint(T0, "Charging"), StatusPoint(T0 + timedelta(minutes=10), "SuspendedEV"),
              StatusPoint(T0 + timedelta(minutes=20), "Charging"),
              StatusPoint(T0 + timedelta(minutes=30), "SuspendedEV"),
              StatusPoint(T0 + timedelta(minutes=45), "Charging")]
    grace_15 = tariff(element(parking("6.00")), grace=15)
    price = price_session(grace_15, session(60, 5000, statuses=spells), "UTC")
    assert (price.parking_seconds, price.net) == (10 * 60, D("1.00"))


def test_a_car_left_plugged_in_after_the_stop_parks_until_unplugged():
    timeline = session(60, 5000, unplugged_at=T0 + timedelta(minutes=90))
    assert price_session(PARKING_ONLY, timeline, "UTC").parking_seconds == 30 * 60


# running sessions and currencies ---------------------------------------------------------------------


def test_a_running_session_is_priced_up_to_now():
    readings = [MeterPoint(T0 + timedelta(minutes=m), energy_wh=D(1000 + 200 * m)) for m in range(0, 31, 10)]
    running = Timeline(started_at=T0, stopped_at=None, meter_start_wh=D(1000), meter_stop_wh=None,
                       samples=readings)
    price = price_session(PARKING_ONLY, running, "UTC", until=T0 + timedelta(minutes=25))
    assert price.energy_wh == D(5000)
    assert price.charging_seconds == 25 * 60
    assert by_component(price)[TIME, D("1.20")].net == D("0.50")
    later = price_session(PARKING_ONLY, running, "UTC", until=T0 + timedelta(minutes=45))
    assert (later.energy_wh, later.charging_seconds) == (D(6000), 45 * 60)


def test_a_running_session_needs_until():
    running = Timeline(started_at=T0, stopped_at=None, meter_start_wh=D(0), meter_stop_wh=None)
    with pytest.raises(ValueError, match="until"):
        price_session(PARKING_ONLY, running, "UTC")


def test_a_finished_session_priced_until_a_moment_inside_it_costs_what_it_had_cost_then():
    price = price_session(PARK_AFTER_15, parked_after_stop(60, 12000, 40), "UTC",
                          until=T0 + timedelta(minutes=30))
    assert (price.energy_wh, price.parking_seconds, price.net) == (D(6000), 0, D("1.80"))


def test_yen_are_rounded_to_whole_yen():
    yen = tariff(element(energy("30")), currency="JPY", vat="10")
    price = price_session(yen, session(60, 12345), "Asia/Tokyo")
    assert (price.net, price.vat, price.gross) == (D(370), D(37), D(407))
    assert (currency_exponent("JPY"), currency_exponent("eur"), currency_exponent("KWD")) == (0, 2, 3)


def test_a_bad_tariff_is_refused():
    with pytest.raises(ValueError, match="day_of_week"):
        price_session(tariff(element(energy("0.3"), day_of_week=["FUNDAY"])), session(1, 1), "UTC")
    with pytest.raises(ValueError, match="max_price"):
        price_session(tariff(element(energy("0.3")), min_price="2", max_price="1"), session(1, 1), "UTC")
    with pytest.raises(ValueError, match="type"):
        price_session(tariff(element({"type": "SPEED", "price": "1"})), session(1, 1), "UTC")


# properties -----------------------------------------------------------------------------------------

prices = st.decimals(min_value=0, max_value=5, places=2).map(str)
clock = st.sampled_from(["00:00", "01:30", "02:15", "02:30", "06:00", "07:30", "18:45", "22:00"])
days = st.lists(st.sampled_from(["MONDAY", "WEDNESDAY", "FRIDAY", "SATURDAY", "SUNDAY"]), min_size=1,
                unique=True)


# 2026's DST changes: sessions start near one of their zone's half the time (Lord Howe moves by half an hour)
DST_CHANGES = {"Europe/Berlin": ((3, 29), (10, 25)), "America/New_York": ((3, 8), (11, 1)),
               "Australia/Lord_Howe": ((4, 5), (10, 4)), "Asia/Kolkata": (), "UTC": ()}


@st.composite
def zones_and_starts(draw, zones=tuple(DST_CHANGES)):
    tz = draw(st.sampled_from(zones))
    if DST_CHANGES[tz] and draw(st.booleans()):
        month, day = draw(st.sampled_from(DST_CHANGES[tz]))
        around = datetime(2026, month, day, tzinfo=ZoneInfo(tz)).astimezone(UTC)
        return tz, around + timedelta(minutes=draw(st.integers(-2 * 24 * 60, 12 * 60)))
    return tz, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 365 * 24 * 60)))


@st.composite
def restricted_element(draw):
    restrictions = {}
    if draw(st.booleans()):
        restrictions.update(start_time=draw(clock), end_time=draw(clock))
    if draw(st.booleans()):
        restrictions["day_of_week"] = draw(days)
    if draw(st.booleans()):
        restrictions["max_kwh"] = str(draw(st.integers(1, 60)))
    components = [energy(draw(prices), vat_rate=draw(st.sampled_from(["19", "7", "0"])))]
    if draw(st.booleans()):
        components.append({"type": TIME, "price": draw(prices)})
    if draw(st.booleans()):
        components.append(parking(draw(prices), step_size=draw(st.sampled_from([1, 60, 900]))))
    return element(*components, **restrictions)


@st.composite
def priced_sessions(draw):
    """A tariff whose last element is an unrestricted ENERGY fallback, and a session of up to a
    week with readings and idle spells, anywhere in 2026."""
    elements = draw(st.lists(restricted_element(), max_size=4)) + [element(energy(draw(prices)))]
    tz, start = draw(zones_and_starts())
    minutes = draw(st.integers(1, 7 * 24 * 60))
    stop = start + timedelta(minutes=minutes)
    steps = sorted(draw(st.lists(st.integers(1, minutes), max_size=8, unique=True)))
    wh = sorted(draw(st.lists(st.integers(0, 80000), min_size=len(steps) + 1, max_size=len(steps) + 1)))
    watts, amps = st.sampled_from([None, D(0), D(50), D(7000)]), st.sampled_from([None, D(0), D(16)])
    samples = [MeterPoint(start + timedelta(minutes=m), energy_wh=D(w), power_w=draw(watts),
                          offered_a=draw(amps)) for m, w in zip(steps, wh, strict=False)]
    paused = sorted(draw(st.lists(st.integers(0, minutes), min_size=2, max_size=2)))
    statuses = [StatusPoint(start + timedelta(minutes=m), draw(st.sampled_from(["Charging", "SuspendedEV",
                                                                                 "SuspendedEVSE"])))
                for m in steps]
    timeline = Timeline(started_at=start, stopped_at=stop, meter_start_wh=D(0), meter_stop_wh=D(wh[-1]),
                        samples=samples, statuses=statuses,
                        load_paused=[tuple(start + timedelta(minutes=m) for m in paused)],
                        unplugged_at=stop + timedelta(minutes=draw(st.integers(0, 600))))
    fields = {}
    if draw(st.booleans()):
        fields["min_price"] = draw(prices)
    if draw(st.booleans()):
        fields["max_price"] = str(draw(st.integers(5, 200)))
    return tariff(*elements, grace=draw(st.integers(0, 30)), **fields), timeline, tz


@settings(max_examples=150, deadline=None)
@given(priced_sessions())
def test_a_price_adds_up(case):
    tariff_, timeline, tz = case
    price = price_session(tariff_, timeline, tz)
    assert price.net == sum(line.net for line in price.lines)
    assert price.gross == price.net + price.vat
    assert price.vat == sum(v for _, v in price.vat_by_rate.values())
    assert all(line.net == line.net.quantize(D("0.01")) for line in price.lines)
    for rate, (net, vat) in price.vat_by_rate.items():
        assert net == sum(line.net for line in price.lines if line.vat_rate == rate)
        assert vat == (net * rate / 100).quantize(D("0.01"), "ROUND_HALF_UP")
    assert price.net >= 0
    if "max_price" in tariff_:
        assert price.net <= D(tariff_["max_price"])
    plugged_in = timeline.unplugged_at - timeline.started_at
    assert price.charging_seconds + price.parking_seconds <= plugged_in.total_seconds()


@settings(max_examples=150, deadline=None)
@given(priced_sessions())
def test_splitting_at_time_of_week_boundaries_and_thresholds_conserves_the_energy(case):
    tariff_, timeline, tz = case
    price = price_session(tariff_, timeline, tz)
    billed = sum(line.quantity for line in price.lines if line.component == ENERGY)
    assert billed * 1000 == price.energy_wh == timeline.meter_stop_wh - timeline.meter_start_wh


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 2000), st.integers(0, 100000), st.integers(0, 100000), prices)
def test_a_pure_energy_price_never_falls_as_energy_rises(minutes, wh_a, wh_b, unit_price):
    pure = tariff(element(energy(unit_price)))
    low, high = sorted((wh_a, wh_b))
    assert price_session(pure, session(minutes, low), "UTC").gross <= \
        price_session(pure, session(minutes, high), "UTC").gross


@st.composite
def clock_tariffs_and_steady_sessions(draw):
    """Time-of-day and weekday elements with distinct prices over an ENERGY fallback, and a steady
    session of whole minutes (so every minute takes the same whole number of Wh)."""
    elements = []
    for cents in draw(st.lists(st.integers(1, 99), min_size=1, max_size=4, unique=True)):
        restrictions = {"start_time": draw(clock), "end_time": draw(clock)}
        if draw(st.booleans()):
            restrictions["day_of_week"] = draw(days)
        elements.append(element(energy(f"0.{cents:02d}"), **restrictions))
    elements.append(element(energy("1.00")))
    tz, start = draw(zones_and_starts())
    minutes = draw(st.integers(1, 3 * 24 * 60))
    per_minute = draw(st.integers(1, 300))
    timeline = Timeline(started_at=start, stopped_at=start + timedelta(minutes=minutes), meter_start_wh=D(0),
                        meter_stop_wh=D(per_minute * minutes))
    return tariff(*elements), timeline, tz, minutes, per_minute


def _in_force_by_the_minute(tariff_, at_local) -> D:
    def minute(hhmm):
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    now = at_local.hour * 60 + at_local.minute
    for e in tariff_["elements"]:
        r = e["restrictions"] or {}
        start, end = minute(r.get("start_time", "00:00")), minute(r.get("end_time", "00:00")) or 24 * 60
        in_time = start <= now < end if start < end else (now >= start or now < end) if start > end else True
        in_days = "day_of_week" not in r or at_local.strftime("%A").upper() in r["day_of_week"]
        if in_time and in_days:
            return D(e["price_components"][0]["price"])
    raise AssertionError("the fallback always holds")


@settings(max_examples=200, deadline=None)
@given(clock_tariffs_and_steady_sessions())
def test_energy_per_rate_matches_a_minute_by_minute_count_in_local_time(case):
    tariff_, timeline, tz, minutes, per_minute = case
    expected: dict[D, int] = {}
    for m in range(minutes):
        at_local = (timeline.started_at + timedelta(minutes=m)).astimezone(ZoneInfo(tz))
        rate = _in_force_by_the_minute(tariff_, at_local)
        expected[rate] = expected.get(rate, 0) + per_minute
    price = price_session(tariff_, timeline, tz)
    assert {line.unit_price: line.quantity * 1000 for line in price.lines} == expected
