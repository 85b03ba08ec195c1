from stations.models.idtag import IdTag, IdTagStatus
from stations.models.message import OcppMessage
from stations.models.presence import ServerProcess
from stations.models.session import ChargingSession, MeterSample
from stations.models.station import Connector, Station, StatusEvent

__all__ = [
    "ChargingSession",
    "Connector",
    "IdTag",
    "IdTagStatus",
    "MeterSample",
    "OcppMessage",
    "ServerProcess",
    "Station",
    "StatusEvent",
]
