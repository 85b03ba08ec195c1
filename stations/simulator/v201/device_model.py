"""The simulated station's device model: components (optionally on an EVSE or connector) with
variables, answered through GetVariables / SetVariables per item and reported through
GetBaseReport / GetReport as NotifyReport parts (seqNo, tbc), `DeviceDataCtrlr.ItemsPerMessage`
items each. A few variables act: `OCPPCommCtrlr.HeartbeatInterval` is the heartbeat,
`SecurityCtrlr.BasicAuthPassword` the password the station will use next, and
`SetNetworkProfile` fills a configuration slot. (docs/architecture.md §7: how the backend
assembles the reports and splits its requests.)"""

import asyncio
from dataclasses import dataclass, field

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.simulator.core import utcnow
from stations.simulator.v201.core import camel

# (component, component instance, evse id, connector id, variable, variable instance)
Key = tuple[str, str | None, int | None, int | None, str, str | None]


@dataclass
class Variable:
    value: str
    mutability: str = "ReadWrite"  # ReadOnly / WriteOnly / ReadWrite
    data_type: str = "string"  # string, decimal, integer, dateTime, boolean, OptionList, ...
    unit: str | None = None
    values_list: str | None = None
    min: int | None = None
    max: int | None = None
    reboot_required: bool = False
    extra: dict = field(default_factory=dict)  # Target / MinSet / MaxSet values, if any


def key_of(component: dict, variable: dict) -> Key:
    """The key of a ComponentType / VariableType as the ocpp package hands them (snake_case)."""
    evse = component.get("evse") or {}
    return (component["name"], component.get("instance"), evse.get("id"),
            evse.get("connector_id"), variable["name"], variable.get("instance"))


def component_of(key: Key) -> dict:
    name, instance, evse_id, connector_id, _, _ = key
    component: dict = {"name": name}
    if instance is not None:
        component["instance"] = instance
    if evse_id is not None:
        component["evse"] = {"id": evse_id}
        if connector_id is not None:
            component["evse"]["connectorId"] = connector_id
    return component


def variable_of(key: Key) -> dict:
    return {"name": key[4], **({"instance": key[5]} if key[5] is not None else {})}


