"""Station-initiated Core messages, driven by a real charge point, checked through the API."""

from datetime import UTC, datetime, timedelta

from ocpp.v16 import call

from stations.models import ChargingSession, MeterSample, Station, StatusEvent
from tests.factories import (
    api_client,
    charge_point,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def test_boot_is_accepted_with_the_heartbeat_interval_and_stores_the_station(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, boot=False) as cp:
        result = await cp.call(call.BootNotification(
            charge_point_vendor="ABB", charge_point_model="Terra AC",
            charge_point_serial_number="SN123", firmware_version="1.8.21",
            meter_type="EM112", iccid="8949"))
        assert result.status == "Accepted"
        assert result.interval == 300
        assert datetime.fromisoformat(result.current_time) > datetime.now(UTC) - timedelta(minutes=1)
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert (body["vendor"], body["model"], body["serial_number"], body["firmware_version"]) == (
        "ABB", "Terra AC", "SN123", "1.8.21")
    stored = Station.objects.get(pk=station.pk)
    assert (stored.meter_type, stored.iccid) == ("EM112", "8949")


async def test_heartbeat_answers_the_current_time(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        result = await cp.call(call.Heartbeat())
    assert abs(datetime.fromisoformat(result.current_time) - datetime.now(UTC)) < timedelta(seconds=5)


async def test_status_notifications_set_connector_state_and_keep_history(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        await cp.status(0, "Available")
        await cp.status(1, "Preparing")
        await cp.call(call.StatusNotification(
            connector_id=2, status="Faulted", error_code="GroundFailure", info="RCD tripped",
            vendor_id="ACME", vendor_error_code="E42", timestamp=iso(datetime.now(UTC))))
        await cp.status(1, "Charging")
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    connectors = {c["connector_id"]: c for c in body["connectors"]}
    assert connectors[0]["status"] == "Available"
    assert connectors[1]["status"] == "Charging"
    assert connectors[2] | {"updated_at": None} == {
        "connector_id": 2, "status": "Faulted", "error_code": "GroundFailure",
        "info": "RCD tripped", "vendor_id": "ACME", "vendor_error_code": "E42", "updated_at": None,
        "evse_id": 2, "evse_connector_id": 1}  # the API grew: a 1.6 connector is its own EVSE
    history = list(StatusEvent.objects.filter(station=station, connector_id=1)
                   .order_by("received_at").values_list("status", flat=True))
    assert history == ["Preparing", "Charging"]


async def test_authorize_answers_each_id_tag_status(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    now = datetime.now(UTC)
    make_id_tag(tenant, "GOOD", expiry_date=now + timedelta(days=30))
    make_id_tag(tenant, "BLOCKED", status="Blocked")
    make_id_tag(tenant, "OLD", expiry_date=now - timedelta(days=1))
    make_id_tag(tenant, "GROUP", status="Blocked")
    make_id_tag(tenant, "MEMBER", parent_id_tag="GROUP")
    make_id_tag(tenant, "FLEET")
    make_id_tag(tenant, "CAR1", parent_id_tag="FLEET")
    make_id_tag(make_tenant(), "FOREIGN")
    async with charge_point(server, tenant, station, password) as cp:
        answers = {tag: (await cp.call(call.Authorize(id_tag=tag))).id_tag_info
                   for tag in ("GOOD", "BLOCKED", "OLD", "UNKNOWN", "MEMBER", "CAR1", "FOREIGN")}
    assert answers["GOOD"]["status"] == "Accepted"
    assert answers["GOOD"]["expiry_date"].startswith(iso(now + timedelta(days=30))[:16])
    assert answers["BLOCKED"]["status"] == "Blocked"
    assert answers["OLD"]["status"] == "Expired"
    assert answers["UNKNOWN"] == {"status": "Invalid"}
    assert answers["MEMBER"] == {"status": "Blocked", "parent_id_tag": "GROUP"}
    assert answers["CAR1"] == {"status": "Accepted", "parent_id_tag": "FLEET"}
    assert answers["FOREIGN"] == {"status": "Invalid"}


async def test_an_id_tag_with_a_running_session_is_concurrent(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "BUSY")
    async with charge_point(server, tenant, station, password, connectors=2) as cp:
        start = await cp.start_transaction(1, "BUSY")
        assert start.id_tag_info["status"] == "Accepted"
        assert await cp.authorize("BUSY") == "ConcurrentTx"
        second = await cp.start_transaction(2, "BUSY")
        assert second.id_tag_info["status"] == "ConcurrentTx"
        await cp.stop_transaction(1)
        assert await cp.authorize("BUSY") == "Accepted"


async def test_a_session_with_meter_values_is_in_the_api_with_its_energy(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "DRIVER")
    async with charge_point(server, tenant, station, password) as cp:
        cp.connectors[1].meter_wh = 10_000
        start = await cp.start_transaction(1, "DRIVER")
        await cp.meter_values(1, 2000)
        async with api_client(server, tenant) as api:
            running = (await api.get("/api/v1/sessions/", params={"station": station.identity})
                       ).json()["results"][0]
            assert running["energy_wh"] == 2000 and running["stopped_at"] is None
            await cp.meter_values(1, 1500)
            stop = await cp.stop_transaction(1, reason="EVDisconnected", id_tag="DRIVER")
            assert stop.id_tag_info["status"] == "Accepted"
            session = (await api.get("/api/v1/sessions/",
                                     params={"station": station.identity})).json()["results"][0]
    assert session["transaction_id"] == start.transaction_id
    assert (session["meter_start"], session["meter_stop"], session["energy_wh"]) == (
        10_000, 13_500, 3500)
    assert session["stop_reason"] == "EVDisconnected"
    assert session["id_tag"] == "DRIVER" and session["connector_id"] == 1
    samples = MeterSample.objects.filter(session_id=session["id"])
    assert samples.filter(measurand="Current.Import").count() == 6  # 3 phases x 2 samples


async def test_meter_values_keep_every_measurand_phase_and_context_in_base_units(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "T")
    stamp = iso(datetime.now(UTC))
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "T")
        await cp.call(call.MeterValues(connector_id=1, transaction_id=start.transaction_id,
                                       meter_value=[{"timestamp": stamp, "sampledValue": [
                                           {"value": "12.345", "unit": "kWh",
                                            "context": "Sample.Clock"},
                                           {"value": "7.4", "measurand": "Power.Active.Import",
                                            "unit": "kW"},
                                           {"value": "231.5", "measurand": "Voltage",
                                            "phase": "L1-N", "unit": "V", "location": "Inlet"},
                                           {"value": "80", "measurand": "SoC", "unit": "Percent",
                                            "location": "EV"},
                                       ]}]))
    rows = {s.measurand: s for s in MeterSample.objects.filter(station=station)}
    energy = rows["Energy.Active.Import.Register"]
    assert (energy.value, energy.unit, energy.context) == (12345, "Wh", "Sample.Clock")
    assert (rows["Power.Active.Import"].value, rows["Power.Active.Import"].unit) == (7400, "W")
    assert (rows["Voltage"].phase, rows["Voltage"].location) == ("L1-N", "Inlet")
    assert rows["SoC"].value == 80 and rows["SoC"].location == "EV"
    assert ChargingSession.objects.get(transaction_id=start.transaction_id,
                                       station=station).meter_last == 12345


async def test_a_retransmitted_start_returns_the_same_transaction_and_creates_nothing(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "T")
    request = call.StartTransaction(connector_id=1, id_tag="T", meter_start=500,
                                    timestamp=iso(datetime.now(UTC)))
    async with charge_point(server, tenant, station, password) as cp:
        first = await cp.call(request)
        again = await cp.call(request)
    assert first.transaction_id == again.transaction_id
    assert again.id_tag_info["status"] == "Accepted"  # not ConcurrentTx with itself
    assert ChargingSession.objects.filter(station=station).count() == 1


async def test_a_retransmitted_stop_is_answered_and_changes_nothing(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "T")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "T")
        stop = call.StopTransaction(transaction_id=start.transaction_id, meter_stop=900,
                                    timestamp=iso(datetime.now(UTC)), reason="Local")
        await cp.call(stop)
        first = ChargingSession.objects.get(station=station)
        late = call.StopTransaction(transaction_id=start.transaction_id, meter_stop=950,
                                    timestamp=iso(datetime.now(UTC) + timedelta(minutes=1)),
                                    reason="Other")
        await cp.call(late)
        await cp.call(stop)
    after = ChargingSession.objects.get(station=station)
    assert (after.meter_stop, after.stopped_at, after.stop_reason) == (
        first.meter_stop, first.stopped_at, "Local")


async def test_a_stop_for_an_unknown_transaction_is_answered_and_recorded(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "T")
    begin = datetime.now(UTC) - timedelta(hours=1)
    async with charge_point(server, tenant, station, password) as cp:
        result = await cp.call(call.StopTransaction(
            transaction_id=987654, meter_stop=8000, timestamp=iso(datetime.now(UTC)),
            id_tag="T", transaction_data=[
                {"timestamp": iso(begin), "sampledValue": [
                    {"value": "3000", "context": "Transaction.Begin"}]},
                {"timestamp": iso(datetime.now(UTC)), "sampledValue": [
                    {"value": "8000", "context": "Transaction.End"}]}]))
        assert result.id_tag_info["status"] == "Accepted"
        async with api_client(server, tenant) as api:
            session = (await api.get("/api/v1/sessions/", params={"station": station.identity})
                       ).json()["results"][0]
    assert session["transaction_id"] == 987654
    assert session["start_missing"] is True
    assert (session["meter_start"], session["meter_stop"], session["energy_wh"]) == (
        3000, 8000, 5000)
    assert session["started_at"].startswith(iso(begin)[:19])


async def test_duplicate_meter_values_are_stored_once(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "T")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "T")
        values = call.MeterValues(connector_id=1, transaction_id=start.transaction_id,
                                  meter_value=[{"timestamp": iso(datetime.now(UTC)),
                                                "sampledValue": [{"value": "100"},
                                                                 {"value": "16", "unit": "A",
                                                                  "measurand": "Current.Import",
                                                                  "phase": "L1"}]}])
        await cp.call(values)
        await cp.call(values)
    assert MeterSample.objects.filter(station=station).count() == 2


async def test_a_station_clock_in_the_future_does_not_corrupt_session_times(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "T")
    wrong = datetime(2037, 1, 1, tzinfo=UTC)
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.call(call.StartTransaction(connector_id=1, id_tag="T", meter_start=0,
                                                    timestamp=iso(wrong)))
        await cp.call(call.StopTransaction(transaction_id=start.transaction_id, meter_stop=10,
                                           timestamp=iso(wrong + timedelta(minutes=30))))
        async with api_client(server, tenant) as api:
            session = (await api.get("/api/v1/sessions/", params={"station": station.identity})
                       ).json()["results"][0]
    now = datetime.now(UTC)
    started = datetime.fromisoformat(session["started_at"])
    stopped = datetime.fromisoformat(session["stopped_at"])
    assert now - timedelta(minutes=1) < started <= stopped <= now
    assert session["station_started_at"].startswith("2037-01-01T00:00:00")


async def test_an_offline_session_sent_later_keeps_the_stations_times(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "T")
    began = datetime.now(UTC) - timedelta(hours=3)
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.call(call.StartTransaction(connector_id=1, id_tag="T", meter_start=0,
                                                    timestamp=iso(began)))
        await cp.call(call.StopTransaction(transaction_id=start.transaction_id, meter_stop=10,
                                           timestamp=iso(began + timedelta(hours=1))))
    session = ChargingSession.objects.get(station=station)
    assert session.started_at == began
    assert session.stop_received_at - session.stopped_at > timedelta(hours=1)


async def test_data_transfer_and_status_notifications_of_diagnostics_and_firmware(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        result = await cp.call(call.DataTransfer(vendor_id="com.acme", message_id="x", data="1"))
        assert result.status == "UnknownVendorId"
        await cp.call(call.DiagnosticsStatusNotification(status="Uploaded"))
        await cp.call(call.FirmwareStatusNotification(status="Installing"))
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()

            async def data_transfer_frames():
                body = (await api.get(f"/api/v1/stations/{station.identity}/messages/",
                                      params={"action": "DataTransfer", "direction": "in"})).json()
                return body if body["results"] else None

            frames = await eventually(data_transfer_frames)
    assert (body["diagnostics_status"], body["firmware_status"]) == ("Uploaded", "Installing")
    assert frames["results"][0]["payload"] == {"vendorId": "com.acme", "messageId": "x",
                                               "data": "1"}
