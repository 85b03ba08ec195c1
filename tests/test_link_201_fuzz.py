"""The OCPP 2.0.1 link fuzzed, as tests/test_station_link_fuzz.py does for 1.6: a live 2.0.1 link
gets random and malformed frames (not JSON, wrong shapes and types, unknown actions, NUL and lone
surrogates, and valid-but-odd payloads drawn from the 2.0.1 schemas the `ocpp` package ships).
Every CALL gets exactly one answer, in 2.0.1's words (docs/ocpp201.md); the link survives; the
server logs no traceback. Bounded in examples and time so that it runs in every suite."""

import asyncio
import json

import websockets
from hypothesis import strategies as st

from stations.models import OcppMessage
from stations.ocpp import registry
from stations.ocpp.errors import OcppError, code_in
from stations.ocpp.frames import FrameError, parse
from stations.ocpp.v201 import router, schemas
from stations.simulator import basic_auth
from tests.factories import make_station, make_tenant
from tests.test_station_link_fuzz import (
    _from_schema,
    exchange_checked,
    fuzz_within,
    json_value,
    odd_text,
    unique_id,
)

BUDGET_SECONDS = 25
V201 = "2.0.1"
BOOT = {"reason": "PowerUp", "chargingStation": {"vendorName": "Fuzz", "model": "F"}}
ACTIONS = sorted(router.STATION_ACTIONS)


def _payloads(action: str) -> st.SearchStrategy:
    root = json.loads((schemas.SCHEMA_DIR / f"{action}Request.json").read_text(encoding="utf-8-sig"))
    return _from_schema(root, root)


valid_ish_call = st.sampled_from(ACTIONS).flatmap(
    lambda action: st.tuples(st.just(action), _payloads(action)))

frame = st.one_of(
    st.builds(lambda c, n: json.dumps([2, f"v{n}", *c]), valid_ish_call, st.integers(0, 10**6)),
    st.builds(lambda i, a, p: json.dumps([2, i, a, p]), unique_id,
              st.sampled_from([*ACTIONS, "MakeCoffee", "Reset", "RequestStartTransaction", "", 42])
              | odd_text, json_value),
    st.lists(json_value, max_size=5).map(json.dumps),
    st.text(max_size=60),
    st.sampled_from(['[2, "nul", "DataTransfer", {"vendorId": "\\u0000"}]',
                     '[2, "sur", "Heartbeat", {"\\ud800": 1}]', "[2, \"x\x00\"]", "[3]", "[4]",
                     '[5, "m", "Heartbeat", {}]', '[2, "long", "DataTransfer", {"vendorId": "'
                     + "v" * 300 + '"}]']),
)


def expected(text: str, admission: str = "Accepted") -> tuple[str, str] | None:
    """The answer our parsing, the 2.0.1 schemas and the station's admission promise: ("result"|
    2.0.1 error code, unique id), or None for a frame that is no CALL (an answer to nothing is
    not answered)."""
    try:
        call = parse(text)
    except FrameError as bad:
        return code_in(bad.error, V201), "-1" if bad.unique_id is None else bad.unique_id
    if call.message_type != 2:
        return None
    try:
        schemas.validate(call.action, call.payload)
        schemas.check_integers(call.action, call.payload)
    except OcppError as error:
        return code_in(error, V201), call.unique_id
    if call.action not in router.STATION_ACTIONS or registry.handler_of(V201, call.action) is None:
        return "NotSupported", call.unique_id
    if admission != "Accepted" and call.action != "BootNotification":
        return "SecurityError", call.unique_id
    return "result", call.unique_id  # or a CALLERROR of the handler's, never InternalError


async def _fuzz(server, tenant, station, password, frames: list[str],
                admission: str = "Accepted") -> None:
    connection = await websockets.connect(
        f"{server.ws}/ocpp/{tenant.slug}/{station.identity}", subprotocols=["ocpp2.0.1"],
        additional_headers=basic_auth(station.identity, password), max_size=None)
    try:
        assert connection.subprotocol == "ocpp2.0.1"
        pending = admission != "Accepted"
        await exchange_checked(connection, frames, lambda text: expected(text, admission),
                               alive_call=("BootNotification", BOOT) if pending
                               else ("Heartbeat", {}), status=admission)
    finally:
        await connection.close()


def test_random_2_0_1_frames_are_each_answered_once_in_2_0_1_words_and_the_link_survives(server):
    tenant = make_tenant("Fuzz201")
    station, password = make_station(tenant)
    mark = len(server.log())
    fuzz_within(frame, lambda frames: asyncio.run(_fuzz(server, tenant, station, password, frames)),
                max_examples=150, seconds=BUDGET_SECONDS)
    assert "Traceback" not in server.log()[mark:], server.log()[mark:][-3000:]
    assert OcppMessage.objects.filter(station=station).exists()


def test_random_frames_of_a_pending_station_get_security_error_for_anything_but_its_boot(server):
    tenant = make_tenant("Fuzz201P")
    station, password = make_station(tenant, admission="Pending")
    mark = len(server.log())
    fuzz_within(frame, lambda frames: asyncio.run(_fuzz(server, tenant, station, password, frames,
                                                        admission="Pending")),
                max_examples=60, seconds=BUDGET_SECONDS / 2)
    assert "Traceback" not in server.log()[mark:], server.log()[mark:][-3000:]
