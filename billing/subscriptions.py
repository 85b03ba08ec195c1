"""Billing listens to the station core through domain events (stations/events.py): a stopped
session is priced, one the station completed after the backend had closed it has its price
corrected, and one the backend closed is priced; each in a task queued after the commit. And
load management tells it (loadmgmt/events.py) when a station is about to change its load group:
its running sessions keep their tariff (the one "tariff changed" rule). Subscribed in
BillingConfig.ready()."""

from billing.selectors import session_running_cost, station_price_text
from billing.services import stations_tariff_changing
from billing.tasks import price_session_task, session_price_correct_queue, session_price_queue
from loadmgmt.events import StationGroupChanging
from stations import events, price_text, running_cost
from stations.events import FollowUp
from stations.ocpp.dbthreads import db


def on_session_stopped(event: events.SessionStopped) -> FollowUp:
    """On the station link: queued after the answer, from a database thread."""
    if event.completed_late:
        return lambda: db(session_price_correct_queue, session_id=event.session_id)
    return lambda: db(session_price_queue, station_id=event.station.pk,
                      transaction_id=event.transaction_id)


def on_session_closed(event: events.SessionClosed) -> None:
    """Inside the close's transaction: the price task is queued once it commits."""
    price_session_task.delay_on_commit(event.session_id)


def on_station_group_changing(event: StationGroupChanging) -> None:
    """Inside the group change's transaction, before it is written."""
    stations_tariff_changing(station_ids=[event.station_id])


def subscribe() -> None:
    running_cost.provide(session_running_cost)  # a 2.0.1 station's totalCost, CostUpdated
    price_text.provide(station_price_text)  # a 2.0.1 driver's price line (personalMessage)
    events.subscribe(events.SessionStopped, on_session_stopped)
    events.subscribe(events.SessionClosed, on_session_closed)
    events.subscribe(StationGroupChanging, on_station_group_changing)
