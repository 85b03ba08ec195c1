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
from stations.simulator.v201.device_model import rw
from stations.simulator.v201.security import contract_hash_data
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


def _tomorrow() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)


def _entries(cp) -> dict[str, dict]:
    """The last local list the station was sent: id token -> idTokenInfo (snake_case)."""
    (*_, last) = [p for action, p in cp.received if action == "SendLocalList"]
    return {e["id_token"]["id_token"]: e["id_token_info"] for e in last["entries"]}


async def _send_full_list(octt201, api) -> None:
    response = await api.post(f"/api/v1/stations/{octt201.station.identity}/local-list/",
                              json={"update_type": "Full"})
    assert response.status_code == 201, response.text


async def test_tc_c_40_authorization_by_groupid_success_with_local_authorization_list(
        server, octt201):
    """Authorization by GroupId – Success with Local Authorization List

    The local list the central system sends carries the card's group as groupIdToken; the
    station starts with the card from its list (no Authorize) and the central system answers the
    TransactionEvent with the same status and group."""
    group = octt201.new_tag(status="Accepted", expiry_date=_tomorrow(), token_type="Central")
    member = octt201.new_tag(status="Accepted", expiry_date=_tomorrow(), parent_id_tag=group)
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _send_full_list(octt201, api)
        entry = _entries(cp)[member]
        answer = await cp.start_transaction(1, member)
        await cp.stop_transaction(1)
        sessions = await eventually(lambda: octt201.sessions(api))
    assert (entry["status"], entry["group_id_token"]) == (
        "Accepted", {"id_token": group, "type": "Central"})
    assert answer.id_token_info["status"] == "Accepted"
    assert answer.id_token_info["group_id_token"]["id_token"] == group
    assert [(s["id_tag"], s["id_tag_status"]) for s in sessions] == [(member, "Accepted")]


async def test_tc_c_43_authorization_by_groupid_invalid_status_with_local_authorization_list(
        server, octt201):
    """Authorization by GroupId – Invalid status with Local Authorization List

    A blocked card of a group: its local list entry is Blocked with the group's groupIdToken, and
    when the station asks about it the central system answers the same; nothing starts."""
    group = octt201.new_tag(status="Accepted", expiry_date=_tomorrow(), token_type="Central")
    member = octt201.new_tag(status="Blocked", parent_id_tag=group)
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        await _send_full_list(octt201, api)
        entry = _entries(cp)[member]
        await _refused(octt201, cp, api, member, "Blocked")
    assert (entry["status"], entry["group_id_token"]) == (
        "Blocked", {"id_token": group, "type": "Central"})
    assert cp.id_token_infos[-1]["group_id_token"]["id_token"] == group


class MasterPassStation(SimulatedChargePoint201):
    """A station with AuthCtrlr.MasterPassGroupId: a card the central system answers with that
    group stops transactions (TransactionEvent Ended, StopAuthorized, stoppedReason MasterPass)
    and starts none."""

    def initial_device_model(self):
        model = super().initial_device_model()
        model[("AuthCtrlr", None, None, None, "MasterPassGroupId", None)] = rw("")
        return model

    async def present_master_pass(self, token: str, evse_ids: list[int] | None = None) -> str:
        """The card presented; with a UI the driver picks `evse_ids`, else every transaction
        ends. Returns the Authorize status."""
        status = await self.authorize(token)
        group = (self.id_token_infos[-1].get("group_id_token") or {}).get("id_token")
        if status == "Accepted" and group and group == self.variable("AuthCtrlr",
                                                                   "MasterPassGroupId"):
            for evse_id, evse in self.evses.items():
                if evse.transaction_id and (evse_ids is None or evse_id in evse_ids):
                    await self.stop_transaction(evse_id, "MasterPass", token, "StopAuthorized")
        return status


async def _master_pass(server, octt201, stopped: list[int] | None) -> tuple[list, list, str]:
    """Two transactions run; the operator sets the station's MasterPassGroupId through the device
    model API; a card of that group is presented and ends `stopped` (None: all). The sessions as
    the API shows them, the transactions still running on the station, and the card."""
    master_group = f"MP{octt201.station.pk}"
    master = octt201.new_tag(status="Accepted", expiry_date=_tomorrow(), parent_id_tag=master_group)
    drivers = [octt201.new_tag(status="Accepted", expiry_date=_tomorrow()) for _ in range(2)]
    async with octt201.charge_point(server, evses=2, cls=MasterPassStation) as cp, \
            octt201.api(server) as api:
        response = await api.post(
            f"/api/v1/stations/{octt201.station.identity}/device-model/set/",
            json={"variables": [{"component": "AuthCtrlr", "variable": "MasterPassGroupId",
                                 "value": master_group}]})
        assert response.status_code in (200, 201), response.text
        assert [r["status"] for r in response.json()["results"]] == ["Accepted"]
        for evse_id, driver in zip((1, 2), drivers, strict=True):
            await cp.start_transaction(evse_id, driver)
        assert await cp.present_master_pass(master, stopped) == "Accepted"
        running = [evse_id for evse_id, evse in cp.evses.items() if evse.transaction_id]
        for evse_id in running:
            await cp.stop_transaction(evse_id)
        sessions = await eventually(lambda: octt201.sessions(api))
    assert cp.id_token_infos[-1]["group_id_token"]["id_token"] == master_group
    return sessions, running, master


