from asgiref.sync import async_to_sync
from celery import shared_task

from stations.authlist.services import local_list_send, local_list_sync
from stations.commands.sending import CommandFailed
from stations.models import Station


@shared_task
def sync_local_list(station_id: int) -> str:
    """Send a station the differential updates it is due since id tags changed, if any (see
    `local_list_sync`); the answers are recorded."""
    update = async_to_sync(local_list_sync)(station_id=station_id)
    return update.status if update is not None else "nothing sent"


@shared_task
def send_local_list(station_id: int, update_type: str = "Full") -> str:
    """Send a station its whole list (or a differential) from a worker; the answer is recorded."""
    station = Station.objects.select_related("server_process").filter(pk=station_id).first()
    if station is None:
        return "gone"
    try:
        return async_to_sync(local_list_send)(station=station, update_type=update_type).status
    except CommandFailed as failure:
        return failure.body["detail"]
