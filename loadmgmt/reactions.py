"""How load management reacts to what a station reports: a session starts or stops, a
connector's status or a car's draw changes materially, a station boots, a base-load meter
reports. Each `on_*` function is called on the station link's event loop (through the domain
events, loadmgmt/subscriptions.py) and returns a follow-up, run after the station has its
answer, or None: most reports of most stations ask for nothing.

A rebalance is asked for through `request_rebalance` (loadmgmt/tasks.py): a burst of triggers
makes one run. With Redis the run is a Celery task on a worker; on the embedded default it runs
on the server's event loop (the in-memory channel layer lives there)."""

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal

from django.conf import settings

from loadmgmt.models import LoadGroup
from loadmgmt.rebalance import MEMO_GROUP, afailsafe_send, arebalance
from loadmgmt.records import rebalance_claim
from loadmgmt.selectors import NEAR_LIMIT, UNDER_DRAW, group_id_of
from loadmgmt.tasks import request_rebalance
from stations.models import Station
from stations.ocpp.dbthreads import db
from stations.smartcharging.ev_needs import aneeds_answer

MATERIAL_AMPS = Decimal(2)  # a change in draw smaller than this is noise
MATERIAL_SHARE = Decimal("0.2")
FollowUp = Callable[[], Awaitable]
UNKNOWN = object()  # the link has not learnt the station's group yet


async def arequest_rebalance(group_id: int, reason: str) -> None:
    """From the station link's event loop."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        await db(request_rebalance, group_id=group_id, reason=reason)
        return
    if await db(rebalance_claim, group_id=group_id):
        await asyncio.sleep(settings.LOAD_REBALANCE_DEBOUNCE)
        await arebalance(group_id, reason)


# Follow-ups for the station handlers ----------------------------------------------------------
# The station's group is kept in the link's memo (MEMO_GROUP): learnt with one query on the
# link's first report that may need it, and told to the link when the station joins or leaves a
# group (rebalance.astation_moved). A station in no group then costs one dictionary look-up.
def on_boot(station: Station, memo: dict) -> FollowUp | None:
    """A station of a group boots: it gets its failsafe default, and the group is rebalanced
    (it may have come back from offline, where it was counted at its last limits)."""
    if memo.get(MEMO_GROUP, UNKNOWN) is None:
        return None

    async def follow_up():
        group_id = await _group_id(station, memo)
        if group_id is not None:
            await afailsafe_send(station.pk)
            await arequest_rebalance(group_id, "station booted")

    return follow_up


def on_transaction(station: Station, started: bool, memo: dict) -> FollowUp | None:
    """A session started or stopped: the group is rebalanced."""
    return _rebalance(station, memo, "session started" if started else "session stopped")


def on_charging_limit(station: Station, cleared: bool, memo: dict) -> FollowUp | None:
    """An external system set or released a limit on the station: its EVSEs' ceilings changed."""
    return _rebalance(station, memo, "external limit cleared" if cleared else "external limit")


def on_charging_needs(station: Station, evse_id: int, memo: dict) -> FollowUp:
    """An ISO 15118 car told its needs: its group is rebalanced with them and its EVSE sent its
    TxProfile even if the limit is unchanged (2.0.1 K15-K17 answer needs with a profile); on a
    station in no group, smart charging answers with the car's own limits. The rebalance runs
    at once on the link's loop, not queued: the station waits for the profile."""

    async def follow_up():
        group_id = await _group_id(station, memo)
        if group_id is None:
            await aneeds_answer(station_id=station.pk, evse_id=evse_id)
        else:
            await arebalance(group_id, "charging needs", resend=frozenset({(station.pk, evse_id)}))

    return follow_up


def on_status(station: Station, connector_id: int, status: str, memo: dict) -> FollowUp | None:
    if memo.get(MEMO_GROUP, UNKNOWN) is None or connector_id == 0:
        return None
    known = memo.setdefault("load_statuses", {})
    if known.get(connector_id) == status:
        return None
    known[connector_id] = status
    return _rebalance(station, memo, f"status {status}")


