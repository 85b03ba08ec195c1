"""Reads of the display messages app; every read is scoped to one station of one tenant."""

from stations.displaymessages.models import DisplayMessage, DisplayMessageReport, Status
from stations.models import ChargingSession, Station


def display_messages_of(station: Station):
    """Every message set on or reported by the station, newest first."""
    return (DisplayMessage.objects.filter(station=station, tenant_id=station.tenant_id)
            .select_related("session"))


def display_messages_set(station: Station):
    """The messages the station holds, as far as we know (ordered by id)."""
    return display_messages_of(station).filter(status=Status.SET).order_by("message_id", "-id")


def display_message_reports_of(station: Station):
    return DisplayMessageReport.objects.filter(station=station, tenant_id=station.tenant_id)


def ongoing_session(station: Station, transaction_id: str) -> ChargingSession | None:
    """The station's running session with this (station-made) transaction id, if any."""
    return ChargingSession.objects.filter(station=station, station_transaction_id=transaction_id,
                                          stopped_at__isnull=True).first()
