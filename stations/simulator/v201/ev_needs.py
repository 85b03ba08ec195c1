"""ISO 15118 cars on the simulated 2.0.1 station (2.0.1 K15–K17): a car tells its charging needs
(NotifyEVChargingNeeds) and proposes a schedule within the TxProfile the CSMS gave it
(NotifyEVChargingSchedule). With `propose_schedules` the car answers every TxProfile it is given
with that profile's schedule, as a car renegotiating through ISO 15118 does."""

from datetime import datetime

from ocpp.routing import after
from ocpp.v201 import call
from ocpp.v201.enums import Action

from stations.simulator.core import utcnow


class EVNeedsStation201:
    """The needs each EVSE's car told (`ev_needs`), the schedules it proposed and the answers
    (`ev_schedules`: (schedule, status))."""

    propose_schedules = False

    @property
    def ev_needs(self) -> dict[int, dict]:
        if not hasattr(self, "_ev_needs"):
            self._ev_needs: dict[int, dict] = {}
        return self._ev_needs

    @property
    def ev_schedules(self) -> list[tuple[dict, str]]:
        if not hasattr(self, "_ev_schedules"):
            self._ev_schedules: list[tuple[dict, str]] = []
        return self._ev_schedules

    async def notify_ev_charging_needs(self, evse_id: int, *, energy_wh: int | None = None,
                                       departure: datetime | None = None, min_current: int = 6,
                                       max_current: int = 32, max_voltage: int = 400,
                                       transfer: str = "AC_three_phase", dc: dict | None = None,
                                       max_schedule_tuples: int | None = None) -> str:
        """The car on the EVSE tells its needs: AC parameters when `energy_wh` is given, DC ones
        (`dc`, snake_case) for a DC car, else only the transfer mode; returns the answer."""
        needs: dict = {"requested_energy_transfer": transfer}
        if departure is not None:
            needs["departure_time"] = departure.isoformat().replace("+00:00", "Z")
        if dc is not None:
            needs["dc_charging_parameters"] = dc
        elif energy_wh is not None:
            needs["ac_charging_parameters"] = {"energy_amount": energy_wh,
                                               "ev_min_current": min_current,
                                               "ev_max_current": max_current,
                                               "ev_max_voltage": max_voltage}
        self.ev_needs[evse_id] = needs
        result = await self.call(call.NotifyEVChargingNeeds(
            charging_needs=needs, evse_id=evse_id, max_schedule_tuples=max_schedule_tuples))
        return result.status

    async def notify_ev_charging_schedule(self, evse_id: int, schedule: dict | None = None) -> str:
        """The car proposes `schedule` (snake_case), by default the schedule of the TxProfile
        it charges under; returns the answer."""
        schedule = schedule or self.tx_schedule(evse_id)
        result = await self.call(call.NotifyEVChargingSchedule(
            time_base=utcnow(), charging_schedule=schedule, evse_id=evse_id))
        self.ev_schedules.append((schedule, result.status))
        return result.status

    def tx_schedule(self, evse_id: int) -> dict | None:
        """The schedule of the TxProfile in force on the EVSE (the highest stack level)."""
        profile = self._tx_profile(evse_id)
        return None if profile is None else profile["charging_schedule"][0]

    @after(Action.set_charging_profile)
    async def after_set_charging_profile(self, evse_id, charging_profile, **kwargs):
        if (self.propose_schedules and charging_profile["charging_profile_purpose"] == "TxProfile"
                and evse_id in self.ev_needs and self.tx_schedule(evse_id) is not None):
            self.soon(self.notify_ev_charging_schedule, evse_id)
