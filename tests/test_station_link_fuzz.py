"""The station link fuzzed: a live charge point sends random and malformed frames over a real
WebSocket (not JSON, wrong types, unknown actions, oversized, NUL and lone surrogates, and
valid-but-odd payloads drawn from the OCPP 1.6 schemas the `ocpp` package ships). Every CALL
gets exactly one answer, the right one; the link survives; the server logs no traceback; another
tenant's station keeps its rows. Bounded in examples and time so that it runs in every suite."""

import asyncio
import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations.models import OcppMessage, Station
from stations.ocpp.errors import OcppError
from stations.ocpp.frames import FrameError, parse
from stations.ocpp.v16 import router, schemas
from stations.simulator import connect
from tests.factories import charge_point, eventually, make_station, make_tenant

BUDGET_SECONDS = 25
ACTIONS = sorted(router.STATION_ACTIONS)
odd_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30) | st.sampled_from(
    ["\x00", "\ud800", "a\udfffb", "AuthorizationKey ", "", " " * 50, "é" * 30])


def _from_schema(schema: dict, root: dict, depth: int = 0) -> st.SearchStrategy:
    """Values of a JSON schema as the OCPP 1.6 ones are written (objects, arrays, enums, strings
    with a length, integers, numbers, booleans, date-times, #/definitions references)."""
    if "$ref" in schema:
        return _from_schema(root["definitions"][schema["$ref"].rpartition("/")[2]], root, depth)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: _from_schema(v, root, depth + 1) for k, v in properties.items() if k in required},
            optional={k: _from_schema(v, root, depth + 1) for k, v in properties.items()
                      if k not in required})
    if kind == "array":
        return st.lists(_from_schema(schema.get("items", {}), root, depth + 1), max_size=3)
    if kind == "string":
        if schema.get("format") == "date-time":
            return st.datetimes().map(lambda d: d.isoformat() + "Z") | st.just("2026-13-45T99:00Z")
        return st.text(max_size=min(schema.get("maxLength", 40), 40)) | odd_text
    if kind == "integer":
        return st.integers(-2, 10) | st.integers(-(2**80), 2**80)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(0, 100) \
            | st.sampled_from([1e308, 0.1, 1e-300])
    if kind == "boolean":
        return st.booleans()
    return st.none()


def _payloads(action: str) -> st.SearchStrategy:
    root = json.loads((schemas.SCHEMA_DIR / f"{action}.json").read_text(encoding="utf-8-sig"))
    return _from_schema(root, root)


valid_ish_call = st.sampled_from(ACTIONS).flatmap(
    lambda action: st.tuples(st.just(action), _payloads(action)))
json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                          | odd_text, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(odd_text, inner, max_size=3), max_leaves=8)
unique_id = st.text(max_size=40) | st.integers() | st.none()

frame = st.one_of(
    st.builds(lambda c, n: json.dumps([2, f"v{n}", *c]), valid_ish_call, st.integers(0, 10**6)),
    st.builds(lambda i, a, p: json.dumps([2, i, a, p]), unique_id,
              st.sampled_from([*ACTIONS, "MakeCoffee", "Reset", "", 42]) | odd_text, json_value),
    st.lists(json_value, max_size=5).map(json.dumps),
    st.text(max_size=60),
    st.builds(lambda n: json.dumps([2, f"big{n}", "DataTransfer", {"vendorId": "V",
                                                                    "data": "x" * 300_000}]),
              st.integers(0, 100)),
    st.sampled_from(['[2, "nul", "DataTransfer", {"vendorId": "\\u0000"}]',
                     '[2, "sur", "Heartbeat", {"\\ud800": 1}]', "[2, \"x\x00\"]", "[3]", "[4]"]),
)