class DeviceModelStation:
    """GetVariables, SetVariables, GetBaseReport, GetReport, SetNetworkProfile."""

    items_per_message = 8  # DeviceDataCtrlr.ItemsPerMessage (GetReport, GetVariables, SetVariables)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device_model: dict[Key, Variable] = self.initial_device_model()
        self.network_profiles: dict[int, dict] = {}
        self.reports: list[dict] = []  # every NotifyReport part sent (camelCase payloads)

    def initial_device_model(self) -> dict[Key, Variable]:
        n, states = str(self.items_per_message), "Available,Occupied,Reserved,Unavailable,Faulted"
        rows: list[tuple[str, str, str | None, Variable]] = [
            ("ChargingStation", "AvailabilityState", None, ro("Available", "OptionList", states)),
            ("ChargingStation", "Model", None, ro(self.model)),
            ("ChargingStation", "VendorName", None, ro(self.vendor)),
            ("ChargingStation", "SupplyPhases", None, ro("3", "integer")),
            ("ClockCtrlr", "DateTime", None, ro(utcnow(), "dateTime")),
            ("ClockCtrlr", "TimeSource", None,
             rw("Heartbeat", "SequenceList", values="Heartbeat,NTP,GPS,RealTimeClock")),
            *[("DeviceDataCtrlr", "ItemsPerMessage", kind, ro(n, "integer")) for kind in MESSAGES],
            *[("DeviceDataCtrlr", "BytesPerMessage", kind, ro("65000", "integer"))
              for kind in MESSAGES],
            ("OCPPCommCtrlr", "HeartbeatInterval", None, rw("300", "integer", "s", 1, 86400)),
            ("OCPPCommCtrlr", "NetworkConfigurationPriority", None,
             rw("1", "SequenceList", values="0,1,2,3")),
            ("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", None, rw("3", "integer", None, 1, 100)),
            ("OCPPCommCtrlr", "OfflineThreshold", None, rw("60", "integer", "s", 0, 86400)),
            ("OCPPCommCtrlr", "MessageTimeout", "Default", rw("30", "integer", "s", 1, 600)),
            ("OCPPCommCtrlr", "MessageAttempts", "TransactionEvent", rw("3", "integer", None, 0, 10)),
            ("OCPPCommCtrlr", "MessageAttemptInterval", "TransactionEvent",
             rw("10", "integer", "s", 0, 3600)),
            ("OCPPCommCtrlr", "ResetRetries", None, rw("2", "integer", None, 0, 10)),
            ("SecurityCtrlr", "BasicAuthPassword", None,
             Variable("", "WriteOnly", "string", min=16, max=40)),
            ("SecurityCtrlr", "Identity", None, ro(self.id)),
            ("SecurityCtrlr", "OrganizationName", None, rw("Simulator")),
            ("SecurityCtrlr", "SecurityProfile", None, ro("1", "integer")),
            ("SecurityCtrlr", "CertificateEntries", None, ro("0", "integer")),
            ("SampledDataCtrlr", "Enabled", None, rw("true", "boolean")),
            ("SampledDataCtrlr", "TxStartedMeasurands", None, rw(ENERGY, "MemberList", values=MEASURANDS)),
            ("SampledDataCtrlr", "TxUpdatedMeasurands", None,
             rw(f"{ENERGY},Power.Active.Import,Current.Import,Voltage", "MemberList", values=MEASURANDS)),
            ("SampledDataCtrlr", "TxEndedMeasurands", None, rw(ENERGY, "MemberList", values=MEASURANDS)),
            ("SampledDataCtrlr", "TxUpdatedInterval", None, rw("60", "integer", "s", 0, 86400)),
            ("SampledDataCtrlr", "TxEndedInterval", None, rw("0", "integer", "s", 0, 86400)),
            ("AlignedDataCtrlr", "Interval", None, rw("900", "integer", "s", 0, 86400)),
            ("AlignedDataCtrlr", "Measurands", None, rw(ENERGY, "MemberList", values=MEASURANDS)),
            ("TxCtrlr", "EVConnectionTimeOut", None, rw("120", "integer", "s", 0, 3600)),
            ("TxCtrlr", "StopTxOnEVSideDisconnect", None, rw("true", "boolean")),
            ("TxCtrlr", "StopTxOnInvalidId", None, rw("true", "boolean")),
            ("TxCtrlr", "TxStartPoint", None, rw("PowerPathClosed", "MemberList", values=TX_POINTS)),
            ("TxCtrlr", "TxStopPoint", None, rw("EVConnected,Authorized", "MemberList", values=TX_POINTS)),
            ("AuthCtrlr", "Enabled", None, rw("true", "boolean")),
            ("AuthCtrlr", "AuthorizeRemoteStart", None, rw("false", "boolean")),
            ("AuthCtrlr", "LocalAuthorizeOffline", None, rw("true", "boolean")),
            ("AuthCtrlr", "LocalPreAuthorize", None, rw("false", "boolean")),
            ("AuthCacheCtrlr", "Enabled", None, rw("true", "boolean")),
            ("AuthCacheCtrlr", "LifeTime", None, rw("86400", "integer", "s", 0, 31536000)),
            ("AuthCacheCtrlr", "Policy", None, rw("LRU", "OptionList", values="LRU,LFU,FIFO,CUSTOM")),
            ("AuthCacheCtrlr", "Storage", None, ro("64000", "integer")),
            ("AuthCacheCtrlr", "DisablePostAuthorize", None, rw("false", "boolean")),
            ("LocalAuthListCtrlr", "Enabled", None, rw("true", "boolean")),
            ("LocalAuthListCtrlr", "Storage", None, ro("256000", "integer")),
            ("LocalAuthListCtrlr", "DisablePostAuthorize", None, rw("false", "boolean")),
            ("LocalAuthListCtrlr", "Entries", None, ro("0", "integer")),
            ("LocalAuthListCtrlr", "ItemsPerMessage", None, ro("50", "integer")),
            ("LocalAuthListCtrlr", "BytesPerMessage", None, ro("65000", "integer")),
            ("SmartChargingCtrlr", "Enabled", None, rw("true", "boolean")),
            ("SmartChargingCtrlr", "RateUnit", None, ro("A,W", "MemberList", "A,W")),
            ("SmartChargingCtrlr", "PeriodsPerSchedule", None, ro("24", "integer")),
            ("SmartChargingCtrlr", "ProfileStackLevel", None, ro("8", "integer")),
            ("SmartChargingCtrlr", "Entries", "ChargingProfiles", ro("0", "integer")),
            ("TariffCostCtrlr", "Enabled", "Tariff", rw("true", "boolean")),
            ("TariffCostCtrlr", "Enabled", "Cost", rw("true", "boolean")),
            ("TariffCostCtrlr", "Currency", None, rw("EUR")),
            ("TariffCostCtrlr", "TariffFallbackMessage", None, rw("")),
        ]
        model: dict[Key, Variable] = {
            (component, None, None, None, variable, instance): value
            for component, variable, instance, value in rows}
        for evse_id, evse in self.evses.items():
            model[("EVSE", None, evse_id, None, "AvailabilityState", None)] = \
                ro("Available", "OptionList", states)
            model[("EVSE", None, evse_id, None, "Power", None)] = Variable(
                "22000", "ReadOnly", "decimal", "W", extra={"MaxSet": "22000"})
            for connector_id in evse.connectors:
                model[("Connector", None, evse_id, connector_id, "AvailabilityState", None)] = \
                    ro("Available", "OptionList", states)
                model[("Connector", None, evse_id, connector_id, "ConnectorType", None)] = \
                    Variable("cType2", "ReadOnly")
        return model

    def variable(self, component: str, variable: str, instance: str | None = None,
                 evse_id: int | None = None, connector_id: int | None = None) -> str:
        """A variable's Actual value, e.g. `cp.variable("OCPPCommCtrlr", "HeartbeatInterval")`."""
        return self.device_model[(component, None, evse_id, connector_id, variable, instance)].value

    async def run_sampling(self, evse_id: int, energy_per_sample_wh: int = 500) -> int:
        """Periodic meter values as the device model says: a TransactionEvent Updated every
        `SampledDataCtrlr.TxUpdatedInterval` seconds while the EVSE's transaction runs (0: none).
        Returns the samples sent."""
        sent, evse = 0, self.evses[evse_id]
        while evse.transaction_id is not None:
            interval = int(self.variable("SampledDataCtrlr", "TxUpdatedInterval"))
            if interval <= 0:
                break
            await asyncio.sleep(interval)
            if evse.transaction_id is None:
                break
            await self.meter_values(evse_id, energy_per_sample_wh)
            sent += 1
        return sent

    def _boot_result(self, result) -> None:
        super()._boot_result(result)
        self.device_model[("OCPPCommCtrlr", None, None, None, "HeartbeatInterval", None)].value = \
            str(result.interval)

    # GetVariables / SetVariables ---------------------------------------------------------
    def _lookup(self, component: dict, variable: dict) -> tuple[str, Variable | None]:
        key = key_of(component, variable)
        if key in self.device_model:
            return "Accepted", self.device_model[key]
        if not any(k[:4] == key[:4] for k in self.device_model):
            return "UnknownComponent", None
        return "UnknownVariable", None

    @on(Action.get_variables)
    async def on_get_variables(self, get_variable_data, **kwargs):
        self.received.append(("GetVariables", {"get_variable_data": get_variable_data}))
        results = []
        for item in get_variable_data:
            attribute = item.get("attribute_type") or "Actual"
            status, variable = self._lookup(item["component"], item["variable"])
            result = {"attribute_status": status, "attribute_type": attribute,
                      "component": camel(item["component"]), "variable": camel(item["variable"])}
            if variable is not None:
                value = variable.value if attribute == "Actual" else variable.extra.get(attribute)
                if value is None:
                    result["attribute_status"] = "NotSupportedAttributeType"
                elif variable.mutability == "WriteOnly":
                    result["attribute_status"] = "Rejected"
                else:
                    result["attribute_value"] = value
            results.append(result)
        return call_result.GetVariables(get_variable_result=results)

    @on(Action.set_variables)
    async def on_set_variables(self, set_variable_data, **kwargs):
        self.received.append(("SetVariables", {"set_variable_data": set_variable_data}))
        results = []
        for item in set_variable_data:
            attribute = item.get("attribute_type") or "Actual"
            status, variable = self._lookup(item["component"], item["variable"])
            if variable is not None:
                status = self._set(key_of(item["component"], item["variable"]), variable,
                                   attribute, item["attribute_value"])
            results.append({"attribute_status": status, "attribute_type": attribute,
                            "component": camel(item["component"]),
                            "variable": camel(item["variable"])})
        return call_result.SetVariables(set_variable_result=results)

    def _set(self, key: Key, variable: Variable, attribute: str, value: str) -> str:
        if attribute != "Actual":
            return "NotSupportedAttributeType"
        if variable.mutability == "ReadOnly" or not _valid(variable, value):
            return "Rejected"
        variable.value = value
        if key[0] == "OCPPCommCtrlr" and key[4] == "HeartbeatInterval":
            self.heartbeat_interval = int(value)
        if key[0] == "SecurityCtrlr" and key[4] == "BasicAuthPassword":
            self.password = value
        return "RebootRequired" if variable.reboot_required else "Accepted"

    # Reports -----------------------------------------------------------------------------
    @on(Action.get_base_report)
    async def on_get_base_report(self, request_id, report_base, **kwargs):
        self.received.append(("GetBaseReport", {"request_id": request_id,
                                                "report_base": report_base}))
        if report_base == "ConfigurationInventory":
            keys = [k for k, v in self.device_model.items() if v.mutability != "ReadOnly"]
        elif report_base == "SummaryInventory":
            keys = [k for k in self.device_model if k[4] == "AvailabilityState"]
        else:
            keys = list(self.device_model)
        self.soon(self.notify_report, request_id, keys)
        return call_result.GetBaseReport(status="Accepted")

    @on(Action.get_report)
    async def on_get_report(self, request_id, component_variable=None, component_criteria=None,
                            **kwargs):
        self.received.append(("GetReport", {"request_id": request_id,
                                            "component_variable": component_variable,
                                            "component_criteria": component_criteria}))
        keys = [k for k in self.device_model
                if _selected(k, component_variable) and self._meets(k, component_criteria)]
        if not keys:
            return call_result.GetReport(status="EmptyResultSet")
        self.soon(self.notify_report, request_id, keys)
        return call_result.GetReport(status="Accepted")

    def _meets(self, key: Key, criteria: list[str] | None) -> bool:
        """A component meets a criterion (Active, Available, Enabled, Problem) when it has the
        variable of that name set to true (AvailabilityState stands for Available)."""
        if not criteria:
            return True
        for criterion in criteria:
            flag = self.device_model.get((*key[:4], criterion, None))
            if flag is not None and flag.value == "true":
                return True
            state = self.device_model.get((*key[:4], "AvailabilityState", None))
            if criterion == "Available" and state is not None and state.value == "Available":
                return True
        return False

    async def notify_report(self, request_id: int, keys: list[Key]) -> None:
        """NotifyReport parts of `items_per_message` variables, seqNo from 0, tbc on all but the last."""
        size = self.items_per_message
        parts = [keys[i:i + size] for i in range(0, len(keys), size)] or [[]]
        generated_at = utcnow()
        for seq_no, part in enumerate(parts):
            report = [self._report_data(k) for k in part]
            self.reports.append({"requestId": request_id, "seqNo": seq_no, "reportData": report,
                                 "tbc": seq_no < len(parts) - 1})
            await self.call(call.NotifyReport(
                request_id=request_id, generated_at=generated_at, seq_no=seq_no,
                report_data=report or None, tbc=seq_no < len(parts) - 1))

    def _report_data(self, key: Key) -> dict:
        variable = self.device_model[key]
        actual = {"type": "Actual", "mutability": variable.mutability}
        if variable.mutability != "WriteOnly":
            actual["value"] = variable.value
        attributes = [actual] + [{"type": t, "value": v, "mutability": "ReadOnly"}
                                 for t, v in variable.extra.items()]
        characteristics = {"dataType": variable.data_type, "supportsMonitoring": False}
        if variable.unit:
            characteristics["unit"] = variable.unit
        if variable.values_list:
            characteristics["valuesList"] = variable.values_list
        if variable.max is not None and variable.data_type in ("integer", "decimal"):
            characteristics["maxLimit"] = variable.max
        return {"component": component_of(key), "variable": variable_of(key),
                "variableAttribute": attributes, "variableCharacteristics": characteristics}

    # Network profiles --------------------------------------------------------------------
    @on(Action.set_network_profile)
    async def on_set_network_profile(self, configuration_slot, connection_data, **kwargs):
        self.received.append(("SetNetworkProfile", {"configuration_slot": configuration_slot,
                                                    "connection_data": connection_data}))
        if not 0 <= configuration_slot <= 3:
            return call_result.SetNetworkProfile(status="Rejected")
        self.network_profiles[configuration_slot] = connection_data
        return call_result.SetNetworkProfile(status="Accepted")


