"""Recording what a station reports about itself in its device model (docs/domain-model.md).

The domain takes plain (component, variable, attribute) data: OCPP 2.0.1's NotifyReport and
GetVariables answers arrive in that shape, and a 1.6 station's configuration keys are the
variables of one component (CONFIGURATION_KEYS), each with its Actual value. A station's
password (1.6's AuthorizationKey, 2.0.1's SecurityCtrlr.BasicAuthPassword) is never stored: it
is the link's secret, not a setting to show.

A 2.0.1 report we asked for (GetBaseReport, GetReport) is a `DeviceReport` under its requestId;
its NotifyReport parts may come twice or out of order, so each part is recorded by its seqNo
and the report is complete once every part up to the last (tbc false) came.

`device_model_record_answer` is the hook the command path calls with every answer a station
gives (stations/commands/sending.py); it records the 1.6 and 2.0.1 answers that tell us a
configuration or a variable's value."""

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from stations.models import (
    CONFIGURATION_KEYS,
    AttributeType,
    Component,
    DeviceReport,
    Mutability,
    Station,
    Variable,
    VariableAttribute,
)
from stations.security.profiles import configuration_key
from stations.services.message_log import SECRET_KEYS, secret_variable

log = logging.getLogger(__name__)

# How an attribute's value was learnt (VariableAttribute.source).
REPORT, GET, SET = "report", "get", "set"

# 2.0.1 variables whose value is a secret (any case: `secret_variable`): the variable is kept,
# its value never.
SECRET_VARIABLES = frozenset({("SecurityCtrlr", "BasicAuthPassword")})


@dataclass(frozen=True)
class Characteristics:
    """A variable's VariableCharacteristics, as a NotifyReport describes them."""

    data_type: str = ""
    unit: str = ""
    min_limit: Decimal | None = None
    max_limit: Decimal | None = None
    values_list: str = ""
    supports_monitoring: bool = False


@dataclass(frozen=True)
class ReportedVariable:
    """One attribute of one variable of one component, as a station described it."""

    component: str
    variable: str
    value: str
    attribute_type: str = AttributeType.ACTUAL
    mutability: str = Mutability.READ_WRITE
    component_instance: str = ""
    variable_instance: str = ""
    evse_id: int | None = None
    connector_id: int | None = None  # within its EVSE
    persistent: bool = False
    constant: bool = False
    characteristics: Characteristics | None = None

    @property
    def component_key(self) -> tuple:
        return (self.component, self.component_instance, self.evse_id, self.connector_id)

    @property
    def variable_key(self) -> tuple:
        return (self.component_key, self.variable, self.variable_instance)


@transaction.atomic
def device_model_record(*, station_id: int, reported: list[ReportedVariable], source: str,
                        at: datetime | None = None, described: bool = True) -> int:
    """Store each reported attribute (its value replacing the one learnt before); components
    and variables appear as first reported. `described`: the report tells the attributes'
    mutability, persistence and constancy (a 2.0.1 GetVariables or SetVariables answer does
    not, so what a report told is kept). Returns how many attributes were stored. A place with
    a negative EVSE or connector number (schema-valid, but none has one) is skipped."""
    reported = [r for r in reported if (r.evse_id or 0) >= 0 and (r.connector_id or 0) >= 0]
    if not reported:
        return 0
    at = at or timezone.now()
    components = {key: _component(station_id, key) for key in {r.component_key for r in reported}}
    variables = _variables(components, reported)
    _characterise(variables, reported)
    attributes = {(r.variable_key, r.attribute_type): VariableAttribute(
        variable=variables[r.variable_key], type=r.attribute_type, value=_kept_value(r),
        mutability=r.mutability, persistent=r.persistent, constant=r.constant, source=source,
        updated_at=at) for r in reported}  # the last report of an attribute wins
    VariableAttribute.objects.bulk_create(
        list(attributes.values()), update_conflicts=True, unique_fields=["variable", "type"],
        update_fields=(["value", "mutability", "persistent", "constant", "source", "updated_at"]
                       if described else ["value", "source", "updated_at"]))
    return len(attributes)


def _component(station_id: int, key: tuple) -> Component:
    name, instance, evse_id, connector_id = key
    component, _ = Component.objects.get_or_create(
        station_id=station_id, name=name, instance=instance, evse_id=evse_id,
        connector_id=connector_id)
    return component


def _variables(components: dict[tuple, Component],
               reported: list[ReportedVariable]) -> dict[tuple, Variable]:
    """Each reported variable's row, the missing ones made: two statements in all."""
    Variable.objects.bulk_create(
        [Variable(component=components[r.component_key], name=r.variable,
                  instance=r.variable_instance) for r in reported], ignore_conflicts=True)
    by_component = {component.pk: key for key, component in components.items()}
    rows = Variable.objects.filter(component__in=list(components.values()))
    return {(by_component[v.component_id], v.name, v.instance): v for v in rows}


def _kept_value(reported: ReportedVariable) -> str:
    return "" if secret_variable(reported.component, reported.variable) else reported.value


