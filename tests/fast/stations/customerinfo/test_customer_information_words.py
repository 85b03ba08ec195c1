"""CustomerInformation in 2.0.1's words (stations/ocpp/v201/commands.py): the customer named by
an identifier, an id token or a certificate's hash data, each a CALL valid under the 2.0.1
schema; 1.6 has no such message, so the request is refused before anything is sent. Pure: no
database, no socket."""

import pytest

from stations.commands import requests as req
from stations.ocpp.v16 import commands as v16
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS

CERTIFICATE = {"hash_algorithm": "SHA384", "issuer_name_hash": "ab" * 24, "issuer_key_hash": "cd" * 24,
               "serial_number": "0f1e"}


@pytest.mark.parametrize(("request_", "named"), [
    (req.CustomerInformationGet(request_id=5, report=True, clear=False, customer_identifier="alice"),
     {"customerIdentifier": "alice"}),
    (req.CustomerInformationGet(request_id=5, report=True, clear=False, id_token="04A1B2",
                                id_token_type="ISO15693"),
     {"idToken": {"idToken": "04A1B2", "type": "ISO15693"}}),
    (req.CustomerInformationGet(request_id=5, report=True, clear=False, certificate=CERTIFICATE),
     {"customerCertificate": {"hashAlgorithm": "SHA384", "issuerNameHash": "ab" * 24,
                              "issuerKeyHash": "cd" * 24, "serialNumber": "0f1e"}}),
])
def test_the_customer_is_named_one_way_in_a_valid_call(request_, named):
    action, payload = v201.call_of(request_)
    SCHEMAS.validate(action, payload)
    assert (action, payload) == ("CustomerInformation",
                                 {"requestId": 5, "report": True, "clear": False, **named})


def test_the_answer_is_its_status():
    request = req.CustomerInformationGet(request_id=1, report=False, clear=True, customer_identifier="x")
    assert v201.result_of(request, "CustomerInformation", {"status": "Invalid"}).status == "Invalid"


def test_a_16_station_has_no_such_message():
    with pytest.raises(TypeError):
        v16.call_of(req.CustomerInformationGet(request_id=1, report=True, clear=False,
                                               customer_identifier="x"))
