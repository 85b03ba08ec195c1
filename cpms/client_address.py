"""The address a request or a station link came from, for throttling.

Behind the documented proxy (deploy/nginx.conf) every connection comes from the proxy; it
appends the address it saw to X-Forwarded-For. That last entry is the only one the proxy
vouches for (the ones before it are whatever the client wrote), and it is believed only where
the operator says a proxy is in front (OCPP_TRUST_PROXY_HEADERS): otherwise a client could name
any address it likes."""

from django.conf import settings


def forwarded_for(header: str) -> str:
    """The entry the proxy appended: the rightmost one."""
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    return entries[-1] if entries else ""


def request_address(meta: dict) -> str:
    """The client of an HTTP request (Django's request.META)."""
    if settings.OCPP_TRUST_PROXY_HEADERS:
        proxied = forwarded_for(meta.get("HTTP_X_FORWARDED_FOR", ""))
        if proxied:
            return proxied
    return meta.get("REMOTE_ADDR", "") or "unknown"


def scope_address(scope: dict) -> str:
    """The client of an ASGI connection (a station's WebSocket)."""
    if settings.OCPP_TRUST_PROXY_HEADERS:
        for name, value in scope.get("headers", []):
            if name == b"x-forwarded-for":
                proxied = forwarded_for(value.decode("latin-1"))
                if proxied:
                    return proxied
    client = scope.get("client") or ("unknown", 0)
    return str(client[0])
