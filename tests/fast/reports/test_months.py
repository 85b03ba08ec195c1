"""The monthly rollups (reports.StationMonth, SiteMonth): a month's row is the sum of its days,
written with them and again the same; a period read as whole months plus its other days gives
exactly the figures and the order of summing its days (reports.selectors.period_rows, figures_into,
reports.ranking)."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import Max, Sum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reports.models import SiteDay, SiteMonth, StationDay, StationMonth
from reports.periods import Period
from reports.ranking import Ranked
from reports.selectors import SORTS, _shares_of, _sums, figures_into, site_list, station_list
from reports.services import months_rollup, rollup_stations, totals_rollup
from stations.models import Location, Station
from tests.fast.reports.test_services import DAY, a_day_of, at, station_on

pytestmark = pytest.mark.django_db
FIRST, LAST = date(2025, 11, 14), date(2027, 1, 9)  # the days rolled up: 14 months, two partial
NOW = datetime(2027, 1, 10, tzinfo=UTC)
SUMMED = ("seconds", "online_s", "uptime_s", "faulted_s", "connector_s", "occupied_cs",
          "charging_cs", "sessions", "energy_wh", "revenue_net", "revenue_gross")


def _figures(rng, **owner) -> dict:
    seconds = rng.choice([0, 3_600, 86_400, 86_400, 90_000])
    online = rng.randrange(0, seconds + 1)
    connectors = rng.choice([0, 1, 2, 3])
    return {"seconds": seconds, "online_s": online, "uptime_s": rng.randrange(0, online + 1),
            "faulted_s": rng.randrange(0, 4_000), "connectors": connectors,
            "connector_s": connectors * seconds, "occupied_cs": rng.randrange(0, connectors * seconds + 1),
            "charging_cs": rng.randrange(0, connectors * seconds // 2 + 1), "sessions": rng.randrange(0, 9),
            "energy_wh": rng.randrange(0, 150_000), "currency": rng.choice(["EUR", "EUR", ""]),
            "revenue_net": Decimal(rng.randrange(0, 9_000)) / 100,
            "revenue_gross": Decimal(rng.randrange(0, 9_000)) / 100, "computed_at": NOW, **owner}


@pytest.fixture
def history(tenant):
    """Days of stations and sites over 14 months, with gaps, blank days and none at all."""
    rng = random.Random(11)
    sites = [Location.objects.create(tenant=tenant, name=f"Site {i}") for i in range(4)]
    stations = [Station.objects.create(tenant=tenant, identity=f"CP-{i}", password_hash="!",
                                       location=sites[i % 4]) for i in range(7)]
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    StationDay.objects.bulk_create(
        StationDay(day=day, **_figures(rng, tenant=tenant, station=station))
        for i, station in enumerate(stations[:-1]) for day in days
        if rng.random() < (0.9, 0.5, 0.05, 0.9, 0.9, 0.3)[i])
    SiteDay.objects.bulk_create(SiteDay(day=day, **_figures(rng, tenant=tenant, location=site))
                                for site in sites[:-1] for day in days if rng.random() < 0.7)
    assert months_rollup(StationDay.objects.all(), since=FIRST, until=LAST, now=NOW) > 60
    months_rollup(SiteDay.objects.all(), since=FIRST, until=LAST, now=NOW)
    return stations, sites


def _by_days(period: Period, model, field: str) -> dict[int, dict]:
    """The figures as summed from the period's days alone (before the monthly rollups)."""
    found = {}
    for row in (model.objects.filter(day__gte=period.start, day__lte=period.end)
                .values(field).annotate(**_sums("")).order_by()):
        _shares_of(row)
        found[row.pop(field)] = row
    return found


def _cents(figures: dict) -> dict:
    """Money to the cent: SQLite sums decimals as floats (7986.93000000001); PostgreSQL exactly."""
    return {key: value.quantize(Decimal("0.01")) if isinstance(value, Decimal) else value
            for key, value in figures.items()}


SHARES = {"uptime_pct": ("total_uptime", "total_seconds"),
          "occupied_pct": ("total_occupied", "total_connector"),
          "charging_pct": ("total_charging", "total_connector")}


def _value(figures: dict | None, key: str):
    """The figure as SQL sorts by it: a share unrounded (reports.selectors.SHARES), else the sum."""
    if figures is None:
        return None
    if key in SHARES:
        part, whole = (figures[name] for name in SHARES[key])
        return float(part) * 100.0 / whole if whole else None
    return figures[{"energy_kwh": "total_energy_wh"}.get(key, key)]


def _order(found: dict[int, dict], pks: list[int], key: str, descending: bool) -> list[int]:
    """The listing's order: the figure, blanks last, then the key in the same direction."""
    valued = sorted((pk for pk in pks if _value(found.get(pk), key) is not None),
                    key=lambda pk: (_value(found[pk], key), pk), reverse=descending)
    return valued + sorted((pk for pk in pks if pk not in valued), reverse=descending)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(FIRST - timedelta(days=20), LAST), length=st.integers(1, 366),
       key=st.sampled_from(sorted(SORTS)), descending=st.booleans())
