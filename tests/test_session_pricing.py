"""Sessions priced end to end: a real charge point charges under a tariff, the stop queues the
pricing task, and the session's cost is read back from the API with exact numbers."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.conf import settings
from ocpp.v16 import call

from billing import selectors
from billing.models import SessionPrice
from billing.services import station_tariff_set, tariff_create
from billing.tasks import price_session_task, price_sessions_due
from loadmgmt.models import LoadGroup
from stations.models import ChargingSession, Station
from stations.services.transactions import transaction_start, transaction_stop
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
    set_group_tariff,
    set_station_group,
    set_station_tariff,
)

ENERGY_AND_PARKING = [{"price_components": [{"type": "ENERGY", "price": "0.30"},
                                            {"type": "PARKING_TIME", "price": "6.00"}]}]
ENERGY_ONLY = [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def make_tariff(tenant, elements=ENERGY_ONLY, **fields):
    return tariff_create(tenant=tenant, **({"name": "Standard", "currency": "EUR", "vat_rate": "19",
                                            "idle_grace_minutes": 15, "elements": elements} | fields))


class Session:
    """A charge point's session with the station's own clock: minutes after `t0`."""

    def __init__(self, cp, id_tag: str, t0: datetime):
        self.cp, self.id_tag, self.t0, self.transaction_id = cp, id_tag, t0, None

    def at(self, minutes: float) -> str:
        return iso(self.t0 + timedelta(minutes=minutes))

    async def status(self, minutes: float, status: str) -> None:
        await self.cp.call(call.StatusNotification(connector_id=1, status=status, error_code="NoError",
                                                   timestamp=self.at(minutes)))

    async def start(self, minutes: float, meter_wh: int = 0) -> None:
        result = await self.cp.call(call.StartTransaction(connector_id=1, id_tag=self.id_tag,
                                                          meter_start=meter_wh, timestamp=self.at(minutes)))
        self.transaction_id = result.transaction_id

    async def meter(self, minutes: float, energy_wh: int, power_w: int) -> None:
        await self.cp.call(call.MeterValues(connector_id=1, transaction_id=self.transaction_id, meter_value=[
            {"timestamp": self.at(minutes), "sampledValue": [
                {"value": str(energy_wh), "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                {"value": str(power_w), "measurand": "Power.Active.Import", "unit": "W"}]}]))

    async def stop(self, minutes: float, meter_wh: int) -> None:
        await self.cp.call(call.StopTransaction(transaction_id=self.transaction_id, meter_stop=meter_wh,
                                                timestamp=self.at(minutes), reason="EVDisconnected"))

    @property
    def id(self) -> int:
        return ChargingSession.objects.get(station__identity=self.cp.id,
                                           transaction_id=self.transaction_id).pk


async def priced(session_id: int) -> SessionPrice:
    """The stop queued the task: the server ran it (eagerly) after its answer; with Redis no
    worker runs in the tests, so it runs here (a final price makes a second run harmless)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        await sync_to_async(price_session_task.run, thread_sensitive=False)(session_id)
    return await eventually(lambda: SessionPrice.objects.filter(session_id=session_id,
                                                                priced_at__isnull=False).first())


async def priced_finally(session_id: int) -> SessionPrice:
    """With a parking price, the stop's price waits for the car to leave (a status after the
    answer to the stop); the beat makes it final."""
    await priced(session_id)
    await sync_to_async(price_sessions_due.run, thread_sensitive=False)()
    return SessionPrice.objects.get(session_id=session_id)


async def charge_12345_wh_then_park_40_minutes(cp, id_tag: str) -> Session:
    session = Session(cp, id_tag, datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3))
    await session.status(0, "Preparing")
    await session.start(0, meter_wh=1_000)
    await session.status(0, "Charging")
    await session.meter(30, 7_000, 11_000)
    await session.meter(60, 13_345, 11_000)
    await session.status(60, "SuspendedEV")
    await session.meter(80, 13_345, 0)
    await session.stop(100, 13_345)
    await session.status(100, "Finishing")
    await session.status(100, "Available")
    return session


# The worked example of docs/pricing.md §4, over a real WebSocket ------------------------------

