from asgiref.sync import async_to_sync
from celery import shared_task

from stations.models import Station
from stations.services.admission_follow_up import admission_follow_up
from stations.services.message_log import messages_purge
from stations.services.session_lifecycle import sessions_close_orphans


@shared_task
def purge_ocpp_messages() -> int:
    return messages_purge()


@shared_task
def close_orphan_sessions() -> dict[str, int]:
    """Beat: close the sessions their stations will never stop (docs/sessions.md). Each closing
    is conditional on the session still being open, so a redelivery closes nothing twice."""
    return sessions_close_orphans()


@shared_task
def station_admission_changed(station_id: int, before: str) -> str:
    """The station's admission changed from `before`: tell its link, trigger a boot of a
    station accepted now (stations/services/admission_follow_up.py). Redelivered, it sends the
    same again, which the station answers as before."""
    station = Station.objects.select_related("server_process").filter(pk=station_id).first()
    if station is None:
        return "gone"
    return async_to_sync(admission_follow_up)(station=station, before=before)
