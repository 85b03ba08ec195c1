"""Reads: the list a station should hold, and the state of what it holds."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from stations.authlist.limits import local_list_limits, too_long
from stations.authlist.models import LocalList, LocalListUpdate
from stations.models import IdTag, IdTagStatus, IdTokenType, Station

HISTORY_LENGTH = 50
# The token's 2.0.1 IdTokenType in a list's entry (the snapshot keeps it in the entry's info so
# a removal names it too); none for ISO14443, the default, so lists held before stay in sync.
TOKEN_TYPE = "tokenType"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _own_status(tag: IdTag, now: datetime) -> str:
    if tag.status != IdTagStatus.ACCEPTED:
        return tag.status
    if tag.expiry_date is not None and tag.expiry_date <= now:
        return IdTagStatus.EXPIRED
    return IdTagStatus.ACCEPTED


def id_tag_infos(tags: list[IdTag], now: datetime) -> dict[str, dict]:
    """idTag -> idTagInfo as the station should answer offline, as Authorize would: a member of a
    blocked or expired group is blocked or expired too; a token of another type than ISO14443
    has it as `tokenType` (not sent in the idTagInfo: see `list_entry`). `tags` includes the parents, found in
    any case (OCPP's IdToken is case-insensitive)."""
    by_name = {tag.id_tag.lower(): tag for tag in tags}
    infos = {}
    for tag in tags:
        info: dict = {"status": str(_own_status(tag, now))}
        if tag.expiry_date is not None:
            info["expiryDate"] = _iso(tag.expiry_date)
        if tag.parent_id_tag:
            info["parentIdTag"] = tag.parent_id_tag
            parent = by_name.get(tag.parent_id_tag.lower())
            if info["status"] == IdTagStatus.ACCEPTED and parent is not None:
                info["status"] = str(_own_status(parent, now))
        if tag.token_type != IdTokenType.ISO14443:  # a 2.0.1 entry's type (ISO14443 unsaid)
            info[TOKEN_TYPE] = tag.token_type
        infos[tag.id_tag] = info
    return infos


def group_entries(infos: dict[str, dict], group: str = "") -> dict[str, dict]:
    """The entries of `infos` (from `id_tag_infos`) a station chosen for `group` holds."""
    if group:
        return {name: info for name, info in infos.items()
                if info.get("parentIdTag", "").lower() == group.lower()}
    return infos


def local_list_entries(*, tenant_id: int, group: str = "") -> dict[str, dict]:
    """The list a station should hold: every id tag of the tenant, or the members of `group`."""
    tags = list(IdTag.objects.filter(tenant_id=tenant_id))
    return group_entries(id_tag_infos(tags, timezone.now()), group)


def local_lists_held(*, tenant_id: int):
    """The tenant's stations that hold a local list (one accepted, or a group chosen), except
    those that said they have none."""
    return (LocalList.objects.filter(tenant_id=tenant_id)
            .filter(Q(version__gt=0) | ~Q(group="")).exclude(station_version=-1))


def local_list_due(*, station_id: int) -> bool:
    """Whether a differential update waits for this station (one indexed lookup)."""
    return LocalList.objects.filter(station_id=station_id, sync_due=True).exists()


def local_list_of(station: Station) -> LocalList | None:
    return LocalList.objects.filter(station=station, tenant_id=station.tenant_id).first()


def local_list_state(station: Station) -> dict:
    """What the API shows: confirmed version, whether that is what the station should hold now."""
    held = local_list_of(station)
    group = held.group if held else ""
    desired = local_list_entries(tenant_id=station.tenant_id, group=group)
    history = (LocalListUpdate.objects.filter(local_list=held, tenant_id=station.tenant_id)
               .select_related("resend")[:HISTORY_LENGTH] if held else [])
    return {
        "station": station.identity,
        "group": group,
        "version": held.version if held else 0,
        "in_sync": bool(held and held.version > 0 and held.snapshot == desired),
        "entry_count": len(desired),
        "confirmed_entry_count": len(held.snapshot) if held else 0,
        "entries_hash": held.entries_hash if held else "",
        "confirmed_at": held.confirmed_at if held else None,
        "station_version": held.station_version if held else None,
        "station_version_at": held.station_version_at if held else None,
        "history": list(history),
        **_limits_and_reason(station, desired, list(history)[:1], held),
    }


def _limits_and_reason(station: Station, desired: dict, last: list, held) -> dict:
    """The station's known limits, and why the list is not in sync (blank when it is or when
    nothing says why): too long for the station, or the last update's failure."""
    limits = local_list_limits(station_id=station.pk)
    reason = ""
    if not (held and held.version > 0 and held.snapshot == desired):
        reason = too_long(len(desired), limits)
        if not reason and last and last[0].status not in ("Accepted", "Pending"):
            reason = last[0].error or f"The station answered {last[0].status}."
    return {"max_entries_per_message": limits.per_message,
            "max_bytes_per_message": limits.bytes_per_message,
            "max_entries": limits.in_all, "out_of_sync_reason": reason}
