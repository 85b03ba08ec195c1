from stations.models import Station
from stations.reservations.models import Reservation


def reservations_of(station: Station):
    return (Reservation.objects.filter(station=station, tenant_id=station.tenant_id)
            .select_related("station", "session"))
