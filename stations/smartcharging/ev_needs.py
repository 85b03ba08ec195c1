"""ISO 15118 cars through 2.0.1 stations: their charging needs (NotifyEVChargingNeeds) and the
schedules they propose (NotifyEVChargingSchedule), OCPP 2.0.1 use cases K15–K17
(docs/smart-charging.md §7).

Needs are stored per EVSE with the session they belong to, and answered Accepted when a
transaction runs there (a TxProfile needs its id), Rejected otherwise. A TxProfile then answers
them: load management's, for a station in a load group (loadmgmt/reactions.py), else the one
`aneeds_answer` sends here: the TxProfile in force for the transaction, held to the car's
maximum, or a new one at the lower of the car's and the station's maximum. A car's schedule is
Accepted when no period asks more than the TxProfile in force for its transaction gives, else
Rejected, and the TxProfile goes out again for the car to renegotiate within it (K15.FR.13)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Q

from stations import timestamps
from stations.commands.sending import CommandFailed
from stations.models import ChargingSession, Station
from stations.services.session_lifecycle import running_sessions
from stations.smartcharging.models import (
    ChargingNeeds,
    ChargingProfile,
    EVChargingSchedule,
    Purpose,
)
from stations.smartcharging.services import acharging_profile_set

ACCEPTED, REJECTED = "Accepted", "Rejected"
VOLTAGE = 230  # V phase to neutral: a car's schedule in W compared with our limits in A
TOLERANCE = Decimal("0.1")  # A: rounding between the car's figures and ours


# Needs ---------------------------------------------------------------------------------------
def running_session_on(*, station_id: int, evse_id: int) -> ChargingSession | None:
    """The transaction running on the EVSE (1.6: the connector), the latest if several."""
    return (running_sessions().filter(station_id=station_id, evse_id=evse_id)
            .order_by("-started_at", "-id").first())


def charging_needs_record(*, station_id: int, evse_id: int, needs: dict,
                          max_schedule_tuples: int | None, received_at: datetime) -> ChargingNeeds:
    """Store what the car needs; Accepted when a transaction runs on the EVSE to give a
    TxProfile to, Rejected when none does."""
    station = Station.objects.only("tenant_id").get(pk=station_id)
    session = running_session_on(station_id=station_id, evse_id=evse_id)
    ac, dc = needs.get("acChargingParameters") or {}, needs.get("dcChargingParameters") or {}
    return ChargingNeeds.objects.create(
        tenant_id=station.tenant_id, station_id=station_id, evse_id=evse_id, session=session,
        requested_energy_transfer=needs["requestedEnergyTransfer"],
        departure_time=timestamps.parse(needs.get("departureTime")),
        energy_amount_wh=_count(_energy_asked(ac, dc)), ev_min_current=_count(ac.get("evMinCurrent")),
        ev_max_current=_count(ac.get("evMaxCurrent", dc.get("evMaxCurrent"))),
        ev_max_voltage=_count(ac.get("evMaxVoltage", dc.get("evMaxVoltage"))),
        ev_max_power=_count(dc.get("evMaxPower")),
        state_of_charge=_count(dc.get("stateOfCharge"), most=100),
        max_schedule_tuples=_count(max_schedule_tuples), payload=needs,
        meter_wh=_meter_of(session), status=ACCEPTED if session else REJECTED,
        received_at=received_at)


def _count(value, most: int = 2**31 - 1) -> int | None:
    """A figure the car told, kept when it is one (0 .. `most`); a car's nonsense (a negative
    voltage, an overflow) is kept only in the payload, never taken for a limit."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        return None
    return value


