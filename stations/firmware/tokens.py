"""The one-time tokens of firmware jobs and upload requests (docs/file-transfer.md).

A token is made when its job is sent and travels only in that CALL's location: in the URL's
path (HTTP) or as the FTP password. The database keeps its SHA-256; the location the API, the
admin, the dashboard and the frame log show keeps the token's first characters (to tell jobs
apart) followed by "…". Pure functions: the frame log uses them without the firmware models."""

import hashlib
import hmac
import re
import secrets

SHOWN_CHARS = 6  # of 43: the other 222 bits stay secret
ELLIPSIS = "…"
CARRYING_ACTIONS = frozenset({"UpdateFirmware", "SignedUpdateFirmware", "GetDiagnostics", "GetLog"})
_FTP_PASSWORD = re.compile(r"^(ftp://[^:/@?#]+:)([^@/?#]+)(@)", re.IGNORECASE)
_HTTP_TOKEN = re.compile(r"(/ocpp-files/(?:firmware|upload)/)([^/?#]+)(/)")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str | None) -> bool:
    """Whether `token` is the one whose hash was stored, in constant time."""
    return bool(stored_hash) and hmac.compare_digest(token_hash(token), stored_hash)


def shown(token: str) -> str:
    """What is shown of a token (idempotent: what is shown shows the same)."""
    return token[:SHOWN_CHARS] + ELLIPSIS


def location_without_token(location: str) -> str:
    """The location with its token shortened to what may be shown; other text unchanged."""
    def shorten(found: re.Match) -> str:
        return found[1] + shown(found[2]) + found[3]

    return _HTTP_TOKEN.sub(shorten, _FTP_PASSWORD.sub(shorten, location, count=1), count=1)


def payload_without_token(action: str, payload):
    """An UpdateFirmware, SignedUpdateFirmware, GetDiagnostics or GetLog payload with its location
    as `location_without_token` shows it; any other payload unchanged."""
    if action not in CARRYING_ACTIONS or not isinstance(payload, dict):
        return payload
    if isinstance(payload.get("location"), str):
        payload = payload | {"location": location_without_token(payload["location"])}
    for outer, inner in (("firmware", "location"), ("log", "remoteLocation")):
        nested = payload.get(outer)
        if isinstance(nested, dict) and isinstance(nested.get(inner), str):
            payload = payload | {outer: nested | {inner: location_without_token(nested[inner])}}
    return payload