CHARACTERISTICS = ["data_type", "unit", "min_limit", "max_limit", "values_list",
                   "supports_monitoring"]


def _characterise(variables: dict[tuple, Variable], reported: list[ReportedVariable]) -> None:
    """The characteristics a report gave, onto their variables (one statement)."""
    described = {}
    for r in reported:
        if r.characteristics is not None:
            variable = variables[r.variable_key]
            for name in CHARACTERISTICS:
                setattr(variable, name, getattr(r.characteristics, name))
            described[variable.pk] = variable
    if described:
        Variable.objects.bulk_update(list(described.values()), CHARACTERISTICS)


@transaction.atomic
def device_model_forget(*, station_id: int, component: str, variables: list[str]) -> int:
    """The station says it does not know these variables (any more): drop what we kept."""
    deleted, _ = Variable.objects.filter(
        component__station_id=station_id, component__name=component,
        name__in=variables).delete()
    return deleted


# OCPP 1.6 answers ------------------------------------------------------------------------------
def _stored_key(key: str) -> bool:
    return configuration_key(key) not in SECRET_KEYS


def configuration_reported(response: dict) -> list[ReportedVariable]:
    """A GetConfiguration answer's keys as variables of the CONFIGURATION_KEYS component."""
    return [ReportedVariable(
        component=CONFIGURATION_KEYS, variable=item["key"], value=item.get("value") or "",
        mutability=Mutability.READ_ONLY if item.get("readonly") else Mutability.READ_WRITE)
        for item in response.get("configurationKey", []) if _stored_key(item["key"])]


def configuration_recorded(*, station_id: int, response: dict) -> int:
    """Record a 1.6 GetConfiguration answer: its keys' values; keys it reports unknown go."""
    unknown = [key for key in response.get("unknownKey", []) if isinstance(key, str)]
    if unknown:
        device_model_forget(station_id=station_id, component=CONFIGURATION_KEYS, variables=unknown)
    return device_model_record(station_id=station_id, reported=configuration_reported(response),
                               source=GET)


def configuration_changed(*, station_id: int, key: str, value: str) -> int:
    """Record a 1.6 ChangeConfiguration the station accepted: the key's new Actual value (a
    read-only key is never accepted, so the variable is writable)."""
    if not _stored_key(key):
        return 0
    known = (Variable.objects.filter(component__station_id=station_id,
                                     component__name=CONFIGURATION_KEYS, name__iexact=key)
             .values_list("name", flat=True).first())  # keys are case-insensitive in 1.6
    return device_model_record(station_id=station_id, source=SET, reported=[ReportedVariable(
        component=CONFIGURATION_KEYS, variable=known or key, value=value)])


# OCPP 2.0.1 reports and answers ----------------------------------------------------------------
LIMIT_BOUND = Decimal(10) ** 14  # what Variable.min_limit/max_limit hold (20 digits, 6 decimals)


def _decimal(value) -> Decimal | None:
    """A limit as stored; one beyond what the column holds is not kept (the rest of the report
    is)."""
    if value is None:
        return None
    number = Decimal(str(value))
    return number.quantize(Decimal("0.000001")) if number.is_finite() and abs(number) < LIMIT_BOUND \
        else None


def _reference(item: dict) -> dict:
    """A component and variable in 2.0.1's words, as ReportedVariable's fields."""
    component, variable = item["component"], item.get("variable") or {}
    evse = component.get("evse") or {}
    return {"component": component["name"], "component_instance": component.get("instance", ""),
            "evse_id": evse.get("id"), "connector_id": evse.get("connectorId"),
            "variable": variable.get("name", ""), "variable_instance": variable.get("instance", "")}


def report_data_reported(report_data: list[dict]) -> list[ReportedVariable]:
    """A NotifyReport's reportData: each attribute of each variable, with its characteristics."""
    reported = []
    for entry in report_data:
        where, given = _reference(entry), entry.get("variableCharacteristics")
        if any((where[n] or 0) < 0 for n in ("evse_id", "connector_id")):
            continue  # no EVSE or connector has a negative number
        characteristics = None if given is None else Characteristics(
            data_type=given.get("dataType", ""), unit=given.get("unit", ""),
            min_limit=_decimal(given.get("minLimit")), max_limit=_decimal(given.get("maxLimit")),
            values_list=given.get("valuesList", ""),
            supports_monitoring=bool(given.get("supportsMonitoring", False)))
        for attribute in entry.get("variableAttribute", []):
            reported.append(ReportedVariable(
                **where, value=attribute.get("value", ""),
                attribute_type=attribute.get("type", AttributeType.ACTUAL),
                mutability=attribute.get("mutability", Mutability.READ_WRITE),
                persistent=attribute.get("persistent", False),
                constant=attribute.get("constant", False), characteristics=characteristics))
    return reported


def variables_got(response: dict) -> list[ReportedVariable]:
    """The values a GetVariables answer gave (an attribute it would not read tells nothing)."""
    return [ReportedVariable(**_reference(item), value=item.get("attributeValue", ""),
                             attribute_type=item.get("attributeType", AttributeType.ACTUAL))
            for item in response.get("getVariableResult", [])
            if item.get("attributeStatus") == "Accepted" and "attributeValue" in item]