async def test_tc_c_47_stop_transaction_with_a_master_pass_with_ui_all_transactions(
        server, octt201):
    """Stop Transaction with a Master Pass – With UI – All transactions

    The driver picks every transaction on the station's UI: both end, stopped by the master
    pass card (stop reason MasterPass)."""
    sessions, running, master = await _master_pass(server, octt201, [1, 2])
    assert running == []
    assert [(s["stop_id_tag"], s["stop_reason"]) for s in sessions] == [(master, "MasterPass")] * 2


async def test_tc_c_48_stop_transaction_with_a_master_pass_with_ui_specific_transactions(
        server, octt201):
    """Stop Transaction with a Master Pass – With UI – Specific transactions

    The driver picks one of the two transactions: only that one ends with the master pass."""
    sessions, running, master = await _master_pass(server, octt201, [2])
    assert running == [1]
    assert [(s["stop_id_tag"] or None, s["stop_reason"]) for s in sessions] == [
        (None, "Local"), (master, "MasterPass")]


async def test_tc_c_49_stop_transaction_with_a_master_pass_without_ui(server, octt201):
    """Stop Transaction with a Master Pass – Without UI

    No UI: the master pass card ends every transaction on the station."""
    sessions, running, master = await _master_pass(server, octt201, None)
    assert running == []
    assert [(s["stop_id_tag"], s["stop_reason"]) for s in sessions] == [(master, "MasterPass")] * 2


# ISO 15118 contract certificates (Plug & Charge, docs/pki.md; the built-in test PKI) -----------
async def _contract(octt201, api) -> tuple[str, str, int]:
    """An eMAID of the tenant (Accepted until tomorrow: never a second valid card) and its
    contract chain (leaf, then the tenant's CA), issued through the API."""
    emaid = octt201.new_tag(status="Accepted", token_type="eMAID",
                            expiry_date=datetime.now(UTC) + timedelta(days=1))
    issued = await api.post("/api/v1/security/contract-certificates/", json={"emaid": emaid})
    assert issued.status_code == 201, issued.text
    authority = (await api.get("/api/v1/security/ca/")).json()["certificate"]
    return emaid, issued.json()["certificate_pem"] + authority, issued.json()["id"]


async def _plug_and_charge(octt201, cp, api, emaid: str, **contract) -> tuple:
    """The EV's contract authorizes (and, when Accepted, charges) on EVSE 1."""
    answer = await cp.authorize_contract(emaid, **contract)
    if answer.id_token_info["status"] == "Accepted":
        await cp.start_transaction(1, {"idToken": emaid, "type": "eMAID"})
        await cp.stop_transaction(1)
    return answer, await octt201.sessions(api)


async def test_tc_c_50_authorization_using_contract_certificates_15118_online_local_contract_certificate_validation_accepted(  # noqa: E501
        server, octt201):
    """Authorization using Contract Certificates 15118 – Online – Local contract certificate
    validation – Accepted

    The station validated the EV's contract chain and sends its OCSP hash data: the PKI says it
    is good, the eMAID is accepted, and the session is the eMAID's."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        emaid, chain, _ = await _contract(octt201, api)
        answer, sessions = await _plug_and_charge(octt201, cp, api, emaid,
                                                  hash_data=contract_hash_data(chain))
    assert (answer.id_token_info["status"], answer.certificate_status) == ("Accepted", "Accepted")
    assert [(s["id_tag"], s["id_tag_status"]) for s in sessions] == [(emaid, "Accepted")]


async def test_tc_c_51_authorization_using_contract_certificates_15118_online_local_contract_certificate_validation_rejected(  # noqa: E501
        server, octt201):
    """Authorization using Contract Certificates 15118 – Online – Local contract certificate
    validation – Rejected

    The contract certificate was revoked (through the API): its hash data is refused
    (CertificateRevoked), the eMAID is not accepted and nothing is charged."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        emaid, chain, certificate_id = await _contract(octt201, api)
        revoked = await api.post(f"/api/v1/security/contract-certificates/{certificate_id}/revoke/",
                                 json={})
        assert revoked.json()["state"] == "Revoked"
        answer, sessions = await _plug_and_charge(octt201, cp, api, emaid,
                                                  hash_data=contract_hash_data(chain))
    assert (answer.id_token_info["status"], answer.certificate_status) == (
        "Invalid", "CertificateRevoked")
    assert sessions == [] and octt201.no_session()


async def test_tc_c_52_authorization_using_contract_certificates_15118_online_central_contract_certificate_validation_accepted(  # noqa: E501
        server, octt201):
    """Authorization using Contract Certificates 15118 – Online – Central contract certificate
    validation – Accepted

    The station cannot validate the chain and sends it (PEM): the central system validates it
    against the tenant's trust anchors, accepts it, and the session is the eMAID's."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        emaid, chain, _ = await _contract(octt201, api)
        answer, sessions = await _plug_and_charge(octt201, cp, api, emaid, certificate=chain)
    assert (answer.id_token_info["status"], answer.certificate_status) == ("Accepted", "Accepted")
    assert [(s["id_tag"], s["id_tag_status"]) for s in sessions] == [(emaid, "Accepted")]