def _energy_asked(ac: dict, dc: dict) -> int | None:
    """Wh: AC's energyAmount; DC's, else what the battery lacks to its full state of charge."""
    if "energyAmount" in ac or "energyAmount" in dc:
        return max(ac.get("energyAmount", dc.get("energyAmount")), 0)
    capacity, full, now = dc.get("evEnergyCapacity"), dc.get("fullSoC"), dc.get("stateOfCharge")
    if capacity is None or full is None or now is None:
        return None
    return max(capacity * (full - now) // 100, 0)


def _meter_of(session: ChargingSession | None) -> int | None:
    if session is None:
        return None
    return session.meter_last if session.meter_last is not None else session.meter_start


def latest_needs_of(*, session_ids) -> dict[int, ChargingNeeds]:
    """The needs in force per session: the latest each car sent."""
    latest: dict[int, ChargingNeeds] = {}
    for needs in ChargingNeeds.objects.filter(session_id__in=session_ids).order_by("received_at", "id"):
        latest[needs.session_id] = needs
    return latest


def energy_still_needed(needs: ChargingNeeds, session: ChargingSession) -> int | None:
    """Wh the car still asks: what it asked less what the meter counted since."""
    if needs.energy_amount_wh is None:
        return None
    since = 0
    if needs.meter_wh is not None and session.meter_last is not None:
        since = max(session.meter_last - needs.meter_wh, 0)
    return max(needs.energy_amount_wh - since, 0)


def profile_in_force(*, station_id: int, evse_id: int, transaction_id: str) -> ChargingProfile | None:
    """The TxProfile the station holds for the transaction with the highest stack level (the
    one it obeys, 2.0.1 K01), else the TxDefaultProfile of the EVSE or of the station. One sent
    and not yet answered counts as held: a car proposes its schedule as soon as the station took
    the profile, which may be before we have read the station's answer."""
    held = ChargingProfile.objects.filter(
        Q(installed=True) | Q(sent_at__isnull=False, answered_at__isnull=True, failure=""),
        station_id=station_id, waiting_for="")
    tx = (held.filter(purpose=Purpose.TX, connector_id=evse_id,
                      station_transaction_id=transaction_id)
          .order_by("-stack_level", "-id").first())
    if tx is not None:
        return tx
    return (held.filter(purpose=Purpose.TX_DEFAULT, connector_id__in=[evse_id, 0])
            .order_by("-connector_id", "-stack_level", "-id").first())


@dataclass(frozen=True)
class Answer:
    """What to send the EVSE to answer a car's needs: a profile (OCPP JSON), or nothing."""

    profile: dict | None


def needs_answer_of(*, station_id: int, evse_id: int) -> Answer:
    """The TxProfile that answers the car's latest needs on a station no load manager steers."""
    session = running_session_on(station_id=station_id, evse_id=evse_id)
    if session is None:
        return Answer(None)
    needs = (ChargingNeeds.objects.filter(session=session).order_by("-received_at", "-id").first())
    station = Station.objects.only("max_current").get(pk=station_id)
    car_max = Decimal(needs.ev_max_current) if needs and _is_ac(needs) and needs.ev_max_current else None
    in_force = profile_in_force(station_id=station_id, evse_id=evse_id,
                                transaction_id=session.station_transaction_id)
    if in_force is not None and in_force.purpose == Purpose.TX:
        return Answer(_held_to(in_force.payload, car_max))
    limit = min(x for x in (station.max_current, car_max) if x is not None)
    return Answer({
        "chargingProfileId": settings.LOAD_PROFILE_ID + evse_id,
        "stackLevel": settings.LOAD_STACK_LEVEL,
        "chargingProfilePurpose": Purpose.TX,
        "chargingProfileKind": "Relative",
        "transactionId": session.station_transaction_id or session.transaction_id,
        "chargingSchedule": {"chargingRateUnit": "A", "chargingSchedulePeriod": [
            {"startPeriod": 0, "limit": float(limit)}]},
    })


def _is_ac(needs: ChargingNeeds) -> bool:
    return needs.requested_energy_transfer.startswith("AC")


def _held_to(profile: dict, car_max: Decimal | None) -> dict:
    """The profile again, its limits in A held to the car's maximum."""
    schedule = profile["chargingSchedule"]
    if car_max is None or schedule["chargingRateUnit"] != "A":
        return profile
    periods = [p | {"limit": min(p["limit"], float(car_max))}
               for p in schedule["chargingSchedulePeriod"]]
    return profile | {"chargingSchedule": schedule | {"chargingSchedulePeriod": periods}}


async def aneeds_answer(*, station_id: int, evse_id: int) -> None:
    """Send the EVSE the TxProfile that answers its car's needs (best effort: the outcome is
    recorded with the profile)."""
    answer = await sync_to_async(needs_answer_of)(station_id=station_id, evse_id=evse_id)
    await _send(station_id, evse_id, answer.profile)


async def _send(station_id: int, evse_id: int, profile: dict | None) -> None:
    if profile is None:
        return
    station = await Station.objects.select_related("server_process").aget(pk=station_id)
    try:
        await acharging_profile_set(station=station, connector_id=evse_id, profile=profile)
    except CommandFailed:
        pass  # recorded with the profile; the car charges under what it had


# The car's schedule --------------------------------------------------------------------------
def ev_schedule_check(*, station_id: int, evse_id: int, time_base: datetime, schedule: dict,
                      received_at: datetime) -> EVChargingSchedule:
    """Accepted when every period of the car's schedule keeps within the profile in force for
    its transaction at the same offset (both taken from `time_base`), else Rejected with why."""
    station = Station.objects.only("tenant_id").get(pk=station_id)
    session = running_session_on(station_id=station_id, evse_id=evse_id)
    profile = None
    if session is not None:
        profile = profile_in_force(station_id=station_id, evse_id=evse_id,
                                   transaction_id=session.station_transaction_id)
    reason = "" if profile is None else exceeding(schedule, profile.payload["chargingSchedule"])
    return EVChargingSchedule.objects.create(
        tenant_id=station.tenant_id, station_id=station_id, evse_id=evse_id, session=session,
        time_base=time_base, schedule=schedule, status=REJECTED if reason else ACCEPTED,
        reason=reason[:200], profile=profile, received_at=received_at)


def exceeding(car: dict, ours: dict) -> str:
    """Why the car's schedule asks more than ours allows ("" when it does not)."""
    for period in car["chargingSchedulePeriod"]:
        asked = amperes(period["limit"], car["chargingRateUnit"], period.get("numberPhases"))
        given_period = _in_force_at(ours["chargingSchedulePeriod"], period["startPeriod"])
        given = amperes(given_period["limit"], ours["chargingRateUnit"],
                        given_period.get("numberPhases"))
        if asked > given + TOLERANCE:
            return (f"the period at {period['startPeriod']} s asks {asked:.1f} A per phase, "
                    f"the profile gives {given:.1f} A")
    return ""


def _in_force_at(periods: list[dict], offset: int) -> dict:
    started = [p for p in periods if p["startPeriod"] <= offset]
    return max(started, key=lambda p: p["startPeriod"]) if started else periods[0]


def amperes(limit, unit: str, phases: int | None) -> Decimal:
    """A limit in A per phase (one in W spread over its phases, three unless it says)."""
    value = Decimal(str(limit))
    return value if unit == "A" else value / (VOLTAGE * (phases or 3))


async def arenegotiate(*, station_id: int, evse_id: int, profile_id: int | None) -> None:
    """After a rejected schedule: the profile in force goes out again (2.0.1 K16), for the car
    to propose a schedule within it."""
    if profile_id is None:
        return
    row = await ChargingProfile.objects.filter(pk=profile_id).afirst()
    await _send(station_id, evse_id, row.payload if row is not None else None)
