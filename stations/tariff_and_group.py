"""A station's tariff and load group, as the edges (the API, the admin, onboarding, the demo
command) show and set them. Both belong to the apps above the station core: the tariff to
billing (StationTariff, `station_tariff_set`), the group to load management (LoadGroupMember,
`station_group_set`). The core imports neither; the edges compose the apps here, so each edge
sets them alike: a change snapshots the running sessions once (billing's one "tariff changed"
rule) and a group change moves the station's load profiles (docs/architecture.md)."""

from billing.selectors import station_tariff_of
from billing.services import station_tariff_set
from loadmgmt.models import LoadGroup
from loadmgmt.selectors import group_id_of
from loadmgmt.services import station_group_set
from stations.models import Station

TARIFF_AND_GROUP = ("tariff", "load_group")
# What a station list reads with the stations, so that showing both costs no query per row
TARIFF_AND_GROUP_RELATED = ("station_tariff", "load_group_membership")


def tariff_and_group_pop(data: dict) -> dict:
    """Take the tariff and the group out of a station's validated data (its own fields remain)."""
    return {name: data.pop(name) for name in TARIFF_AND_GROUP if name in data}


def station_tariff_and_group_set(*, station: Station, tariff=..., load_group=...) -> None:
    """Set what is given (`...`: unchanged; None: none), inside the caller's transaction."""
    if tariff is not ...:
        station_tariff_set(station=station, tariff=tariff)
    if load_group is not ...:
        station_group_set(station=station, group=load_group)
    for name in TARIFF_AND_GROUP_RELATED:  # read anew when shown
        relation = Station._meta.get_field(name)
        if relation.is_cached(station):
            relation.delete_cached_value(station)


def station_tariff_and_group_of(station: Station) -> dict:
    """The station's own tariff and its load group (None where it has none)."""
    group_id = group_id_of(station_id=station.pk)
    return {"tariff": station_tariff_of(station_id=station.pk),
            "load_group": LoadGroup.objects.filter(pk=group_id).first() if group_id else None}
