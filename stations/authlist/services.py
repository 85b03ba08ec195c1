"""Sending a station its local authorization list (SendLocalList, full or differential) and
asking which version it holds (GetLocalListVersion).

Versions count what the station accepted: each update is sent as that version + 1. A station
that answers VersionMismatch (its list is not the one we think) gets the full list at once."""

import hashlib
import json

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from stations.authlist.models import LocalList, LocalListUpdate, UpdateStatus
from stations.authlist.selectors import local_list_entries
from stations.commands import CommandFailed, station_call
from stations.models import Station

FULL, DIFFERENTIAL = LocalListUpdate.FULL, LocalListUpdate.DIFFERENTIAL


def entries_hash(snapshot: dict[str, dict]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()


def list_difference(held: dict[str, dict], desired: dict[str, dict]) -> list[dict]:
    """The localAuthorizationList of a differential update: new and changed entries with their
    idTagInfo, removed ones without (which deletes them on the station)."""
    changed = [{"idTag": name, "idTagInfo": info} for name, info in sorted(desired.items())
               if held.get(name) != info]
    removed = [{"idTag": name} for name in sorted(held) if name not in desired]
    return changed + removed


def _local_list_for_update(station: Station) -> LocalList:
    LocalList.objects.get_or_create(station=station, defaults={"tenant_id": station.tenant_id})
    return LocalList.objects.select_for_update().get(station=station, tenant_id=station.tenant_id)


@transaction.atomic
def local_list_update_create(*, station: Station, update_type: str, group: str | None = None,
                             resend_of: LocalListUpdate | None = None) -> LocalListUpdate:
    """Record the next update (Pending), choosing the station's group when `group` is given."""
    held = _local_list_for_update(station)
    if group is not None and group != held.group:
        held.group = group
        held.save(update_fields=["group"])
    desired = local_list_entries(tenant_id=station.tenant_id, group=held.group)
    if update_type == FULL:
        entries = [{"idTag": name, "idTagInfo": info} for name, info in sorted(desired.items())]
    else:
        entries = list_difference(held.snapshot, desired)
    return LocalListUpdate.objects.create(
        tenant_id=station.tenant_id, local_list=held, update_type=update_type,
        list_version=held.version + 1, group=held.group, entries=entries, snapshot=desired,
        resend_of=resend_of)


@transaction.atomic
def local_list_update_answer(*, update_id: int, status: str, error: str = "") -> LocalListUpdate:
    """Record the station's answer; an accepted update becomes the list the station holds."""
    update = LocalListUpdate.objects.select_for_update().get(pk=update_id)
    if update.status != UpdateStatus.PENDING:
        return update
    update.status, update.error, update.answered_at = status, error, timezone.now()
    update.save(update_fields=["status", "error", "answered_at"])
    if status == UpdateStatus.ACCEPTED:
        held = LocalList.objects.select_for_update().get(pk=update.local_list_id)
        held.version, held.snapshot = update.list_version, update.snapshot
        held.entries_hash, held.confirmed_at = entries_hash(update.snapshot), update.answered_at
        held.save(update_fields=["version", "snapshot", "entries_hash", "confirmed_at"])
    return update


@transaction.atomic
def local_list_version_record(*, station: Station, version: int) -> LocalList:
    held = _local_list_for_update(station)
    held.station_version, held.station_version_at = version, timezone.now()
    held.save(update_fields=["station_version", "station_version_at"])
    return held


async def _send(station: Station, update: LocalListUpdate) -> LocalListUpdate:
    payload: dict = {"listVersion": update.list_version, "updateType": update.update_type}
    if update.entries:
        payload["localAuthorizationList"] = update.entries
    try:
        response = await station_call(station, "SendLocalList", payload)
    except CommandFailed as failure:
        await sync_to_async(local_list_update_answer)(
            update_id=update.pk, status=UpdateStatus.SEND_FAILED, error=json.dumps(failure.body))
        raise
    return await sync_to_async(local_list_update_answer)(update_id=update.pk,
                                                         status=response["status"])


async def local_list_send(*, station: Station, update_type: str,
                          group: str | None = None) -> LocalListUpdate:
    """Send the station its list (CommandFailed when it gives no usable answer). After a
    VersionMismatch the full list follows; the returned update then has it as `resend`."""
    update = await sync_to_async(local_list_update_create)(station=station, update_type=update_type,
                                                           group=group)
    update = await _send(station, update)
    if update.status == UpdateStatus.VERSION_MISMATCH:
        resend = await sync_to_async(local_list_update_create)(station=station, update_type=FULL,
                                                               resend_of=update)
        await _send(station, resend)
        update = await LocalListUpdate.objects.select_related("resend").aget(pk=update.pk)
    return update


async def local_list_version_get(*, station: Station) -> LocalList:
    """Ask the station which list version it holds (-1: it has no local list, 0: an empty one)."""
    response = await station_call(station, "GetLocalListVersion", {})
    return await sync_to_async(local_list_version_record)(station=station,
                                                          version=response["listVersion"])
