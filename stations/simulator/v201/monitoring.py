"""The simulated 2.0.1 station's monitoring (block N): monitors on its device model's
variables (SetVariableMonitoring, ClearVariableMonitoring), its monitoring base and level, the
monitoring report in NotifyMonitoringReport parts of `items_per_message` monitors, and helpers
that send NotifyEvent as a station does when a monitor fires or a fault comes and goes
(docs/ocpp201.md, monitoring and events: what the backend does with them)."""

from dataclasses import dataclass

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.simulator.core import utcnow
from stations.simulator.v201.core import camel
from stations.simulator.v201.device_model import (
    Key,
    Variable,
    component_of,
    key_of,
    variable_of,
)

TYPES = ("UpperThreshold", "LowerThreshold", "Delta", "Periodic", "PeriodicClockAligned")
CRITERIA = {"ThresholdMonitoring": ("UpperThreshold", "LowerThreshold"),
            "DeltaMonitoring": ("Delta",),
            "PeriodicMonitoring": ("Periodic", "PeriodicClockAligned")}
TRIGGERS = {"UpperThreshold": "Alerting", "LowerThreshold": "Alerting", "Delta": "Delta",
            "Periodic": "Periodic", "PeriodicClockAligned": "Periodic"}
HARD_WIRED, PRECONFIGURED, CUSTOM = "HardWiredMonitor", "PreconfiguredMonitor", "CustomMonitor"


@dataclass
class Monitor:
    key: Key
    type: str
    value: float
    severity: int
    transaction: bool = False
    kind: str = CUSTOM  # HardWiredMonitor, PreconfiguredMonitor or CustomMonitor

    def data(self, monitor_id: int) -> dict:
        return {"id": monitor_id, "transaction": self.transaction, "value": self.value,
                "type": self.type, "severity": self.severity}


