"""Charging profiles as the simulated stations keep them, whatever OCPP version they speak:
installed profiles per place (a 1.6 connector or a 2.0.1 EVSE, 0 = the station), which profile
is in force, and a simple composite schedule (docs/architecture.md: the simulator is the
stations the tests talk to). The 1.6 and 2.0.1 simulators only name things differently
(`ChargePointMaxProfile` / `ChargingStationMaxProfile`, `charging_profile_id` / `id`, one
schedule / a list of them); they pass those in and share the computation."""

from decimal import ROUND_DOWN, Decimal

Profiles = dict[int, list[dict]]


def profile_install(profiles_by_place: Profiles, place: int, profile: dict, *, id_key: str) -> None:
    """Install `profile` on `place`: the same id anywhere, and the same stack level and purpose
    on `place`, are replaced."""
    for profiles in profiles_by_place.values():
        profiles[:] = [p for p in profiles if p[id_key] != profile[id_key]]
    profiles_by_place[place][:] = [
        p for p in profiles_by_place[place]
        if (p["stack_level"], p["charging_profile_purpose"])
        != (profile["stack_level"], profile["charging_profile_purpose"])] + [profile]


def profile_top(profiles_by_place: Profiles, *, purpose: str, places: list[int]) -> dict | None:
    """The highest stack level profile of `purpose` on any of `places`."""
    candidates = [p for n in places for p in profiles_by_place.get(n, [])
                  if p["charging_profile_purpose"] == purpose]
    return max(candidates, key=lambda p: p["stack_level"], default=None)


def profile_of_transaction(profiles_by_place: Profiles, *, place: int,
                           running: str | int | None) -> dict | None:
    """The transaction's profile on `place` (a remote start's, installed unbound, binds to the
    running transaction now), else the place's default profile, else the station's."""
    if running is not None:
        for profile in profiles_by_place[place]:
            if profile["charging_profile_purpose"] == "TxProfile" \
                    and profile.get("transaction_id") is None:
                profile["transaction_id"] = running
        tx = [p for p in profiles_by_place[place]
              if p["charging_profile_purpose"] == "TxProfile"
              and p.get("transaction_id") == running]
        if tx:
            return max(tx, key=lambda p: p["stack_level"])
    return (profile_top(profiles_by_place, purpose="TxDefaultProfile", places=[place])
            or profile_top(profiles_by_place, purpose="TxDefaultProfile", places=[0]))


def composite_schedule(schedules: list[dict], *, duration: int, unit: str | None,
                       split_at_ends: bool = False) -> dict | None:
    """The lower of the in-force `schedules` (snake_case ChargingSchedule dicts) over `duration`
    seconds, every schedule taken to start now; None when none is in force. `split_at_ends`:
    a new period also starts where a schedule's own duration ends (the 2.0.1 simulator)."""
    if not schedules:
        return None
    unit = unit or schedules[-1]["charging_rate_unit"]
    starts = {0} | {period["start_period"] for schedule in schedules
                    for period in schedule["charging_schedule_period"]
                    if period["start_period"] < duration}
    if split_at_ends:
        starts |= {schedule["duration"] for schedule in schedules
                   if schedule.get("duration") is not None and schedule["duration"] < duration}
    periods: list[dict] = []
    for start in sorted(starts):
        limits = [limit for schedule in schedules
                  if (limit := limit_at(schedule, start, unit)) is not None]
        if limits and (not periods or periods[-1]["limit"] != min(limits)):
            periods.append({"start_period": start, "limit": min(limits)})
    return {"duration": duration, "charging_rate_unit": unit, "charging_schedule_period": periods}


def limit_at(schedule: dict, second: int, unit: str) -> float | None:
    """The schedule's limit `second` seconds in, in `unit` (A per phase or W, 230 V)."""
    if schedule.get("duration") is not None and second >= schedule["duration"]:
        return None
    current = [p for p in schedule["charging_schedule_period"] if p["start_period"] <= second]
    if not current:
        return None
    period = max(current, key=lambda p: p["start_period"])
    limit, phases = Decimal(str(period["limit"])), period.get("number_phases") or 3
    if schedule["charging_rate_unit"] != unit:
        limit = limit * 230 * phases if unit == "W" else limit / (230 * phases)
    return float(limit.quantize(Decimal("0.1"), rounding=ROUND_DOWN))
