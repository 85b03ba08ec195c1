"""An allocation on the dashboard's live feed: the allocation as the dashboard shows it, and its
`load.allocation` event, published to the group's tenant once the allocation is committed (the
load group page updates in place). The feed itself, for every app, is stations/live.py."""

import logging
from decimal import Decimal

from django.db import transaction

from loadmgmt.allocation_serializers import AllocationSerializer
from loadmgmt.models import Allocation
from stations.live import publish

log = logging.getLogger(__name__)
EVENT = "load.allocation"


def allocation_event(allocation: Allocation) -> dict:
    """JSON-ready: the allocation as the API gives it, with the measured current and numbers for
    the plot."""
    body = AllocationSerializer(allocation).data
    phases = ["1", "2", "3"] if allocation.group.phases == 3 else ["1"]
    measured = dict.fromkeys(phases, Decimal(0))
    drawn = [entry for entry in allocation.connectors if entry.get("measured_current") is not None]
    for entry in drawn:  # a car counts on the phases it loads (all of the group's if unknown)
        for phase in [str(p) for p in entry.get("phases") or []] or phases:
            if phase in measured:
                measured[phase] += Decimal(entry["measured_current"])
    total_measured = max(measured.values()) if drawn else None
    created = allocation.created_at
    return {
        "type": EVENT, "group": allocation.group_id,
        **{key: body[key] for key in ("id", "reason", "max_current", "available_current",
                                      "allocated_current", "connectors")},
        "at": body["created_at"], "t": created.timestamp() if created else None,
        "measured_current": None if total_measured is None else str(total_measured),
        "plot": {"cap": float(allocation.max_current),
                 "allocated": [float(allocation.allocated.get(p, 0)) for p in phases],
                 "measured": None if total_measured is None else float(total_measured)},
    }


def allocation_published(allocation: Allocation) -> None:
    """Once committed, to the dashboards of the group's tenant (best effort: a page that misses
    one gets the next; the allocation itself is stored either way)."""
    tenant_id = allocation.group.tenant_id
    transaction.on_commit(lambda: _publish(tenant_id, allocation))


def _publish(tenant_id: int, allocation: Allocation) -> None:
    try:
        publish(tenant_id, allocation_event(allocation))
    except Exception:
        log.exception("Publishing allocation %s failed", allocation.pk)