class MonitoringStation201:
    """SetVariableMonitoring, ClearVariableMonitoring, SetMonitoringBase, SetMonitoringLevel,
    GetMonitoringReport; `fire`, `problem`, `events` send NotifyEvent."""

    monitoring_items_per_message = 4  # DeviceDataCtrlr.ItemsPerMessage of the monitoring messages

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.monitors: dict[int, Monitor] = self.initial_monitors()
        self.monitoring_base, self.monitoring_level = "All", 9
        self.monitoring_reports: list[dict] = []  # every NotifyMonitoringReport part sent
        self.events_sent: list[dict] = []  # every NotifyEvent payload sent (camelCase)
        for kind in ("SetVariableMonitoring", "ClearVariableMonitoring"):
            self.device_model[("DeviceDataCtrlr", None, None, None, "ItemsPerMessage", kind)] = \
                Variable(str(self.monitoring_items_per_message), "ReadOnly", "integer")

    def initial_monitors(self) -> dict[int, Monitor]:
        """A hard-wired monitor on EVSE 1's power and a preconfigured one on the station's
        availability, as stations ship with."""
        return {1: Monitor(("EVSE", None, 1, None, "Power", None), "UpperThreshold", 22000, 1,
                           kind=HARD_WIRED),
                2: Monitor(("ChargingStation", None, None, None, "AvailabilityState", None),
                           "Delta", 1, 5, kind=PRECONFIGURED)}

    # Monitors --------------------------------------------------------------------------------
    @on(Action.set_variable_monitoring)
    async def on_set_variable_monitoring(self, set_monitoring_data, **kwargs):
        self.received.append(("SetVariableMonitoring", {"set_monitoring_data": set_monitoring_data}))
        return call_result.SetVariableMonitoring(
            set_monitoring_result=[self._set_monitor(item) for item in set_monitoring_data])

    def _set_monitor(self, item: dict) -> dict:
        result = {"type": item["type"], "severity": item["severity"],
                  "component": camel(item["component"]), "variable": camel(item["variable"])}
        status, variable = self._lookup(item["component"], item["variable"])
        key = key_of(item["component"], item["variable"])
        if variable is not None:
            status = self._monitor_status(key, variable, item)
        if status == "Accepted":
            monitor_id = item.get("id") or max(self.monitors, default=0) + 1
            self.monitors[monitor_id] = Monitor(key, item["type"], item["value"],
                                                item["severity"], item.get("transaction", False))
            result["id"] = monitor_id
        return {**result, "status": status}

    def _monitor_status(self, key: Key, variable, item: dict) -> str:
        if item["type"] not in TYPES:
            return "UnsupportedMonitorType"
        if item.get("id") is not None and item["id"] not in self.monitors:
            return "Rejected"
        if item["type"] in ("UpperThreshold", "LowerThreshold") and variable.max is not None \
                and not (variable.min or 0) <= item["value"] <= variable.max:
            return "OutOfRange"
        if any(m.key == key and m.type == item["type"] and m.severity == item["severity"]
               and i != item.get("id") for i, m in self.monitors.items()):
            return "Duplicate"
        return "Accepted"

    @on(Action.clear_variable_monitoring)
    async def on_clear_variable_monitoring(self, id, **kwargs):
        self.received.append(("ClearVariableMonitoring", {"id": id}))
        return call_result.ClearVariableMonitoring(
            clear_monitoring_result=[{"id": i, "status": self._clear(i)} for i in id])

    def _clear(self, monitor_id: int) -> str:
        monitor = self.monitors.get(monitor_id)
        if monitor is None:
            return "NotFound"
        if monitor.kind == HARD_WIRED:
            return "Rejected"
        del self.monitors[monitor_id]
        return "Accepted"

    @on(Action.set_monitoring_base)
    async def on_set_monitoring_base(self, monitoring_base, **kwargs):
        self.received.append(("SetMonitoringBase", {"monitoring_base": monitoring_base}))
        if monitoring_base in ("FactoryDefault", "HardWiredOnly"):
            self.monitors = {i: m for i, m in self.monitors.items() if m.kind != CUSTOM}
        if monitoring_base == "FactoryDefault":
            self.monitors |= self.initial_monitors()
        self.monitoring_base = monitoring_base
        return call_result.SetMonitoringBase(status="Accepted")

    @on(Action.set_monitoring_level)
    async def on_set_monitoring_level(self, severity, **kwargs):
        self.received.append(("SetMonitoringLevel", {"severity": severity}))
        if not 0 <= severity <= 9:
            return call_result.SetMonitoringLevel(status="Rejected")
        self.monitoring_level = severity
        return call_result.SetMonitoringLevel(status="Accepted")

    def active_monitors(self) -> dict[int, Monitor]:
        """What the base leaves active: HardWiredOnly disables the preconfigured ones."""
        if self.monitoring_base == "HardWiredOnly":
            return {i: m for i, m in self.monitors.items() if m.kind == HARD_WIRED}
        return dict(self.monitors)

    # Reports ---------------------------------------------------------------------------------
    @on(Action.get_monitoring_report)
    async def on_get_monitoring_report(self, request_id, monitoring_criteria=None,
                                       component_variable=None, **kwargs):
        self.received.append(("GetMonitoringReport", {
            "request_id": request_id, "monitoring_criteria": monitoring_criteria,
            "component_variable": component_variable}))
        types = {t for c in monitoring_criteria or CRITERIA for t in CRITERIA[c]}
        chosen = {i: m for i, m in self.active_monitors().items() if m.type in types
                  and _names(m.key, component_variable)}
        if not chosen:
            return call_result.GetMonitoringReport(status="EmptyResultSet")
        self.soon(self.notify_monitoring_report, request_id, chosen)
        return call_result.GetMonitoringReport(status="Accepted")

    async def notify_monitoring_report(self, request_id: int, chosen: dict[int, Monitor]) -> None:
        """Parts of `monitoring_items_per_message` variables, seqNo from 0, tbc on all but the last."""
        by_key: dict[Key, list[dict]] = {}
        for monitor_id, monitor in sorted(chosen.items()):
            by_key.setdefault(monitor.key, []).append(monitor.data(monitor_id))
        data = [{"component": component_of(k), "variable": variable_of(k),
                 "variableMonitoring": m} for k, m in by_key.items()]
        size = self.monitoring_items_per_message
        parts = [data[i:i + size] for i in range(0, len(data), size)]
        for seq_no, part in enumerate(parts):
            payload = {"requestId": request_id, "seqNo": seq_no, "tbc": seq_no < len(parts) - 1,
                       "monitor": part}
            self.monitoring_reports.append(payload)
            await self.call(call.NotifyMonitoringReport(
                request_id=request_id, seq_no=seq_no, generated_at=utcnow(), monitor=part,
                tbc=payload["tbc"]))

    # Events ----------------------------------------------------------------------------------
    def event(self, key: Key, actual_value: str, *, trigger: str = "Delta",
              notification: str = "HardWiredNotification", **fields) -> dict:
        """One EventDataType (camelCase) of the variable at `key`; `fields` add cleared,
        techCode, techInfo, transactionId, variableMonitoringId, cause, eventId, timestamp."""
        self._event_ids = getattr(self, "_event_ids", 0) + 1
        return {"eventId": self._event_ids, "timestamp": utcnow(), "trigger": trigger,
                "actualValue": actual_value, "eventNotificationType": notification,
                "component": component_of(key), "variable": variable_of(key), **fields}

    async def events(self, event_data: list[dict], parts: int = 1) -> None:
        """NotifyEvent of these events in `parts` messages (seqNo from 0, tbc on all but the last)."""
        size = -(-len(event_data) // parts)
        chunks = [event_data[i:i + size] for i in range(0, len(event_data), size)]
        generated_at = utcnow()
        for seq_no, chunk in enumerate(chunks):
            payload = {"generatedAt": generated_at, "seqNo": seq_no, "eventData": chunk,
                       "tbc": seq_no < len(chunks) - 1}
            self.events_sent.append(payload)
            await self.call(call.NotifyEvent(generated_at=generated_at, seq_no=seq_no,
                                             event_data=chunk, tbc=payload["tbc"]))

    async def fire(self, monitor_id: int, actual_value: str, *, cleared: bool = False,
                   **fields) -> dict:
        """The monitor fires (or its condition clears): the event it makes, sent."""
        monitor = self.monitors[monitor_id]
        event = self.event(monitor.key, actual_value, trigger=TRIGGERS[monitor.type],
                           notification=monitor.kind, variableMonitoringId=monitor_id,
                           **({"cleared": True} if cleared else {}), **fields)
        await self.events([event])
        return event

    async def problem(self, evse_id: int, connector_id: int = 1, *, cleared: bool = False,
                    tech_code: str = "GroundFault") -> dict:
        """Connector.Problem set (or, cleared, unset) on the EVSE's connector."""
        key = ("Connector", None, evse_id, connector_id, "Problem", None)
        event = self.event(key, "false" if cleared else "true",
                           **({"cleared": True} if cleared else {"techCode": tech_code}))
        await self.events([event])
        return event


def _names(key: Key, component_variable: list[dict] | None) -> bool:
    """Whether the GetMonitoringReport's componentVariable list (if any) names this variable."""
    if not component_variable:
        return True
    for wanted in component_variable:
        component, variable = wanted["component"], wanted.get("variable")
        evse = component.get("evse") or {}
        if component["name"] != key[0] or ("id" in evse and evse["id"] != key[2]):
            continue
        if variable is None or variable["name"] == key[4]:
            return True
    return False
