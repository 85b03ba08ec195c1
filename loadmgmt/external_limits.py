"""External charging limits as ceilings for the allocator (docs/smart-charging.md §3, docs/
ocpp201.md "External charging limits"): a limit a grid operator or an energy management system
set on a 2.0.1 station (NotifyChargingLimit) caps what load management gives the EVSE, or, on
EVSE 0, what the station's sessions share. The allocator stays pure: the ceilings only lower a
Demand's `max_current` and a station's `station_max`.

A limit in W is taken per phase at the group's voltage, on the phases its period names (else the
group's); several limits on one place (sources, schedules): the lowest."""

from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from loadmgmt.models import LoadGroup
from stations.smartcharging.limits import LimitInForce, limits_in_force
from stations.smartcharging.selectors import active_external_limits

STEP = Decimal("0.1")


def external_ceilings(*, station_ids, group: LoadGroup, now: datetime) -> dict[tuple[int, int], Decimal]:
    """(station id, EVSE id) -> amperes per phase; EVSE 0 is the whole station."""
    ceilings: dict[tuple[int, int], Decimal] = {}
    for row in active_external_limits(station_ids):
        for in_force in limits_in_force(row, now):
            key, amperes = (row.station_id, row.evse_id), amperes_of(in_force, group)
            ceilings[key] = min(ceilings.get(key, amperes), amperes)
    return ceilings


def amperes_of(in_force: LimitInForce, group: LoadGroup) -> Decimal:
    if in_force.unit == "A":
        return max(in_force.limit, Decimal(0))
    phases = in_force.phases or (3 if group.phases == 3 else 1)
    per_phase = in_force.limit / (Decimal(group.voltage) * phases)
    return max(per_phase.quantize(STEP, rounding=ROUND_DOWN), Decimal(0))


def capped(value: Decimal, ceiling: Decimal | None) -> Decimal:
    return value if ceiling is None else min(value, ceiling)