async def test_a_stopped_session_is_priced_with_energy_and_parking_beyond_the_grace(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    tariff = make_tariff(tenant, ENERGY_AND_PARKING, is_default=True)
    async with charge_point(server, tenant, station, password) as cp:
        session = await charge_12345_wh_then_park_40_minutes(cp, "DRIVER")
        record = await priced_finally(session.id)
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/sessions/{session.id}/")).json()
    # 12.345 kWh x 0.30 = 3.7035 -> 3.70; parked 60..100 min = 40 min, 15 free: 25 min x 6.00/h
    # = 2.50; net 6.20; VAT 19 % of 6.20 = 1.178 -> 1.18; gross 7.38.
    assert (body["currency"], body["cost_net"], body["cost_vat"], body["cost"]) == (
        "EUR", "6.20", "1.18", "7.38")
    assert [(line["component"], line["net"]) for line in body["cost_lines"]] == [
        ("ENERGY", "3.70"), ("PARKING_TIME", "2.50")]
    energy = body["cost_lines"][0]
    assert (energy["quantity"], energy["unit"], energy["unit_price"]) == ("12.345", "kWh", "0.30")
    assert body["energy_wh"] == 12_345
    assert record.final and record.tariff_id == tariff.pk
    assert (record.charging_seconds, record.parking_seconds) == (3600, 25 * 60)


async def test_pricing_twice_gives_one_price(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    make_tariff(tenant, ENERGY_AND_PARKING, is_default=True)
    async with charge_point(server, tenant, station, password) as cp:
        session = await charge_12345_wh_then_park_40_minutes(cp, "DRIVER")
        first = await priced_finally(session.id)
    again = await sync_to_async(price_session_task.run, thread_sensitive=False)(session.id)
    assert again == str(first.gross) == "7.3800"
    assert SessionPrice.objects.filter(session_id=session.id).count() == 1
    assert SessionPrice.objects.get(session_id=session.id).priced_at == first.priced_at


async def test_an_internal_tag_charges_for_free_and_is_still_metered(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "STAFF-GROUP", internal=True)
    make_id_tag(tenant, "STAFF1", parent_id_tag="STAFF-GROUP")
    make_tariff(tenant, ENERGY_AND_PARKING, is_default=True)
    async with charge_point(server, tenant, station, password) as cp:
        session = await charge_12345_wh_then_park_40_minutes(cp, "STAFF1")
        record = await priced(session.id)
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/sessions/{session.id}/")).json()
    assert (body["cost"], body["cost_net"], body["cost_vat"], body["currency"]) == (
        "0.00", "0.00", "0.00", "EUR")
    assert all(line["net"] == "0.00" for line in body["cost_lines"])
    assert body["energy_wh"] == 12_345 and record.energy_wh == 12_345
    assert record.free and record.final


async def test_a_tariff_edited_mid_session_does_not_change_that_sessions_price(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    tariff = make_tariff(tenant)
    set_station_tariff(station, tariff)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        first = Session(cp, "DRIVER", t0)
        await first.start(0)
        await first.meter(30, 5_000, 10_000)
        edited = await api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"elements": [
            {"price_components": [{"type": "ENERGY", "price": "0.50"}]}]})
        await first.stop(60, 10_000)
        await priced(first.id)
        second = Session(cp, "DRIVER", t0 + timedelta(minutes=90))
        await second.start(0, meter_wh=10_000)
        await second.stop(10, 20_000)
        await priced(second.id)
        old = (await api.get(f"/api/v1/sessions/{first.id}/")).json()
        new = (await api.get(f"/api/v1/sessions/{second.id}/")).json()
    assert edited.status_code == 200 and edited.json()["version"] == 2
    # 10 kWh x 0.30 = 3.00 net, 0.57 VAT; the next session: 10 kWh x 0.50 = 5.00 net, 0.95 VAT
    assert (old["cost_net"], old["cost"]) == ("3.00", "3.57")
    assert (new["cost_net"], new["cost"]) == ("5.00", "5.95")
    assert SessionPrice.objects.get(session_id=first.id).tariff_id == tariff.pk


async def test_a_station_moved_to_another_tariff_through_the_api_mid_session_keeps_the_first(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    first, second = make_tariff(tenant, name="First"), make_tariff(
        tenant, [{"price_components": [{"type": "ENERGY", "price": "0.50"}]}], name="Second")
    set_station_tariff(station, first)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    async with charge_point(server, tenant, station, password) as cp, api_client(server, tenant) as api:
        session = Session(cp, "DRIVER", t0)
        await session.start(0)
        moved = await api.patch(f"/api/v1/stations/{station.identity}/", json={"tariff": second.pk})
        await session.stop(30, 10_000)
        await priced(session.id)
        cost = (await api.get(f"/api/v1/sessions/{session.id}/")).json()
    assert moved.status_code == 200 and moved.json()["tariff"] == second.pk
    assert (cost["cost_net"], cost["cost"]) == ("3.00", "3.57")  # 10 kWh x 0.30, not 0.50


async def test_a_running_session_shows_its_cost_so_far(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    group = LoadGroup.objects.create(tenant=tenant, name="Garage", max_current=63)
    set_group_tariff(group, make_tariff(tenant, name="Garage rate"))
    set_station_group(station, group)
    make_tariff(tenant, [{"price_components": [{"type": "ENERGY", "price": "9.99"}]}], is_default=True)
    async with charge_point(server, tenant, station, password) as cp:
        session = Session(cp, "DRIVER", datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20))
        await session.start(0)
        await session.meter(10, 2_000, 11_000)
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/sessions/{session.id}/")).json()
    # the load group's tariff, not the default: 2 kWh x 0.30 = 0.60 net, 0.114 -> 0.11 VAT
    assert body["stopped_at"] is None
    assert (body["cost_net"], body["cost_vat"], body["cost"]) == ("0.60", "0.11", "0.71")
    assert not SessionPrice.objects.filter(session_id=session.id, priced_at__isnull=False).exists()


# Parking after the stop, lost tasks, no tariff ------------------------------------------------

async def test_parking_after_the_stop_is_billed_once_the_connector_is_unplugged(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    make_tariff(tenant, ENERGY_AND_PARKING, idle_grace_minutes=0, is_default=True)
    async with charge_point(server, tenant, station, password) as cp:
        session = Session(cp, "DRIVER", datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))
        await session.start(0)
        await session.meter(60, 10_000, 11_000)
        await session.stop(60, 10_000)
        await session.status(60, "Finishing")
        waiting = await priced(session.id)
        await session.status(90, "Available")  # the car left half an hour after its stop
    await sync_to_async(price_sessions_due.run, thread_sensitive=False)()
    final = SessionPrice.objects.get(session_id=session.id)
    # 10 kWh x 0.30 = 3.00, then 30 min parked x 6.00/h = 3.00: 6.00 net
    assert not waiting.final and waiting.net == 3
    assert final.final and (final.net, final.gross) == (Decimal("6.00"), Decimal("7.14"))
    assert final.parking_seconds == 1800


async def test_a_stopped_session_whose_task_was_lost_is_priced_by_the_beat():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    other_tenant = make_tenant()
    make_tariff(other_tenant, [{"price_components": [{"type": "FLAT", "price": "1.00"}]}], is_default=True)
    now = datetime.now(UTC)
    transaction_id, _ = transaction_start(station=station, received_at=now, payload={
        "connectorId": 1, "idTag": "X", "meterStart": 0, "timestamp": iso(now - timedelta(hours=1))})
    transaction_stop(station=station, received_at=now, payload={
        "transactionId": transaction_id, "meterStop": 4_000, "timestamp": iso(now)})
    session = ChargingSession.objects.get(station=station, transaction_id=transaction_id)
    assert selectors.sessions_to_price().filter(pk=session.pk).exists()
    price_sessions_due.run()
    record = SessionPrice.objects.get(session=session)
    # 4 kWh x 0.30 = 1.20 net (the tenant's own default, not the other tenant's flat fee)
    assert record.final and (record.net, record.vat, record.gross) == (
        Decimal("1.20"), Decimal("0.23"), Decimal("1.43"))
    assert not selectors.sessions_to_price().filter(pk=session.pk).exists()


async def test_a_session_without_any_tariff_has_no_cost(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    make_tariff(make_tenant(), is_default=True)  # another tenant's default never applies
    async with charge_point(server, tenant, station, password) as cp:
        session = Session(cp, "DRIVER", datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
        await session.start(0)
        await session.stop(30, 5_000)
        record = await priced(session.id)
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/sessions/{session.id}/")).json()
    assert record.final and record.tariff is None
    assert (body["cost"], body["currency"], body["cost_lines"]) == (None, None, [])
    assert body["energy_wh"] == 5_000


async def test_another_tenant_cannot_read_a_priced_session(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    make_tariff(tenant, is_default=True)
    async with charge_point(server, tenant, station, password) as cp:
        session = Session(cp, "DRIVER", datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
        await session.start(0)
        await session.stop(30, 5_000)
        await priced(session.id)
    async with api_client(server, other) as api:
        response = await api.get(f"/api/v1/sessions/{session.id}/")
        listed = (await api.get("/api/v1/sessions/")).json()
    assert response.status_code == 404 and listed["count"] == 0


async def test_a_session_begun_before_any_tariff_existed_costs_nothing():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    began = datetime.now(UTC) - timedelta(hours=1)
    transaction_id, _ = transaction_start(station=station, received_at=began, payload={
        "connectorId": 1, "idTag": "X", "meterStart": 0, "timestamp": iso(began)})
    make_tariff(tenant, is_default=True)  # made while it ran: not the tariff it started under
    transaction_stop(station=station, received_at=datetime.now(UTC), payload={
        "transactionId": transaction_id, "meterStop": 4_000, "timestamp": iso(datetime.now(UTC))})
    session = ChargingSession.objects.get(station=station, transaction_id=transaction_id)
    price_session_task.run(session.pk)
    assert SessionPrice.objects.get(session=session).tariff is None
    assert selectors.session_cost(ChargingSession.objects.get(pk=session.pk))["cost"] is None


# Which tariff, and the timeline it is priced over ----------------------------------------------

async def test_a_station_is_priced_with_its_own_tariff_else_its_groups_else_the_default():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    default = make_tariff(tenant, name="Default", is_default=True)
    group_tariff, own = make_tariff(tenant, name="Group"), make_tariff(tenant, name="Own")
    group = LoadGroup.objects.create(tenant=tenant, name="Garage", max_current=63)

    def resolved():
        return selectors.tariff_for_station(Station.objects.get(pk=station.pk))

    assert resolved() == default
    set_station_group(station, group)
    assert resolved() == default  # a group without a tariff
    set_group_tariff(group, group_tariff)
    assert resolved() == group_tariff
    set_station_tariff(station, own)
    assert resolved() == own


async def test_the_timeline_has_meter_points_statuses_the_unplug_and_the_load_managers_pauses():
    from loadmgmt.models import LimitSent
    from stations.models import MeterSample, StatusEvent

    tenant = make_tenant()
    station, _ = make_station(tenant)
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    at = lambda minutes: t0 + timedelta(minutes=minutes)  # noqa: E731
    transaction_id, _ = transaction_start(station=station, received_at=at(0), payload={
        "connectorId": 1, "idTag": "X", "meterStart": 100, "timestamp": iso(at(0))})
    session = ChargingSession.objects.get(station=station, transaction_id=transaction_id)
    rows = [("Energy.Active.Import.Register", "", "Wh", 5100), ("Power.Active.Import", "L1", "W", 3000),
            ("Power.Active.Import", "L2", "W", 3100), ("Current.Import", "L1", "A", 13),
            ("Current.Import", "L2", "A", 14), ("Current.Offered", "", "A", 16), ("Voltage", "L1", "V", 230)]
    MeterSample.objects.bulk_create(MeterSample(
        station=station, session=session, connector_id=1, timestamp=at(30), received_at=at(30),
        measurand=measurand, phase=phase, unit=unit, value=value, location="Outlet")
        for measurand, phase, unit, value in rows)
    for minutes, status in [(-1, "Preparing"), (0, "Charging"), (40, "SuspendedEVSE"), (50, "Charging"),
                            (60, "Finishing"), (75, "Available"), (90, "Preparing")]:
        StatusEvent.objects.create(station=station, connector_id=1, status=status, error_code="NoError",
                                   station_timestamp=at(minutes), received_at=at(minutes))
    for minutes, limit in [(40, 0), (50, 16)]:
        sent = LimitSent.objects.create(station=station, connector_id=1, purpose="TxProfile", limit=limit,
                                        status="Accepted")
        LimitSent.objects.filter(pk=sent.pk).update(sent_at=at(minutes))
    transaction_stop(station=station, received_at=at(60), payload={
        "transactionId": transaction_id, "meterStop": 6100, "timestamp": iso(at(60))})
    timeline = selectors.session_timeline(ChargingSession.objects.get(pk=session.pk))
    assert (timeline.started_at, timeline.stopped_at) == (at(0), at(60))
    assert (timeline.meter_start_wh, timeline.meter_stop_wh) == (100, 6100)
    [point] = timeline.samples
    assert (point.at, point.energy_wh, point.power_w, point.current_a, point.offered_a) == (
        at(30), 5100, 6100, 14, 16)
    assert [(s.at, s.status) for s in timeline.statuses] == [
        (at(0), "Charging"), (at(40), "SuspendedEVSE"), (at(50), "Charging"), (at(60), "Finishing")]
    assert timeline.unplugged_at == at(75)
    assert list(timeline.load_paused) == [(at(40), at(50))]


async def test_a_station_given_another_tariff_mid_session_keeps_the_first_for_that_session():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    first, second = make_tariff(tenant, name="First"), make_tariff(
        tenant, [{"price_components": [{"type": "ENERGY", "price": "0.50"}]}], name="Second")
    set_station_tariff(station, first)
    now = datetime.now(UTC)
    transaction_id, _ = transaction_start(station=station, received_at=now, payload={
        "connectorId": 1, "idTag": "X", "meterStart": 0, "timestamp": iso(now - timedelta(hours=1))})
    station_tariff_set(station=station, tariff=second)  # what the API and the admin do
    transaction_stop(station=station, received_at=now, payload={
        "transactionId": transaction_id, "meterStop": 4_000, "timestamp": iso(now)})
    session = ChargingSession.objects.get(station=station, transaction_id=transaction_id)
    price_session_task.run(session.pk)
    record = SessionPrice.objects.get(session=session)
    assert record.tariff == first and record.net == Decimal("1.20")  # 4 kWh x 0.30
