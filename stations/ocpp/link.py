"""What the station link knows of its station while the socket lives, handed to every handler.

The handshake reads the station once; a handler gets it with what this link has learnt since,
as declared attributes instead of extra attributes set on a `Station`: which checks a boot on
this link must make (`due`: a firmware job in flight, a local list to send), and what the apps
remember of the station between its messages (`memo`, one entry per app: load management keeps
the station's group and the statuses, limits and draws it saw there). It lives and dies with
the socket; nothing in it is saved."""

from dataclasses import dataclass, field
from typing import Any

from stations.models import Station

FIRMWARE = "firmware"  # a firmware job may end (or be sent) at the next boot
LOCAL_LIST = "local_list"  # the station's local authorization list may have to be sent


@dataclass(eq=False)
class Link:
    station: Station  # the handshake's narrow Station: read it, do not save it
    version: str = "1.6"  # the OCPP version the socket speaks
    due: set[str] = field(default_factory=lambda: {FIRMWARE, LOCAL_LIST})  # unknown: check all
    memo: dict[str, Any] = field(default_factory=dict)

    def memo_of(self, app: str) -> dict:
        """The app's own memory of this link (created empty on first use)."""
        return self.memo.setdefault(app, {})
