"""The station link: transport only. Authenticates at the handshake, parses frames, hands CALLs
to the version's router with the link's context (stations/ocpp/link.py), runs the follow-ups
after the answer, and relays backend commands from the channel layer to the socket
(docs/architecture.md, path 1)."""

import asyncio
import base64
import binascii
import logging

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import timezone

from cpms import ws_denial
from cpms.client_address import scope_address
from stations import events, live
from stations.models import OcppMessage
from stations.ocpp import frames, links
from stations.ocpp.dbthreads import db, in_background
from stations.ocpp.handshake import Refused
from stations.ocpp.handshake_throttle import station_authenticate_throttled
from stations.ocpp.link import Link
from stations.ocpp.outbound import Command, OutboundCalls
from stations.ocpp.process import process_id
from stations.ocpp.v16.router import ROUTER as V16
from stations.ocpp.v201.router import ROUTER as V201
from stations.ocpp.writer import writer
from stations.security.profiles import link_security, link_still_trusted
from stations.services.message_log import message_row

log = logging.getLogger(__name__)
_follow_ups: set[asyncio.Task] = set()  # held so that they are not collected while they run


def _follow_up_finished(task: asyncio.Task, station, action: str) -> None:
    _follow_ups.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("A follow-up of %s from %s failed", action, station.identity,
                  exc_info=task.exception())


# The subprotocols this endpoint speaks, each with its version's adapter: the router that
# answers the station's CALLs (`answer`), is told of ours (`sent`), checks the station's answers
# to them (`result_error`) and words errors (`error_for`). The station's offer decides which
# (its first that we speak).
ADAPTERS = {V201.SUBPROTOCOL: V201, V16.SUBPROTOCOL: V16}
# OCPP-J names no code; autobahn lets the server send only 1000 or 3000-4999 (not 1002).
NO_SUBPROTOCOL_CLOSE_CODE = 1000
# The tenant withdrew the trust the link was opened with (an uploaded CA deleted).
TRUST_REVOKED_CLOSE_CODE = 4003


