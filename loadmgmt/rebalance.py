"""Running the allocator over a group and bringing its stations to the result
(docs/smart-charging.md §4).

Lowered limits go out first, raised ones only once every lowering is answered, so the cap holds
while the change is under way. A station that refuses a profile (or does not answer, after one
retry) is then counted at its maximum and the group is allocated again. Profiles go through the
smart-charging services, so each is recorded with its answer and reaches the station over the
same command path as the API, from whichever process runs this."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.utils import timezone

from loadmgmt import profiles
from loadmgmt.allocation import allocate
from loadmgmt.locks import group_lock
from loadmgmt.models import (
    Allocation,
    ConnectorLimit,
    LoadGroup,
    StationControl,
    ocpp_transaction_id,
)
from loadmgmt.records import allocation_record, limit_result_record, station_control_reset
from loadmgmt.selectors import ConnectorState, GroupState, group_id_of, group_state, is_held
from stations.commands.sending import (
    CommandFailed,
    StationAnsweredError,
    StationNotConnected,
    StationTimedOut,
)
from stations.models import Station
from stations.ocpp import links
from stations.services.station_commands import configuration_get
from stations.smartcharging.models import Purpose
from stations.smartcharging.services import acharging_profile_set, acharging_profiles_clear

log = logging.getLogger(__name__)
# What a station's link keeps of its load group: loadmgmt's memo on the link (stations/ocpp/link.py)
MEMO_APP, MEMO_GROUP = "loadmgmt", "group_id"
MAX_ROUNDS = 4  # allocations per rebalance: the first, and one after each round of refusals
EARLY_RETRY = timedelta(seconds=0.5)


@dataclass(frozen=True)
class Change:
    connector: ConnectorState
    limit: Decimal
    lowers: bool
    held: bool


async def arebalance(group_id: int, reason: str,
                     resend: frozenset[tuple[int, int]] = frozenset()) -> Allocation | None:
    """`resend`: (station id, EVSE id) pairs sent their TxProfile even if they hold its limit
    already (a car's charging needs are answered with one: docs/smart-charging.md §7)."""
    async with group_lock(group_id):
        if not await LoadGroup.objects.filter(pk=group_id).aupdate(rebalance_due_at=None):
            return None  # the group is gone
        refused: set[int] = set()
        allocation = None
        for attempt in range(MAX_ROUNDS):
            state = await sync_to_async(group_state)(group_id=group_id, refused=frozenset(refused))
            limits = allocate(state.spec(), state.demands)
            why = reason if attempt == 0 else f"{reason} (after a refusal)"
            allocation = await sync_to_async(allocation_record)(state=state, limits=limits, reason=why)
            changes = changes_to_send(state, limits, resend if attempt == 0 else frozenset())
            newly = await _send_all(state, allocation, [c for c in changes if c.lowers])
            if not newly:
                newly = await _send_all(state, allocation, [c for c in changes if not c.lowers])
            if not newly:
                break
            refused |= newly
        return allocation


def rebalance(group_id: int, reason: str) -> Allocation | None:
    return async_to_sync(arebalance)(group_id, reason)


def changes_to_send(state: GroupState, limits: dict,
                    resend: frozenset[tuple[int, int]] = frozenset()) -> list[Change]:
    changes = []
    demands = {d.key: d for d in state.demands}
    for c in state.connectors:
        if c.key not in limits:
            continue
        new, held = limits[c.key], is_held(demands[c.key])
        sent = c.limit
        evse = (c.station.pk, c.session.evse_id or c.connector_id)
        if (sent and sent.accepted and sent.for_session(c.session)
                and sent.limit == new and sent.held == held and evse not in resend):
            continue  # the station holds it already
        changes.append(Change(connector=c, limit=new, lowers=new < _in_force(state, c), held=held))
    return changes


def _in_force(state: GroupState, c: ConnectorState) -> Decimal:
    """The limit the connector charges under now, as far as we know."""
    sent = c.limit
    if sent and sent.accepted and sent.for_session(c.session):
        return sent.limit
    failsafe = state.failsafe.get(c.station.pk)
    return failsafe.limit if failsafe is not None else c.station.max_current


async def _send_all(state: GroupState, allocation: Allocation, changes: list[Change]) -> set[int]:
    """Send the changes (one CALL at a time per station, stations in parallel); return the
    stations that refused."""
    outcomes = await asyncio.gather(*(_send(state, allocation, c) for c in changes))
    return {c.connector.station.pk for c, ok in zip(changes, outcomes, strict=True) if not ok}


async def _send(state: GroupState, allocation: Allocation, change: Change) -> bool:
    c, group = change.connector, state.group
    demand_phases = next(len(d.phases) for d in state.demands if d.key == c.key)
    control = await _control(c.station)
    transaction_id = ocpp_transaction_id(c.session)
    # A profile goes to the session's EVSE (a 1.6 connector is its own EVSE, so the same
    # number); our profile's id is LOAD_PROFILE_ID + the EVSE, whichever of its connectors charges.
    target = c.session.evse_id or None
    profile = profiles.tx_profile(connector_id=target or c.connector_id,
                                  transaction_id=transaction_id, limit=change.limit,
                                  phases=demand_phases, voltage=group.voltage, rate_units=control)
    return await profile_send(station=c.station, connector_id=c.connector_id, profile=profile,
                              limit=change.limit, allocation_id=allocation.pk,
                              transaction_id=transaction_id, held=change.held,
                              started_at=c.session.start_received_at or c.session.started_at,
                              evse_id=target)


async def _control(station: Station) -> str:
    control = await StationControl.objects.filter(station=station).afirst()
    return control.rate_units if control else ""


async def profile_send(*, station: Station, connector_id: int, profile: dict, limit: Decimal,
                       allocation_id: int | None, transaction_id: int | str | None = None,
                       held: bool = False, started_at: datetime | None = None,
                       evse_id: int | None = None) -> bool:
    """Send one of our profiles, once more after a timeout; record the outcome. True: accepted,
    or the station went offline (it is then counted as offline, not as refusing).

    A TxProfile for a transaction that began moments ago may reach the station before it has
    read our StartTransaction answer, and stations reject it then: it is sent again, a little
    later, for up to LOAD_EARLY_REJECTION_SECONDS after the start, before it counts as a
    refusal. `evse_id`: where the profile goes when it is not the connector (a 2.0.1 EVSE)."""
    purpose = profile["chargingProfilePurpose"]
    status, note, row_id, timeouts = "", "", None, 0
    while True:
        # Whether it is connected, read now: a round's station rows age while earlier sends (an
        # early rejection retried for LOAD_EARLY_REJECTION_SECONDS) run, beyond the presence
        # timeout that tells a live link from a dead one.
        station = await _fresh(station)
        try:
            rows = await acharging_profile_set(
                station=station, connector_id=connector_id if evse_id is None else evse_id,
                profile=profile)
        except StationTimedOut:
            status, note, timeouts = "Timeout", "no answer, twice", timeouts + 1
            if timeouts < 2:
                continue
        except StationNotConnected:
            status = "NotConnected"
        except StationAnsweredError as error:
            status, note = "CallError", f"{error.body.get('code', '')} {error.body.get('description', '')}"
        except CommandFailed as error:  # invalid: a bug of ours, not the station's
            log.error("Load profile for %s/%s not sent: %s", station.identity, connector_id, error.body)
            status, note = "CallError", str(error)
        else:
            refused = [r for r in rows if r.status != "Accepted"]
            status = refused[0].status if refused else "Accepted"
            row_id = rows[0].pk
            if status == "Rejected" and _just_started(started_at):
                await asyncio.sleep(EARLY_RETRY.total_seconds())
                continue
        break
    await sync_to_async(limit_result_record)(
        station_id=station.pk, connector_id=connector_id, transaction_id=transaction_id,
        purpose=purpose, limit=limit, status=status, profile_id=row_id,
        allocation_id=allocation_id, note=note, held=held)
    return status in ("Accepted", "NotConnected")


async def _fresh(station: Station) -> Station:
    return await Station.objects.select_related("server_process").aget(pk=station.pk)


def _just_started(started_at: datetime | None) -> bool:
    early = timedelta(seconds=settings.LOAD_EARLY_REJECTION_SECONDS)
    return started_at is not None and timezone.now() - started_at < early


# Stations joining, booting in, and leaving a group ---------------------------------------------
async def afailsafe_send(station_id: int) -> bool:
    """Learn which rate unit the station takes and give it the group's failsafe default. A
    refusal recorded before this call is forgiven: a boot (or joining) is a fresh chance."""
    began = timezone.now()
    station = await Station.objects.select_related("server_process").aget(pk=station_id)
    group = await LoadGroup.objects.filter(members__station_id=station_id).afirst()
    if group is None or not station.connected:
        return False
    units = await _rate_units(station)
    if units is None:
        units = await _control(station)  # what it said before
    await sync_to_async(station_control_reset)(station_id=station.pk, before=began, rate_units=units)
    phases = 3 if group.phases == 3 else 1
    profile = profiles.failsafe_profile(limit=group.failsafe_current, phases=phases,
                                        voltage=group.voltage, rate_units=units)
    return await profile_send(station=station, connector_id=0, profile=profile,
                              limit=group.failsafe_current, allocation_id=None)


async def _rate_units(station: Station) -> str | None:
    """ChargingScheduleAllowedChargingRateUnit, or None when the station does not say."""
    try:
        report = await configuration_get(station=station,
                                         keys=("ChargingScheduleAllowedChargingRateUnit",))
    except CommandFailed:
        return None
    for item in report.keys:
        if item.get("key") == "ChargingScheduleAllowedChargingRateUnit":
            return item.get("value", "")
    return None


async def aprofiles_clear(station_id: int) -> None:
    """A station left its group: take back the load manager's profiles (best effort)."""
    station = await Station.objects.select_related("server_process").aget(pk=station_id)
    await ConnectorLimit.objects.filter(station=station).adelete()
    if not station.connected:
        return
    for purpose in (Purpose.TX, Purpose.TX_DEFAULT):
        try:
            await acharging_profiles_clear(station=station, purpose=purpose,
                                           stack_level=settings.LOAD_STACK_LEVEL)
        except CommandFailed as error:
            log.warning("Could not clear load profiles of %s: %s", station.identity, error.body)


async def astation_moved(station_id: int, old_group_id: int | None) -> None:
    station = await Station.objects.select_related("server_process").filter(pk=station_id).afirst()
    new_group_id = await sync_to_async(group_id_of)(station_id=station_id) if station else None
    if station is not None and station.connected:  # its link reacts to its new group's triggers
        await links.send(station.channel_name, {"type": "station.memo", "app": MEMO_APP,
                                                "values": {MEMO_GROUP: new_group_id}})
    if old_group_id is not None:
        if station is not None:
            await aprofiles_clear(station_id)
        await arebalance(old_group_id, "station left")
    if new_group_id is not None:
        await afailsafe_send(station_id)
        await arebalance(new_group_id, "station joined")
