"""The simulated OCPP 2.0.1 charging station (docs/architecture.md §7): it boots, reports
status per EVSE and connector, authorizes, charges with TransactionEvents (Started, Updated
with meter values, Ended; the station's transaction id and seqNo), and answers what a CSMS
sends in 2.0.1: the device model, reports, resets, remote start and stop, availability,
triggers, smart charging and certificates. It needs no Django (certificate hashes excepted)."""

from stations.simulator.v201.core import EvseState, connect, id_token_of
from stations.simulator.v201.demo import demo_session_201
from stations.simulator.v201.station import SimulatedChargePoint201

__all__ = ["EvseState", "SimulatedChargePoint201", "connect", "demo_session_201", "id_token_of"]
