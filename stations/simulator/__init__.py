"""A small OCPP 1.6-J charge point that speaks to any central system over a real WebSocket.

It boots, reports its connectors, authorizes, charges with meter values and stops; it answers
the common commands a central system sends. `manage.py simulate` runs a demo session with it,
and the test suite and the fleet benchmark build on it. It needs no Django.
"""

from stations.simulator.core import ConnectorState, basic_auth, connect, utcnow
from stations.simulator.demo import demo_session
from stations.simulator.security import SecureChargePoint
from stations.simulator.station import SimulatedChargePoint

__all__ = ["ConnectorState", "SecureChargePoint", "SimulatedChargePoint", "basic_auth", "connect",
           "demo_session", "utcnow"]
