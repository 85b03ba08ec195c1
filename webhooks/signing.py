"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret.

The header is `Webhook-Signature: t=<unix seconds>,v1=<hex>` with one more `v1=` while a
rotated-out secret still signs (docs/webhooks.md, "Delivery, signatures and retries").
`signature_verify` is what a receiver runs; the docs show it, the tests use it."""

import hashlib
import hmac
import time
from collections.abc import Iterable

TOLERANCE_SECONDS = 300


def signature_of(*, secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(*, secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    parts = [f"t={timestamp}"]
    parts += [f"v1={signature_of(secret=s, timestamp=timestamp, body=body)}" for s in secrets]
    return ",".join(parts)


def signature_verify(*, secret: str, header: str, body: bytes, tolerance: int = TOLERANCE_SECONDS,
                     now: float | None = None) -> bool:
    """A receiver's check: one `v1` matches and the timestamp is within `tolerance` seconds of
    now (a replayed old request is refused)."""
    timestamp, signatures = _parsed(header)
    if timestamp is None:
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = signature_of(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, given) for given in signatures)


def _parsed(header: str) -> tuple[int | None, list[str]]:
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    return timestamp, signatures
