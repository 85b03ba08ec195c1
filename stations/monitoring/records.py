"""What a station's monitoring tells us, recorded (docs/ocpp201.md, monitoring and events).

- Monitors are rows of the device model (`VariableMonitor`): set by us (what the station
  accepted, under the id it gave), cleared, or reported in NotifyMonitoringReport parts. A
  report replaces each reported variable's monitors; a report of every monitor, once complete,
  also drops the monitors it no longer named. Parts may come twice or out of order: they are
  counted as NotifyReport's are (the report's `DeviceReport`, stations/services/device_model.py).
- Events (NotifyEvent) are `StationEvent` rows, once per (station, eventId, timestamp); the
  fault rule (faults.py) decides what the affected connectors must show, and the signals to
  raise are returned to the caller, who raises them on the station's link."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from stations.models import (
    Component,
    Connector,
    DeviceReport,
    StationEvent,
    StationMonitoring,
    StatusEvent,
    Variable,
    VariableMonitor,
)
from stations.monitoring import faults
from stations.services import device_model
from stations.services.message_log import secret_variable

# A status a fault event made (or ended) is marked so in StatusEvent.info: what the connector
# reported itself before is the latest status without it.
FAULT_INFO, RESTORED_INFO = "NotifyEvent", "NotifyEvent cleared"
EVERY_MONITOR = "Monitoring"  # a DeviceReport's kind: GetMonitoringReport of everything
SOME_MONITORS = "MonitoringCustom"  # ... of some variables or criteria


@dataclass(frozen=True)
class Where:
    """A variable of a component (on an EVSE and a connector in it, when given)."""

    component: str
    variable: str
    component_instance: str = ""
    variable_instance: str = ""
    evse_id: int | None = None
    connector_id: int | None = None  # within its EVSE


@dataclass(frozen=True)
class ReportedMonitor:
    where: Where
    monitor_id: int
    type: str
    value: Decimal
    severity: int
    transaction: bool = False


def _variable(station_id: int, where: Where) -> Variable:
    component, _ = Component.objects.get_or_create(
        station_id=station_id, name=where.component, instance=where.component_instance,
        evse_id=where.evse_id, connector_id=where.connector_id)
    variable, _ = Variable.objects.get_or_create(component=component, name=where.variable,
                                                 instance=where.variable_instance)
    return variable


def _kept(monitor: ReportedMonitor) -> bool:
    return device_model._decimal(monitor.value) is not None and 0 <= monitor.severity <= 9


@transaction.atomic
def monitors_record(*, station_id: int, monitors: list[ReportedMonitor], preset: bool = False,
                    at: datetime | None = None) -> int:
    """Store monitors as the station holds them (an id it gave again replaces the old one, on
    whichever variable it was). `preset`: reported by the station, not set by us."""
    at, kept = at or timezone.now(), [m for m in monitors if _kept(m)]
    for monitor in kept:
        variable = _variable(station_id, monitor.where)
        VariableMonitor.objects.filter(variable__component__station_id=station_id,
                                       monitor_id=monitor.monitor_id).exclude(
            variable=variable).delete()
        defaults = {"type": monitor.type, "value": device_model._decimal(monitor.value),
                    "severity": monitor.severity, "transaction": monitor.transaction,
                    "updated_at": at}
        VariableMonitor.objects.update_or_create(
            variable=variable, monitor_id=monitor.monitor_id,
            defaults=defaults, create_defaults={**defaults, "preset": preset})
    return len(kept)


def monitors_forget(*, station_id: int, monitor_ids: list[int]) -> int:
    deleted, _ = VariableMonitor.objects.filter(variable__component__station_id=station_id,
                                                monitor_id__in=monitor_ids).delete()
    return deleted


@transaction.atomic
def monitoring_settings_record(*, station_id: int, base: str | None = None,
                               level: int | None = None) -> StationMonitoring:
    """A base or level the station accepted. FactoryDefault and HardWiredOnly remove the
    monitors we set (the station's own stay, perhaps inactive)."""
    settings, _ = StationMonitoring.objects.get_or_create(
        station_id=station_id, defaults={"updated_at": timezone.now()})
    if base is not None:
        settings.base = base
        if base in ("FactoryDefault", "HardWiredOnly"):
            VariableMonitor.objects.filter(variable__component__station_id=station_id,
                                           preset=False).delete()
    if level is not None:
        settings.level = level
    settings.updated_at = timezone.now()
    settings.save()
    return settings


@transaction.atomic
def monitoring_report_part_record(*, station_id: int, request_id: int, seq_no: int, tbc: bool,
                                  monitors: list[ReportedMonitor], at: datetime) -> DeviceReport:
    """One NotifyMonitoringReport part: its variables' monitors replaced by those it lists; the
    report counted as NotifyReport's parts are."""
    known = {m.monitor_id for m in VariableMonitor.objects.filter(
        variable__component__station_id=station_id)}
    for where in {m.where for m in monitors}:
        listed = [m.monitor_id for m in monitors if m.where == where]
        VariableMonitor.objects.filter(variable=_variable(station_id, where)).exclude(
            monitor_id__in=listed).delete()
    _record_known(station_id, monitors, known, at)
    report = device_model.device_report_part_record(
        station_id=station_id, request_id=request_id, seq_no=seq_no, tbc=tbc, report_data=[],
        at=at)
    if report.completed_at == at and report.kind == EVERY_MONITOR:
        VariableMonitor.objects.filter(variable__component__station_id=station_id,
                                       updated_at__lt=report.requested_at).delete()
    return report


def _record_known(station_id: int, monitors: list[ReportedMonitor], known: set[int],
                  at: datetime) -> None:
    """Monitors we knew keep their origin; the others are the station's own."""
    monitors_record(station_id=station_id, monitors=[m for m in monitors if m.monitor_id in known],
                    at=at)
    monitors_record(station_id=station_id, preset=True, at=at,
                    monitors=[m for m in monitors if m.monitor_id not in known])


# Events ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatusSignal:
    """A status the station's connector must show because of its events."""

    connector_id: int
    evse_id: int
    status: str
    error_code: str
    info: str


def _severity(station_id: int, monitor_id: int | None) -> int | None:
    if monitor_id is None:
        return None
    return (VariableMonitor.objects.filter(variable__component__station_id=station_id,
                                           monitor_id=monitor_id)
            .values_list("severity", flat=True).first())


def _row(station_id: int, fields: dict, seq_no: int, received_at: datetime) -> StationEvent:
    if secret_variable(fields["component"], fields["variable"]):
        fields = {**fields, "actual_value": ""}  # the station's password is never kept
    severity = _severity(station_id, fields.get("variable_monitoring_id"))
    relevant = faults.concerns_faults(component=fields["component"], variable=fields["variable"],
                                      trigger=fields["trigger"], severity=severity)
    return StationEvent(
        station_id=station_id, **fields, severity=severity, seq_no=seq_no,
        received_at=received_at,
        fault=relevant and faults.is_fault(
            variable=fields["variable"], actual_value=fields["actual_value"],
            trigger=fields["trigger"], cleared=fields["cleared"], severity=severity),
        connector_id=faults.connector_of(fields["evse_id"], fields["evse_connector_id"])
        if relevant else None)


@transaction.atomic
def station_events_record(*, station_id: int, events: list[dict], seq_no: int,
                          received_at: datetime) -> list[StatusSignal]:
    """Keep a NotifyEvent part's events (StationEvent fields each; a retransmitted one once)
    and return the statuses its connectors must show now."""
    rows = [_row(station_id, fields, seq_no, received_at) for fields in events]
    StationEvent.objects.bulk_create(rows, ignore_conflicts=True)
    touched = sorted({row.connector_id for row in rows if row.connector_id is not None})
    return [signal for connector_id in touched
            if (signal := _signal(station_id, connector_id)) is not None]


def _seen(row: StationEvent) -> faults.Seen:
    return faults.Seen(key=(row.component, row.component_instance, row.evse_id,
                            row.evse_connector_id, row.variable, row.variable_instance),
                       timestamp=row.timestamp, event_id=row.event_id, fault=row.fault,
                       tech_code=row.tech_code)


def _signal(station_id: int, connector_id: int) -> StatusSignal | None:
    """What the connector must show if it shows otherwise: Faulted while a fault is active; its
    own last status once the fault that made it Faulted ended."""
    seen = [_seen(row) for row in StationEvent.objects.filter(
        station_id=station_id, connector_id=connector_id)]
    fault = faults.active_fault(seen)
    shown = Connector.objects.filter(station_id=station_id, connector_id=connector_id).first()
    evse_id = shown.evse_id if shown and shown.evse_id is not None else connector_id
    if fault is not None:
        code = faults.error_code(fault.tech_code)
        if shown is None or (shown.status, shown.error_code) != ("Faulted", code):
            return StatusSignal(connector_id, evse_id, "Faulted", code, FAULT_INFO)
        return None
    if shown is None or not shown.info.startswith(FAULT_INFO) or shown.status != "Faulted":
        return None
    before = (StatusEvent.objects.filter(station_id=station_id, connector_id=connector_id)
              .exclude(info__startswith=FAULT_INFO).order_by("-received_at").first())
    return StatusSignal(connector_id, evse_id, before.status if before else "Available",
                        before.error_code if before else "NoError", RESTORED_INFO)
