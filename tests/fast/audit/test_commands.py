"""Commands to stations in the audit log (audit/subscriptions.py): each one, with its request
(secrets masked) and its outcome, as the operator's who asked or the system's. The station's own
answers (Accepted, Rejected...) need a real charge point: tests/test_audit_commands.py."""

import pytest
from asgiref.sync import async_to_sync

from audit.context import audit_context
from audit.models import AuditEntry
from audit.services import command_result
from stations.commands.sending import StationNotConnected, station_call
from stations.models import Station
from tests.factories import make_station
from tests.fast.clients import post

pytestmark = pytest.mark.django_db


def command_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="command").order_by("id"))


def test_a_command_through_the_async_api_is_the_tokens_with_its_outcome(tenant, owner_api):
    station, _ = make_station(tenant, "CMD-1")
    sent = owner_api.post("/api/v1/stations/CMD-1/commands/", json={
        "action": "ChangeConfiguration", "payload": {"key": "VendorWifiPassword", "value": "hunter2hunter2"}})
    assert sent.status_code == 409, sent.content
    [entry] = command_entries()
    assert (entry.actor_type, entry.actor_id, entry.via) == ("token", owner_api.token.pk, "api")
    assert (entry.tenant_id, entry.station_id, entry.station_identity) == (tenant.pk, station.pk, "CMD-1")
    assert (entry.object_type, entry.object_id) == ("stations.station", str(station.pk))
    assert entry.result == "not_connected"
    assert entry.changes == {"request": {"key": "VendorWifiPassword", "value": "***"}}
    assert entry.path == "/api/v1/stations/CMD-1/commands/"


def test_a_command_from_the_dashboard_is_the_signed_in_users(tenant, owner, owner_web):
    make_station(tenant, "CMD-2")
    answer = post(owner_web, "/stations/CMD-2/reset/", {"type": "Soft"})
    assert answer.status_code < 500
    [entry] = command_entries()
    assert (entry.actor_type, entry.actor, entry.via, entry.result) == (
        "user", owner.username, "dashboard", "not_connected")
    assert entry.changes == {"request": {"type": "Soft"}}


def test_a_command_no_one_asked_for_is_the_systems(tenant):
    station, _ = make_station(tenant, "CMD-3")
    with pytest.raises(StationNotConnected):
        async_to_sync(station_call)(Station.objects.get(pk=station.pk), "Reset", {"type": "Hard"})
    [entry] = command_entries()
    assert (entry.actor_type, entry.via, entry.tenant_id, entry.method) == ("system", "system", tenant.pk, "")


def test_a_task_acting_for_an_operator_records_them(tenant, owner):
    station, _ = make_station(tenant, "CMD-4")
    with audit_context(actor=owner, tenant=tenant), pytest.raises(StationNotConnected):
        async_to_sync(station_call)(Station.objects.get(pk=station.pk), "Reset", {"type": "Hard"})
    [entry] = command_entries()
    assert (entry.actor_type, entry.actor_id) == ("user", owner.pk)


def test_a_file_transfers_one_time_token_is_not_kept(tenant):
    station, _ = make_station(tenant, "CMD-5")
    location = "https://cpms.example.com/ocpp-files/firmware/SeCrEtToKeN123/fw.bin"
    with pytest.raises(StationNotConnected):
        async_to_sync(station_call)(Station.objects.get(pk=station.pk), "UpdateFirmware",
                                    {"location": location, "retrieveDate": "2026-12-07T10:00:00Z"})
    [entry] = command_entries()
    assert "SeCrEtToKeN123" not in str(entry.changes)


def test_secrets_are_masked_in_a_request_of_either_version():
    from audit.values import masked_payload

    assert masked_payload({"key": "AuthorizationKey", "value": "0123456789abcdef"}) == {
        "key": "AuthorizationKey", "value": "***"}
    payload = {"setVariableData": [
        {"attributeValue": "s3cret-s3cret-s3cret", "component": {"name": "SecurityCtrlr"},
         "variable": {"name": "BasicAuthPassword"}},
        {"attributeValue": "60", "component": {"name": "OCPPCommCtrlr"},
         "variable": {"name": "HeartbeatInterval"}}]}
    assert [item["attributeValue"] for item in masked_payload(payload)["setVariableData"]] == ["***", "60"]


@pytest.mark.parametrize(("outcome", "response", "detail", "result"), [
    ("result", {"status": "Accepted"}, "", "Accepted"),
    ("result", {"status": "Rejected"}, "", "Rejected"),
    ("result", {"idTagInfo": {}}, "", "answered"),
    ("timeout", None, "The station did not answer in time.", "timeout"),
    ("error", None, "NotSupported", "error: NotSupported"),
])
def test_the_result_is_the_stations_status_else_the_outcome(outcome, response, detail, result):
    assert command_result(outcome=outcome, response=response, detail=detail) == result
