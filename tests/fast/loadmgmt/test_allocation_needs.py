"""The allocator with ISO 15118 charging needs (loadmgmt/allocation.py, docs/smart-charging.md §7):
the worked examples, and the rules that must hold for any group, any sessions and any needs."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from loadmgmt.allocation import PHASES, Demand, Group, allocate, available
from tests.fast.loadmgmt.test_allocation import groups

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def car(name: str, minutes: int = 0, needed: str | None = None, max_current: str = "32",
        **fields) -> Demand:
    return Demand(key=name, started_at=T0 + timedelta(minutes=minutes),
                  max_current=Decimal(max_current),
                  needed_current=None if needed is None else Decimal(needed), **fields)


def test_a_car_leaving_soon_with_much_to_charge_gets_what_it_needs_beyond_the_others_minimum():
    """§6 example 1: 22 kWh in 1.5 h on three phases needs 21.3 A; the others keep 6 A."""
    limits = allocate(Group(cap=Decimal(32)), [car("a", needed="21.3"), car("b", 1), car("c", 2)])
    assert limits == {"a": Decimal("20.0"), "b": Decimal("6.0"), "c": Decimal("6.0")}


def test_a_need_the_fair_share_covers_changes_nothing():
    """§6 example 3: on 48 A three cars get 16 A each; a need of 10 A is met already."""
    limits = allocate(Group(cap=Decimal(48)), [car("a", needed="10.0"), car("b", 1), car("c", 2)])
    assert set(limits.values()) == {Decimal("16.0")}


def test_the_most_urgent_car_is_served_first():
    """§6 example 2: two urgent cars on 32 A; 21.3 A comes before 12.1 A."""
    limits = allocate(Group(cap=Decimal(32)),
                      [car("b"), car("d", 1, needed="12.1"), car("a", 2, needed="21.3")])
    assert limits == {"a": Decimal("20.0"), "b": Decimal("6.0"), "d": Decimal("6.0")}


def test_two_urgent_cars_with_room_for_both_get_both_needs_and_the_rest_is_shared():
    limits = allocate(Group(cap=Decimal(63)),
                      [car("a", needed="20.0"), car("d", 1, needed="12.0"), car("b", 2), car("c", 3)])
    # Floors: a 20, d 12. The water over four is 15.75: below a's floor, so a is held at 20;
    # over the other three it is 43 / 3 = 14.33, above d's 12, so d shares the water.
    assert limits == {"a": Decimal("20.0"), "d": Decimal("14.3"), "b": Decimal("14.3"),
                      "c": Decimal("14.3")}


def test_a_need_above_the_cars_own_maximum_is_held_to_it():
    limits = allocate(Group(cap=Decimal(40)), [car("a", needed="30.0", max_current="16"), car("b", 1)])
    assert limits == {"a": Decimal("16.0"), "b": Decimal("24.0")}


def test_urgency_does_not_admit_a_car_the_cap_has_no_minimum_for():
    """Admission stays priority, then arrival: a late urgent car on a full group is paused."""
    limits = allocate(Group(cap=Decimal(10)), [car("early"), car("late", 5, needed="20.0")])
    assert limits == {"early": Decimal("10.0"), "late": Decimal(0)}


def test_a_station_maximum_bounds_the_floor_of_its_sessions():
    group = Group(cap=Decimal(100), station_max={"dual": Decimal(20)})
    limits = allocate(group, [car("a", needed="30.0", station="dual"), car("b", 1, station="dual")])
    assert limits == {"a": Decimal("14.0"), "b": Decimal("6.0")}


demands = st.lists(
    st.builds(
        Demand,
        key=st.uuids(),
        started_at=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1),
                                timezones=st.just(UTC)),
        max_current=st.decimals(min_value=0, max_value=80, places=1),
        phases=st.sampled_from([(1, 2, 3), (1,), (2,), (3,), (1, 2)]),
        priority=st.integers(min_value=0, max_value=2),
        measured_current=st.none() | st.decimals(min_value=0, max_value=80, places=1),
        under_draw_intervals=st.integers(min_value=0, max_value=3),
        station=st.sampled_from(["a", "b", "c", None]),
        needed_current=st.none() | st.decimals(min_value=0, max_value=100, places=1),
    ),
    max_size=25,
)


@given(groups, demands)
def test_with_needs_the_cap_holds_and_every_limit_is_zero_or_within_bounds(group, sessions):
    limits = allocate(group, sessions)
    room = available(group)
    for p in PHASES:
        assert sum(limits[d.key] for d in sessions if p in d.phases) <= room[p]
    for station, most in group.station_max.items():
        assert sum(limits[d.key] for d in sessions if d.station == station) <= most
    for d in sessions:
        limit = limits[d.key]
        assert limit == 0 or group.min_current <= limit <= d.max_current
        assert limit == limit.quantize(Decimal("0.1"))


@given(groups, demands)
def test_needs_never_pause_a_car_nor_admit_one(group, sessions):
    """Who charges is the same with and without needs: urgency shares, it does not admit."""
    with_needs = allocate(group, sessions)
    without = allocate(group, [replace(d, needed_current=None) for d in sessions])
    assert {k for k, v in with_needs.items() if v > 0} == {k for k, v in without.items() if v > 0}


@given(groups, demands)
def test_needs_the_minimum_covers_are_treated_as_no_needs(group, sessions):
    modest = [replace(d, needed_current=min(d.needed_current, group.min_current))
              if d.needed_current is not None else d for d in sessions]
    assert allocate(group, modest) == allocate(group, [replace(d, needed_current=None)
                                                       for d in sessions])


@given(groups, demands, st.data())
def test_more_urgency_never_gives_less(group, sessions, data):
    assume(sessions)
    i = data.draw(st.integers(min_value=0, max_value=len(sessions) - 1))
    more = data.draw(st.decimals(min_value=0, max_value=50, places=1))
    before = allocate(group, sessions)
    d = sessions[i]
    urgent = replace(d, needed_current=(d.needed_current or Decimal(0)) + more)
    after = allocate(group, [*sessions[:i], urgent, *sessions[i + 1:]])
    assert after[d.key] >= before[d.key]
