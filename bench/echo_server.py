"""The floor: a plain `websockets` server that answers every CALL with an empty CALLRESULT
(and BootNotification with an interval), doing nothing else."""

import asyncio
import json
import sys

import websockets

BOOT = {"status": "Accepted", "currentTime": "2026-01-01T00:00:00Z", "interval": 300}


async def answer(connection) -> None:
    async for text in connection:
        frame = json.loads(text)
        payload = BOOT if frame[2] == "BootNotification" else {}
        if frame[2] == "StartTransaction":
            payload = {"transactionId": 1, "idTagInfo": {"status": "Accepted"}}
        elif frame[2] in ("Authorize", "StopTransaction"):
            payload = {"idTagInfo": {"status": "Accepted"}}
        await connection.send(json.dumps([3, frame[1], payload]))


async def main(port: int) -> None:
    async with websockets.serve(answer, "127.0.0.1", port, subprotocols=["ocpp1.6", "ocpp2.0.1"],
                                compression=None, ping_interval=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
