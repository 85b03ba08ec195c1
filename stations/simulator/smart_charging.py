"""Smart charging: installed profiles per connector (0 = the station), a simple composite."""

from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from stations.simulator.core import utcnow
from stations.simulator.schedules import (
    composite_schedule,
    profile_install,
    profile_of_transaction,
    profile_top,
)


class SmartChargingStation:
    """Smart charging: installed profiles per connector (0 = the station), a simple composite."""

    @property
    def charging_profiles(self) -> dict[int, list[dict]]:
        """Installed profiles per connector, as received (snake_case keys)."""
        if not hasattr(self, "_charging_profiles"):
            self._charging_profiles: dict[int, list[dict]] = {n: [] for n in [0, *self.connectors]}
        return self._charging_profiles

    def _install_profile(self, connector_id: int, profile: dict) -> None:
        profile_install(self.charging_profiles, connector_id, profile, id_key="charging_profile_id")

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
        return composite_schedule([p["charging_schedule"] for p in in_force],
                                  duration=duration, unit=unit)

    def _tx_profile(self, connector_id: int) -> dict | None:
        running = self.connectors[connector_id].transaction_id if connector_id else None
        return profile_of_transaction(self.charging_profiles, place=connector_id, running=running)

    def _top(self, purpose: str, connectors: list[int]) -> dict | None:
        return profile_top(self.charging_profiles, purpose=purpose, places=connectors)
