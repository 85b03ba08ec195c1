"""OCA OCPP 2.0.1 conformance scenarios of block P, DataTransfer: the charging station plays its
part over the real WebSocket, the central system is driven through our API
(docs/conformance.md)."""


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

