"""What an operator asks of a 2.0.1 station's device model: reports (GetBaseReport, GetReport)
and variables read or set with a verdict per attribute (docs/domain-model.md, the device model).

A station says in its device model how many items one GetVariables or SetVariables may carry
and how long the message may be (DeviceDataCtrlr.ItemsPerMessage and BytesPerMessage of that
instance, OCA B_08): a longer request goes out as several CALLs, one after the other, and their
results come back as one report. What the answers tell is recorded
by the command path itself (`device_model_record_answer`), so these services only send.
They are async (the callers wait for a station in an event loop) and raise `CommandFailed` as
every station command does."""

import json

from asgiref.sync import sync_to_async

from stations.commands import requests as req
from stations.commands.sending import (
    CommandFailed,
    CommandInvalid,
    StationAnsweredError,
    StationTimedOut,
    command_run,
    translator_for,
)
from stations.devicemodel.selectors import bytes_per_message, items_per_message
from stations.models import DeviceReport, Station
from stations.services import device_model

REPORT_BASES = ("ConfigurationInventory", "FullInventory", "SummaryInventory")
COMPONENT_CRITERIA = ("Active", "Available", "Enabled", "Problem")
CUSTOM = "Custom"  # a GetReport's kind


def _frame_bytes(station: Station, request) -> int:
    """How long the CALL of `request` is on the wire (a unique id of the longest kind)."""
    action, payload = translator_for(station).call_of(request)
    return len(json.dumps([2, "u" * 36, action, payload], separators=(",", ":")).encode())


def _chunks(station: Station, items: tuple, make, count: int | None,
            size: int | None) -> list[tuple]:
    """`items` in runs of at most `count` whose CALL is at most `size` bytes (an item too long
    on its own still goes, alone: the station says what it thinks of it)."""
    chunks: list[tuple] = [()]
    for item in items:
        grown = chunks[-1] + (item,)
        too_many = count is not None and len(grown) > count
        too_long = size is not None and len(grown) > 1 and _frame_bytes(station, make(grown)) > size
        if too_many or too_long:
            chunks.append((item,))
        else:
            chunks[-1] = grown
    return chunks


async def in_parts(station: Station, action: str, items: tuple, make) -> list[req.VariablesReport]:
    """Send `items` with `action` in as many CALLs as the station's ItemsPerMessage and
    BytesPerMessage allow (`make` builds one CALL's request); each CALL's report, in order.
    Shared by the device model's Get/SetVariables and the monitoring commands."""
    count = await sync_to_async(items_per_message)(station_id=station.pk, action=action)
    size = await sync_to_async(bytes_per_message)(station_id=station.pk, action=action)
    try:
        chunks = _chunks(station, items, make, count, size)
    except (TypeError, ValueError):  # a version without the message: command_run says so
        chunks = [items]
    return [await command_run(station, make(chunk)) for chunk in chunks]


def _joined(reports: list[req.VariablesReport], kind: type, key: str) -> req.VariablesReport:
    results = tuple(result for report in reports for result in report.results)
    status = next((r.status for r in results if r.status != "Accepted"), "Accepted")
    return kind(action=reports[0].action, status=status, results=results,
                response={key: [item for report in reports
                                for item in report.response.get(key, [])]})


async def variables_get(*, station: Station,
                        items: tuple[req.VariableRef, ...]) -> req.VariablesReport:
    """Read the attributes named; one result per attribute, in the order asked."""
    reports = await in_parts(station, "GetVariables", tuple(items),
                              lambda chunk: req.VariablesGet(items=chunk))
    return _joined(reports, req.VariablesReport, "getVariableResult")


async def variables_set(*, station: Station,
                        items: tuple[req.VariableSetting, ...]) -> req.VariablesSetReport:
    """Set the attributes given; one result per attribute. What the station accepted is the
    attribute's value in the stored model from now on."""
    reports = await in_parts(station, "SetVariables", tuple(items),
                              lambda chunk: req.VariablesSet(items=chunk))
    return _joined(reports, req.VariablesSetReport, "setVariableResult")


# Why a report request got no status from the station, as its DeviceReport keeps it.
UNANSWERED = {StationTimedOut: "NoAnswer", StationAnsweredError: "CallError"}


async def report_request(*, station: Station, report_base: str = "",
                         variables: tuple[req.VariableRef, ...] = (),
                         criteria: tuple[str, ...] = ()) -> DeviceReport:
    """Ask for a base report (`report_base`) or a custom one (the variables and/or component
    criteria): a DeviceReport under a new requestId, with the station's answer as its status.
    The parts it then sends (NotifyReport) fill the device model as they come."""
    if station.ocpp_version != "2.0.1":
        raise CommandInvalid("Only an OCPP 2.0.1 station reports its device model; a 1.6 "
                             "station's configuration is read with GetConfiguration.")
    report = await sync_to_async(device_model.device_report_open)(
        station_id=station.pk, kind=report_base or CUSTOM)
    request = (req.BaseReportGet(request_id=report.request_id, report_base=report_base)
               if report_base else req.ReportGet(request_id=report.request_id,
                                                 variables=tuple(variables),
                                                 criteria=tuple(criteria)))
    return await report_asked(station, report, request)


async def report_asked(station: Station, report: DeviceReport, request) -> DeviceReport:
    """Send the request of an opened report; the report with the station's answer as its
    status (a request that never reached the station leaves no report behind)."""
    try:
        result = await command_run(station, request)
    except CommandFailed as failure:
        status = UNANSWERED.get(type(failure))
        if status is None:  # nothing reached the station: no report to wait for
            await DeviceReport.objects.filter(pk=report.pk).adelete()
        else:
            await sync_to_async(device_model.device_report_answered)(report_id=report.pk,
                                                                     status=status)
        raise
    await sync_to_async(device_model.device_report_answered)(report_id=report.pk,
                                                             status=result.status)
    return await DeviceReport.objects.aget(pk=report.pk)
