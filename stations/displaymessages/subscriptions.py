"""The display messages app listens to the station core (stations/events.py): a station drops
the messages of a transaction when it ends (OCPP 2.0.1 use case O02), so ours are Gone when the
station stops it. A session the backend closes itself is left alone: the station may still run
it. Subscribed in DisplayMessagesConfig.ready()."""

from stations import events
from stations.displaymessages.services import display_messages_transaction_ended
from stations.events import FollowUp
from stations.ocpp.dbthreads import db


def on_session_stopped(event: events.SessionStopped) -> FollowUp:
    """On the station link: after the answer, from a database thread."""
    return lambda: db(display_messages_transaction_ended, station_id=event.station.pk,
                      transaction_id=event.transaction_id)


def subscribe() -> None:
    events.subscribe(events.SessionStopped, on_session_stopped)
