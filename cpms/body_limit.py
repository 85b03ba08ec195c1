"""Refuse an HTTP request whose announced body is larger than any the backend takes, before
Django reads it: Django spools every request body to disk before a view runs, so a view's own
size check (e.g. stations/firmware/views.py) comes too late to spare the disk.

The largest body is a firmware image or a station's upload (OCPP_UPLOAD_MAX_BYTES) with its form
fields around it. A chunked body announces no length; its upload is still counted where it is
stored, and behind the proxy (deploy/nginx.conf, client_max_body_size) there is none."""

FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the fields beside the file


class BodySizeLimit:
    def __init__(self, app, max_bytes: int):
        self.app, self.limit = app, max_bytes + FORM_OVERHEAD

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _content_length(scope) > self.limit:
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body",
                        "body": f"The body is larger than {self.limit} bytes.\n".encode()})
            return
        await self.app(scope, receive, send)


def _content_length(scope: dict) -> int:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