def ro(value: str, data_type: str = "string", values: str | None = None) -> Variable:
    return Variable(value, "ReadOnly", data_type, values_list=values)


def rw(value: str, data_type: str = "string", unit: str | None = None, low: int | None = None,
       high: int | None = None, values: str | None = None) -> Variable:
    return Variable(value, "ReadWrite", data_type, unit, values, low, high)


MESSAGES = ("GetReport", "GetVariables", "SetVariables")
ENERGY = "Energy.Active.Import.Register"
MEASURANDS = ("Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,"
              "Current.Offered,Power.Offered,SoC")
TX_POINTS = "ParkingBayOccupancy,EVConnected,Authorized,DataSigned,PowerPathClosed,EnergyTransfer"


def _valid(variable: Variable, value: str) -> bool:
    if variable.data_type == "integer":
        if not value.lstrip("-").isdigit():
            return False
        number = int(value)
        return (variable.min is None or number >= variable.min) and \
            (variable.max is None or number <= variable.max)
    if variable.data_type == "boolean":
        return value in ("true", "false")
    if variable.data_type == "string" and variable.min is not None:
        return variable.min <= len(value) <= (variable.max or len(value))
    if variable.data_type in ("OptionList", "MemberList", "SequenceList") and variable.values_list:
        allowed = set(variable.values_list.split(","))
        chosen = value.split(",") if variable.data_type != "OptionList" else [value]
        return all(v in allowed for v in chosen)
    return True


def _selected(key: Key, component_variable: list[dict] | None) -> bool:
    """Whether the GetReport's componentVariable list (if any) names this variable."""
    if not component_variable:
        return True
    for wanted in component_variable:
        component, variable = wanted["component"], wanted.get("variable")
        evse = component.get("evse") or {}
        if component["name"] != key[0] or component.get("instance", key[1]) != key[1]:
            continue
        if "id" in evse and evse["id"] != key[2] or \
                "connector_id" in evse and evse["connector_id"] != key[3]:
            continue
        if variable is None or (variable["name"] == key[4]
                                and variable.get("instance", key[5]) == key[5]):
            return True
    return False
