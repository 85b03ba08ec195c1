from stations.models.connection import ConnectionPeriod
from stations.models.customer_information import CustomerInformation, CustomerInformationPart
from stations.models.device_model import (
    CONFIGURATION_KEYS,
    AttributeType,
    Component,
    DeviceReport,
    Mutability,
    Variable,
    VariableAttribute,
    VariableMonitor,
)
from stations.models.idtag import IdTag, IdTagStatus, IdTokenType
from stations.models.location import Location
from stations.models.message import OcppMessage
from stations.models.monitoring import StationEvent, StationMonitoring
from stations.models.presence import ServerProcess
from stations.models.quirks import ModelQuirks
from stations.models.session import ChargingSession, CloseReason, MeterSample, TransactionEventRecord
from stations.models.station import Connector, Evse, Station, StatusEvent

__all__ = [
    "CONFIGURATION_KEYS",
    "AttributeType",
    "Component",
    "DeviceReport",
    "Evse",
    "IdTokenType",
    "Location",
    "Mutability",
    "Variable",
    "VariableAttribute",
    "VariableMonitor",
    "ChargingSession",
    "CloseReason",
    "ConnectionPeriod",
    "Connector",
    "CustomerInformation",
    "CustomerInformationPart",
    "IdTag",
    "IdTagStatus",
    "MeterSample",
    "ModelQuirks",
    "OcppMessage",
    "ServerProcess",
    "Station",
    "StationEvent",
    "StationMonitoring",
    "StatusEvent",
    "TransactionEventRecord",
]
