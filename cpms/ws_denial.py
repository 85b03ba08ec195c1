"""The ASGI WebSocket Denial Response extension for daphne, which lacks it.

Daphne (4.2) answers every WebSocket refused at the handshake with a bare HTTP 403: a station
with missing or wrong Basic-auth credentials could not get the 401 with `WWW-Authenticate` that
HTTP, OCPP-J and the peers' test tools expect. autobahn, under daphne, can answer the upgrade
with any HTTP response; this module lets the application send one through the extension's
messages (`websocket.http.response.start` and `.body`, see the ASGI extensions document) and
says so in every WebSocket scope (`extensions["websocket.http.response"]`), so the application
falls back to a plain close (403) under a server without it. Installed by cpms/asgi.py, so it
holds for `daphne`, `manage.py serve` and `runserver` alike."""

from dataclasses import dataclass, field
from http import HTTPStatus

from autobahn.websocket.types import ConnectionDeny

EXTENSION = "websocket.http.response"


@dataclass
class _Denial:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytearray = field(default_factory=bytearray)

    def response(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}".encode()]
        lines += [name + b": " + value for name, value in self.headers
                  if name.lower() not in (b"content-length", b"connection")]
        lines += [b"Content-Length: %d" % len(self.body), b"Connection: close"]
        return b"\r\n".join(lines) + b"\r\n\r\n" + bytes(self.body)


def _denial_message(protocol, message: dict) -> None:
    """One message of a denial response; the last body part sends it and ends the connection
    as daphne's own refusal does (autobahn's failHandshake, below, writes the response)."""
    if getattr(protocol, "handshake_deferred", None) is None:
        raise ValueError("A denial response can only be sent before the handshake completes")
    if message["type"] == f"{EXTENSION}.start":
        protocol._asgi_denial = _Denial(message["status"], list(message.get("headers", [])))
        return
    protocol._asgi_denial.body += message.get("body", b"")
    if message.get("more_body", False):
        return
    status = protocol._asgi_denial.status
    protocol.handshake_deferred.errback(ConnectionDeny(status, HTTPStatus(status).phrase))
    del protocol.handshake_deferred
    protocol.server.protocol_disconnected(protocol)


def install() -> None:
    from daphne import server, ws_protocol  # installs Twisted's reactor: only in the server

    protocol_class, server_class = ws_protocol.WebSocketProtocol, server.Server
    if getattr(protocol_class, "denial_response", False):
        return
    handle_reply, fail_handshake = protocol_class.handle_reply, protocol_class.failHandshake
    create_application = server_class.create_application

    def handle_reply_with_denial(self, message):
        if str(message.get("type", "")).startswith(f"{EXTENSION}."):
            _denial_message(self, message)
        else:
            handle_reply(self, message)

    def fail_handshake_with_denial(self, reason, code=400, responseHeaders=None):
        denial = getattr(self, "_asgi_denial", None)
        if denial is None or code != denial.status:
            return fail_handshake(self, reason, code, responseHeaders)
        self.wasNotCleanReason = reason
        self.sendData(denial.response())
        self.dropConnection(abort=False)

    def create_application_with_extension(self, protocol, scope):
        if scope.get("type") == "websocket":
            scope.setdefault("extensions", {})[EXTENSION] = {}
        return create_application(self, protocol, scope)

    protocol_class.handle_reply = handle_reply_with_denial
    protocol_class.failHandshake = fail_handshake_with_denial
    protocol_class.denial_response = True
    server_class.create_application = create_application_with_extension


async def not_found(scope, receive, send) -> None:
    """An ASGI app for any WebSocket path no route takes (an upper-case tenant, an identity with
    a `%2F`, `../`): a 404, where Channels' router would raise and log a 500."""
    if (await receive())["type"] != "websocket.connect":
        return
    if EXTENSION not in scope.get("extensions", {}):
        await send({"type": "websocket.close"})  # a server without the extension: its 403
        return
    await send({"type": f"{EXTENSION}.start", "status": 404,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": f"{EXTENSION}.body", "body": b"Not Found\n"})
