"""The 2.0.1 core's handlers through the 2.0.1 router (stations/ocpp/v201/core.py,
docs/ocpp201.md): who handles what, Heartbeat and DataTransfer answered in 2.0.1's schema, the
boot's fields, and what a station may not send. (Boot and status against the database: the live
tests/test_link_201.py.)"""

from datetime import UTC, datetime

import pytest

from stations.models import Station
from stations.ocpp import registry
from stations.ocpp.frames import Call, CallError, CallResult
from stations.ocpp.link import Link
from stations.ocpp.v201 import core
from stations.ocpp.v201.router import ROUTER, STATION_ACTIONS

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _link() -> Link:
    return Link(Station(pk=1, tenant_id=1, identity="CP-1"), version="2.0.1")


def test_the_core_handles_boot_heartbeat_status_and_data_transfer():
    for action in ("BootNotification", "Heartbeat", "StatusNotification", "DataTransfer"):
        assert registry.handler_of("2.0.1", action).__module__ == "stations.ocpp.v201.core"
    assert {"BootNotification", "Heartbeat", "StatusNotification", "DataTransfer"} <= STATION_ACTIONS


async def test_a_heartbeat_is_answered_with_the_current_time():
    answer, _ = await ROUTER.answer(_link(), Call("h", "Heartbeat", {}), NOW)
    assert isinstance(answer, CallResult)
    assert datetime.fromisoformat(answer.payload["currentTime"]).tzinfo is not None


@pytest.mark.parametrize("payload", [
    {"vendorId": "com.example"},
    {"vendorId": "com.example", "messageId": "Hello", "data": {"any": ["json", 1]}},
])
async def test_a_station_s_data_transfer_gets_unknown_vendor_id(payload):
    answer, _ = await ROUTER.answer(_link(), Call("d", "DataTransfer", payload), NOW)
    assert isinstance(answer, CallResult) and answer.payload == {"status": "UnknownVendorId"}


async def test_a_data_transfer_without_its_vendor_is_an_occurrence_constraint_violation():
    answer, _ = await ROUTER.answer(_link(), Call("d", "DataTransfer", {"data": "x"}), NOW)
    assert isinstance(answer, CallError) and answer.code == "OccurrenceConstraintViolation"


def test_the_boot_s_fields_include_its_reason_and_modem():
    fields = core.boot_fields({"reason": "FirmwareUpdate", "chargingStation": {
        "vendorName": "V" * 50, "model": "M", "serialNumber": "S", "firmwareVersion": "1.2",
        "modem": {"iccid": "ICC", "imsi": "IMS"}}})
    assert fields["boot_reason"] == "FirmwareUpdate" and fields["vendor"] == "V" * 50
    assert (fields["serial_number"], fields["firmware_version"], fields["iccid"],
            fields["imsi"]) == ("S", "1.2", "ICC", "IMS")


async def test_a_message_of_the_central_system_sent_by_a_station_is_not_supported():
    answer, _ = await ROUTER.answer(_link(), Call("r", "Reset", {"type": "Immediate"}), NOW)
    assert isinstance(answer, CallError) and answer.code == "NotSupported"
