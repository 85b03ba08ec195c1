"""External charging limits (docs/ocpp201.md, "External charging limits"): what a limit's
schedule sets now, its worked conversion from W to amperes per phase, messy histories of
NotifyChargingLimit / ClearedChargingLimit (one active limit per station, EVSE and source, the
latest told), and the allocator given the ceilings: no EVSE above its external limit, no
station's sessions above its station-wide one, the cap still held, every limit 0 or within
[min, ceiling]."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loadmgmt.allocation import Demand, Group, allocate
from loadmgmt.external_limits import amperes_of, capped
from stations.smartcharging.limits import (
    LimitInForce,
    charging_limit_cleared,
    charging_limit_notified,
    limits_in_force,
)
from stations.smartcharging.models import ExternalChargingLimit
from tests.factories import make_station

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
GROUP = SimpleNamespace(phases=3, voltage=230)


def row(schedules: list[dict], received_at: datetime = T0) -> ExternalChargingLimit:
    return ExternalChargingLimit(schedules=schedules, received_at=received_at)


def schedule(*periods: tuple[int, float], unit: str = "A", **fields) -> dict:
    return {"id": 1, "chargingRateUnit": unit, **fields,
            "chargingSchedulePeriod": [{"startPeriod": s, "limit": limit} for s, limit in periods]}


def test_the_period_in_force_is_the_latest_begun_from_the_notification_or_the_start_given():
    limit = row([schedule((0, 16), (600, 10), (1200, 6))])
    assert [p.limit for p in limits_in_force(limit, T0 + timedelta(minutes=15))] == [Decimal(10)]
    later = row([schedule((0, 16), startSchedule="2026-12-01T09:00:00Z")])
    assert limits_in_force(later, T0) == []  # not begun yet
    assert limits_in_force(later, T0 + timedelta(hours=1)) == [LimitInForce(Decimal(16), "A", None)]
    ended = row([schedule((0, 16), duration=60)])
    assert limits_in_force(ended, T0 + timedelta(seconds=60)) == []
    assert limits_in_force(row([]), T0) == []  # the station did not tell the limit
    odd = row([schedule((0, 8), startSchedule="soon")])  # a date the schema did not check
    assert [p.limit for p in limits_in_force(odd, T0)] == [Decimal(8)]


def test_a_limit_in_watts_is_taken_per_phase_at_the_groups_voltage():
    # 6900 W / (230 V x 3 phases) = 10 A; 2300 W on the one phase its period names = 10 A
    assert amperes_of(LimitInForce(Decimal(6900), "W", None), GROUP) == Decimal("10.0")
    assert amperes_of(LimitInForce(Decimal(2300), "W", 1), GROUP) == Decimal("10.0")
    # 11 kW on a single-phase group: 47.8 A (rounded down to 0.1 A)
    single = SimpleNamespace(phases=1, voltage=230)
    assert amperes_of(LimitInForce(Decimal(11000), "W", None), single) == Decimal("47.8")
    assert amperes_of(LimitInForce(Decimal(-5), "A", None), GROUP) == Decimal(0)
    assert capped(Decimal(32), None) == Decimal(32) and capped(Decimal(32), Decimal(10)) == Decimal(10)


PLACES = st.tuples(st.sampled_from([0, 1, 2]), st.sampled_from(["EMS", "Other", "SO", "CSO"]))
STEPS = st.lists(st.tuples(st.booleans(), PLACES, st.booleans()), min_size=1, max_size=12)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_any_history_leaves_the_latest_limit_of_each_place_and_source_active(tenant, steps):
    """Each step: a notification (or a release) of a source on an EVSE; a release without an
    EVSE (the flag) ends the source's limits everywhere."""
    station = make_station(tenant)[0]
    expected: dict[tuple[int, str], int] = {}
    for n, (notify, (evse, source), anywhere) in enumerate(steps):
        at = T0 + timedelta(seconds=n)
        if notify:
            limit = charging_limit_notified(
                station_id=station.pk, tenant_id=tenant.pk, evse_id=evse or None, source=source,
                grid_critical=None, schedules=[schedule((0, 6 + n))], received_at=at)
            expected[(evse, source)] = limit.pk
        else:
            where = None if anywhere else evse
            ended = charging_limit_cleared(station_id=station.pk, evse_id=where, source=source,
                                           received_at=at)
            gone = [k for k in expected if k[1] == source and where in (None, k[0])]
            assert ended == sorted(k[0] for k in gone)
            for key in gone:
                del expected[key]
    active = ExternalChargingLimit.objects.filter(station=station, ended="")
    assert {(r.evse_id, r.source): r.pk for r in active} == expected
    ended = ExternalChargingLimit.objects.filter(station=station).exclude(ended="")
    assert all(r.ended_at is not None and r.ended in ("Replaced", "Cleared") for r in ended)


AMPS = st.decimals(min_value=0, max_value=40, places=1)


@given(cap=st.decimals(min_value=0, max_value=100, places=1),
       cars=st.lists(st.tuples(st.sampled_from(["A", "B"]), st.sampled_from([1, 2]),
                               st.one_of(st.none(), AMPS)),
                     min_size=1, max_size=4, unique_by=lambda c: c[:2]),
       station_limits=st.dictionaries(st.sampled_from(["A", "B"]), AMPS))
def test_no_evse_gets_more_than_its_external_limit_and_the_cap_still_holds(cap, cars, station_limits):
    """Cars on EVSEs of stations A and B (32 A each), some EVSEs and stations under an external
    limit: the ceilings go in as loadmgmt/selectors.py puts them."""
    group = Group(cap=cap, station_max={s: capped(Decimal(32), station_limits.get(s)) for s in "AB"})
    demands = [Demand(key=(s, evse), started_at=T0 + timedelta(minutes=n), station=s,
                      max_current=capped(Decimal(32), ceiling))
               for n, (s, evse, ceiling) in enumerate(cars)]
    limits = allocate(group, demands)
    for (s, evse, ceiling) in cars:
        given_ = limits[(s, evse)]
        assert given_ == 0 or group.min_current <= given_ <= capped(Decimal(32), ceiling)
    for s in "AB":
        assert sum(v for (station, _), v in limits.items() if station == s) <= group.station_max[s]
    assert sum(limits.values()) <= cap