def events_reported(event_data: list[dict]) -> list[ReportedVariable]:
    """A NotifyEvent's eventData: each event's actualValue is its variable's Actual value now
    (a lock failure: ConnectorPlugRetentionLock.Problem = true on its EVSE and connector)."""
    return [ReportedVariable(**_reference(event), value=event["actualValue"])
            for event in event_data]


def _attribute_key(item: dict) -> tuple:
    return (tuple(sorted(_reference(item).items(), key=lambda kv: kv[0])),
            item.get("attributeType", AttributeType.ACTUAL))


def variables_set(request: dict, response: dict) -> list[ReportedVariable]:
    """The values a SetVariables answer accepted: each is the attribute's value now (one that
    needs a reboot first is not, yet)."""
    given = {_attribute_key(item): item["attributeValue"]
             for item in request.get("setVariableData", [])}
    return [ReportedVariable(**_reference(item), value=given[_attribute_key(item)],
                             attribute_type=item.get("attributeType", AttributeType.ACTUAL))
            for item in response.get("setVariableResult", [])
            if item.get("attributeStatus") == "Accepted" and _attribute_key(item) in given]


def _next_request_id(station_id: int) -> int:
    last = (DeviceReport.objects.filter(station_id=station_id)
            .order_by("-request_id").values_list("request_id", flat=True).first())
    return (last or 0) + 1


@transaction.atomic
def device_report_open(*, station_id: int, kind: str) -> DeviceReport:
    """A report about to be asked for, under a requestId new for the station (its row first:
    the parts may come before the station's answer reaches us)."""
    Station.objects.select_for_update().filter(pk=station_id).first()  # one request id at a time
    return DeviceReport.objects.create(station_id=station_id, kind=kind,
                                       request_id=_next_request_id(station_id),
                                       requested_at=timezone.now())


def device_report_answered(*, report_id: int, status: str) -> None:
    """The station's answer to the report request (Accepted, Rejected, NotSupported,
    EmptyResultSet; or why it gave none)."""
    DeviceReport.objects.filter(pk=report_id).update(status=status[:20])


@transaction.atomic
def device_report_part_record(*, station_id: int, request_id: int, seq_no: int, tbc: bool,
                              report_data: list[dict], at: datetime) -> DeviceReport:
    """One NotifyReport part into the device model and its report. A part that comes again
    counts once; the report completes when every part up to the last one came, whatever their
    order. Parts of a request we never made (a station may report on its own) make a report of
    kind Unrequested."""
    report, _ = DeviceReport.objects.get_or_create(
        station_id=station_id, request_id=request_id,
        defaults={"kind": UNREQUESTED, "requested_at": at})
    report = DeviceReport.objects.select_for_update().get(pk=report.pk)
    device_model_record(station_id=station_id, reported=report_data_reported(report_data),
                        source=REPORT, at=at)
    seq_nos = set(report.seq_nos) | {seq_no}
    report.seq_nos, report.parts = sorted(seq_nos), len(seq_nos)
    if not tbc:
        report.last_seq_no = seq_no
    if (report.completed_at is None and report.last_seq_no is not None
            and every_part_came(seq_nos, report.last_seq_no)):
        report.completed_at = at
    report.save(update_fields=["seq_nos", "parts", "last_seq_no", "completed_at"])
    return report


def every_part_came(seq_nos: set[int], last: int) -> bool:
    """Whether parts 0 .. `last` all came: counted in what came, never by listing 0 .. `last`
    (a station's seqNo may be any 32-bit number: a set of them all would stall the server)."""
    return sum(1 for n in seq_nos if 0 <= n <= last) == last + 1


UNREQUESTED = "Unrequested"


def device_model_record_answer(station_id: int, action: str, request: dict,
                               response: dict) -> None:
    """What a station's answer to our CALL tells about its device model, recorded."""
    if action == "GetConfiguration":
        configuration_recorded(station_id=station_id, response=response)
    elif action == "ChangeConfiguration" and response.get("status") == "Accepted":
        configuration_changed(station_id=station_id, key=request["key"], value=request["value"])
    elif action == "GetVariables":
        device_model_record(station_id=station_id, reported=variables_got(response), source=GET,
                            described=False)
    elif action == "SetVariables":
        device_model_record(station_id=station_id, reported=variables_set(request, response),
                            source=SET, described=False)


RECORDED_ACTIONS = frozenset({"GetConfiguration", "ChangeConfiguration", "GetVariables",
                              "SetVariables"})


async def adevice_model_record_answer(station_id: int, action: str, request: dict,
                                      response: dict) -> None:
    """`device_model_record_answer` from async code; answers that tell nothing cost nothing. The
    station did answer: a failure to keep what it said is logged, never the command's failure."""
    if action not in RECORDED_ACTIONS:
        return
    try:
        await sync_to_async(device_model_record_answer)(station_id, action, request, response)
    except Exception:  # the caller gets the station's answer all the same
        log.exception("The device model of station %s not updated from its %s answer",
                      station_id, action)
