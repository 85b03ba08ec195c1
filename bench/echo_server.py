"""The floor: a plain `websockets` server that answers every CALL with an empty CALLRESULT,
or the least a station of the fleet reads (BootNotification's interval, 1.6 StartTransaction's
transactionId, the idTag / idToken status of 1.6 and 2.0.1), doing nothing else."""

import asyncio
import json
import resource
import sys

import websockets

BOOT = {"status": "Accepted", "currentTime": "2026-01-01T00:00:00Z", "interval": 300}
ACCEPTED_16 = {"idTagInfo": {"status": "Accepted"}}
ACCEPTED_201 = {"idTokenInfo": {"status": "Accepted"}}


def payload(action: str, call: dict) -> dict:
    if action == "BootNotification":
        return BOOT
    if action == "StartTransaction":
        return {"transactionId": 1, **ACCEPTED_16}
    if action == "StopTransaction" or (action == "Authorize" and "idTag" in call):
        return ACCEPTED_16
    if action == "Authorize" or (action == "TransactionEvent" and "idToken" in call):
        return ACCEPTED_201
    return {}


async def answer(connection) -> None:
    async for text in connection:
        frame = json.loads(text)
        await connection.send(json.dumps([3, frame[1], payload(frame[2], frame[3])]))


async def main(port: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a socket per station
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    async with websockets.serve(answer, "127.0.0.1", port, subprotocols=["ocpp1.6", "ocpp2.0.1"],
                                compression=None, ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
