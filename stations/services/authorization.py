"""Deciding an idTagInfo: the tag (in any case: OCPP's IdToken is case-insensitive; of its type
when the station says one, docs/domain-model.md), its parent group, its expiry and how many
sessions it runs against its limit (docs/sessions.md)."""

from datetime import datetime

from django.utils import timezone

from stations.models import IdTag, IdTagStatus
from stations.quirks import id_tag_from_station, quirks_of
from stations.services.session_lifecycle import live_sessions_of_id_tag

ACCEPTED, BLOCKED, EXPIRED, INVALID = "Accepted", "Blocked", "Expired", "Invalid"
CONCURRENT_TX = "ConcurrentTx"


def _own_status(tag: IdTag, now: datetime) -> str:
    if tag.status != IdTagStatus.ACCEPTED:
        return tag.status
    if tag.expiry_date is not None and tag.expiry_date <= now:
        return EXPIRED
    return ACCEPTED


def id_tag_info(*, tenant_id: int, id_tag: str, check_concurrent: bool = True,
                exclude_session_id: int | None = None, token_type: str | None = None) -> dict:
    """The idTagInfo for `id_tag`: a blocked or expired parent group blocks its members too; a
    tag running as many live sessions as it may gets ConcurrentTx. A `token_type` (2.0.1's
    IdToken type) must be the tag's too; a 1.6 idTag comes without one."""
    tag = id_tag_known(tenant_id=tenant_id, id_tag=id_tag, token_type=token_type)
    return tag_info(tag, check_concurrent=check_concurrent, exclude_session_id=exclude_session_id)


def tag_info(tag: IdTag | None, *, check_concurrent: bool = True,
             exclude_session_id: int | None = None) -> dict:
    """id_tag_info of a tag looked up already (None: not known): a session's start looks its
    tag up once (each lookup is a query the ORM compiles: a third of a start's time)."""
    if tag is None:
        return {"status": INVALID}
    now, tenant_id = timezone.now(), tag.tenant_id
    info: dict = {"status": _own_status(tag, now)}
    if tag.expiry_date is not None:
        info["expiryDate"] = tag.expiry_date.isoformat().replace("+00:00", "Z")
    if tag.parent_id_tag:
        info["parentIdTag"] = tag.parent_id_tag
        parent = id_tag_known(tenant_id=tenant_id, id_tag=tag.parent_id_tag)
        if info["status"] == ACCEPTED and parent is not None:
            parent_status = _own_status(parent, now)
            if parent_status != ACCEPTED:
                info["status"] = parent_status
    if info["status"] == ACCEPTED and check_concurrent and _at_limit(tag, exclude_session_id):
        info["status"] = CONCURRENT_TX
    return info


def id_tag_known(*, tenant_id: int, id_tag: str, token_type: str | None = None) -> IdTag | None:
    """The tenant's tag with that value in any case (and of that type, when one is given)."""
    tags = IdTag.objects.filter(tenant_id=tenant_id).spelt(id_tag)
    if token_type is not None:
        tags = tags.filter(token_type=token_type)
    return tags.select_related("tenant").first()


def _at_limit(tag: IdTag, exclude_session_id: int | None) -> bool:
    limit = tag.max_sessions if tag.max_sessions is not None else tag.tenant.max_sessions_per_id_tag
    if limit == 0:  # unlimited
        return False
    running = live_sessions_of_id_tag(tenant_id=tag.tenant_id, id_tag=tag.id_tag,
                                      exclude_session_id=exclude_session_id)
    return running >= limit


# OCPP 2.0.1: IdTokenInfo --------------------------------------------------------------------
NO_AUTHORIZATION, CENTRAL, UNKNOWN = "NoAuthorization", "Central", "Unknown"


def id_token_info(*, tenant_id: int, id_token: dict, check_concurrent: bool = True,
                  exclude_session_id: int | None = None) -> dict:
    """The 2.0.1 idTokenInfo for `id_token` ({idToken, type}), by the same rules as idTagInfo
    (docs/sessions.md, OCPP 2.0.1): a NoAuthorization token is Accepted (the station charges
    without one); a token we do not know, or known as another type, is Unknown (a Central token,
    the one we issued for a remote start, may name a tag of any type); blocked, expired, invalid
    and ConcurrentTx as for 1.6. The group is answered as groupIdToken, the tag's language and
    personal message as language1 and personalMessage."""
    if id_token["type"] == NO_AUTHORIZATION:
        return {"status": ACCEPTED}
    token_type = None if id_token["type"] == CENTRAL else id_token["type"]
    tag = id_tag_known(tenant_id=tenant_id, id_tag=id_token["idToken"], token_type=token_type)
    if tag is None:
        return {"status": UNKNOWN}
    info = tag_info(tag, check_concurrent=check_concurrent, exclude_session_id=exclude_session_id)
    return _in_201_words(tenant_id, tag, info)


def _in_201_words(tenant_id: int, tag: IdTag, info: dict) -> dict:
    answer = {"status": info["status"]}
    if "expiryDate" in info:
        answer["cacheExpiryDateTime"] = info["expiryDate"]
    if tag.parent_id_tag:
        group = id_tag_known(tenant_id=tenant_id, id_tag=tag.parent_id_tag)
        answer["groupIdToken"] = {"idToken": group.id_tag if group else tag.parent_id_tag,
                                  "type": group.token_type if group else tag.token_type}
    if tag.language:
        answer["language1"] = tag.language
    if tag.personal_message:
        answer["personalMessage"] = {"format": "UTF8", "content": tag.personal_message}
    return answer


def station_id_token_info(*, station, id_token: dict, **rules) -> dict:
    """The idTokenInfo for an id token as a 2.0.1 `station` sent it (see its model's quirks)."""
    spelt = id_tag_from_station(id_token["idToken"], quirks_of(station))
    return id_token_info(tenant_id=station.tenant_id, id_token=id_token | {"idToken": spelt},
                         **rules)


def station_id_tag_info(*, station, id_tag: str) -> dict:
    """The idTagInfo for an id tag as `station` sent it (see its model's quirks)."""
    return id_tag_info(tenant_id=station.tenant_id,
                       id_tag=id_tag_from_station(id_tag, quirks_of(station)))
