"""The load allocator (loadmgmt/allocation.py): docs/smart-charging.md §3's worked examples, and
the rules that must hold for any group and any set of sessions."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from loadmgmt.allocation import PHASES, Demand, Group, allocate, available

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def cars(n: int, max_current: str = "32", **fields) -> list[Demand]:
    return [Demand(key=f"car{i}", started_at=T0 + timedelta(minutes=i),
                   max_current=Decimal(max_current), **fields) for i in range(n)]


def test_three_cars_share_a_32_a_cap_equally():
    limits = allocate(Group(cap=Decimal(32)), cars(3))
    assert set(limits.values()) == {Decimal("10.6")}


def test_six_cars_on_32_a_admit_five_and_pause_the_latest_arrival():
    limits = allocate(Group(cap=Decimal(32)), cars(6))
    assert [limits[f"car{i}"] for i in range(6)] == [Decimal("6.4")] * 5 + [Decimal(0)]


def test_a_car_drawing_little_for_two_intervals_is_held_near_its_draw_and_frees_the_rest():
    a, b, c = cars(3)
    a = Demand(key=a.key, started_at=a.started_at, max_current=a.max_current,
               measured_current=Decimal("4.0"), under_draw_intervals=2)
    limits = allocate(Group(cap=Decimal(32)), [a, b, c])
    assert limits == {"car0": Decimal("6.0"), "car1": Decimal("13.0"), "car2": Decimal("13.0")}


def test_an_offline_station_is_counted_at_its_rating():
    group = Group(cap=Decimal(63), reserved={p: Decimal(32) for p in PHASES})
    assert set(allocate(group, cars(2)).values()) == {Decimal("15.5")}


def test_a_cap_too_small_for_two_gives_everything_to_the_first_and_pauses_the_other():
    assert allocate(Group(cap=Decimal(10)), cars(2)) == {"car0": Decimal("10.0"), "car1": Decimal(0)}


def test_priority_comes_before_arrival():
    early, late = cars(2)
    late = Demand(key=late.key, started_at=late.started_at, max_current=late.max_current, priority=1)
    assert allocate(Group(cap=Decimal(10)), [early, late]) == {"car0": Decimal(0), "car1": Decimal("10.0")}


def test_single_phase_cars_are_counted_on_the_phase_they_load():
    on_l1 = [Demand(key=f"l1-{i}", started_at=T0, max_current=Decimal(32), phases=(1,)) for i in range(2)]
    on_l2 = Demand(key="l2", started_at=T0, max_current=Decimal(32), phases=(2,))
    limits = allocate(Group(cap=Decimal(20)), [*on_l1, on_l2])
    assert limits == {"l1-0": Decimal("10.0"), "l1-1": Decimal("10.0"), "l2": Decimal("20.0")}


def test_a_session_capped_by_its_maximum_gives_its_surplus_to_the_others():
    small = Demand(key="small", started_at=T0, max_current=Decimal(8))
    limits = allocate(Group(cap=Decimal(40)), [small, *cars(2)])
    assert limits == {"small": Decimal("8.0"), "car0": Decimal("16.0"), "car1": Decimal("16.0")}


def test_base_load_and_safety_margin_come_off_the_cap():
    group = Group(cap=Decimal(40), safety_margin=Decimal(2), base_load={1: Decimal(8), 2: Decimal(4)})
    assert available(group) == {1: Decimal(30), 2: Decimal(34), 3: Decimal(38)}
    assert set(allocate(group, cars(2)).values()) == {Decimal("15.0")}


def test_two_connectors_of_one_station_share_its_maximum():
    twin = [Demand(key=f"c{i}", started_at=T0 + timedelta(minutes=i), max_current=Decimal(32),
                   station="dual") for i in range(2)]
    other = Demand(key="other", started_at=T0, max_current=Decimal(32), station="single")
    group = Group(cap=Decimal(100), station_max={"dual": Decimal(32), "single": Decimal(32)})
    assert allocate(group, [*twin, other]) == {"c0": Decimal("16.0"), "c1": Decimal("16.0"),
                                               "other": Decimal("32.0")}


def test_a_station_too_small_for_two_sessions_pauses_the_later_one():
    twin = [Demand(key=f"c{i}", started_at=T0 + timedelta(minutes=i), max_current=Decimal(32),
                   station="dual") for i in range(2)]
    group = Group(cap=Decimal(100), station_max={"dual": Decimal(10)})
    assert allocate(group, twin) == {"c0": Decimal("10.0"), "c1": Decimal(0)}


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
    ),
    max_size=25,
)
groups = st.builds(
    Group,
    cap=st.decimals(min_value=0, max_value=500, places=1),
    safety_margin=st.decimals(min_value=0, max_value=10, places=1),
    base_load=st.dictionaries(st.sampled_from(PHASES), st.decimals(min_value=0, max_value=50, places=1)),
    reserved=st.dictionaries(st.sampled_from(PHASES), st.decimals(min_value=0, max_value=64, places=1)),
    station_max=st.dictionaries(st.sampled_from(["a", "b"]),
                                st.decimals(min_value=0, max_value=64, places=1)),
)


@given(groups, demands)
def test_no_phase_exceeds_what_is_available_and_every_limit_is_zero_or_within_bounds(group, sessions):
    limits = allocate(group, sessions)
    room = available(group)
    assert set(limits) == {d.key for d in sessions}
    for p in PHASES:
        assert sum(limits[d.key] for d in sessions if p in d.phases) <= room[p]
    for station, most in group.station_max.items():
        assert sum(limits[d.key] for d in sessions if d.station == station) <= most
    for d in sessions:
        limit = limits[d.key]
        assert limit == 0 or group.min_current <= limit <= d.max_current
        assert limit == limit.quantize(Decimal("0.1"))


@given(groups, demands)
def test_a_paused_session_did_not_fit_beside_those_charging(group, sessions):
    limits = allocate(group, sessions)
    room = available(group)
    charging = {p: sum(1 for d in sessions if p in d.phases and limits[d.key] > 0) for p in PHASES}
    at_station = {s: sum(1 for d in sessions if d.station == s and limits[d.key] > 0)
                  for s in group.station_max}
    for d in sessions:
        if limits[d.key] == 0 and d.max_current >= group.min_current:
            most = group.station_max.get(d.station)
            station_full = most is not None and (at_station[d.station] + 1) * group.min_current > most
            assert station_full or any((charging[p] + 1) * group.min_current > room[p] for p in d.phases)


@given(groups, demands)
def test_a_session_below_its_maximum_is_held_by_a_full_phase_or_station(group, sessions):
    """Water-filling leaves nothing unused: a charging car short of its own ceiling shares a
    phase (or its station) that is full, up to the 0.1 A each limit loses to rounding."""
    limits = allocate(group, sessions)
    room = available(group)
    for d in sessions:
        limit = limits[d.key]
        ceiling = d.max_current
        if d.measured_current is not None and d.under_draw_intervals >= 2:
            ceiling = min(max(d.measured_current * Decimal("1.1"), group.min_current), d.max_current)
        if limit == 0 or limit >= ceiling - Decimal("0.1"):
            continue
        sharing = {p: [e for e in sessions if p in e.phases] for p in d.phases}
        phase_full = any(sum(limits[e.key] for e in es) >= room[p] - Decimal("0.1") * len(es)
                         for p, es in sharing.items())
        at_station = [e for e in sessions if d.station is not None and e.station == d.station]
        most = group.station_max.get(d.station)
        station_full = most is not None and sum(
            limits[e.key] for e in at_station) >= most - Decimal("0.1") * len(at_station)
        assert phase_full or station_full, (d, limit)