def expected(text: str) -> tuple[str, str] | None:
    """The answer our own parsing and schema promise: ("result"|error code, unique id), or
    None for a frame that is no CALL (an answer to nothing is not answered)."""
    try:
        call = parse(text)
    except FrameError as bad:
        return bad.error.code, "-1" if bad.unique_id is None else bad.unique_id
    if call.message_type != 2:
        return None
    try:
        schemas.validate(call.action, call.payload)
        schemas.check_integers(call.action, call.payload)
    except OcppError as error:
        return error.code, call.unique_id
    if call.action not in router.STATION_ACTIONS:
        return "NotSupported", call.unique_id
    return "result", call.unique_id  # or a CALLERROR of the handler's, never InternalError


async def _fuzz(server, tenant, station, password, frames: list[str]) -> None:
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password,
                               max_size=None)
    try:
        await exchange_checked(connection, frames, expected)
    finally:
        await connection.close()


def fuzz_within(frame_strategy: st.SearchStrategy, run, *, max_examples: int,
                seconds: float) -> None:
    """`run(frames)` for up to `max_examples` lists of 1 to 6 frames drawn from
    `frame_strategy`, those drawn after `seconds` skipped (the budget that keeps a fuzz test in
    every suite). Shared by the 2.0.1 fuzz (tests/test_link_201_fuzz.py)."""
    started = time.monotonic()

    @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    @given(frames=st.lists(frame_strategy, min_size=1, max_size=6))
    def fuzz(frames):
        if time.monotonic() - started < seconds:
            run(frames)

    fuzz()


async def exchange_checked(connection, frames: list[str], expect, *,
                           alive_call: tuple[str, dict] = ("Heartbeat", {}),
                           status: str | None = None) -> None:
    """Send `frames`, then the CALL `alive_call`; every frame `expect` promises an answer to
    (`expect(text)`: (code, unique id) or None) is answered once and in order, with that error
    code or, for "result", a result or a handler's CALLERROR other than InternalError; the last
    CALL is answered with currentTime (and `status` as its status when there is one). Shared by
    the 2.0.1 fuzz (tests/test_link_201_fuzz.py)."""
    promised = []
    for text in frames:
        await connection.send(text)
        promised.append(expect(text))
    await connection.send(json.dumps([2, "alive", *alive_call]))
    answers = []
    while True:
        answer = json.loads(await asyncio.wait_for(connection.recv(), 20))
        if answer[0] == 2:  # a CALL of the central system's (e.g. after a boot): not ours
            continue
        if answer[1] == "alive":
            assert answer[0] == 3 and answer[2].get("status", status) == status, answer
            assert "currentTime" in answer[2], answer
            break
        answers.append(answer)
    wanted = [p for p in promised if p is not None]
    assert [a[1] for a in answers] == [unique for _, unique in wanted], (frames, answers)
    for (code, _), answer in zip(wanted, answers, strict=True):
        if code == "result":
            assert answer[0] == 3 or (answer[0] == 4 and answer[2] != "InternalError"), \
                (answer, frames)
        else:
            assert answer[0] == 4 and answer[2] == code, (code, answer)


def test_random_frames_are_each_answered_once_and_the_link_and_other_tenants_survive(server):
    tenant, other_tenant = make_tenant("Fuzz"), make_tenant("Bystander")
    station, password = make_station(tenant)
    bystander, bystander_password = make_station(other_tenant)

    async def bystander_talks():
        async with charge_point(server, other_tenant, bystander, bystander_password) as cp:
            await cp.status(1, "Available")

    asyncio.run(bystander_talks())
    asyncio.run(eventually(lambda: OcppMessage.objects.filter(station=bystander).count() >= 4))
    before = (list(OcppMessage.objects.filter(station=bystander).values_list("pk", "payload")),
              Station.objects.get(pk=bystander.pk).last_seen)
    mark = len(server.log())
    fuzz_within(frame, lambda frames: asyncio.run(_fuzz(server, tenant, station, password, frames)),
                max_examples=150, seconds=BUDGET_SECONDS)
    assert "Traceback" not in server.log()[mark:], server.log()[mark:][-3000:]
    after = (list(OcppMessage.objects.filter(station=bystander).values_list("pk", "payload")),
             Station.objects.get(pk=bystander.pk).last_seen)
    assert after == before
    assert OcppMessage.objects.filter(station=station).exists()
