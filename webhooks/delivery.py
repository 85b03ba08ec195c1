"""One HTTP attempt of a delivery, and the safety checks around it (docs/webhooks.md,
"Delivery, signatures and retries").

The body is built from the stored event, so every attempt and every replay sends the same bytes
with the same event id. An endpoint's address is checked when it is saved and again before each
request, resolving its host: a name that later points at a private address (DNS rebinding, a
typo'd internal host) is refused, not called (SSRF)."""

import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.utils import timezone

from webhooks.catalogue import PAYLOAD_VERSION
from webhooks.crypto import secret_decrypt
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.signing import signature_header

USER_AGENT = "CPMS-Webhooks/1"
EXCERPT_CHARS = 500


class UnsafeURL(ValueError):
    """An endpoint address we refuse to call; its message says why."""


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def envelope(event: WebhookEvent, tenant_slug: str) -> dict:
    return {"id": str(event.id), "type": event.type, "version": event.version or PAYLOAD_VERSION,
            "created_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
            "tenant": tenant_slug, "data": event.data}


def body_of(event: WebhookEvent, tenant_slug: str) -> bytes:
    return json.dumps(envelope(event, tenant_slug), separators=(",", ":"), default=str).encode()


def url_check(url: str) -> None:
    """Raise UnsafeURL unless `url` may be called: https (http and private addresses only with
    WEBHOOK_ALLOW_PRIVATE), and a host that resolves to public addresses only."""
    allow_private = getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(f"Not a valid URL: {error}.") from None
    if parts.scheme not in (("https", "http") if allow_private else ("https",)):
        raise UnsafeURL("The URL must start with https://.")
    if not parts.hostname:
        raise UnsafeURL("The URL has no host.")
    if allow_private:
        return
    for address in _addresses(parts.hostname, port or (443 if parts.scheme == "https" else 80)):
        if not _public(address):
            raise UnsafeURL(f"{parts.hostname} is a loopback, private or link-local address "
                            f"({address}); webhooks go to public addresses only.")


def _addresses(host: str, port: int) -> list[str]:
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURL(f"The host {host} does not resolve.") from None
    return sorted({info[4][0] for info in infos})


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    ip = mapped or ip
    return ip.is_global and not ip.is_multicast


def signing_secrets(endpoint: WebhookEndpoint) -> list[str]:
    secrets = [secret_decrypt(endpoint.secret_encrypted)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires and expires > timezone.now():
        secrets.append(secret_decrypt(endpoint.previous_secret_encrypted))
    return secrets


def headers_for(delivery: WebhookDelivery, body: bytes, timestamp: int) -> dict:
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
            "Webhook-Id": str(delivery.event_id), "Webhook-Timestamp": str(timestamp),
            "Webhook-Signature": signature_header(secrets=signing_secrets(delivery.endpoint),
                                                  timestamp=timestamp, body=body)}


def delivery_send(delivery: WebhookDelivery) -> Outcome:
    """One POST of the delivery's event to its endpoint (no redirects followed)."""
    try:
        url_check(delivery.endpoint.url)
    except UnsafeURL as error:
        return Outcome(error=str(error)[:EXCERPT_CHARS])
    body = body_of(delivery.event, delivery.tenant.slug)
    try:
        headers = headers_for(delivery, body, int(time.time()))
    except InvalidToken:
        return Outcome(error="The endpoint's secret cannot be decrypted (SECRET_KEY changed?): "
                             "rotate it.")
    return post(url=delivery.endpoint.url, body=body, headers=headers)


def post(*, url: str, body: bytes, headers: dict) -> Outcome:
    started = time.monotonic()
    try:
        with httpx.Client(timeout=settings.WEBHOOK_TIMEOUT, follow_redirects=False,
                          trust_env=False) as client, \
                client.stream("POST", url, content=body, headers=headers) as response:
            excerpt = _excerpt(response)
            return Outcome(status_code=response.status_code, excerpt=excerpt,
                           duration_ms=_ms_since(started),
                           error="" if response.is_success else f"HTTP {response.status_code}")
    except httpx.TimeoutException:
        return Outcome(error=f"No answer within {settings.WEBHOOK_TIMEOUT:g} s",
                       duration_ms=_ms_since(started))
    except (httpx.HTTPError, OSError, ValueError) as error:
        return Outcome(error=f"{type(error).__name__}: {error}"[:EXCERPT_CHARS],
                       duration_ms=_ms_since(started))


def _excerpt(response: httpx.Response) -> str:
    taken = b""
    for chunk in response.iter_bytes():
        taken += chunk
        if len(taken) >= EXCERPT_CHARS:
            break
    return taken[:EXCERPT_CHARS].decode("utf-8", "replace")[:EXCERPT_CHARS]


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
