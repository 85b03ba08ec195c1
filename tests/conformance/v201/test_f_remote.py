"""OCA OCPP 2.0.1 conformance scenarios of block F, Remote control: remote start and its
remoteStartId, unlock, and TriggerMessage. The charging station plays its part over the real
WebSocket; the central system's requests are sent through our API (the remote-start, trigger
and commands endpoints; docs/conformance.md)."""

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.models import OcppMessage
from stations.simulator.v201 import SimulatedChargePoint201
from tests.conformance.v201.steps import command, evse_status
from tests.factories import eventually


def _received(octt201, action: str) -> list[dict]:
    """The payloads of the station's CALLs of `action` since the case began, oldest first."""
    return list(OcppMessage.objects.filter(
        station=octt201.station, direction="in", action=action, message_type=2,
        created_at__gte=octt201.began).order_by("created_at", "id").values_list("payload", flat=True))


def _callerrors(octt201) -> int:
    return OcppMessage.objects.filter(station=octt201.station, message_type=4,
                                      created_at__gte=octt201.began).count()


async def _remote_start(api, octt201, evse_id: int | None = 1) -> dict:
    body = {"id_tag": octt201.valid} | ({"connector_id": evse_id} if evse_id else {})
    response = await api.post(f"/api/v1/stations/{octt201.station.identity}/remote-start/",
                              json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def _trigger(api, octt201, message: str, evse_id: int | None = None) -> str:
    body = {"requested_message": message} | ({"connector_id": evse_id} if evse_id else {})
    response = await api.post(f"/api/v1/stations/{octt201.station.identity}/trigger/", json=body)
    assert response.status_code == 200, response.text
    return response.json()["status"]


async def _session(octt201, **filters):
    return await eventually(lambda: octt201.own_sessions().filter(**filters).first())


async def _stop_all(octt201, cp) -> None:
    """End what the case started, so the next case (shared mode) finds the card free."""
    for evse_id, evse in cp.evses.items():
        if evse.transaction_id is not None:
            await cp.stop_transaction(evse_id)
    await eventually(lambda: not octt201.own_sessions().filter(stopped_at__isnull=True).exists())


# Remote start --------------------------------------------------------------------------------
class CableFirst(SimulatedChargePoint201):
    """The cable is in (a transaction runs without a token) when the remote start arrives: the
    token joins that transaction (Updated, RemoteStart, with the remoteStartId)."""

    @on(Action.request_start_transaction)
    async def on_request_start_transaction(self, id_token, remote_start_id, evse_id=None,
                                           charging_profile=None, **kwargs):
        evse_id = evse_id or 1
        evse = self.evses[evse_id]
        if evse.transaction_id is None or evse.id_token is not None:
            return await super().on_request_start_transaction(
                id_token, remote_start_id, evse_id, charging_profile, **kwargs)
        self.received.append(("RequestStartTransaction", {"remote_start_id": remote_start_id}))
        evse.id_token = {"idToken": id_token["id_token"], "type": id_token["type"]}

        async def authorized():
            await self.transaction_event(evse_id, "Updated", "RemoteStart", id_token=evse.id_token,
                                         charging_state="Charging", remote_start_id=remote_start_id)
        self.soon(authorized)
        return call_result.RequestStartTransaction(status="Accepted")


class AuthorizingRemoteStart(SimulatedChargePoint201):
    """AuthorizeRemoteStart is true: the station authorizes the token before it starts."""

    async def _remote_session(self, evse_id, id_token, remote_start_id, transaction_id):
        if await self.authorize(id_token["id_token"]) == "Accepted":
            await super()._remote_session(evse_id, id_token, remote_start_id, transaction_id)


class NoCable(SimulatedChargePoint201):
    """The transaction starts on the remote start, but no cable comes before EVConnectionTimeOut:
    it ends (EVConnectTimeout, stoppedReason Timeout)."""

    async def _remote_session(self, evse_id, id_token, remote_start_id, transaction_id):
        await super()._remote_session(evse_id, id_token, remote_start_id, transaction_id)
        await self.stop_transaction(evse_id, "Timeout", trigger_reason="EVConnectTimeout")


async def test_tc_f_01_remote_start_transaction_cable_plugin_first(server, octt201):
    """Remote start transaction – Cable plugin first

    The cable's transaction runs without a token; the remote start's token and remoteStartId
    join it, and the session shows both."""
    async with octt201.charge_point(server, cls=CableFirst) as cp, octt201.api(server) as api:
        await cp.plug_in(1)
        plugged = cp.evses[1].transaction_id
        await _session(octt201, stopped_at__isnull=True)
        answer = await _remote_start(api, octt201)
        session = await _session(octt201, remote_start_id=answer["remote_start_id"])
        await _stop_all(octt201, cp)
    assert answer["status"] == "Accepted"
    assert (session.id_tag, session.station_transaction_id) == (octt201.valid, plugged)
    assert octt201.own_sessions().count() == 1


async def test_tc_f_02_remote_start_transaction_remote_start_first_authorizeremotestart_is_true(
        server, octt201):
    """Remote start transaction – Remote start first – AuthorizeRemoteStart is true

    The station authorizes the token (Accepted), then starts the transaction with the
    remoteStartId the CSMS sent."""
    async with octt201.charge_point(server, cls=AuthorizingRemoteStart) as cp, \
            octt201.api(server) as api:
        answer = await _remote_start(api, octt201)
        session = await _session(octt201, remote_start_id=answer["remote_start_id"])
        authorized = _received(octt201, "Authorize")
        await _stop_all(octt201, cp)
    assert answer["status"] == "Accepted"
    assert [a["idToken"]["idToken"] for a in authorized] == [octt201.valid]
    assert (session.id_tag, session.evse_id) == (octt201.valid, 1)
    [started] = [e for e in _received(octt201, "TransactionEvent") if e["eventType"] == "Started"]
    assert (started["triggerReason"], started["transactionInfo"]["remoteStartId"]) == (
        "RemoteStart", answer["remote_start_id"])


async def test_tc_f_03_remote_start_transaction_remote_start_first_authorizeremotestart_is_false(
        server, octt201):
    """Remote start transaction – Remote start first – AuthorizeRemoteStart is false

    The station starts at once, without an Authorize; the TransactionEvent's token is accepted
    and the session carries the remoteStartId."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await _remote_start(api, octt201, evse_id=None)
        session = await _session(octt201, remote_start_id=answer["remote_start_id"])
        await _stop_all(octt201, cp)
    assert answer["status"] == "Accepted"
    assert not _received(octt201, "Authorize")
    assert session.id_tag == octt201.valid
    assert any(info.get("status") == "Accepted" for info in cp.id_token_infos)


async def test_tc_f_04_remote_start_transaction_remote_start_first_cable_plugin_timeout(
        server, octt201):
    """Remote start transaction – Remote start first – Cable plugin timeout

    The transaction the remote start began ends without energy when no cable comes; the CSMS
    stores it as ended (Timeout)."""
    async with octt201.charge_point(server, cls=NoCable) as cp, octt201.api(server) as api:
        answer = await _remote_start(api, octt201)
        session = await _session(octt201, remote_start_id=answer["remote_start_id"],
                                 stopped_at__isnull=False)
        await cp.settle()
        await evse_status(api, octt201.station, 1, "Available")
    assert answer["status"] == "Accepted"
    assert session.stop_reason == "Timeout"


# Unlock --------------------------------------------------------------------------------------
async def test_tc_f_06_remote_unlock_connector_without_ongoing_transaction_accepted(
        server, octt201):
    """Remote unlock Connector – Without ongoing transaction – Accepted"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "UnlockConnector",
                               {"evseId": 1, "connectorId": 1})
    assert answer == {"status": "Unlocked"}
    assert ("UnlockConnector", {"evse_id": 1, "connector_id": 1}) in cp.received


