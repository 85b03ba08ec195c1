"""The simulated charge point: the Core profile plus the feature profiles' behaviour."""

from stations.simulator.core import CoreChargePoint
from stations.simulator.firmware import FirmwareStation
from stations.simulator.local_list import LocalListStation
from stations.simulator.smart_charging import SmartChargingStation


class SimulatedChargePoint(SmartChargingStation, LocalListStation, FirmwareStation, CoreChargePoint):
    """A charge point with `connectors` connectors; run `start()` in a task, then call its
    methods in the order a real station would."""
