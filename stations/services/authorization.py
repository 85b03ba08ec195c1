"""Deciding an idTagInfo: the tag, its parent group, its expiry and its running sessions."""

from datetime import datetime

from django.utils import timezone

from stations.models import ChargingSession, IdTag, IdTagStatus
from stations.quirks import id_tag_from_station, quirks_of

ACCEPTED, BLOCKED, EXPIRED, INVALID = "Accepted", "Blocked", "Expired", "Invalid"
CONCURRENT_TX = "ConcurrentTx"


def _own_status(tag: IdTag, now: datetime) -> str:
    if tag.status != IdTagStatus.ACCEPTED:
        return tag.status
    if tag.expiry_date is not None and tag.expiry_date <= now:
        return EXPIRED
    return ACCEPTED


def id_tag_info(*, tenant_id: int, id_tag: str, check_concurrent: bool = True,
                exclude_session_id: int | None = None) -> dict:
    """The idTagInfo for `id_tag`: a blocked or expired parent group blocks its members too."""
    now = timezone.now()
    tag = IdTag.objects.filter(tenant_id=tenant_id, id_tag=id_tag).first()
    if tag is None:
        return {"status": INVALID}
    info: dict = {"status": _own_status(tag, now)}
    if tag.expiry_date is not None:
        info["expiryDate"] = tag.expiry_date.isoformat().replace("+00:00", "Z")
    if tag.parent_id_tag:
        info["parentIdTag"] = tag.parent_id_tag
        parent = IdTag.objects.filter(tenant_id=tenant_id, id_tag=tag.parent_id_tag).first()
        if info["status"] == ACCEPTED and parent is not None:
            parent_status = _own_status(parent, now)
            if parent_status != ACCEPTED:
                info["status"] = parent_status
    if info["status"] == ACCEPTED and check_concurrent:
        running = ChargingSession.objects.filter(
            tenant_id=tenant_id, id_tag=id_tag, stopped_at__isnull=True, id_tag_status=ACCEPTED
        )
        if exclude_session_id is not None:
            running = running.exclude(pk=exclude_session_id)
        if running.exists():
            info["status"] = CONCURRENT_TX
    return info


def station_id_tag_info(*, station, id_tag: str) -> dict:
    """The idTagInfo for an id tag as `station` sent it (see its model's quirks)."""
    return id_tag_info(tenant_id=station.tenant_id,
                       id_tag=id_tag_from_station(id_tag, quirks_of(station)))
