from asgiref.sync import async_to_sync
from celery import shared_task

from stations.authlist.services import local_list_send, local_list_sync
from stations.commands import CommandFailed
from stations.models import Station


@shared_task
def send_local_list(station_id: int, update_type: str = "Full", due_only: bool = False) -> str:
    """Send a station its list from a worker; the answer is recorded. `due_only`: the
    differential updates it is due since id tags changed, if any (see `local_list_sync`)."""
    if due_only:
        update = async_to_sync(local_list_sync)(station_id=station_id)
        return update.status if update is not None else "nothing sent"
    station = Station.objects.select_related("server_process").filter(pk=station_id).first()
    if station is None:
        return "gone"
    try:
        return async_to_sync(local_list_send)(station=station, update_type=update_type).status
    except CommandFailed as failure:
        return failure.body["detail"]
