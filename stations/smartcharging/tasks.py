from celery import shared_task

from stations.models import Station
from stations.smartcharging import services


@shared_task
def charging_profile_set_task(station_id: int, connector_id: int, profile: dict) -> list[int]:
    """Set a profile from a worker (e.g. load management's periodic run). A failure is recorded
    on the profile by the service; the task does not retry: the next run sends anew."""
    station = Station.objects.select_related("server_process").get(pk=station_id)
    try:
        rows = services.charging_profile_set(station=station, connector_id=connector_id,
                                             profile=profile)
    except services.CommandFailed:
        return []
    return [row.pk for row in rows]
