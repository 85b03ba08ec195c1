"""Smart charging of the simulated 2.0.1 station: charging profiles per EVSE (0 = the station),
SetChargingProfile / ClearChargingProfile, GetChargingProfiles answered by
ReportChargingProfiles parts, and a composite schedule computed as the 1.6 simulator does
(stations/simulator/schedules.py, shared with it): the lower of the station's max profile and the
transaction's (else the default) profile, every schedule taken to start now."""

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.simulator.core import utcnow
from stations.simulator.schedules import (
    composite_schedule,
    profile_install,
    profile_of_transaction,
    profile_top,
)

MAX_PROFILE = "ChargingStationMaxProfile"
EXTERNAL = "ChargingStationExternalConstraints"  # limits an external system set (grid, EMS)


class SmartChargingStation201:
    """Installed profiles per EVSE, as received (snake_case keys, `charging_schedule` a list)."""

    max_current = 32.0  # what an EVSE can do without a profile (A per phase)

    @property
    def charging_profiles(self) -> dict[int, list[dict]]:
        if not hasattr(self, "_charging_profiles"):
            self._charging_profiles: dict[int, list[dict]] = {n: [] for n in [0, *self.evses]}
        return self._charging_profiles

    @property
    def external_limits(self) -> dict[tuple[int, str], dict]:
        """(EVSE, source) -> the ChargingStationExternalConstraints profile an external system
        set there (EVSE 0: the station)."""
        if not hasattr(self, "_external_limits"):
            self._external_limits: dict[tuple[int, str], dict] = {}
        return self._external_limits

    async def notify_charging_limit(self, evse_id: int, limit: float | None, *, source: str = "SO",
                                    unit: str = "A", grid_critical: bool | None = None,
                                    profile_id: int | None = None, duration: int | None = None):
        """An external system sets `limit` on the EVSE (0: the whole station): the station holds
        it as an external-constraints profile and tells the CSMS with NotifyChargingLimit, with
        its schedule (none when `limit` is None: EnableNotifyChargingLimitWithSchedules false)."""
        schedule = _without_none({
            "id": profile_id or 7000 + evse_id, "start_schedule": utcnow(), "duration": duration,
            "charging_rate_unit": unit,
            "charging_schedule_period": [{"start_period": 0, "limit": limit if limit is not None
                                          else self.max_current}]})
        self.external_limits[(evse_id, source)] = {
            "id": schedule["id"], "stack_level": 0, "charging_profile_purpose": EXTERNAL,
            "charging_profile_kind": "Absolute", "charging_schedule": [schedule]}
        return await self.call(call.NotifyChargingLimit(
            charging_limit=_without_none({"charging_limit_source": source,
                                          "is_grid_critical": grid_critical}),
            evse_id=evse_id or None, charging_schedule=None if limit is None else [schedule]))

    async def cleared_charging_limit(self, evse_id: int | None, *, source: str = "SO"):
        """The external system releases its limit on the EVSE (None: on every EVSE)."""
        for key in [k for k in self.external_limits if k[1] == source
                    and evse_id in (None, k[0])]:
            del self.external_limits[key]
        return await self.call(call.ClearedChargingLimit(charging_limit_source=source,
                                                         evse_id=evse_id))

    def _install_profile(self, evse_id: int, profile: dict) -> None:
        profile_install(self.charging_profiles, evse_id, profile, id_key="id")

    def _install_remote_start_profile(self, evse_id: int, profile: dict) -> None:
        super()._install_remote_start_profile(evse_id, profile)
        self._install_profile(evse_id, dict(profile, transaction_id=None))  # bound at the start

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, evse_id, charging_profile, **kwargs):
        profile = charging_profile
        self.received.append(("SetChargingProfile", {"evse_id": evse_id, **profile}))
        purpose = profile["charging_profile_purpose"]
        if evse_id not in self.charging_profiles:
            return call_result.SetChargingProfile(status="Rejected")
        if purpose == MAX_PROFILE and evse_id != 0:
            return call_result.SetChargingProfile(status="Rejected")
        if purpose == "TxProfile":
            running = self.evses[evse_id].transaction_id if evse_id else None
            if running is None or profile.get("transaction_id") != running:
                return call_result.SetChargingProfile(status="Rejected")
        self._install_profile(evse_id, profile)
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.clear_charging_profile)
    async def on_clear_charging_profile(self, charging_profile_id=None,
                                        charging_profile_criteria=None, **kwargs):
        criteria = charging_profile_criteria or {}
        self.received.append(("ClearChargingProfile", {"charging_profile_id": charging_profile_id,
                                                       **criteria}))

        def matches(evse_id: int, profile: dict) -> bool:
            if charging_profile_id is not None:
                return profile["id"] == charging_profile_id
            return (criteria.get("evse_id") in (None, evse_id)
                    and criteria.get("charging_profile_purpose")
                    in (None, profile["charging_profile_purpose"])
                    and criteria.get("stack_level") in (None, profile["stack_level"]))

        cleared = 0
        for evse_id, profiles in self.charging_profiles.items():
            kept = [p for p in profiles if not matches(evse_id, p)]
            cleared += len(profiles) - len(kept)
            profiles[:] = kept
        return call_result.ClearChargingProfile(status="Accepted" if cleared else "Unknown")

    @on(Action.get_charging_profiles)
    async def on_get_charging_profiles(self, request_id, charging_profile, evse_id=None, **kwargs):
        criterion = charging_profile
        self.received.append(("GetChargingProfiles", {"request_id": request_id,
                                                      "evse_id": evse_id, **criterion}))

        def matches(profile: dict) -> bool:
            return (criterion.get("charging_profile_purpose")
                    in (None, profile["charging_profile_purpose"])
                    and criterion.get("stack_level") in (None, profile["stack_level"])
                    and (not criterion.get("charging_profile_id")
                         or profile["id"] in criterion["charging_profile_id"])
                    and (not criterion.get("charging_limit_source")
                         or "CSO" in criterion["charging_limit_source"]))

        found = {(n, "CSO"): [p for p in profiles if matches(p)]
                 for n, profiles in self.charging_profiles.items()
                 if evse_id is None or n == evse_id}
        for (n, source), profile in self.external_limits.items():
            if (evse_id in (None, n) and source in criterion.get("charging_limit_source", [source])
                    and _matches_external(criterion, profile)):
                found[(n, source)] = [profile]
        found = {place: profiles for place, profiles in found.items() if profiles}
        if not found:
            return call_result.GetChargingProfiles(status="NoProfiles")
        self.soon(self.report_charging_profiles, request_id, found)
        return call_result.GetChargingProfiles(status="Accepted")

    async def report_charging_profiles(self, request_id: int,
                                       found: dict[tuple[int, str], list[dict]]) -> None:
        """One ReportChargingProfiles per EVSE and source, tbc on all but the last."""
        for n, ((evse_id, source), profiles) in enumerate(found.items()):
            await self.call(call.ReportChargingProfiles(
                request_id=request_id, charging_limit_source=source, evse_id=evse_id,
                charging_profile=[_without_none(p) for p in profiles],
                tbc=n < len(found) - 1))

    @on(Action.get_composite_schedule)
    async def on_get_composite_schedule(self, duration, evse_id, charging_rate_unit=None,
                                        **kwargs):
        self.received.append(("GetCompositeSchedule", {"evse_id": evse_id, "duration": duration}))
        if evse_id not in self.charging_profiles:
            return call_result.GetCompositeSchedule(status="Rejected")
        schedule = self.composite_schedule(evse_id, duration, charging_rate_unit) or {
            "duration": duration, "charging_rate_unit": charging_rate_unit or "A",
            "charging_schedule_period": [{"start_period": 0, "limit": _in_unit(
                self.max_current, charging_rate_unit or "A")}]}
        return call_result.GetCompositeSchedule(status="Accepted", schedule={
            "evse_id": evse_id, "schedule_start": utcnow(), **schedule})

    def composite_schedule(self, evse_id: int, duration: int, unit: str | None) -> dict | None:
        """The limit in force on the EVSE (0: the station) over `duration` seconds, as the 1.6
        simulator's `composite_schedule` gives it (None when no profile is in force)."""
        in_force = [p for p in (self._top(MAX_PROFILE, [0]), self._tx_profile(evse_id))
                    if p is not None]
        in_force += [p for (n, _), p in self.external_limits.items() if n in (0, evse_id)]
        return composite_schedule([p["charging_schedule"][0] for p in in_force],
                                  duration=duration, unit=unit, split_at_ends=True)

    def _tx_profile(self, evse_id: int) -> dict | None:
        running = self.evses[evse_id].transaction_id if evse_id else None
        return profile_of_transaction(self.charging_profiles, place=evse_id, running=running)

    def _top(self, purpose: str, evses: list[int]) -> dict | None:
        return profile_top(self.charging_profiles, purpose=purpose, places=evses)


def _matches_external(criterion: dict, profile: dict) -> bool:
    """An external-constraints profile matches criteria naming its purpose, level or id only."""
    return (criterion.get("charging_profile_purpose") in (None, EXTERNAL)
            and criterion.get("stack_level") in (None, profile["stack_level"])
            and (not criterion.get("charging_profile_id")
                 or profile["id"] in criterion["charging_profile_id"]))


def _in_unit(amperes: float, unit: str) -> float:
    return amperes if unit == "A" else amperes * 230 * 3


def _without_none(data):
    if isinstance(data, dict):
        return {k: _without_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_none(v) for v in data]
    return data
