"""The security page's events through cpms/listing.py (docs/dashboard.md): every event a page at a
time, sorted by its columns, searched by station, event or details, another tenant's never shown,
a bad sort or page falling back quietly; a page reads its stations in the same query."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stations.security.models import SecurityEvent
from tests.factories import make_station
from tests.fast.lists import order, small_pages

pytestmark = pytest.mark.django_db
TYPES = ("FirmwareUpdated", "TamperDetectionActivated", "InvalidCentralSystemCertificate", "MemoryExhaustion")


def _event(station, type_: str, minute: int, **fields):
    return SecurityEvent.objects.create(tenant=station.tenant, station=station, type=type_,
                                        received_at=datetime(2026, 3, 1, 12, minute, tzinfo=UTC), **fields)


@pytest.fixture
def events(tenant, other_tenant):
    alpha, _ = make_station(tenant, "SEC-ALPHA")
    bravo, _ = make_station(tenant, "SEC-BRAVO")
    _event(alpha, TYPES[0], 1)
    _event(bravo, TYPES[1], 2, critical=True, tech_info="lid opened")
    _event(alpha, TYPES[2], 3, critical=True)
    _event(make_station(other_tenant, "SEC-THEIRS")[0], TYPES[3], 4)


def _types(client, query=""):
    response = client.get(f"/security/{query}")
    assert response.status_code == 200
    return [TYPES.index(t) for t in order(response.content.decode(), *(f"<td>{t}</td>" for t in TYPES))
            for t in [t[4:-5]]]


def test_events_sort_search_and_page(owner_web, events, monkeypatch):
    assert _types(owner_web) == [2, 1, 0]  # latest first
    assert _types(owner_web, "?sort=received") == [0, 1, 2]
    assert _types(owner_web, "?sort=station") == [0, 2, 1]  # SEC-ALPHA's two, then SEC-BRAVO's
    assert _types(owner_web, "?sort=critical") == [2, 1, 0]
    assert _types(owner_web, "?q=sec-bravo") == [1]
    assert _types(owner_web, "?q=OPENED") == [1]  # its details
    assert _types(owner_web, "?q=memory") == []
    small_pages(monkeypatch)
    assert _types(owner_web, "?page=2") == [0]
    assert _types(owner_web, "?sort=tenant&page=nope") == [2, 1]


def test_a_page_of_events_reads_in_fixed_queries(owner_web, tenant, events):
    owner_web.get("/security/")  # the first visit makes the tenant's own CA
    with CaptureQueriesContext(connection) as few:
        owner_web.get("/security/")
    station, _ = make_station(tenant, "SEC-MORE")
    for minute in range(10, 15):
        _event(station, TYPES[0], minute)
    with CaptureQueriesContext(connection) as more:
        owner_web.get("/security/")
    assert len(more) == len(few), [q["sql"][:150] for q in more.captured_queries]
