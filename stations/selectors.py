from collections import defaultdict

from django.conf import settings
from django.http import HttpRequest

from stations.models import (
    CONFIGURATION_KEYS,
    AttributeType,
    ChargingSession,
    Component,
    IdTag,
    OcppMessage,
    Station,
    VariableAttribute,
)
from tenants.models import Tenant


def stations_of(tenant: Tenant):
    """The tenant's stations in use: a removed one (docs/dashboard.md, "Stations") leaves every
    list and picker; its sessions and history keep pointing at it."""
    return stations_with_removed_of(tenant).filter(removed_at__isnull=True)


def stations_with_removed_of(tenant: Tenant):
    """The tenant's stations, removed ones too: a station's own page, restore, history."""
    return (Station.objects.filter(tenant=tenant)
            .select_related("tenant", "server_process").prefetch_related("connectors"))


def evses_of(station: Station) -> list[dict]:
    """The station's EVSEs (not EVSE 0, the station itself), each with its connectors, from its
    connectors (prefetched by `stations_of`)."""
    evses: dict[int, list] = defaultdict(list)
    for connector in station.connectors.all():
        if connector.evse_id:
            evses[connector.evse_id].append(connector)
    return [{"evse_id": evse_id, "connectors": connectors}
            for evse_id, connectors in sorted(evses.items())]


def id_tags_of(tenant: Tenant):
    return IdTag.objects.filter(tenant=tenant)


def sessions_of(tenant: Tenant):
    return ChargingSession.objects.filter(tenant=tenant).select_related("station", "price__tariff")


def sessions_by_transaction_id(*, station_id: int, transaction_id: int | str):
    """The station's session with that transaction id (a queryset of at most one). A 1.6 station
    names it by the integer we assigned, a 2.0.1 station by the string it generated; both are
    in `station_transaction_id`, the integer also in `transaction_id` (docs/domain-model.md)."""
    sessions = ChargingSession.objects.filter(station_id=station_id)
    if isinstance(transaction_id, int):
        return sessions.filter(transaction_id=transaction_id)
    return sessions.filter(station_transaction_id=transaction_id)


def device_model_of(station: Station):
    """The station's components with their variables, attributes and monitors (four queries)."""
    return (Component.objects.filter(station=station)
            .prefetch_related("variables__attributes", "variables__monitors"))


def configuration_of(station: Station):
    """A 1.6 station's configuration keys as last learnt (their Actual values), by key."""
    return (VariableAttribute.objects
            .filter(variable__component__station=station,
                    variable__component__name=CONFIGURATION_KEYS, type=AttributeType.ACTUAL)
            .select_related("variable").order_by("variable__name"))


def messages_of(station: Station):
    return OcppMessage.objects.filter(station=station, tenant_id=station.tenant_id)


def ocpp_base_url(*, request: HttpRequest | None = None, host: str = "localhost:8000") -> str:
    """Where stations connect, as shown to installers: OCPP_PUBLIC_URL when the deployment says
    so; else the address the installer reached this server at (a page or API answer: the
    request's host, wss behind TLS), or for a command the address the server was started on
    (`host`). A fixed default would send a charger to the wrong port (docs: README, settings)."""
    if settings.OCPP_PUBLIC_URL:
        return settings.OCPP_PUBLIC_URL.rstrip("/")
    if request is not None:
        return f"{'wss' if request.is_secure() else 'ws'}://{request.get_host()}"
    return f"ws://{host}"


def station_ocpp_url(*, station: Station, request: HttpRequest | None = None,
                     host: str = "localhost:8000") -> str:
    return f"{ocpp_base_url(request=request, host=host)}/ocpp/{station.tenant.slug}/{station.identity}"
