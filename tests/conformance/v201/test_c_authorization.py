"""OCA OCPP 2.0.1 conformance scenarios of block C, Authorization: Authorize of unknown, blocked
and expired cards, a cached card's transaction answered by the central system, the
authorization cache cleared, and group id tokens. The charging station plays its part over the
real WebSocket; each case checks what our API shows afterwards (docs/sessions.md, id tokens;
docs/conformance.md)."""

from datetime import UTC, datetime, timedelta

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.simulator.v201 import SimulatedChargePoint201
from tests.conformance.v201.steps import command
from tests.factories import eventually


async def _refused(octt201, cp, api, token: str, expected: str) -> None:
    """The station asks about the card, is refused, and starts nothing: no session."""
    assert await cp.authorize(token) == expected
    assert octt201.no_session() and await octt201.sessions(api) == []


async def test_tc_c_02_local_start_transaction_authorization_invalid_unknown(server, octt201):
    """Local start transaction – Authorization Invalid/Unknown"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _refused(octt201, cp, api, octt201.invalid, "Unknown")


async def test_tc_c_06_local_start_transaction_authorization_blocked(server, octt201):
    """Local start transaction – Authorization Blocked"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _refused(octt201, cp, api, octt201.blocked, "Blocked")


async def test_tc_c_07_local_start_transaction_authorization_expired(server, octt201):
    """Local start transaction – Authorization Expired"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _refused(octt201, cp, api, octt201.expired, "Expired")


async def test_tc_c_08_authorization_through_authorization_cache_accepted(server, octt201):
    """Authorization through authorization cache – Accepted

    The station starts with a card from its cache (no Authorize): the central system answers
    the TransactionEvent with the card's status, and the session is the card's."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await cp.start_transaction(1, octt201.valid)
        await cp.stop_transaction(1)
        sessions = await octt201.sessions(api)
    assert answer.id_token_info["status"] == "Accepted"
    assert [(s["id_tag"], s["id_tag_status"]) for s in sessions] == [(octt201.valid, "Accepted")]


async def test_tc_c_20_authorization_through_authorization_cache_invalid(server, octt201):
    """Authorization through authorization cache – Invalid

    A cached card the central system no longer accepts: the TransactionEvent's answer says so,
    the station ends the transaction (Deauthorized) and the session never ran."""
    card = octt201.new_tag(status="Invalid")
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await cp.start_transaction(1, card)
        await cp.stop_transaction(1, "DeAuthorized")
        sessions = await octt201.sessions(api)
    assert answer.id_token_info["status"] == "Invalid"
    assert [(s["id_tag"], s["id_tag_status"], s["stop_reason"]) for s in sessions] == [
        (card, "Invalid", "DeAuthorized")]


class RefusingCache(SimulatedChargePoint201):
    @on(Action.clear_cache)
    async def on_clear_cache(self, **kwargs):
        self.received.append(("ClearCache", {}))
        return call_result.ClearCache(status="Rejected")


async def test_tc_c_37_clear_authorization_data_in_authorization_cache_accepted(server, octt201):
    """Clear Authorization Data in Authorization Cache – Accepted"""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "ClearCache")
    assert answer == {"status": "Accepted"} and ("ClearCache", {}) in cp.received


async def test_tc_c_38_clear_authorization_data_in_authorization_cache_rejected(server, octt201):
    """Clear Authorization Data in Authorization Cache – Rejected"""
    async with octt201.charge_point(server, cls=RefusingCache) as cp, octt201.api(server) as api:
        answer = await command(api, octt201.station, "ClearCache")
    assert answer == {"status": "Rejected"} and ("ClearCache", {}) in cp.received


async def test_tc_c_39_authorization_by_groupid_success(server, octt201):
    """Authorization by GroupId – Success

    A card of a group is answered with its groupIdToken, so the station can let another card of
    the group stop the transaction. (Cards of this case expire tomorrow: the case makes no second
    valid card of the shared run.)"""
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    group = octt201.new_tag(status="Accepted", expiry_date=tomorrow, token_type="Central")
    member = octt201.new_tag(status="Accepted", expiry_date=tomorrow, parent_id_tag=group)
    other = octt201.new_tag(status="Accepted", expiry_date=tomorrow, parent_id_tag=group)
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        assert await cp.authorize(member) == "Accepted"
        await cp.start_transaction(1, member)
        assert await cp.authorize(other) == "Accepted"
        await cp.stop_transaction(1, "Local", other, "StopAuthorized")
        sessions = await eventually(lambda: octt201.sessions(api))
    assert cp.id_token_infos[0]["group_id_token"] == {"id_token": group, "type": "Central"}
    assert [(s["id_tag"], s["stop_id_tag"], s["stop_reason"]) for s in sessions] == [(member, other, "Local")]
