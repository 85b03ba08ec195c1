"""External charging limits (OCPP 2.0.1 K11-K13): limits a grid operator or an energy
management system set on a station, which the station tells with NotifyChargingLimit and
releases with ClearedChargingLimit. The backend never sets them; it records them, shows them and
lets load management respect them (docs/ocpp201.md, "External charging limits").

The writes (`charging_limit_notified`, `charging_limit_cleared`) keep one active row per station,
EVSE and source; `limits_in_force` reads what a row's schedules set now (pure)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from stations import timestamps
from stations.smartcharging.models import ExternalChargingLimit, LimitEnded

STATION_WIDE = 0  # evseId absent or 0: the limit is on the whole station


@dataclass(frozen=True)
class LimitInForce:
    """What a limit's schedule allows now: per phase in A, or in W for the EVSE."""

    limit: Decimal
    unit: str  # "A" or "W"
    phases: int | None  # numberPhases of the period, if told


@transaction.atomic
def charging_limit_notified(*, station_id: int, tenant_id: int, evse_id: int | None, source: str,
                            grid_critical: bool | None, schedules: list[dict] | None,
                            received_at: datetime) -> ExternalChargingLimit:
    """NotifyChargingLimit: the limit of `source` on the EVSE (absent: the station) is now this
    one; the one it had before is replaced, kept as history."""
    evse_id = evse_id or STATION_WIDE
    (ExternalChargingLimit.objects.select_for_update()
     .filter(station_id=station_id, evse_id=evse_id, source=source, ended=LimitEnded.ACTIVE)
     .update(ended=LimitEnded.REPLACED, ended_at=received_at))
    return ExternalChargingLimit.objects.create(
        tenant_id=tenant_id, station_id=station_id, evse_id=evse_id, source=source,
        grid_critical=grid_critical, schedules=schedules or [], received_at=received_at)


@transaction.atomic
def charging_limit_cleared(*, station_id: int, evse_id: int | None, source: str,
                           received_at: datetime) -> list[int]:
    """ClearedChargingLimit: the source released its limit on the EVSE, or, without an EVSE,
    every limit of that source on the station. Returns the EVSEs whose limit ended."""
    active = ExternalChargingLimit.objects.select_for_update().filter(
        station_id=station_id, source=source, ended=LimitEnded.ACTIVE)
    if evse_id is not None:
        active = active.filter(evse_id=evse_id)
    evses = sorted(set(active.values_list("evse_id", flat=True)))
    active.update(ended=LimitEnded.CLEARED, ended_at=received_at)
    return evses


def limits_in_force(limit: ExternalChargingLimit, now: datetime) -> list[LimitInForce]:
    """What the row's schedules set at `now`, one per schedule in force (none: no schedule was
    told, or none is in force). A schedule without startSchedule runs from the notification."""
    return [p for p in (_period_now(s, limit.received_at, now) for s in limit.schedules) if p]


def _period_now(schedule: dict, received_at: datetime, now: datetime) -> LimitInForce | None:
    try:
        start = timestamps.parse(schedule.get("startSchedule")) or received_at
    except ValueError:  # the schema does not check the date's format
        start = received_at
    elapsed = (now - start).total_seconds()
    duration = schedule.get("duration")
    if elapsed < 0 or (duration is not None and elapsed >= duration):
        return None
    periods = [p for p in schedule["chargingSchedulePeriod"] if p["startPeriod"] <= elapsed]
    if not periods:
        return None
    period = max(periods, key=lambda p: p["startPeriod"])
    return LimitInForce(limit=Decimal(str(period["limit"])), unit=schedule["chargingRateUnit"],
                        phases=period.get("numberPhases"))
