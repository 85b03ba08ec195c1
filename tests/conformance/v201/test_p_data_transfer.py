"""OCA OCPP 2.0.1 conformance scenarios of block P, DataTransfer: the charging station plays its
part over the real WebSocket, the central system is driven through our API
(docs/conformance.md)."""

from datetime import UTC, datetime, timedelta

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.simulator.v201 import SimulatedChargePoint201
from tests.conformance.v201.steps import command, evse_status
from tests.factories import eventually

CUSTOM_DATA = {"vendorId": "org.openchargealliance.octt", "note": "vendor extension"}


async def test_tc_p_02_data_transfer_to_the_csms_rejected_unknown_vendor_id_unknown_message_id(
        server, octt201):
    """Data Transfer to the CSMS – Rejected / Unknown VendorId / Unknown MessageId

    The CSMS has no vendor extension: a station's DataTransfer is answered UnknownVendorId,
    whatever its messageId and data, and the link goes on (a Heartbeat after it is answered)."""
    async with octt201.charge_point(server) as cp:
        for message_id, data in ((None, None), ("UnknownMessage", "payload"), ("M", {"k": 1})):
            answer = await cp.data_transfer("org.openchargealliance.octt", message_id, data)
            assert answer.status == "UnknownVendorId"
        assert await cp.heartbeat()



class SendingCustomData(SimulatedChargePoint201):
    """A station whose every message, and its answer to ClearCache, carries customData (a
    vendor's extension the central system does not know)."""

    async def call(self, payload, *args, **kwargs):
        payload.custom_data = CUSTOM_DATA
        return await super().call(payload, *args, **kwargs)

    @on(Action.clear_cache)
    async def on_clear_cache(self, **kwargs):
        self.received.append(("ClearCache", kwargs))
        return call_result.ClearCache(status="Accepted", custom_data=CUSTOM_DATA)


async def test_tc_p_03_customdata_receive_custom_data(server, octt201):
    """CustomData – Receive custom data

    customData ({"vendorId": ...} and the vendor's own keys) is allowed in every 2.0.1 message:
    a BootNotification, StatusNotifications, Authorize, TransactionEvents and a command's answer
    carrying it are processed as without it (the boot accepted, the session recorded with its
    energy and stop reason, the connector shown Available, the command Accepted)."""
    card = octt201.new_tag(status="Accepted", expiry_date=datetime.now(UTC) + timedelta(days=1))
    async with octt201.charge_point(server, cls=SendingCustomData) as cp, \
            octt201.api(server) as api:
        assert cp.registration == "Accepted"
        assert await cp.authorize(card) == "Accepted"
        started = await cp.start_transaction(1, card)
        await cp.meter_values(1, 2500)
        await cp.stop_transaction(1)
        await evse_status(api, octt201.station, 1, "Available")
        answer = await command(api, octt201.station, "ClearCache")
        assert await cp.heartbeat()
        sessions = await eventually(lambda: octt201.sessions(api))
    assert started.id_token_info["status"] == "Accepted" and answer["status"] == "Accepted"
    assert [(s["id_tag"], s["energy_wh"], s["stop_reason"]) for s in sessions] == [
        (card, 2500, "Local")]
