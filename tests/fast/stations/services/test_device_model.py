"""The device model services take plain (component, variable, attribute) data, as 2.0.1's
reports will bring it, and the 1.6 configuration answers become that data
(stations/services/device_model.py; over a real WebSocket: tests/test_domain_model.py)."""

import pytest

from stations.models import CONFIGURATION_KEYS, Component, Variable, VariableAttribute
from stations.services import device_model
from stations.services.device_model import (
    ReportedVariable,
    configuration_changed,
    configuration_recorded,
    device_model_record,
    device_model_record_answer,
)
from tests.factories import make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(tenant):
    return make_station(tenant)[0]


def attributes(station) -> dict:
    return {(a.variable.component.name, a.variable.component.evse_id, a.variable.name, a.type):
            (a.value, a.mutability, a.source)
            for a in VariableAttribute.objects.filter(variable__component__station=station)
            .select_related("variable__component")}


def test_it_stores_components_variables_and_attributes_and_a_new_report_replaces_values(station):
    report = [
        ReportedVariable("EVSE", "Power", "22000", evse_id=1),
        ReportedVariable("EVSE", "Power", "32000", attribute_type="MaxSet", evse_id=1),
        ReportedVariable("SecurityCtrlr", "OrganizationName", "ACME", mutability="ReadOnly"),
    ]
    assert device_model_record(station_id=station.pk, reported=report, source="report") == 3
    device_model_record(station_id=station.pk, source="get", reported=[
        ReportedVariable("EVSE", "Power", "11000", evse_id=1)])
    assert attributes(station) == {
        ("EVSE", 1, "Power", "Actual"): ("11000", "ReadWrite", "get"),
        ("EVSE", 1, "Power", "MaxSet"): ("32000", "ReadWrite", "report"),
        ("SecurityCtrlr", None, "OrganizationName", "Actual"): ("ACME", "ReadOnly", "report"),
    }
    assert Component.objects.filter(station=station).count() == 2
    assert Variable.objects.filter(component__station=station).count() == 2


def test_the_same_component_on_two_evses_is_two_components(station):
    device_model_record(station_id=station.pk, source="report", reported=[
        ReportedVariable("Connector", "Available", "true", evse_id=1, connector_id=1),
        ReportedVariable("Connector", "Available", "false", evse_id=2, connector_id=1)])
    assert sorted(Component.objects.filter(station=station).values_list("evse_id", flat=True)) == [1, 2]


def test_a_get_configuration_answer_is_kept_as_one_variable_per_key(station):
    configuration_recorded(station_id=station.pk, response={"configurationKey": [
        {"key": "HeartbeatInterval", "readonly": False, "value": "300"},
        {"key": "NumberOfConnectors", "readonly": True, "value": "2"},
        {"key": "SupportedFeatureProfiles", "readonly": True},
        {"key": " authorizationkey", "readonly": False, "value": "the password"},
    ], "unknownKey": ["Nope"]})
    assert attributes(station) == {
        (CONFIGURATION_KEYS, None, "HeartbeatInterval", "Actual"): ("300", "ReadWrite", "get"),
        (CONFIGURATION_KEYS, None, "NumberOfConnectors", "Actual"): ("2", "ReadOnly", "get"),
        (CONFIGURATION_KEYS, None, "SupportedFeatureProfiles", "Actual"): ("", "ReadOnly", "get"),
    }


def test_an_accepted_change_keeps_the_keys_spelling_and_a_refused_one_changes_nothing(station):
    configuration_recorded(station_id=station.pk, response={"configurationKey": [
        {"key": "MeterValueSampleInterval", "readonly": False, "value": "60"}]})
    device_model_record_answer(station.pk, "ChangeConfiguration",
                               {"key": "metervaluesampleinterval", "value": "15"}, {"status": "Accepted"})
    device_model_record_answer(station.pk, "ChangeConfiguration",
                               {"key": "MeterValueSampleInterval", "value": "1"}, {"status": "Rejected"})
    assert attributes(station) == {
        (CONFIGURATION_KEYS, None, "MeterValueSampleInterval", "Actual"): ("15", "ReadWrite", "set")}
    assert configuration_changed(station_id=station.pk, key="AuthorizationKey", value="x") == 0


def test_a_key_reported_unknown_is_forgotten(station):
    configuration_recorded(station_id=station.pk, response={"configurationKey": [
        {"key": "A", "readonly": False, "value": "1"}, {"key": "B", "readonly": False, "value": "2"}]})
    configuration_recorded(station_id=station.pk, response={"unknownKey": ["A"]})
    assert [k[2] for k in attributes(station)] == ["B"]


def test_it_records_nothing_for_other_answers_and_other_stations_are_untouched(station, other_tenant):
    other = make_station(other_tenant)[0]
    device_model_record_answer(station.pk, "Reset", {"type": "Soft"}, {"status": "Accepted"})
    configuration_recorded(station_id=other.pk, response={"configurationKey": [
        {"key": "A", "readonly": False, "value": "1"}]})
    assert attributes(station) == {}
    assert len(attributes(other)) == 1


async def test_a_failure_to_keep_an_answer_is_logged_and_the_command_still_succeeds(monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("database gone")

    monkeypatch.setattr(device_model, "device_model_record_answer", broken)
    await device_model.adevice_model_record_answer(1, "GetConfiguration", {}, {"configurationKey": []})
    assert "not updated from its GetConfiguration answer" in caplog.text
