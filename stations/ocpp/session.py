"""What the consumer needs from the database, as plain sync functions run on the DB threads."""

from datetime import datetime

from stations import presence
from stations.models import OcppMessage, Station
from stations.ocpp.frames import Call, CallError, CallResult
from stations.ocpp.v16 import router
from stations.services.message_log import message_log
from tenants.secrets import check_password


def station_authenticate(*, tenant_slug: str, identity: str, password: str | None) -> Station | None:
    """The station if it exists, is enabled and the password is right; else None."""
    station = (Station.objects.select_related("tenant")
               .filter(tenant__slug=tenant_slug, identity=identity).first())
    if station is None or not station.enabled or password is None:
        return None
    if not check_password(password, station.password_hash):
        return None
    return station


def station_exchange(*, station: Station, inbound: Call | CallResult | CallError | None,
                     outbound: Call | CallResult | CallError | None, received_at: datetime,
                     raw: str = "", action: str = "", seen: bool = False):
    """Log what came in, answer it if it is a CALL, log what goes out; return the answer."""
    if inbound is not None or raw:
        message_log(station=station, direction=OcppMessage.IN, frame=inbound, at=received_at,
                    action=action, raw=raw)
    if isinstance(inbound, Call):
        outbound = router.answer(station, inbound, received_at)
    if outbound is not None:
        message_log(station=station, direction=OcppMessage.OUT, frame=outbound,
                    at=datetime.now(tz=received_at.tzinfo),
                    action=inbound.action if isinstance(inbound, Call) else "")
    if seen:
        presence.station_seen(station_id=station.pk)
    return outbound
