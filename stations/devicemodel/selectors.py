"""Reads of a station's device model for the operator's pages and the command services."""

from django.db.models import Prefetch, Q

from stations.models import (
    AttributeType,
    Component,
    DeviceReport,
    Mutability,
    Station,
    Variable,
    VariableAttribute,
)

# Where a 2.0.1 station says how many items one GetVariables/SetVariables may carry: the
# DeviceDataCtrlr variable ItemsPerMessage of that instance (some stations name it
# ItemsPerMessageGetVariables, as the specification's prose does).
ITEMS_PER_MESSAGE = "ItemsPerMessage"


BYTES_PER_MESSAGE = "BytesPerMessage"


def items_per_message(*, station_id: int, action: str) -> int | None:
    """How many items the station takes in one `action` (GetVariables, SetVariables), from its
    stored device model; None when it never said (or said nonsense)."""
    return _limit(station_id, ITEMS_PER_MESSAGE, action)


def bytes_per_message(*, station_id: int, action: str) -> int | None:
    """How long (in bytes) one `action` message may be for the station, as it said."""
    return _limit(station_id, BYTES_PER_MESSAGE, action)


def _limit(station_id: int, name: str, action: str) -> int | None:
    values = (VariableAttribute.objects
              .filter(variable__component__station_id=station_id,
                      variable__component__name="DeviceDataCtrlr", type=AttributeType.ACTUAL)
              .filter(Q(variable__name=name, variable__instance=action)
                      | Q(variable__name=name + action))
              .values_list("value", flat=True))
    for value in values:
        try:
            limit = int(value)
        except ValueError:
            continue
        if limit > 0:
            return limit
    return None


def device_reports_of(station: Station):
    return DeviceReport.objects.filter(station=station)


def device_model_matching(station: Station, *, search: str = "", component: str = "",
                          writable: bool = False):
    """The station's components with their variables, narrowed to those whose component or
    variable name contains `search`, of the named component, or writable ones; each component's
    variables prefetched (as `shown_variables`) with their attributes."""
    variables = Variable.objects.all()
    if search:
        variables = variables.filter(Q(name__icontains=search)
                                     | Q(component__name__icontains=search))
    if writable:
        variables = variables.filter(attributes__mutability__in=[
            Mutability.READ_WRITE, Mutability.WRITE_ONLY]).distinct()
    components = Component.objects.filter(station=station, variables__in=variables).distinct()
    if component:
        components = components.filter(name=component)
    return components.prefetch_related(Prefetch(
        "variables", queryset=variables.prefetch_related("attributes"),
        to_attr="shown_variables"))
