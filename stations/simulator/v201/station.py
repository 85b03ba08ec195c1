"""The simulated OCPP 2.0.1 charging station: the core plus the device model, smart charging,
security, local list and reservation, and firmware blocks."""

from stations.simulator.v201.core import CoreChargePoint201
from stations.simulator.v201.customer_information import CustomerInformationStation201
from stations.simulator.v201.device_model import DeviceModelStation
from stations.simulator.v201.display_messages import DisplayMessagesStation201
from stations.simulator.v201.ev_needs import EVNeedsStation201
from stations.simulator.v201.firmware import FirmwareStation201
from stations.simulator.v201.local_list import LocalListStation201
from stations.simulator.v201.monitoring import MonitoringStation201
from stations.simulator.v201.reservations import ReservationStation201
from stations.simulator.v201.security import SecurityStation201
from stations.simulator.v201.smart_charging import SmartChargingStation201


class SimulatedChargePoint201(SecurityStation201, EVNeedsStation201, SmartChargingStation201,
                              LocalListStation201, ReservationStation201, FirmwareStation201,
                              MonitoringStation201, CustomerInformationStation201,
                              DeviceModelStation, DisplayMessagesStation201, CoreChargePoint201):
    """A 2.0.1 charging station with `evses` EVSEs (`connectors_per_evse` connectors each);
    run `start()` in a task, then call its methods in the order a real station would."""
