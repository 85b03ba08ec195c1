from stations.models.idtag import IdTag, IdTagStatus
from stations.models.message import OcppMessage
from stations.models.presence import ServerProcess
from stations.models.quirks import ModelQuirks
from stations.models.session import ChargingSession, MeterSample
from stations.models.station import Connector, Station, StatusEvent

__all__ = [
    "ChargingSession",
    "Connector",
    "IdTag",
    "IdTagStatus",
    "MeterSample",
    "ModelQuirks",
    "OcppMessage",
    "ServerProcess",
    "Station",
    "StatusEvent",
]
