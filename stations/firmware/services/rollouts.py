"""Starting a firmware rollout. It queues the task that sends the jobs (stations/firmware/tasks.py),
and that task calls firmware.py; so this lives beside firmware.py, not in it: no import circle."""

from django.db import transaction

from stations.firmware.models import FirmwareFile, Rollout
from stations.firmware.services.firmware import firmware_job_create
from stations.firmware.tasks import rollout_send_task
from stations.models import Station
from tenants.models import Tenant


@transaction.atomic
def rollout_create(*, tenant: Tenant, firmware: FirmwareFile, stations: list[Station],
                   signed: bool = False) -> Rollout:
    """A pending job per station; the connected ones are sent by a task after commit, the others
    when they next boot (see `firmware.firmware_station_booted`)."""
    rollout = Rollout.objects.create(tenant=tenant, firmware=firmware, signed=signed or firmware.is_signed)
    for station in stations:
        firmware_job_create(station=station, firmware=firmware, signed=signed, rollout=rollout)
    rollout_send_task.delay_on_commit(rollout.pk)
    return rollout
