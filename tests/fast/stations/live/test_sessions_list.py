"""The sessions list at fleet size (cpms/listing.py): sorted by started, stopped, energy,
station or id tag, searched by station identity or id tag, a tenant's own only; the first page
of the default sort is the live one. And a session's plot (billing/sessions/selectors.py): from
the start reading at the start to the stop reading at the stop."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from billing.sessions.selectors import session_series
from stations.models import ChargingSession, MeterSample
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.clients import signed_in

pytestmark = pytest.mark.django_db
NOW = datetime.now(UTC).replace(microsecond=0)


def session(tenant, station, minutes_ago: int, tag: str, wh: int, stopped: bool = True):
    started = NOW - timedelta(minutes=minutes_ago)
    return ChargingSession.objects.create(
        tenant=tenant, station=station, connector_id=1, id_tag=tag, id_tag_status="Accepted",
        started_at=started, meter_start=0, meter_stop=wh if stopped else None,
        meter_last=wh, stopped_at=started + timedelta(minutes=1) if stopped else None)


@pytest.fixture
def listed():
    tenant, other = make_tenant("Listed"), make_tenant("Other")
    alpha, _ = make_station(tenant, "ALPHA-1")
    beta, _ = make_station(tenant, "BETA-1")
    theirs, _ = make_station(other, "ALPHA-THEIRS")
    session(tenant, alpha, 30, "TAG-A", 500)
    session(tenant, beta, 20, "TAG-B", 9000)
    session(tenant, alpha, 10, "TAG-C", 0, stopped=False)
    session(other, theirs, 5, "TAG-A", 100)
    return signed_in(member(tenant, Role.MANAGER))


def tags(response) -> list[str]:
    """The id tags of the listed rows, in their order."""
    body = response.content.decode().split('id="sessions-list"', 1)[1]
    return list(dict.fromkeys(re.findall(r"TAG-[ABC]", body)))


def test_newest_first_and_live_on_the_first_page(listed):
    response = listed.get("/sessions/")
    assert tags(response) == ["TAG-C", "TAG-B", "TAG-A"]
    assert 'data-live-sessions="1"' in response.content.decode()
    assert 'data-running="1" data-meter-start="0"' in response.content.decode()
    assert "ALPHA-THEIRS" not in response.content.decode()


def test_sorted_by_energy_and_by_id_tag(listed):
    assert tags(listed.get("/sessions/", {"sort": "-energy"})) == ["TAG-B", "TAG-A", "TAG-C"]
    assert tags(listed.get("/sessions/", {"sort": "id_tag"})) == ["TAG-A", "TAG-B", "TAG-C"]
    assert 'data-live-sessions' not in listed.get("/sessions/", {"sort": "id_tag"}).content.decode()


def test_searched_by_station_or_id_tag_within_the_tenant(listed):
    assert tags(listed.get("/sessions/", {"q": "alpha"})) == ["TAG-C", "TAG-A"]
    assert tags(listed.get("/sessions/", {"q": "tag-b"})) == ["TAG-B"]
    assert "ALPHA-THEIRS" not in listed.get("/sessions/", {"q": "THEIRS"}).content.decode()


def test_a_bad_sort_or_page_falls_back_quietly(listed):
    assert listed.get("/sessions/", {"sort": "password", "page": "99"}).status_code == 200


def test_the_plot_runs_from_the_start_reading_to_the_stop_reading():
    tenant = make_tenant("Plot")
    station, _ = make_station(tenant, "PLOT-1")
    started = NOW - timedelta(minutes=10)
    s = ChargingSession.objects.create(
        tenant=tenant, station=station, connector_id=1, id_tag="T", id_tag_status="Accepted",
        started_at=started, stopped_at=started + timedelta(minutes=6), meter_start=0, meter_stop=204)
    for minute, wh, watts in ((2, 60, "6900"), (4, 184, "6900")):
        for measurand, unit, value in (("Energy.Active.Import.Register", "Wh", Decimal(wh)),
                                       ("Power.Active.Import", "W", Decimal(watts))):
            MeterSample.objects.create(station=station, session=s, connector_id=1, evse_id=1,
                                       timestamp=started + timedelta(minutes=minute), received_at=NOW,
                                       measurand=measurand, location="Outlet", unit=unit, value=value)
    series = session_series(s)
    assert series["t"][0] == int(started.timestamp())
    assert series["t"][-1] == int((started + timedelta(minutes=6)).timestamp())
    assert series["energy_kwh"] == [0.0, 0.06, 0.184, 0.204]
    assert series["power_kw"] == [None, 6.9, 6.9, None]
