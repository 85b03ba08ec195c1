"""The 2.0.1 words for the authorization cache, the running cost and a transaction's status
(stations/ocpp/v201/commands.py, tx201's section): payloads that pass the 2.0.1 schemas, and no
1.6 message for what 1.6 cannot say (docs/sessions.md)."""

from decimal import Decimal

import pytest

from stations.commands import requests as req
from stations.ocpp.v16 import commands as v16
from stations.ocpp.v201 import commands as v201
from stations.ocpp.v201.schemas import SCHEMAS


def _valid(action: str, payload: dict) -> tuple[str, dict]:
    SCHEMAS.validate(action, payload)
    return action, payload


def test_clear_cache_is_clear_cache():
    assert _valid(*v201.call_of(req.CacheClear())) == ("ClearCache", {})


def test_a_running_cost_is_cost_updated_with_a_number():
    request = req.SessionCostUpdate(transaction_id="TX-9", total_cost=Decimal("3.57"))
    assert _valid(*v201.call_of(request)) == ("CostUpdated", {"totalCost": 3.57, "transactionId": "TX-9"})


def test_get_transaction_status_names_the_transaction_or_none():
    assert _valid(*v201.call_of(req.TransactionStatusGet("TX-9"))) == (
        "GetTransactionStatus", {"transactionId": "TX-9"})
    assert _valid(*v201.call_of(req.TransactionStatusGet())) == ("GetTransactionStatus", {})
    report = v201.result_of(req.TransactionStatusGet("TX-9"), "GetTransactionStatus",
                            {"ongoingIndicator": True, "messagesInQueue": False})
    assert (report.ongoing, report.messages_in_queue) == (True, False)


@pytest.mark.parametrize("request_", [req.SessionCostUpdate("1", Decimal(1)), req.TransactionStatusGet("1")])
def test_1_6_has_no_message_for_them(request_):
    with pytest.raises(TypeError):
        v16.call_of(request_)
