from stations.models import Station
from stations.smartcharging.models import (
    ChargingProfile,
    ExternalChargingLimit,
    LimitEnded,
    ProfileClearing,
    ProfileReport,
)


def charging_profiles_of(station: Station):
    return (ChargingProfile.objects.filter(station=station, tenant_id=station.tenant_id)
            .prefetch_related("periods"))


def installed_profiles_of(station: Station, connector_id: int | None = None):
    """What the station holds now, as far as its answers tell (load management reads this)."""
    profiles = charging_profiles_of(station).filter(installed=True)
    return profiles if connector_id is None else profiles.filter(connector_id=connector_id)


def clearings_of(station: Station):
    return ProfileClearing.objects.filter(station=station, tenant_id=station.tenant_id)


def profile_reports_of(station: Station):
    """The GetChargingProfiles reports asked of the station, newest first."""
    return ProfileReport.objects.filter(station=station, tenant_id=station.tenant_id)


def external_limits_of(station: Station):
    """The limits external systems set on the station (NotifyChargingLimit), newest first."""
    return ExternalChargingLimit.objects.filter(station=station, tenant_id=station.tenant_id)


def active_external_limits(station_ids) -> list[ExternalChargingLimit]:
    """The external limits in place on these stations (load management reads this)."""
    return list(ExternalChargingLimit.objects.filter(station_id__in=station_ids,
                                                     ended=LimitEnded.ACTIVE))
