from stations.models import ChargingSession, IdTag, OcppMessage, Station
from tenants.models import Tenant


def stations_of(tenant: Tenant):
    return (Station.objects.filter(tenant=tenant)
            .select_related("tenant", "server_process").prefetch_related("connectors"))


def id_tags_of(tenant: Tenant):
    return IdTag.objects.filter(tenant=tenant)


def sessions_of(tenant: Tenant):
    return ChargingSession.objects.filter(tenant=tenant).select_related("station", "price__tariff")


def messages_of(station: Station):
    return OcppMessage.objects.filter(station=station, tenant_id=station.tenant_id)
