"""Block L's requests in 2.0.1's words (stations/ocpp/v201/commands.py): UpdateFirmware with its
install date, PublishFirmware and UnpublishFirmware, each valid under the 2.0.1 schema; 1.6 has
no words for publishing and its signed update carries the install date too. Pure: no database,
no socket."""

import pytest

from stations.commands import requests as req
from stations.ocpp.v16 import commands as v16
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS

MD5 = "9e107d9d372bb6826bd81d3542a419d6"


def valid(action: str, payload: dict) -> dict:
    SCHEMAS.validate(action, payload, response=False)
    return payload


def test_a_signed_update_carries_its_install_date_in_both_versions():
    update = req.FirmwareUpdate(request_id=7, location="https://cpms.example/fw/7/t", signed=True,
                                retrieve_date="2026-12-01T00:00:00Z", install_date="2026-12-01T02:00:00Z",
                                signing_certificate="-----BEGIN CERTIFICATE-----", signature="c2ln")
    action, payload = v201.call_of(update)
    assert action == "UpdateFirmware"
    assert valid(action, payload)["firmware"]["installDateTime"] == "2026-12-01T02:00:00Z"
    assert v16.call_of(update)[1]["firmware"]["installDateTime"] == "2026-12-01T02:00:00Z"


def test_an_update_without_install_date_sends_none():
    update = req.FirmwareUpdate(request_id=7, location="https://x/fw", retrieve_date="2026-12-01T00:00:00Z")
    assert "installDateTime" not in v201.call_of(update)[1]["firmware"]


def test_publish_and_unpublish_in_2_0_1_words():
    action, payload = v201.call_of(req.FirmwarePublish(request_id=3, location="https://x/fw.bin",
                                                       checksum=MD5, retries=2, retry_interval=30))
    assert (action, valid(action, payload)) == ("PublishFirmware", {
        "location": "https://x/fw.bin", "checksum": MD5, "requestId": 3, "retries": 2,
        "retryInterval": 30})
    action, payload = v201.call_of(req.FirmwareUnpublish(checksum=MD5))
    assert (action, valid(action, payload)) == ("UnpublishFirmware", {"checksum": MD5})


@pytest.mark.parametrize("request_", [req.FirmwarePublish(request_id=1, location="x", checksum=MD5),
                                      req.FirmwareUnpublish(checksum=MD5)])
def test_1_6_has_no_words_for_publishing(request_):
    with pytest.raises(TypeError, match="OCPP 1.6 has no message"):
        v16.call_of(request_)
