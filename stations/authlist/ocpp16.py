"""Local Auth List Management in OCPP 1.6, seen from the station link: a list that changed
while the station was offline is sent after its boot. Registered in AuthlistConfig.ready()
(docs/architecture.md, path 1)."""

from datetime import datetime

from stations import events
from stations.authlist import services
from stations.ocpp.link import LOCAL_LIST, Link
from stations.ocpp.registry import after_answer, reacts_to

V16 = "1.6"


@reacts_to(V16, "BootNotification")
async def boot(link: Link, payload: dict, received_at: datetime) -> None:
    """Whether a list may be due was learnt at the handshake (or a SendLocalList went out on
    this link since): a boot with none makes no round trip."""
    if LOCAL_LIST in link.due:
        station_id = link.station.pk
        after_answer(lambda: services.local_list_send_due(station_id=station_id))


def list_sent(event: events.CallSent) -> None:
    """A SendLocalList went out on this link: a later boot on it checks the list again."""
    if event.action == "SendLocalList" and event.link is not None:
        event.link.due.add(LOCAL_LIST)


events.subscribe(events.CallSent, list_sent)