@example(start=date(2026, 3, 1), length=31, key="uptime_pct", descending=True)  # one whole month
@example(start=date(2026, 3, 5), length=10, key="total_net", descending=False)  # inside a month
@example(start=date(2026, 2, 1), length=27, key="charging_pct", descending=True)  # all but its last day
@example(start=date(2026, 2, 2), length=27, key="energy_kwh", descending=True)  # all but its first day
@example(start=date(2025, 12, 31), length=33, key="total_sessions", descending=False)  # 1 + January + 1
@example(start=date(2025, 11, 1), length=366, key="occupied_pct", descending=True)  # before the days
@example(start=date(2026, 1, 1), length=365, key="total_gross", descending=False)  # twelve months
@example(start=date(2025, 12, 7), length=366, key="uptime_pct", descending=False)
def test_whole_months_and_the_other_days_sum_to_the_days(history, start, length, key, descending):
    period = Period(start, start + timedelta(days=length - 1), "day")
    stations, sites = history
    for of, items, model, field in (("station", station_list, StationDay, "station_id"),
                                    ("site", site_list, SiteDay, "location_id")):
        expected = _by_days(period, model, field)
        listed = list(items(stations[0].tenant).order_by("pk"))
        for item in figures_into(listed, period, of=of):
            days = expected.get(item.pk)
            got = {name: getattr(item, name) for name in (*_sums(""), "uptime_pct", "online_pct",
                                                          "occupied_pct", "charging_pct", "energy_kwh")}
            assert _cents(got) == _cents(days if days else dict.fromkeys(got)), (of, item.pk, period)
        ranked = Ranked(items(stations[0].tenant), period, key, descending=descending, of=of,
                        tenant=stations[0].tenant)
        order = _order(expected, [i.pk for i in listed], key, descending)
        assert [row.pk for at_ in range(0, len(order), 3) for row in ranked[at_:at_ + 3]] == order, (
            of, key, descending, period, {pk: _value(expected.get(pk), key) for pk in order})
        assert [row.pk for row in ranked.iterator(chunk_size=4)] == order


def test_a_month_is_the_sum_of_its_days_and_the_same_again(history):
    stations, _ = history
    rows = list(StationMonth.objects.order_by("station", "month").values())
    assert months_rollup(StationDay.objects.all(), since=FIRST, until=LAST, now=NOW) == len(rows)
    assert list(StationMonth.objects.order_by("station", "month").values()) == rows
    month = StationMonth.objects.get(station=stations[0], month=date(2026, 2, 1))
    days = StationDay.objects.filter(station=stations[0], day__gte=date(2026, 2, 1),
                                     day__lte=date(2026, 2, 28))
    assert {name: getattr(month, name) for name in SUMMED} == days.aggregate(
        **{name: Sum(name) for name in SUMMED})
    assert (month.connectors, month.currency) == (days.aggregate(c=Max("connectors"))["c"], "EUR")
    assert StationMonth.objects.filter(month__lt=date(2025, 11, 1)).count() == 0
    assert SiteMonth.objects.count() == 3 * 15 and not StationMonth.objects.filter(station=stations[-1])


def test_the_rollups_write_the_months_of_the_days_they_write(tenant):
    site = Location.objects.create(tenant=tenant, name="Depot")
    station = station_on(tenant, location=site)
    a_day_of(station)
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=DAY - timedelta(days=1),
                    until=DAY, now=at(30))
    month = StationMonth.objects.get(station=station)
    assert (month.month, month.seconds, month.uptime_s, month.connectors) == (date(2026, 3, 1), 2 * 86400,
                                                                              64800, 1)
    assert (month.sessions, month.energy_wh, month.revenue_gross, month.currency) == (
        1, 12000, Decimal("4.20"), "EUR")
    StationDay.objects.filter(station=station, day=DAY).update(sessions=5)  # as if computed again
    totals_rollup(since=DAY - timedelta(days=1), until=DAY, now=at(30))
    site_month = SiteMonth.objects.get(location=site)
    assert (site_month.month, site_month.seconds, site_month.sessions) == (date(2026, 3, 1), 2 * 86400, 5)
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=DAY, until=DAY, now=at(30))
    assert StationMonth.objects.get(station=station).sessions == 1


@pytest.mark.parametrize("start, end, months, days", [
    ("2026-03-01", "2026-03-31", ("2026-03-01", "2026-03-01"), []),
    ("2026-03-05", "2026-03-20", None, [("2026-03-05", "2026-03-20")]),
    ("2026-03-15", "2026-04-10", None, [("2026-03-15", "2026-04-10")]),
    ("2026-02-01", "2026-02-27", None, [("2026-02-01", "2026-02-27")]),
    ("2025-12-07", "2026-12-07", ("2026-01-01", "2026-11-01"),
     [("2025-12-07", "2025-12-31"), ("2026-12-01", "2026-12-07")]),
    ("2024-01-01", "2024-02-29", ("2024-01-01", "2024-02-01"), []),
    ("2026-03-31", "2026-05-01", ("2026-04-01", "2026-04-01"),
     [("2026-03-31", "2026-03-31"), ("2026-05-01", "2026-05-01")]),
])
def test_a_period_splits_into_whole_months_and_other_days(start, end, months, days):
    whole, rest = Period(date.fromisoformat(start), date.fromisoformat(end), "day").split()
    assert whole == (tuple(map(date.fromisoformat, months)) if months else None)
    assert rest == [tuple(map(date.fromisoformat, pair)) for pair in days]
