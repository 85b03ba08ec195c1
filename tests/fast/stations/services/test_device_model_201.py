"""The 2.0.1 device model in the domain (stations/services/device_model.py): NotifyReport parts
assembled into components, variables with their characteristics and attributes, whatever their
order and however often a part comes; GetVariables and SetVariables answers kept; the station
password never kept; the items a station takes per message read from its model
(docs/domain-model.md, the device model; over a real WebSocket: tests/test_device_model_201.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from stations.devicemodel.selectors import device_model_matching, items_per_message
from stations.models import DeviceReport, Variable, VariableAttribute
from stations.services.device_model import (
    device_model_record,
    device_model_record_answer,
    device_report_answered,
    device_report_open,
    device_report_part_record,
    events_reported,
)
from tests.factories import make_station

pytestmark = pytest.mark.django_db
AT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def station(tenant):
    return make_station(tenant)[0]


def entry(component: str, variable: str, *attributes: dict, evse: dict | None = None,
          characteristics: dict | None = None, **names) -> dict:
    item = {"component": {"name": component, **({"evse": evse} if evse else {}),
                          **({"instance": names["ci"]} if "ci" in names else {})},
            "variable": {"name": variable, **({"instance": names["vi"]} if "vi" in names else {})},
            "variableAttribute": list(attributes) or [{"value": "x"}]}
    if characteristics:
        item["variableCharacteristics"] = characteristics
    return item


PART_0 = [entry("OCPPCommCtrlr", "HeartbeatInterval", {"value": "300", "persistent": True},
                characteristics={"dataType": "integer", "unit": "s", "minLimit": 1,
                                 "maxLimit": 86400, "supportsMonitoring": False})]
PART_1 = [entry("EVSE", "Power", {"value": "22000", "mutability": "ReadOnly"},
                {"type": "MaxSet", "value": "22000"}, evse={"id": 1},
                characteristics={"dataType": "decimal", "unit": "W", "supportsMonitoring": True})]
PART_2 = [entry("DeviceDataCtrlr", "ItemsPerMessage", {"value": "2", "mutability": "ReadOnly"},
                vi="GetVariables"),
          entry("SecurityCtrlr", "BasicAuthPassword", {"value": "s3cret-s3cret-s3cret",
                                                        "mutability": "WriteOnly"})]


def attributes(station) -> dict:
    rows = (VariableAttribute.objects.filter(variable__component__station=station)
            .select_related("variable__component"))
    return {(a.variable.component.name, a.variable.component.evse_id, a.variable.name,
             a.variable.instance, a.type): (a.value, a.mutability, a.persistent) for a in rows}


def record(station, seq_no, tbc, data):
    return device_report_part_record(station_id=station.pk, request_id=report_id(station),
                                     seq_no=seq_no, tbc=tbc, report_data=data, at=AT)


def report_id(station) -> int:
    return DeviceReport.objects.get(station=station).request_id


def test_a_report_in_parts_becomes_the_device_model_and_completes_with_its_last_part(station):
    report = device_report_open(station_id=station.pk, kind="FullInventory")
    device_report_answered(report_id=report.pk, status="Accepted")
    assert record(station, 0, True, PART_0).completed_at is None
    assert record(station, 1, True, PART_1).completed_at is None
    done = record(station, 2, False, PART_2)
    assert (done.parts, done.completed_at, done.status) == (3, AT, "Accepted")
    assert attributes(station) == {
        ("OCPPCommCtrlr", None, "HeartbeatInterval", "", "Actual"): ("300", "ReadWrite", True),
        ("EVSE", 1, "Power", "", "Actual"): ("22000", "ReadOnly", False),
        ("EVSE", 1, "Power", "", "MaxSet"): ("22000", "ReadWrite", False),
        ("DeviceDataCtrlr", None, "ItemsPerMessage", "GetVariables", "Actual"):
            ("2", "ReadOnly", False),
        ("SecurityCtrlr", None, "BasicAuthPassword", "", "Actual"): ("", "WriteOnly", False),
    }
    heartbeat = Variable.objects.get(component__station=station, name="HeartbeatInterval")
    assert (heartbeat.data_type, heartbeat.unit, heartbeat.min_limit, heartbeat.max_limit) == (
        "integer", "s", Decimal("1"), Decimal("86400"))
    assert Variable.objects.get(component__station=station, name="Power").supports_monitoring


def test_parts_out_of_order_and_twice_count_once_and_complete_only_when_all_came(station):
    device_report_open(station_id=station.pk, kind="FullInventory")
    assert record(station, 2, False, PART_2).completed_at is None  # the last came first
    assert record(station, 0, True, PART_0).completed_at is None
    again = record(station, 0, True, PART_0)
    assert (again.parts, again.completed_at) == (2, None)
    done = record(station, 1, True, PART_1)
    assert (done.parts, done.seq_nos, done.last_seq_no, done.completed_at) == (3, [0, 1, 2], 2, AT)
    assert len(attributes(station)) == 5


def test_parts_of_a_request_never_made_are_kept_as_an_unrequested_report(station):
    report = device_report_part_record(station_id=station.pk, request_id=77, seq_no=0, tbc=False,
                                       report_data=PART_0, at=AT)
    assert (report.kind, report.parts, report.completed_at) == ("Unrequested", 1, AT)


def test_each_report_gets_a_request_id_new_for_its_station(station, tenant):
    other = make_station(tenant, identity="CP-OTHER")[0]
    ids = [device_report_open(station_id=station.pk, kind="FullInventory").request_id,
           device_report_open(station_id=station.pk, kind="Custom").request_id,
           device_report_open(station_id=other.pk, kind="Custom").request_id]
    assert ids == [1, 2, 1]


def test_get_variables_values_are_kept_without_forgetting_what_the_report_told(station):
    device_report_open(station_id=station.pk, kind="FullInventory")
    record(station, 0, False, PART_1)
    device_model_record_answer(station.pk, "GetVariables", {}, {"getVariableResult": [
        {"attributeStatus": "Accepted", "attributeValue": "11000",
         "component": {"name": "EVSE", "evse": {"id": 1}}, "variable": {"name": "Power"}},
        {"attributeStatus": "UnknownVariable", "component": {"name": "EVSE"},
         "variable": {"name": "Nothing"}}]})
    assert attributes(station)[("EVSE", 1, "Power", "", "Actual")] == ("11000", "ReadOnly", False)
    assert not Variable.objects.filter(name="Nothing").exists()


def test_an_accepted_set_is_the_new_value_and_a_refused_or_pending_one_is_not(station):
    request = {"setVariableData": [
        {"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"},
         "attributeValue": "60"},
        {"component": {"name": "TxCtrlr"}, "variable": {"name": "EVConnectionTimeOut"},
         "attributeType": "Actual", "attributeValue": "30"},
        {"component": {"name": "AlignedDataCtrlr"}, "variable": {"name": "Interval"},
         "attributeValue": "900"},
        {"component": {"name": "SecurityCtrlr"}, "variable": {"name": "BasicAuthPassword"},
         "attributeValue": "n3w-pa55word-n3w-pa55word"}]}
    response = {"setVariableResult": [
        {"attributeStatus": "Accepted", "component": {"name": "OCPPCommCtrlr"},
         "variable": {"name": "HeartbeatInterval"}},
        {"attributeStatus": "Rejected", "component": {"name": "TxCtrlr"},
         "variable": {"name": "EVConnectionTimeOut"}},
        {"attributeStatus": "RebootRequired", "component": {"name": "AlignedDataCtrlr"},
         "variable": {"name": "Interval"}},
        {"attributeStatus": "Accepted", "component": {"name": "SecurityCtrlr"},
         "variable": {"name": "BasicAuthPassword"}}]}
    device_model_record_answer(station.pk, "SetVariables", request, response)
    stored = {key[2]: value[0] for key, value in attributes(station).items()}
    assert stored == {"HeartbeatInterval": "60", "BasicAuthPassword": ""}
    assert not VariableAttribute.objects.filter(value__contains="pa55word").exists()


def test_items_per_message_come_from_the_stored_model(station):
    assert items_per_message(station_id=station.pk, action="GetVariables") is None
    device_report_open(station_id=station.pk, kind="FullInventory")
    record(station, 0, False, PART_2 + [
        entry("DeviceDataCtrlr", "ItemsPerMessageSetVariables", {"value": "3"})])
    assert items_per_message(station_id=station.pk, action="GetVariables") == 2
    assert items_per_message(station_id=station.pk, action="SetVariables") == 3


def test_the_model_can_be_searched_and_narrowed_to_what_can_be_written(station):
    device_report_open(station_id=station.pk, kind="FullInventory")
    record(station, 0, False, PART_0 + PART_1 + PART_2)
    shown = {c.name: [v.name for v in c.shown_variables]
             for c in device_model_matching(station, search="power")}
    assert shown == {"EVSE": ["Power"]}
    writable = {c.name for c in device_model_matching(station, writable=True)}
    assert writable == {"OCPPCommCtrlr", "EVSE", "SecurityCtrlr"}
    assert [c.name for c in device_model_matching(station, component="EVSE")] == ["EVSE"]


def test_a_limit_the_model_cannot_hold_is_dropped_and_a_negative_evse_skipped(station):
    device_report_open(station_id=station.pk, kind="FullInventory")
    record(station, 0, False, [
        entry("Big", "Number", characteristics={"dataType": "decimal", "minLimit": -1e30,
                                                 "maxLimit": 2.5}),
        entry("EVSE", "Power", evse={"id": -1})])
    big = Variable.objects.get(component__station=station, name="Number")
    assert (big.min_limit, big.max_limit) == (None, Decimal("2.5"))
    assert not Variable.objects.filter(component__station=station, name="Power").exists()


def test_a_last_part_numbered_in_the_hundreds_of_millions_is_counted_not_listed(station):
    """Found by the 2.0.1 link fuzz: seqNo 279635229 made a set of every number up to it and
    stalled a server thread (NotifyReport and NotifyMonitoringReport share this)."""
    at = datetime(2026, 12, 7, tzinfo=UTC)
    report = device_report_part_record(station_id=station.pk, request_id=78, seq_no=279635229,
                                       tbc=False, report_data=[], at=at)
    assert (report.completed_at, report.last_seq_no) == (None, 279635229)
    for seq_no in (1, 0):
        report = device_report_part_record(station_id=station.pk, request_id=79, seq_no=seq_no,
                                           tbc=seq_no == 0, report_data=[], at=at)
    assert report.completed_at == at


def test_an_event_on_a_negative_evse_is_not_taken_into_the_model(station):
    """Found by the 2.0.1 link fuzz: a NotifyEvent's evse id -4017 is schema-valid."""
    event = {"component": {"name": "Connector", "evse": {"id": -4017}},
             "variable": {"name": "Problem"}, "actualValue": "true"}
    assert device_model_record(station_id=station.pk, reported=events_reported([event]),
                               source="event", described=False) == 0
