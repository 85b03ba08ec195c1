"""`/ws/dashboard/`: a signed-in browser's live feed of its current tenant (see stations/live.py).

The socket joins the group of the tenant chosen in the session (as the pages do, through
tenants/access.py) and relays its events as JSON. It receives nothing from the browser."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from stations import live
from tenants.access import SESSION_KEY, memberships_of


@database_sync_to_async
def _tenant_of(user, session) -> int | None:
    chosen = session.get(SESSION_KEY) if session is not None else None
    memberships = memberships_of(user)
    for membership in memberships:
        if membership.tenant_id == chosen:
            return membership.tenant_id
    return memberships[0].tenant_id if memberships else None


class DashboardConsumer(AsyncJsonWebsocketConsumer):
    group = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        tenant_id = await _tenant_of(user, self.scope.get("session"))
        if tenant_id is None:
            await self.close(code=4403)
            return
        self.group = live.group_name(tenant_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        pass  # the feed is one-way

    async def live_event(self, message: dict) -> None:
        await self.send_json(message["event"])

    async def live_events(self, message: dict) -> None:
        for event in message["events"]:  # a batch from a station link (stations/live.py)
            await self.send_json(event)
