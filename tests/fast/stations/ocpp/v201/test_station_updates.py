"""The 2.0.1 messages a station sends about what became of things (control201's handlers):
NotifyEvent into the device model, ReservationStatusUpdate, FirmwareStatusNotification and
LogStatusNotification, each registered for 2.0.1 beside its 1.6 sibling (docs/architecture.md,
path 1), and a NotifyEvent's events read as Actual values (docs/domain-model.md, the device
model). Live: tests/test_firmware_201.py, tests/test_local_list_reservations_201.py and the G_20
conformance scenario."""

from stations.ocpp import registry
from stations.services.device_model import events_reported

LOCK_FAILURE = {"eventId": 1, "timestamp": "2026-12-07T12:00:00Z", "trigger": "Delta",
                "actualValue": "true", "eventNotificationType": "HardWiredNotification",
                "component": {"name": "ConnectorPlugRetentionLock",
                              "evse": {"id": 2, "connectorId": 1}},
                "variable": {"name": "Problem"}}


def test_each_message_has_its_2_0_1_handler_in_its_app():
    assert {action: registry.handler_of("2.0.1", action).__module__ for action in (
        "NotifyEvent", "ReservationStatusUpdate", "FirmwareStatusNotification",
        "LogStatusNotification")} == {
        "NotifyEvent": "stations.ocpp.v201.notify_event",
        "ReservationStatusUpdate": "stations.reservations.ocpp201",
        "FirmwareStatusNotification": "stations.firmware.ocpp201",
        "LogStatusNotification": "stations.firmware.ocpp201"}


def test_an_event_is_its_variable_s_actual_value_on_its_evse_and_connector():
    [reported] = events_reported([LOCK_FAILURE])
    assert (reported.component, reported.variable, reported.value, reported.attribute_type) == (
        "ConnectorPlugRetentionLock", "Problem", "true", "Actual")
    assert (reported.evse_id, reported.connector_id) == (2, 1)
