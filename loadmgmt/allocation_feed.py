"""Load management on the dashboard's live feed: an allocation as the dashboard shows it, and its
`load.allocation` event, published to the group's tenant once the allocation is committed (the
load group page updates in place); and `load.limit`, once a station's answer to a limit is
recorded (the station page's current-limit card reads itself again). The feed itself, for every
app, is stations/live.py."""

import logging
from decimal import Decimal

from django.db import transaction

from loadmgmt.allocation import group_phases as _phases
from loadmgmt.allocation import measured_total
from loadmgmt.allocation_serializers import AllocationSerializer
from loadmgmt.models import Allocation
from stations.live import publish
from stations.models import Station

log = logging.getLogger(__name__)
EVENT = "load.allocation"
LIMIT_EVENT = "load.limit"


def allocation_event(allocation: Allocation) -> dict:
    """JSON-ready: the allocation as the API gives it, with the measured current and numbers for
    the plot."""
    body = AllocationSerializer(allocation).data
    total_measured = measured_total(allocation.connectors, allocation.group.phases)
    return {
        "type": EVENT, "group": allocation.group_id,
        **{key: body[key] for key in ("id", "reason", "max_current", "available_current",
                                      "allocated_current", "connectors")},
        "at": body["created_at"], "measured_current": None if total_measured is None else str(total_measured),
        **plot_point(allocation, total_measured),
    }


def plot_point(allocation: Allocation, total_measured: Decimal | None = ...) -> dict:
    """What the plot needs of an allocation: its time, cap, allocated and measured currents. For
    the history, from the stored `measured` (the connectors, hundreds per row, are not read)."""
    if total_measured is ...:
        total_measured = allocation.measured
    created, phases = allocation.created_at, _phases(allocation.group.phases)
    return {"t": created.timestamp() if created else None,
            "plot": {"cap": float(allocation.max_current),
                     "allocated": [float(allocation.allocated.get(p, 0)) for p in phases],
                     "measured": None if total_measured is None else float(total_measured)}}


def allocation_published(allocation: Allocation) -> None:
    """Once committed, to the dashboards of the group's tenant (best effort: a page that misses
    one gets the next; the allocation itself is stored either way)."""
    tenant_id = allocation.group.tenant_id
    transaction.on_commit(lambda: _publish(tenant_id, lambda: allocation_event(allocation)))


def _publish(tenant_id: int, make_event) -> None:
    try:
        publish(tenant_id, make_event())
    except Exception:
        log.exception("Publishing a load management event to tenant %s failed", tenant_id)


def limit_published(*, station_id: int, connector_id: int) -> None:
    """Once committed: a limit's outcome on this connector is recorded (best effort, as above)."""
    station = Station.objects.filter(pk=station_id).values("tenant_id", "identity").first()
    if station is None:
        return
    event = {"type": LIMIT_EVENT, "station": station["identity"], "connector_id": connector_id}
    transaction.on_commit(lambda: _publish(station["tenant_id"], lambda: event))
