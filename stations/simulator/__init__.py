"""A small OCPP 1.6-J charge point that speaks to any central system over a real WebSocket
(and its OCPP 2.0.1 sibling, `SimulatedChargePoint201`, in `stations/simulator/v201/`).

It boots, reports its connectors, authorizes, charges with meter values and stops; it answers
the common commands a central system sends. `manage.py simulate` runs a demo session with it,
and the test suite and the fleet benchmark build on it. It needs no Django.
"""

from stations.simulator.core import ConnectorState, basic_auth, connect, utcnow
from stations.simulator.demo import demo_session
from stations.simulator.security import SecureChargePoint
from stations.simulator.station import SimulatedChargePoint
from stations.simulator.v201 import SimulatedChargePoint201, demo_session_201

__all__ = ["ConnectorState", "SecureChargePoint", "SimulatedChargePoint", "SimulatedChargePoint201",
           "basic_auth", "connect", "demo_session", "demo_session_201", "utcnow"]
