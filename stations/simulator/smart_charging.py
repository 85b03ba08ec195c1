"""Smart charging: installed profiles per connector (0 = the station), a simple composite."""

from decimal import ROUND_DOWN, Decimal

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.simulator.core import utcnow


class SmartChargingStation:
    """Smart charging: installed profiles per connector (0 = the station), a simple composite."""

    @property
    def charging_profiles(self) -> dict[int, list[dict]]:
        """Installed profiles per connector, as received (snake_case keys)."""
        if not hasattr(self, "_charging_profiles"):
            self._charging_profiles: dict[int, list[dict]] = {n: [] for n in [0, *self.connectors]}
        return self._charging_profiles

    def _install_profile(self, connector_id: int, profile: dict) -> None:
        for profiles in self.charging_profiles.values():  # the same id anywhere is replaced
            profiles[:] = [p for p in profiles
                           if p["charging_profile_id"] != profile["charging_profile_id"]]
        self.charging_profiles[connector_id][:] = [
            p for p in self.charging_profiles[connector_id]
            if (p["stack_level"], p["charging_profile_purpose"])
            != (profile["stack_level"], profile["charging_profile_purpose"])] + [profile]

    def _install_remote_start_profile(self, connector_id: int, profile: dict | None) -> None:
        if profile is not None:
            self.received.append(("RemoteStartTransaction.chargingProfile", profile))
            self._install_profile(connector_id, dict(profile, transaction_id=None))

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id, cs_charging_profiles, **kwargs):
        profile = cs_charging_profiles
        self.received.append(("SetChargingProfile", {"connector_id": connector_id, **profile}))
        purpose = profile["charging_profile_purpose"]
        if connector_id not in self.charging_profiles:
            return call_result.SetChargingProfile(status="Rejected")
        if purpose == "ChargePointMaxProfile" and connector_id != 0:
            return call_result.SetChargingProfile(status="Rejected")
        if purpose == "TxProfile":
            running = self.connectors[connector_id].transaction_id if connector_id else None
            if running is None or profile.get("transaction_id", running) != running:
                return call_result.SetChargingProfile(status="Rejected")
        self._install_profile(connector_id, profile)
        return call_result.SetChargingProfile(status="Accepted")

    @on(Action.clear_charging_profile)
    async def on_clear_charging_profile(self, id=None, connector_id=None,
                                        charging_profile_purpose=None, stack_level=None, **kwargs):
        self.received.append(("ClearChargingProfile", {"id": id, "connector_id": connector_id}))

        def matches(connector: int, profile: dict) -> bool:
            if id is not None:
                return profile["charging_profile_id"] == id
            return ((connector_id is None or connector == connector_id)
                    and charging_profile_purpose in (None, profile["charging_profile_purpose"])
                    and stack_level in (None, profile["stack_level"]))

        cleared = 0
        for connector, profiles in self.charging_profiles.items():
            kept = [p for p in profiles if not matches(connector, p)]
            cleared += len(profiles) - len(kept)
            profiles[:] = kept
        return call_result.ClearChargingProfile(status="Accepted" if cleared else "Unknown")

    @on(Action.get_composite_schedule)
    async def on_get_composite_schedule(self, connector_id, duration, charging_rate_unit=None,
                                        **kwargs):
        if connector_id not in self.charging_profiles:
            return call_result.GetCompositeSchedule(status="Rejected")
        schedule = self.composite_schedule(connector_id, duration, charging_rate_unit)
        return call_result.GetCompositeSchedule(
            status="Accepted", connector_id=connector_id, schedule_start=utcnow(),
            charging_schedule=schedule)

    def composite_schedule(self, connector_id: int, duration: int, unit: str | None) -> dict | None:
        """The lower of the max profile and the Tx (else TxDefault) profile, highest stack level
        of each; every schedule is taken to start now (simple, but what a test can check)."""
        in_force = [p for p in (self._top("ChargePointMaxProfile", [0]),
                                self._tx_profile(connector_id)) if p is not None]
        if not in_force:
            return None
        unit = unit or in_force[-1]["charging_schedule"]["charging_rate_unit"]
        starts = sorted({0} | {period["start_period"] for p in in_force
                               for period in p["charging_schedule"]["charging_schedule_period"]
                               if period["start_period"] < duration})
        periods: list[dict] = []
        for start in starts:
            limits = [limit for p in in_force if (limit := _limit_at(p, start, unit)) is not None]
            if limits and (not periods or periods[-1]["limit"] != min(limits)):
                periods.append({"start_period": start, "limit": min(limits)})
        return {"duration": duration, "charging_rate_unit": unit, "charging_schedule_period": periods}

    def _tx_profile(self, connector_id: int) -> dict | None:
        running = self.connectors[connector_id].transaction_id if connector_id else None
        if running is not None:
            for profile in self.charging_profiles[connector_id]:  # a remote start's binds now
                if profile["charging_profile_purpose"] == "TxProfile" \
                        and profile.get("transaction_id") is None:
                    profile["transaction_id"] = running
            tx = [p for p in self.charging_profiles[connector_id]
                  if p["charging_profile_purpose"] == "TxProfile" and p["transaction_id"] == running]
            if tx:
                return max(tx, key=lambda p: p["stack_level"])
        return (self._top("TxDefaultProfile", [connector_id])
                or self._top("TxDefaultProfile", [0]))

    def _top(self, purpose: str, connectors: list[int]) -> dict | None:
        candidates = [p for c in connectors for p in self.charging_profiles.get(c, [])
                      if p["charging_profile_purpose"] == purpose]
        return max(candidates, key=lambda p: p["stack_level"], default=None)



def _limit_at(profile: dict, second: int, unit: str) -> float | None:
    """The profile's limit `second` seconds into its schedule, in `unit` (A per phase or W, 230 V)."""
    schedule = profile["charging_schedule"]
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
