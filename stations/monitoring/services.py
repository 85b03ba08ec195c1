"""What an operator asks of a 2.0.1 station's monitoring (docs/ocpp201.md, monitoring and
events): monitors set and cleared with a verdict per item, the monitoring base and level, and a
monitoring report whose parts (NotifyMonitoringReport) refill the stored monitors.

Long lists go out as several CALLs as the station's DeviceDataCtrlr.ItemsPerMessage and
BytesPerMessage of that message say (OCA N_18), as the device model's requests do
(stations/devicemodel/services.py). What the station accepted is recorded here (not by the raw
commands path, which refuses these messages). Async, raising `CommandFailed` as every station
command does."""

from asgiref.sync import sync_to_async

from stations.commands import requests as req
from stations.commands.sending import CommandInvalid, command_run
from stations.devicemodel.services import in_parts, report_asked
from stations.models import DeviceReport, Station
from stations.monitoring import records
from stations.services import device_model

MONITOR_TYPES = ("UpperThreshold", "LowerThreshold", "Delta", "Periodic", "PeriodicClockAligned")
BASES = ("All", "FactoryDefault", "HardWiredOnly")
CRITERIA = ("ThresholdMonitoring", "DeltaMonitoring", "PeriodicMonitoring")
SEVERITIES = range(10)  # 0 Danger .. 9 Debug
FORGOTTEN = ("Accepted", "NotFound")  # a monitor the station no longer has after a clear


def _where(ref: req.VariableRef) -> records.Where:
    return records.Where(component=ref.component, variable=ref.variable,
                         component_instance=ref.component_instance,
                         variable_instance=ref.variable_instance, evse_id=ref.evse_id,
                         connector_id=ref.connector_id)


def _accepted(results: tuple[req.MonitorResult, ...]) -> list[records.ReportedMonitor]:
    return [records.ReportedMonitor(
        where=_where(r.setting.variable), monitor_id=r.monitor_id, type=r.setting.type,
        value=r.setting.value, severity=r.setting.severity, transaction=r.setting.transaction)
        for r in results if r.status == "Accepted" and r.monitor_id is not None]


async def monitors_set(*, station: Station,
                       items: tuple[req.MonitorSetting, ...]) -> req.MonitorsSetReport:
    """SetVariableMonitoring: one result per monitor, in the order given; what the station
    accepted is stored under the id it gave."""
    reports = await in_parts(station, "SetVariableMonitoring", tuple(items),
                              lambda chunk: req.MonitorsSet(items=chunk))
    results = tuple(r for report in reports for r in report.results)
    await sync_to_async(records.monitors_record)(station_id=station.pk,
                                                 monitors=_accepted(results))
    status = next((r.status for r in results if r.status != "Accepted"), "Accepted")
    return req.MonitorsSetReport(action=reports[0].action, status=status, results=results,
                                 response={"setMonitoringResult": [
                                     i for r in reports
                                     for i in r.response.get("setMonitoringResult", [])]})


async def monitors_clear(*, station: Station,
                         monitor_ids: tuple[int, ...]) -> req.MonitorsClearReport:
    """ClearVariableMonitoring: a status per id (Accepted, Rejected, NotFound); the monitors
    the station no longer has are forgotten."""
    reports = await in_parts(station, "ClearVariableMonitoring", tuple(monitor_ids),
                              lambda chunk: req.MonitorsClear(monitor_ids=chunk))
    results = tuple(r for report in reports for r in report.results)
    await sync_to_async(records.monitors_forget)(
        station_id=station.pk, monitor_ids=[i for i, status in results if status in FORGOTTEN])
    status = next((s for _, s in results if s != "Accepted"), "Accepted")
    return req.MonitorsClearReport(action=reports[0].action, status=status, results=results,
                                   response={"clearMonitoringResult": [
                                       {"id": i, "status": s} for i, s in results]})


async def monitoring_base_set(*, station: Station, base: str) -> req.CommandResult:
    if base not in BASES:
        raise CommandInvalid(f"A monitoring base is one of {', '.join(BASES)}.")
    result = await command_run(station, req.MonitoringBaseSet(base=base))
    if result.status == "Accepted":
        await sync_to_async(records.monitoring_settings_record)(station_id=station.pk, base=base)
    return result


async def monitoring_level_set(*, station: Station, severity: int) -> req.CommandResult:
    if severity not in SEVERITIES:
        raise CommandInvalid("A monitoring level is a severity from 0 (Danger) to 9 (Debug).")
    result = await command_run(station, req.MonitoringLevelSet(severity=severity))
    if result.status == "Accepted":
        await sync_to_async(records.monitoring_settings_record)(station_id=station.pk,
                                                                level=severity)
    return result


async def monitoring_report_request(*, station: Station,
                                    variables: tuple[req.VariableRef, ...] = (),
                                    criteria: tuple[str, ...] = ()) -> DeviceReport:
    """GetMonitoringReport: a DeviceReport under a new requestId with the station's answer as
    its status; its parts replace the monitors they name as they come."""
    if station.ocpp_version != "2.0.1":
        raise CommandInvalid("Only an OCPP 2.0.1 station has variable monitors.")
    kind = records.SOME_MONITORS if variables or criteria else records.EVERY_MONITOR
    report = await sync_to_async(device_model.device_report_open)(station_id=station.pk,
                                                                  kind=kind)
    request = req.MonitoringReportGet(request_id=report.request_id, variables=tuple(variables),
                                      criteria=tuple(criteria))
    return await report_asked(station, report, request)
