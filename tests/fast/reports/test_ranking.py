"""reports/ranking.py: a table sorted by a figure in SQL gives the order computed in Python (the
listing's: the figure, blanks last, then the key in the same direction), on every page and in
the CSV, for stations and sites."""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from reports.models import SiteDay, StationDay
from reports.periods import Period
from reports.ranking import Ranked
from reports.selectors import SORTS, site_list, station_list
from stations.models import Location, Station

pytestmark = pytest.mark.django_db
FIRST = date(2026, 3, 1)
PERIOD = Period(FIRST, FIRST + timedelta(days=2), "day")
NOW = datetime(2026, 3, 5, tzinfo=UTC)


def _day(rng, **owner) -> dict:
    connector_s = rng.choice([0, 172_800])
    return {"day": FIRST + timedelta(days=rng.randrange(0, 4)), "seconds": rng.choice([0, 86_400]),
            "uptime_s": rng.choice([0, 40_000, 86_400]), "connectors": 2, "connector_s": connector_s,
            "occupied_cs": rng.choice([0, 10_000]) if connector_s else 0,
            "charging_cs": rng.choice([0, 5_000]) if connector_s else 0,
            "sessions": rng.randrange(0, 3), "energy_wh": rng.choice([0, 12_000]), "currency": "EUR",
            "revenue_net": Decimal(rng.choice(["0", "3.53"])),
            "revenue_gross": Decimal(rng.choice(["0", "4.20"])),
            "computed_at": NOW, **owner}


@pytest.fixture
def fleet(tenant):
    """Stations and sites with ties, blank shares, days outside the period and none at all."""
    rng = random.Random(7)
    sites = [Location.objects.create(tenant=tenant, name=f"Site {i}") for i in range(6)]
    stations = [Station.objects.create(tenant=tenant, identity=f"CP-{i:02d}", password_hash="!",
                                       location=sites[i % 6]) for i in range(23)]
    for station in stations[:-3]:
        for day in {_day(rng)["day"] for _ in range(3)}:
            StationDay.objects.create(**_day(rng, tenant=tenant, station=station) | {"day": day})
    for site in sites[:-1]:
        SiteDay.objects.create(**_day(rng, tenant=tenant, location=site) | {"day": FIRST})
    return stations


def _python_order(items, model, field: str, key: str, descending: bool) -> list[int]:
    sums: dict[int, dict] = {}
    for row in model.objects.filter(day__gte=PERIOD.start, day__lte=PERIOD.end):
        whole = sums.setdefault(getattr(row, field), {})
        for name in ("seconds", "uptime_s", "connector_s", "occupied_cs", "charging_cs", "sessions",
                     "energy_wh", "revenue_net", "revenue_gross"):
            whole[name] = whole.get(name, 0) + getattr(row, name)

    def share(part, whole):  # as SQL computes it (reports.selectors.SHARES), unrounded
        return float(part) * 100.0 / whole if whole else None

    def value(pk):
        s = sums.get(pk)
        if s is None:
            return None
        return {"uptime_pct": share(s["uptime_s"], s["seconds"]),
                "occupied_pct": share(s["occupied_cs"], s["connector_s"]),
                "charging_pct": share(s["charging_cs"], s["connector_s"]),
                "total_sessions": s["sessions"], "energy_kwh": s["energy_wh"] / 1000,
                "total_net": s["revenue_net"], "total_gross": s["revenue_gross"]}[key]

    pks = [item.pk for item in items]
    valued = sorted((p for p in pks if value(p) is not None), key=lambda p: (value(p), p),
                    reverse=descending)
    blank = sorted((p for p in pks if value(p) is None), reverse=descending)
    return valued + blank


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", sorted(SORTS))
def test_sorting_by_a_figure_in_sql_gives_pythons_order(tenant, fleet, key, descending):
    for of, items, model, field in (("station", station_list(tenant), StationDay, "station_id"),
                                    ("site", site_list(tenant), SiteDay, "location_id")):
        ranked = Ranked(items, PERIOD, key, descending=descending, of=of, tenant=tenant)
        expected = _python_order(items, model, field, key, descending)
        assert ranked.count() == len(expected)
        paged = [row.pk for at in range(0, len(expected), 4) for row in ranked[at:at + 4]]
        assert paged == expected, (of, key)
        assert [row.pk for row in ranked.iterator(chunk_size=5)] == expected


def test_a_search_narrows_the_ranking(tenant, fleet):
    items = station_list(tenant).filter(identity__icontains="CP-1")
    ranked = Ranked(items, PERIOD, "uptime_pct", descending=True, of="station", tenant=tenant)
    assert sorted(row.identity for row in ranked[0:50]) == [f"CP-{i}" for i in range(10, 20)]


def test_the_sorted_page_over_http(owner_web, tenant, fleet):
    page = owner_web.get("/reports/", {"from": "2026-03-01", "to": "2026-03-03", "sort": "-uptime_pct"})
    assert page.status_code == 200 and "CP-" in page.content.decode()
    csv = owner_web.get("/reports/", {"from": "2026-03-01", "to": "2026-03-03", "sort": "-total_net",
                                      "format": "csv", "table": "sites"}).content.decode("utf-8-sig")
    assert len(csv.splitlines()) == 7
