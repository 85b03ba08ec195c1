"""Keeping the stations' local lists in sync when the tenant's id tags change. It queues the task
that sends the updates (stations/authlist/tasks.py), and that task calls services.py; so this
lives beside services.py, not in it: no import circle."""

from django.db import transaction
from django.utils import timezone

from stations.authlist.models import LocalList, LocalListUpdate, UpdateStatus
from stations.authlist.selectors import group_entries, id_tag_infos, local_lists_held
from stations.authlist.tasks import sync_local_list
from stations.models import IdTag


@transaction.atomic
def local_lists_resync(*, tenant_id: int) -> list[int]:
    """The lists the tenant's stations should hold may have changed (id tags created, edited or
    deleted, a group chosen): each station holding a list that now differs from what it accepted
    is due a differential update, sent after commit to those connected (the others get it at
    their next boot). Returns the ids of the stations due one."""
    held = list(local_lists_held(tenant_id=tenant_id).select_related("station__server_process"))
    if not held:
        return []
    infos = id_tag_infos(list(IdTag.objects.filter(tenant_id=tenant_id)), timezone.now())
    # An update on its way may carry what this change undid: its list is checked again after it.
    in_flight = set(LocalListUpdate.objects.filter(local_list__in=held, status=UpdateStatus.PENDING)
                    .values_list("local_list_id", flat=True))
    due = [local_list for local_list in held if local_list.pk in in_flight
           or group_entries(infos, local_list.group) != local_list.snapshot]
    LocalList.objects.filter(pk__in=[local_list.pk for local_list in due]).update(sync_due=True)
    for local_list in due:
        if local_list.station.connected:
            sync_local_list.delay_on_commit(local_list.station_id)
    return [local_list.station_id for local_list in due]


