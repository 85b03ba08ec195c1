"""The OCPP 2.0.1 adapter's router (stations/ocpp/routing.py) on the 2.0.1 schemas: what the
consumer hands a 2.0.1 link's frames to. Its errors carry 2.0.1's names (FormatViolation,
OccurrenceConstraintViolation, RpcFrameworkError, MessageTypeNotSupported)."""

from stations.ocpp.routing import Router
from stations.ocpp.v201 import schemas

VERSION = "2.0.1"
SUBPROTOCOL = "ocpp2.0.1"
ROUTER = Router(version=VERSION, subprotocol=SUBPROTOCOL, schemas=schemas.SCHEMAS)

# Actions a 2.0.1 station may send; the rest of the schemas are ours to send.
STATION_ACTIONS = frozenset({
    "Authorize", "BootNotification", "ClearedChargingLimit", "DataTransfer",
    "FirmwareStatusNotification", "Get15118EVCertificate", "GetCertificateStatus", "Heartbeat",
    "LogStatusNotification", "MeterValues", "NotifyChargingLimit", "NotifyCustomerInformation",
    "NotifyDisplayMessages", "NotifyEVChargingNeeds", "NotifyEVChargingSchedule", "NotifyEvent",
    "NotifyMonitoringReport", "NotifyReport", "PublishFirmwareStatusNotification",
    "ReportChargingProfiles", "ReservationStatusUpdate", "SecurityEventNotification",
    "SignCertificate", "StatusNotification", "TransactionEvent",
})
CENTRAL_ACTIONS = frozenset(a for a in schemas.SCHEMAS.actions if a not in STATION_ACTIONS) | {
    "DataTransfer"
}
