"""Local authorization lists for OCPP 2.0.1 stations, seen from the station link: as for 1.6
(stations/authlist/ocpp16.py), a list that changed while the station was offline is sent after
its boot. The list itself is the same; the 2.0.1 adapter words its entries
(stations/ocpp/v201/commands.py). Registered in AuthlistConfig.ready()."""

from datetime import datetime

from stations.authlist import services
from stations.ocpp.link import LOCAL_LIST, Link
from stations.ocpp.registry import after_answer, reacts_to

V201 = "2.0.1"


@reacts_to(V201, "BootNotification")
async def boot(link: Link, payload: dict, received_at: datetime) -> None:
    """Whether a list may be due was learnt at the handshake (or a SendLocalList went out on
    this link since): a boot with none makes no round trip."""
    if LOCAL_LIST in link.due:
        station_id = link.station.pk
        after_answer(lambda: services.local_list_send_due(station_id=station_id))
