"""The OCPP 1.6 adapter's router (stations/ocpp/routing.py) on the 1.6 schemas: what the consumer
hands a 1.6 link's frames to."""

from stations.ocpp.routing import Router
from stations.ocpp.v16 import schemas

VERSION = "1.6"
SUBPROTOCOL = "ocpp1.6"
ROUTER = Router(version=VERSION, subprotocol=SUBPROTOCOL, schemas=schemas.SCHEMAS)

# Actions a 1.6 station may send; the rest of the schemas are ours to send.
STATION_ACTIONS = frozenset({
    "Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification",
    "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StartTransaction",
    "StatusNotification", "StopTransaction", "LogStatusNotification",
    "SecurityEventNotification", "SignCertificate", "SignedFirmwareStatusNotification",
})
CENTRAL_ACTIONS = frozenset(a for a in schemas._actions() if a not in STATION_ACTIONS) | {
    "DataTransfer"
}

answer, sent, result_error = ROUTER.answer, ROUTER.sent, ROUTER.result_error
