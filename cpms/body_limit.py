"""Refuse an HTTP request body larger than its path takes before anything stores it.

Daphne hands a request to the application only once Twisted has read its whole body into a
temporary file, so neither Django nor an ASGI middleware can refuse a body in time: 300 MB sent
to the login page without credentials were all written to disk before the 413 (issue 16,
finding 5). `install()` (called by cpms/asgi.py) teaches daphne's request to count the body as it
arrives, from its Content-Length or, for a chunked body, chunk by chunk: past the path's limit it
answers 413 at once, reads and discards what the client still sends for a few seconds (so the
client sees the answer instead of a reset) and never calls the application.

Only a firmware image an operator uploads and a station's diagnostics or log upload may be as
large as OCPP_UPLOAD_MAX_BYTES (with the form fields around them); every other body is at most
HTTP_BODY_MAX_BYTES. Behind the documented proxy nginx's client_max_body_size refuses bigger
bodies first (deploy/nginx.conf)."""

import re

from django.conf import settings

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the fields beside the file
LINGER_SECONDS = 5.0  # how long a refused body is read and dropped before the connection closes
UPLOAD_PATHS = re.compile(rb"^/(api/v1/firmware/|ocpp-files/upload/|admin/firmware/firmwarefile/)")
REFUSAL_BODY = b"The body is larger than this address takes.\n"


def body_limit(path: bytes) -> int:
    """The largest body a request to this path (as sent, query included) may carry."""
    if UPLOAD_PATHS.match(path):
        return settings.OCPP_UPLOAD_MAX_BYTES + FORM_OVERHEAD
    return settings.HTTP_BODY_MAX_BYTES


class _Dropped:
    """Where a refused body goes: nowhere."""

    closed = False

    def write(self, data: bytes) -> None:
        pass

    def seek(self, *args) -> None:
        pass

    def tell(self) -> int:
        return 0

    def read(self, *args) -> bytes:
        return b""

    def close(self) -> None:
        self.closed = True


def _refuse(request) -> None:
    """Answer 413 now, then drop the rest of the body; the application never sees the request."""
    request._body_refused, request.content, request._body_seen = True, _Dropped(), 0
    transport = request.channel.transport
    transport.write(b"HTTP/1.1 413 Content Too Large\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                    % (len(REFUSAL_BODY), REFUSAL_BODY))
    from twisted.internet import reactor

    reactor.callLater(LINGER_SECONDS, transport.abortConnection)


def install() -> None:
    from daphne.http_protocol import WebRequest  # installs Twisted's reactor: only in the server

    if getattr(WebRequest, "body_limit", False):
        return
    got_length, handle_chunk, process = (WebRequest.gotLength, WebRequest.handleContentChunk,
                                         WebRequest.process)

    def got_length_with_limit(self, length):
        self._body_limit = body_limit(getattr(self.channel, "_path", b""))
        self._body_seen, self._body_refused = 0, False
        if length is not None and length > self._body_limit:
            self.requestHeaders.removeHeader(b"expect")  # no "100 Continue" after the 413
            _refuse(self)
            return
        got_length(self, length)

    def handle_chunk_with_limit(self, data):
        if self._body_refused:
            return
        self._body_seen += len(data)
        if self._body_seen > self._body_limit:  # a chunked body past the limit
            _refuse(self)
            return
        handle_chunk(self, data)

    def process_unless_refused(self):
        if getattr(self, "_body_refused", False):
            self.channel.transport.loseConnection()
            return None
        return process(self)

    WebRequest.gotLength = got_length_with_limit
    WebRequest.handleContentChunk = handle_chunk_with_limit
    WebRequest.process = process_unless_refused
    WebRequest.body_limit = True


class BodySizeLimit:
    """The same limits for an ASGI server other than daphne (e.g. runserver), from the announced
    length only; under daphne `install()` has refused such a request before it gets here."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _content_length(scope) > body_limit(_raw_path(scope)):
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": REFUSAL_BODY})
            return
        await self.app(scope, receive, send)


def _raw_path(scope: dict) -> bytes:
    return scope.get("raw_path") or scope.get("path", "").encode()


def _content_length(scope: dict) -> int:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
