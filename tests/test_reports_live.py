"""Reports end to end (docs/reports.md): a real charge point's link becomes a connection period
(opened at the accept, closed at the close) and its Faulted time takes the uptime down; the report
page draws its plots in real Chromium on a desktop and a 390 px phone, no wider than the screen."""

from datetime import timedelta

from django.utils import timezone

from reports.models import StationDay
from reports.services import rollup_stations
from stations.models import ConnectionPeriod, Station, StatusEvent
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.factories import charge_point, eventually, make_station, make_tenant

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _periods(station) -> list[ConnectionPeriod]:
    return list(ConnectionPeriod.objects.filter(station=station).order_by("started_at"))


async def test_a_link_is_a_connection_period_and_a_fault_is_down_time(server):
    tenant = make_tenant("ReportsLive")
    station, password = make_station(tenant, "REPORT-LIVE-1")
    before = timezone.now()
    async with charge_point(server, tenant, station, password) as cp:
        await cp.status(1, "Faulted", error_code="GroundFailure")
        await cp.status(1, "Available")
        [period] = await eventually(lambda: _periods(station))
        assert before <= period.started_at <= timezone.now() and period.ended_at is None
        assert period.server_process_id is not None
        await eventually(lambda: StatusEvent.objects.filter(station=station, status="Available").exists())
    [closed] = await eventually(lambda: [p for p in _periods(station) if p.ended_at is not None])
    assert closed.pk == period.pk and closed.ended_at > closed.started_at
    async with charge_point(server, tenant, station, password):
        await eventually(lambda: len(_periods(station)) == 2)
    await eventually(lambda: all(p.ended_at for p in _periods(station)))
    first, second = _periods(station)
    assert first.ended_at <= second.started_at  # one after the other, never overlapping

    faulted = StatusEvent.objects.filter(station=station).order_by("received_at")
    fault_s = (faulted.get(status="Available").received_at
               - faulted.get(status="Faulted").received_at).total_seconds()
    online_s = sum((p.ended_at - p.started_at).total_seconds() for p in _periods(station))
    today = timezone.now().date()
    rollup_stations(stations=Station.objects.filter(pk=station.pk), since=today - timedelta(days=1),
                    until=today + timedelta(days=1))
    days = StationDay.objects.filter(station=station)
    assert abs(sum(d.online_s for d in days) - online_s) <= 2
    assert abs(sum(d.online_s - d.uptime_s for d in days) - fault_s) <= 2


@needs_chromium
async def test_the_report_page_draws_its_plots_on_a_desktop_and_a_phone(server):
    tenant = make_tenant("ReportsBrowser")
    station, _ = make_station(tenant, "REPORT-PLOT-WITH-A-RATHER-LONG-IDENTITY-1")
    now = timezone.now()
    Station.objects.filter(pk=station.pk).update(created_at=now - timedelta(days=10))
    for day in range(8):
        ConnectionPeriod.objects.create(station=station, started_at=now - timedelta(days=day, hours=20),
                                        ended_at=now - timedelta(days=day, hours=4))
    rollup_stations(stations=Station.objects.filter(pk=station.pk),
                    since=(now - timedelta(days=9)).date(), until=now.date())
    user = member(tenant, Role.ACCOUNTANT)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        for viewport in (DESKTOP, PHONE):
            await page.set_viewport_size(viewport)
            for path in ("/reports/", f"/reports/stations/{station.identity}/"):
                await page.goto(path)
                await page.wait_for_selector("#plot-shares canvas")
                await page.wait_for_selector("#plot-usage canvas")
                width = await page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], f"{path} is {width} px wide at {viewport['width']}"
        assert station.identity in await page.text_content("main")
