"""Who acts now, for the audit log (docs/audit.md, what is recorded).

A context variable, not a thread-local: asgiref copies the context into the threads of
`sync_to_async` and `database_sync_to_async`, so an async API view's database work and the
command it sends to a station still know their operator. The middleware opens one per request;
`audit_context(...)` opens one for a management command or a task acting for someone. Without
one (the station link, the beat's own work) nothing is captured and capturing costs nothing.

The request's actor is read lazily: DRF's token authentication sets `request.auth` (the API
token) and `request.tenant` during the view, after the middleware ran.
"""

import ipaddress
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from cpms.client_address import request_address
from tenants.models import ApiToken

SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    type: str  # "user", "token" or "system"
    id: int | None
    name: str


SYSTEM_ACTOR = Actor(SYSTEM, None, SYSTEM)


@dataclass
class AuditContext:
    via: str  # audit.models.Via
    request: Any = None  # the Django request, read lazily for its user, token and tenant
    actor_given: Any = None  # a User, an ApiToken, an Actor or None (system)
    tenant_given: Any = None
    ip: str | None = None
    method: str = ""
    path: str = ""
    request_id: uuid.UUID = field(default_factory=uuid.uuid4)
    entries: int = 0  # written in this context: the middleware's fallback writes one if none
    tenants_deleted: set = field(default_factory=set)  # being deleted here: entries leave them
    _actor: Actor | None = field(default=None, repr=False)

    def actor(self) -> Actor | None:
        """Who acts; None for a request of no one (anonymous: not an operator's write)."""
        if self._actor is None:
            self._actor = self._find_actor()
        return self._actor

    def _find_actor(self) -> Actor | None:
        if self.request is None:
            return actor_of(self.actor_given)
        token = getattr(self.request, "auth", None)
        if isinstance(token, ApiToken):
            return actor_of(token)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            return actor_of(user)
        return None

    def tenant_id(self) -> int | None:
        tenant = getattr(self.request, "tenant", None) if self.request is not None else None
        tenant = tenant or self.tenant_given
        return getattr(tenant, "pk", tenant)


def actor_of(who: Any) -> Actor:
    if who is None:
        return SYSTEM_ACTOR
    if isinstance(who, Actor):
        return who
    if isinstance(who, ApiToken):
        return Actor("token", who.pk, f"API token {who.name or who.prefix}")
    return Actor("user", who.pk, who.get_username())


_current: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)


def current() -> AuditContext | None:
    return _current.get()


def via_of(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "dashboard"


def request_context(request) -> AuditContext:
    return AuditContext(via=via_of(request.path), request=request,
                        ip=ip_or_none(request_address(request.META)), method=request.method,
                        path=request.path[:500])


def ip_or_none(address: str) -> str | None:
    """The client's address if it is one ("unknown" without REMOTE_ADDR, a proxy's odd header:
    None; PostgreSQL's inet column would refuse it, and the write with it)."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@contextmanager
def opened(context: AuditContext) -> Iterator[AuditContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def audit_context(*, actor: Any = None, via: str = SYSTEM, tenant: Any = None,
                  path: str = "") -> Iterator[AuditContext]:
    """Record the writes inside as `actor`'s (a User, an ApiToken; None: the system), e.g. a
    management command run for an operator."""
    with opened(AuditContext(via=via, actor_given=actor, tenant_given=tenant, path=path)) as context:
        yield context