# Trigger message -----------------------------------------------------------------------------
async def test_tc_f_11_trigger_message_metervalues_specific_evse(server, octt201):
    """Trigger message – MeterValues – Specific EVSE"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        status = await _trigger(api, octt201, "MeterValues", evse_id=2)
        await cp.settle()
        sent = await eventually(lambda: _received(octt201, "MeterValues"))
    assert status == "Accepted"
    assert [m["evseId"] for m in sent] == [2]
    assert sent[0]["meterValue"][0]["sampledValue"][0]["context"] == "Trigger"


async def test_tc_f_12_trigger_message_metervalues_all_evse(server, octt201):
    """Trigger message – MeterValues – All EVSE"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        status = await _trigger(api, octt201, "MeterValues")
        await cp.settle()
        sent = await eventually(lambda: len(_received(octt201, "MeterValues")) == 2
                                and _received(octt201, "MeterValues"))
    assert status == "Accepted"
    assert sorted(m["evseId"] for m in sent) == [1, 2]
    assert _callerrors(octt201) == 0


async def test_tc_f_13_trigger_message_transactionevent_specific_evse(server, octt201):
    """Trigger message – TransactionEvent – Specific EVSE"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        await _session(octt201, stopped_at__isnull=True)
        status = await _trigger(api, octt201, "TransactionEvent", evse_id=1)
        await cp.settle()
        triggered = await eventually(lambda: [e for e in _received(octt201, "TransactionEvent")
                                              if e["triggerReason"] == "Trigger"])
        await _stop_all(octt201, cp)
    assert status == "Accepted"
    assert [e["eventType"] for e in triggered] == ["Updated"]
    assert _callerrors(octt201) == 0


async def test_tc_f_14_trigger_message_transactionevent_all_evse(server, octt201):
    """Trigger message – TransactionEvent – All EVSE"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        await cp.start_transaction(2, octt201.valid)
        await _session(octt201, stopped_at__isnull=True)
        status = await _trigger(api, octt201, "TransactionEvent")
        await cp.settle()
        triggered = await eventually(lambda: [e for e in _received(octt201, "TransactionEvent")
                                              if e["triggerReason"] == "Trigger"])
        await _stop_all(octt201, cp)
    assert status == "Accepted"
    assert [e["transactionInfo"]["transactionId"] for e in triggered] == [
        octt201.own_sessions().get().station_transaction_id]


