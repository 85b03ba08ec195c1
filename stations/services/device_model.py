"""Recording what a station reports about itself in its device model (docs/domain-model.md).

The domain takes plain (component, variable, attribute) data: OCPP 2.0.1's NotifyReport and
GetVariables answers arrive in that shape, and a 1.6 station's configuration keys are the
variables of one component (CONFIGURATION_KEYS), each with its Actual value. A station's
password (AuthorizationKey) is never stored: it is the link's secret, not a setting to show.

`device_model_record_answer` is the hook the command path calls with every answer a station
gives (stations/commands/sending.py); it records the 1.6 answers that tell us a configuration."""

import logging
from dataclasses import dataclass
from datetime import datetime

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from stations.models import (
    CONFIGURATION_KEYS,
    AttributeType,
    Component,
    Mutability,
    Variable,
    VariableAttribute,
)
from stations.security.profiles import configuration_key
from stations.services.message_log import SECRET_KEYS

log = logging.getLogger(__name__)

# How an attribute's value was learnt (VariableAttribute.source).
REPORT, GET, SET = "report", "get", "set"


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

    @property
    def component_key(self) -> tuple:
        return (self.component, self.component_instance, self.evse_id, self.connector_id)

    @property
    def variable_key(self) -> tuple:
        return (self.component_key, self.variable, self.variable_instance)


@transaction.atomic
def device_model_record(*, station_id: int, reported: list[ReportedVariable], source: str,
                        at: datetime | None = None) -> int:
    """Store each reported attribute (its value replacing the one learnt before); components
    and variables appear as first reported. Returns how many attributes were stored."""
    if not reported:
        return 0
    at = at or timezone.now()
    components = {key: _component(station_id, key) for key in {r.component_key for r in reported}}
    variables = _variables(components, reported)
    attributes = {(r.variable_key, r.attribute_type): VariableAttribute(
        variable=variables[r.variable_key], type=r.attribute_type, value=r.value,
        mutability=r.mutability, persistent=r.persistent, constant=r.constant, source=source,
        updated_at=at) for r in reported}  # the last report of an attribute wins
    VariableAttribute.objects.bulk_create(
        list(attributes.values()), update_conflicts=True, unique_fields=["variable", "type"],
        update_fields=["value", "mutability", "persistent", "constant", "source", "updated_at"])
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


def device_model_record_answer(station_id: int, action: str, request: dict,
                               response: dict) -> None:
    """What a station's answer to our CALL tells about its device model, recorded."""
    if action == "GetConfiguration":
        configuration_recorded(station_id=station_id, response=response)
    elif action == "ChangeConfiguration" and response.get("status") == "Accepted":
        configuration_changed(station_id=station_id, key=request["key"], value=request["value"])


RECORDED_ACTIONS = frozenset({"GetConfiguration", "ChangeConfiguration"})


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
