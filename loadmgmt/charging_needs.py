"""ISO 15118 charging needs as the allocator's inputs (docs/smart-charging.md §7): a car that told
its departure and the energy it asks (2.0.1 NotifyEVChargingNeeds, stations/smartcharging/
ev_needs.py) gets a `needed_current`, the current per phase it must draw from now on to have
what it still needs by then; an AC car's own maximum lowers its `max_current`. The allocator
stays pure: this only fills in its Demands.

needed = energy still needed (Wh) / (hours to departure × group voltage × phases it loads),
rounded up to 0.1 A. A departure already past, or nothing still needed, says nothing."""

from dataclasses import replace
from datetime import datetime
from decimal import ROUND_UP, Decimal

from loadmgmt.allocation import Demand
from loadmgmt.external_limits import capped
from loadmgmt.models import LoadGroup
from stations.models import ChargingSession
from stations.smartcharging.ev_needs import energy_still_needed, latest_needs_of
from stations.smartcharging.models import ChargingNeeds

STEP = Decimal("0.1")


def with_charging_needs(demands: list[Demand], sessions: dict, *, group: LoadGroup,
                        now: datetime) -> list[Demand]:
    """`sessions`: each demand's session by its key."""
    needs = latest_needs_of(session_ids=[s.pk for s in sessions.values()])
    if not needs:
        return demands  # the common case: no ISO 15118 car in the group
    return [_with(d, sessions[d.key], needs.get(sessions[d.key].pk), group, now) for d in demands]


def _with(demand: Demand, session: ChargingSession, needs: ChargingNeeds | None, group: LoadGroup,
          now: datetime) -> Demand:
    if needs is None:
        return demand
    car_max = Decimal(needs.ev_max_current) if needs.ev_max_current and _ac(needs) else None
    return replace(demand, max_current=capped(demand.max_current, car_max),
                   needed_current=needed_current(needs, session, phases=len(demand.phases),
                                                 voltage=group.voltage, now=now))


def _ac(needs: ChargingNeeds) -> bool:
    return needs.requested_energy_transfer.startswith("AC")


def needed_current(needs: ChargingNeeds, session: ChargingSession, *, phases: int, voltage: int,
                   now: datetime) -> Decimal | None:
    """Amperes per phase to have the energy still needed by the departure."""
    still = energy_still_needed(needs, session)
    if needs.departure_time is None or needs.departure_time <= now or not still:
        return None
    hours = Decimal(str((needs.departure_time - now).total_seconds())) / 3600
    amperes = Decimal(still) / (hours * Decimal(voltage) * phases)
    return amperes.quantize(STEP, rounding=ROUND_UP)