async def test_tc_f_15_trigger_message_logstatusnotification_idle(server, octt201):
    """Trigger message – LogStatusNotification – Idle"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        status = await _trigger(api, octt201, "LogStatusNotification")
        await cp.settle()
        sent = await eventually(lambda: _received(octt201, "LogStatusNotification"))
    assert status == "Accepted" and sent == [{"status": "Idle"}]
    assert _callerrors(octt201) == 0


async def test_tc_f_18_trigger_message_firmwarestatusnotification_idle(server, octt201):
    """Trigger message – FirmwareStatusNotification – Idle"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        status = await _trigger(api, octt201, "FirmwareStatusNotification")
        await cp.settle()
        sent = await eventually(lambda: _received(octt201, "FirmwareStatusNotification"))
    assert status == "Accepted" and sent == [{"status": "Idle"}]
    assert _callerrors(octt201) == 0


async def test_tc_f_20_trigger_message_heartbeat(server, octt201):
    """Trigger message – Heartbeat"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        status = await _trigger(api, octt201, "Heartbeat")
        await cp.settle()
        sent = await eventually(lambda: _received(octt201, "Heartbeat"))
    assert status == "Accepted" and sent == [{}]
    assert _callerrors(octt201) == 0


async def test_tc_f_23_trigger_message_statusnotification_specific_evse_available(
        server, octt201):
    """Trigger message – StatusNotification – Specific EVSE – Available"""
    async with octt201.charge_point(server, evses=2) as cp, octt201.api(server) as api:
        mark = len(_received(octt201, "StatusNotification"))
        status = await _trigger(api, octt201, "StatusNotification", evse_id=2)
        await cp.settle()
        sent = await eventually(lambda: _received(octt201, "StatusNotification")[mark:])
    assert status == "Accepted"
    assert [(s["evseId"], s["connectorId"], s["connectorStatus"]) for s in sent] == [
        (2, 1, "Available")]


async def test_tc_f_24_trigger_message_statusnotification_specific_evse_occupied(
        server, octt201):
    """Trigger message – StatusNotification – Specific EVSE – Occupied"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await cp.start_transaction(1, octt201.valid)
        await _session(octt201, stopped_at__isnull=True)
        mark = len(_received(octt201, "StatusNotification"))
        status = await _trigger(api, octt201, "StatusNotification", evse_id=1)
        await cp.settle()
        sent = await eventually(lambda: _received(octt201, "StatusNotification")[mark:])
        await evse_status(api, octt201.station, 1, "Occupied")
        await _stop_all(octt201, cp)
    assert status == "Accepted"
    assert [(s["evseId"], s["connectorStatus"]) for s in sent] == [(1, "Occupied")]


async def test_tc_f_27_trigger_message_notimplemented(server, octt201):
    """Trigger message – NotImplemented

    The station cannot send what was asked: its NotImplemented reaches the API's caller."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        status = await _trigger(api, octt201, "SignV2GCertificate")
    assert status == "NotImplemented"
    assert cp.triggered == []