def _rebalance(station: Station, memo: dict, reason: str) -> FollowUp | None:
    """A rebalance of the station's group, if it is in one."""
    if memo.get(MEMO_GROUP, UNKNOWN) is None:
        return None

    async def follow_up():
        group_id = await _group_id(station, memo)
        if group_id is not None:
            await arequest_rebalance(group_id, reason)

    return follow_up


async def _group_id(station: Station, memo: dict) -> int | None:
    if memo.get(MEMO_GROUP, UNKNOWN) is UNKNOWN:
        memo[MEMO_GROUP] = await db(group_id_of, station_id=station.pk)
    return memo[MEMO_GROUP]


def profile_sent(station: Station, payload: dict, memo: dict) -> None:
    """Note the limit of a TxProfile of ours (in A) that went out on this link, from a
    SetChargingProfile of either version: 1.6 (connectorId, csChargingProfiles, one schedule)
    or 2.0.1 (evseId, chargingProfile with its id and a list of schedules). Our profile's id is
    LOAD_PROFILE_ID + the connector; for a 2.0.1 station the EVSE's first connector has the
    EVSE's number (stations/services/evses.py), so the EVSE is the connector the meter values
    name."""
    if "csChargingProfiles" in payload:
        profile, connector_id = payload["csChargingProfiles"], payload["connectorId"]
        profile_id, schedule = profile["chargingProfileId"], profile["chargingSchedule"]
    else:
        profile, connector_id = payload["chargingProfile"], payload["evseId"]
        profile_id, schedule = profile["id"], profile["chargingSchedule"][0]
    if (profile_id == settings.LOAD_PROFILE_ID + connector_id
            and schedule["chargingRateUnit"] == "A"):
        memo.setdefault("load_limits", {})[connector_id] = Decimal(str(
            schedule["chargingSchedulePeriod"][0]["limit"]))


def on_meter_values(station: Station, connector_id: int, samples, memo: dict) -> FollowUp | None:
    """A car's draw changed materially, or moved between clearly below, between and near the
    limit we gave it (and the sample after it went below: a car that keeps drawing less is held
    down after two intervals, and given its share back when it draws near its limit:
    docs/smart-charging.md §3 step 4); or a base-load meter (connector 0) reported."""
    if memo.get(MEMO_GROUP, UNKNOWN) is None and connector_id != 0:
        return None  # the common case: a station in no group
    currents = [s["value"] for s in samples
                if s["measurand"] == "Current.Import" and s["value"] is not None]
    if not currents:
        return None
    if connector_id == 0:
        return lambda: _base_load_reported(station.pk)
    draw, seen = max(currents), memo.setdefault("load_draws", {})
    band = _band(draw, memo.get("load_limits", {}).get(connector_id))
    before, band_before, samples_in_band = seen.get(connector_id, (None, None, 0))
    samples_in_band = samples_in_band + 1 if band == band_before else 1
    material = before is None or abs(draw - before) >= max(MATERIAL_AMPS, before * MATERIAL_SHARE)
    seen[connector_id] = (draw if material else before, band, samples_in_band)
    if material or samples_in_band == 1 or (band == "under" and samples_in_band == 2):
        return _rebalance(station, memo, "draw changed")
    return None


def _band(draw: Decimal, limit: Decimal | None) -> str:
    if limit is None or limit == 0:
        return "unknown"
    if draw < limit * UNDER_DRAW:
        return "under"
    return "near" if draw >= limit * NEAR_LIMIT else "between"


async def _base_load_reported(station_id: int) -> None:
    groups = await db(lambda: list(LoadGroup.objects.filter(
        base_load_meter_id=station_id, base_load_source="meter").values_list("pk", flat=True)))
    for group_id in groups:
        await arequest_rebalance(group_id, "base load measured")