class OcppConsumer(AsyncWebsocketConsumer):
    # No channel of its own: the process's one channel reaches this socket (see links.py).
    channel_layer_alias = "stations-use-links"
    station = None
    link: Link | None = None
    adapter = V16
    address = ""
    outbound: OutboundCalls | None = None
    replaced = False

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        password = _basic_password(self.scope, kwargs["identity"])
        handshake = await db(station_authenticate_throttled, address=scope_address(self.scope),
                             tenant_slug=kwargs["tenant"], identity=kwargs["identity"],
                             password=password, link=link_security(self.scope))
        if isinstance(handshake, Refused):
            log.warning("Refused station %s/%s (%d)", kwargs["tenant"], kwargs["identity"],
                        handshake)
            await self._refuse(handshake)
            return
        subprotocol = _negotiated(self.scope.get("subprotocols", []))
        if subprotocol is None:
            # OCPP-J 1.6 §3.1.2: complete the handshake without a subprotocol, then close.
            log.warning("Station %s/%s offered no %s", kwargs["tenant"], kwargs["identity"],
                        " or ".join(ADAPTERS))
            await self.accept()
            await self.close(code=NO_SUBPROTOCOL_CLOSE_CODE)
            return
        self.station = handshake.station
        self.adapter = ADAPTERS[subprotocol]
        self.link = Link(handshake.station, version=self.adapter.VERSION, due=set(handshake.due))
        await self.accept(subprotocol=subprotocol)
        self.address = await links.register(self)
        self.outbound = OutboundCalls(self._send_call, self.adapter.result_error,
                                      settings.OCPP_CALL_TIMEOUT)
        previous = await writer().attach(self.station.pk, self.address, await process_id(),
                                         self.adapter.VERSION)
        live.publish_soon(self.station.tenant_id, {"type": "station.connected",
                                                   "station": self.station.identity})
        for follow_up in events.publish(events.StationConnected(self.station, link=self.link)):
            self._background(follow_up(), "connect")
        if previous:
            try:
                await links.send(previous, {"type": "station.replaced"})
            except Exception:  # e.g. ChannelFull: that process is gone; its socket with it
                log.warning("Could not reach the older socket of %s", self.station.identity)

    async def _refuse(self, refused: Refused) -> None:
        """A 401 says how to authenticate; a server without the denial-response extension (see
        cpms/ws_denial.py) can only refuse with its 403."""
        if ws_denial.EXTENSION not in self.scope.get("extensions", {}):
            await self.close()
            return
        headers = [(b"content-type", b"text/plain; charset=utf-8")]
        if refused == Refused.UNAUTHORIZED:
            headers.append((b"www-authenticate", b'Basic realm="OCPP"'))
        await self.base_send({"type": f"{ws_denial.EXTENSION}.start", "status": refused.value,
                              "headers": headers})
        await self.base_send({"type": f"{ws_denial.EXTENSION}.body",
                              "body": refused.name.title().encode() + b"\n"})

    async def __call__(self, scope, receive, send) -> None:
        # Channels' loop waits on a new task per message, as it can wait on a channel layer too;
        # this consumer has no channel of its own, so it reads its one queue directly.
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def dispatch(self, message) -> None:
        # Channels' dispatch first runs close_old_connections on its one sync thread for every
        # message, which serializes a whole process's traffic; our DB work runs on our own
        # pool, which keeps its connections healthy itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code) -> None:
        if self.station is None or not self.address:
            return
        links.unregister(self.address)
        if self.outbound is not None:
            await self.outbound.close()
        await writer().detach(self.station.pk, self.address)
        if not self.replaced:  # a replaced socket's station is connected on its new one
            live.publish_soon(self.station.tenant_id, {"type": "station.disconnected",
                                                       "station": self.station.identity})
            for follow_up in events.publish(events.StationDisconnected(self.station)):
                self._background(follow_up(), "disconnect")

    async def receive(self, text_data=None, bytes_data=None) -> None:
        received_at = timezone.now()
        text = text_data if text_data is not None else bytes_data.decode(errors="replace")
        writer().seen(self.station.pk, received_at)
        try:
            frame = frames.parse(text)
        except frames.FrameError as bad:
            log.warning("Bad frame from %s: %s", self.station.identity, bad)
            self._log(OcppMessage.IN, None, received_at, raw=text)
            await self._reply(self.adapter.error_for(bad.unique_id, bad.error))
            return
        if isinstance(frame, frames.Call):
            self._log(OcppMessage.IN, frame, received_at, text=text)
            reply, follow_ups = await self.adapter.answer(self.link, frame, received_at)
            await self._reply(reply, frame.action)
            for follow_up in follow_ups:  # e.g. a CALL that must come after this answer
                self._background(follow_up(), frame.action)
            return
        action = self.outbound.action_of(frame.unique_id)
        self._log(OcppMessage.IN, frame, received_at, action=action, text=text)
        if not self.outbound.resolve(frame):
            log.info("Unexpected answer %s from %s", frame.unique_id, self.station.identity)

    def _background(self, work, action: str) -> None:
        task = asyncio.create_task(in_background(work))
        _follow_ups.add(task)
        task.add_done_callback(lambda done: _follow_up_finished(done, self.station, action))

    async def _reply(self, frame, action: str = "") -> None:
        text = frames.dump(frame)
        self._log(OcppMessage.OUT, frame, timezone.now(), action=action, text=text)
        await self.send(text)

    def _log(self, direction: str, frame, at, action: str = "", raw: str = "",
             text: str | None = None) -> None:
        writer().log(message_row(station=self.station, direction=direction, frame=frame, at=at,
                                 action=action, raw=raw, text=text))

    async def _send_call(self, call: frames.Call) -> None:
        text = frames.dump(call)
        self._log(OcppMessage.OUT, call, timezone.now(), text=text)
        self.adapter.sent(self.link, call)
        await self.send(text)

    # Messages from other processes, through links.py -------------------------------------
    async def deliver(self, message: dict) -> None:
        if message["type"] == "ocpp.command":
            reply_to = message["reply_to"]

            async def reply(outcome: dict) -> None:
                await get_channel_layer().send(reply_to, {"type": "command.outcome", **outcome})

            self.outbound.submit(Command(message["action"], message["payload"], reply))
        elif message["type"] == "station.replaced":
            log.info("Station %s connected again; closing the older socket",
                     self.station.identity)
            self.replaced = True
            await self.close(code=4000)
        elif message["type"] == "station.memo":  # an app tells the link what changed (a load group)
            self.link.memo_of(message["app"]).update(message["values"])
        elif message["type"] == "station.trust_changed":  # its tenant's CAs changed (security)
            if not await db(link_still_trusted, station_id=self.station.pk,
                            link=link_security(self.scope)):
                log.warning("Station %s: its link no longer meets its security profile; closing",
                            self.station.identity)
                await self.close(code=TRUST_REVOKED_CLOSE_CODE)


def _negotiated(offered: list[str]) -> str | None:
    """The subprotocol the link speaks: the first the station offered that we speak (the
    station's order is its preference)."""
    return next((subprotocol for subprotocol in offered if subprotocol in ADAPTERS), None)


def _basic_password(scope: dict, identity: str) -> str | None:
    """The password of an HTTP Basic header whose user is the station identity."""
    for name, value in scope.get("headers", []):
        if name.lower() != b"authorization":
            continue
        scheme, _, encoded = value.decode("latin-1").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(encoded.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password if user == identity else None
    return None
