"""`/ws/dashboard/`: a signed-in browser's live feed of its current tenant (see stations/live.py).

The socket joins the group of the tenant chosen in the session (as the pages do, through
tenants/access.py) and relays its events as JSON. It receives nothing from the browser.

A feed lives for hours, so what let it in is checked again every DASHBOARD_RECHECK_SECONDS,
before an event is relayed and by a timer when none comes: the session must still exist and
sign in the same user (a logout, an expired session or a password change end it), the user must
be active and still a member of the tenant. When not, the socket closes (issue 16, finding 10)."""

import asyncio
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

from stations import live
from tenants.access import SESSION_KEY, memberships_of
from tenants.models import Membership

REVOKED_CLOSE_CODE = 4403


@database_sync_to_async
def _tenant_of(user, session) -> int | None:
    chosen = session.get(SESSION_KEY) if session is not None else None
    memberships = memberships_of(user)
    for membership in memberships:
        if membership.tenant_id == chosen:
            return membership.tenant_id
    return memberships[0].tenant_id if memberships else None


@database_sync_to_async
def _access_holds(session_key: str | None, user_id: int, tenant_id: int) -> bool:
    """The session still signs in this active user, and the user is still in the tenant."""
    if not session_key:
        return False
    session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key=session_key)
    if str(session.get(auth.SESSION_KEY)) != str(user_id):
        return False  # logged out, expired, or never there
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    session_hash = session.get(auth.HASH_SESSION_KEY) or ""
    if user is None or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return False
    return Membership.objects.filter(user_id=user_id, tenant_id=tenant_id).exists()


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    group = ""
    tenant_id: int | None = None
    checked_at = 0.0
    watcher: asyncio.Task | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        tenant_id = await _tenant_of(user, self.scope.get("session"))
        if tenant_id is None:
            await self.close(code=4403)
            return
        self.tenant_id, self.checked_at = tenant_id, time.monotonic()
        self.group = live.group_name(tenant_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.watcher = asyncio.create_task(self._watch())

    async def disconnect(self, code) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def _still_allowed(self) -> bool:
        """Checked at most every DASHBOARD_RECHECK_SECONDS; closes the socket when revoked."""
        if time.monotonic() - self.checked_at < settings.DASHBOARD_RECHECK_SECONDS:
            return True
        self.checked_at = time.monotonic()
        session = self.scope.get("session")
        if await _access_holds(getattr(session, "session_key", None), self.scope["user"].pk,
                               self.tenant_id):
            return True
        await self.close(code=REVOKED_CLOSE_CODE)
        return False

    async def _watch(self) -> None:
        while await self._still_allowed():
            await asyncio.sleep(settings.DASHBOARD_RECHECK_SECONDS)

    async def receive_json(self, content, **kwargs) -> None:
        pass  # the feed is one-way

    async def live_event(self, message: dict) -> None:
        if await self._still_allowed():
            await self.send_json(message["event"])

    async def live_events(self, message: dict) -> None:
        if not await self._still_allowed():
            return
        for event in message["events"]:  # a batch from a station link (stations/live.py)
            await self.send_json(event)
