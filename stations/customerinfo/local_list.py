"""A token whose customer data a station cleared comes off the local list that station holds
(2.0.1 N10; OCA N_46): one differential update, the token without idTokenInfo, sent as the
list's next version with the local list's own bookkeeping (stations/authlist/services.py: one
update on its way at a time, the answer recorded, an accepted one becomes what the station
holds).

The list follows the tenant's tokens again at their next change (stations/authlist/resync.py):
to keep the card off every list, block or delete it too."""

from django.db import transaction

from stations.authlist.models import LocalList, LocalListUpdate
from stations.authlist.services import DIFFERENTIAL, LocalListBusy, _in_flight, _send
from stations.models import IdTokenType, Station
from stations.ocpp.dbthreads import db

TOKEN_TYPE = "tokenType"  # a held entry's 2.0.1 type beside its idTagInfo (none: ISO14443)


@transaction.atomic
def local_list_removal_create(*, station: Station, id_tag: str,
                              token_type: str = IdTokenType.ISO14443) -> LocalListUpdate | None:
    """The update taking `id_tag` (any case) off the station's list, recorded Pending; None when
    its list does not hold it. LocalListBusy while another update awaits its answer."""
    held = (LocalList.objects.select_for_update()
            .filter(station=station, tenant_id=station.tenant_id).first())
    names = [name for name in (held.snapshot if held else {}) if name.lower() == id_tag.lower()]
    if not names:
        return None
    if _in_flight(held):
        raise LocalListBusy("Another update of this station's list awaits its answer; try again.")
    return LocalListUpdate.objects.create(
        tenant_id=held.tenant_id, local_list=held, update_type=DIFFERENTIAL,
        list_version=held.version + 1, group=held.group,
        entries=[_removal(name, held.snapshot[name], token_type) for name in names],
        snapshot={name: info for name, info in held.snapshot.items() if name not in names})


def _removal(name: str, info: dict, token_type: str) -> dict:
    kind = (info or {}).get(TOKEN_TYPE) or token_type
    return {"idTag": name} | ({TOKEN_TYPE: kind} if kind != IdTokenType.ISO14443 else {})


async def local_list_token_remove(*, station: Station, id_tag: str,
                                  token_type: str = IdTokenType.ISO14443) -> LocalListUpdate | None:
    """Send the update of `local_list_removal_create`, if any (CommandFailed when the station
    gives no usable answer, recorded as such); the answer is recorded."""
    update = await db(local_list_removal_create, station=station, id_tag=id_tag,
                      token_type=token_type)
    return None if update is None else await _send(station, update)
