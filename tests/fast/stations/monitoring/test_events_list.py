"""The station events page through cpms/listing.py (docs/dashboard.md): sorted by its columns,
searched, paged, the component and cleared filters kept, another tenant's station never shown,
a bad sort or page falling back quietly."""

from datetime import UTC, datetime

import pytest

from stations.models import StationEvent
from tests.factories import make_station
from tests.fast.lists import order, small_pages

pytestmark = pytest.mark.django_db


def _event(station, event_id: int, day: int, component: str, variable: str, **fields):
    at = datetime(2026, 3, day, tzinfo=UTC)
    return StationEvent.objects.create(station=station, event_id=event_id, timestamp=at, received_at=at,
                                       trigger="Alerting", notification_type="HardWiredNotification",
                                       component=component, variable=variable, **fields)


@pytest.fixture
def station(tenant):
    station, _ = make_station(tenant, "CP-EV-1", ocpp_version="2.0.1")
    _event(station, 1, 2, "Connector", "Problem", tech_code="GroundFault")
    _event(station, 2, 3, "EVSE", "Power", cleared=True)
    _event(station, 3, 1, "Bay", "Door")
    return station


MARKS = ('data-event="1"', 'data-event="2"', 'data-event="3"')


def test_events_sort_search_page_and_filter(owner_web, station, monkeypatch):
    def events(query=""):
        response = owner_web.get(f"/stations/CP-EV-1/events/{query}")
        assert response.status_code == 200
        return [m[-2] for m in order(response.content.decode(), *MARKS)]

    assert events() == ["2", "1", "3"]  # latest first
    assert events("?sort=component") == ["3", "1", "2"]
    assert events("?sort=-variable") == ["1", "2", "3"]  # Problem, Power, Door
    assert events("?q=groundf") == ["1"]
    assert events("?cleared=false&sort=when") == ["3", "1"]
    assert events("?component=EVSE&q=pow") == ["2"]
    small_pages(monkeypatch)
    assert events("?page=2") == ["3"]
    assert events("?sort=tech_info&page=x") == ["2", "1"]


def test_sort_links_keep_the_filters(owner_web, station):
    page = owner_web.get("/stations/CP-EV-1/events/?cleared=false").content.decode()

    assert 'href="?cleared=false&amp;sort=component"' in page


def test_another_tenants_station_is_not_found(outsider_web, station):
    assert outsider_web.get("/stations/CP-EV-1/events/?sort=when").status_code == 404
