from stations.models.idtag import IdTag, IdTagStatus
from stations.models.message import OcppMessage
from stations.models.presence import ServerProcess
from stations.models.quirks import ModelQuirks
from stations.models.session import ChargingSession, CloseReason, MeterSample
from stations.models.station import Connector, Station, StatusEvent

__all__ = [
    "ChargingSession",
    "CloseReason",
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
