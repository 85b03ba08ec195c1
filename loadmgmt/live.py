"""An allocation as the dashboard shows it, and its `load.allocation` event, published to the
group's tenant once the allocation is committed (the load group page updates in place)."""

import logging
from decimal import Decimal

from django.db import transaction

from loadmgmt.models import Allocation

log = logging.getLogger(__name__)
EVENT = "load.allocation"
CONNECTOR_FIELDS = ("station", "connector_id", "transaction_id", "limit", "measured_current", "status",
                    "steered", "connected")


def allocation_event(allocation: Allocation) -> dict:
    """JSON-ready: currents as strings in the connectors (as the API), numbers for the plot."""
    phases = ["1", "2", "3"] if allocation.group.phases == 3 else ["1"]
    measured = dict.fromkeys(phases, Decimal(0))
    drawn = [entry for entry in allocation.connectors if entry.get("measured_current") is not None]
    for entry in drawn:  # a car counts on the phases it loads (all of the group's if unknown)
        for phase in [str(p) for p in entry.get("phases") or []] or phases:
            if phase in measured:
                measured[phase] += Decimal(entry["measured_current"])
    total_measured = max(measured.values()) if drawn else None
    allocated = {p: Decimal(allocation.allocated.get(p, 0)) for p in phases}
    created = allocation.created_at
    return {
        "type": EVENT, "group": allocation.group_id, "id": allocation.pk, "reason": allocation.reason,
        "at": created.isoformat() if created else None, "t": created.timestamp() if created else None,
        "max_current": str(allocation.max_current),
        "available_current": str(min(Decimal(allocation.available.get(p, 0)) for p in phases)),
        "allocated_current": str(max(allocated.values())),
        "measured_current": None if total_measured is None else str(total_measured),
        "plot": {"cap": float(allocation.max_current),
                 "allocated": [float(allocated[p]) for p in phases],
                 "measured": None if total_measured is None else float(total_measured)},
        "connectors": [{key: entry.get(key) for key in CONNECTOR_FIELDS} for entry in allocation.connectors],
    }


def allocation_published(allocation: Allocation) -> None:
    """Once committed, to the dashboards of the group's tenant (best effort: a page that misses
    one gets the next; the allocation itself is stored either way)."""
    tenant_id = allocation.group.tenant_id
    transaction.on_commit(lambda: _publish(tenant_id, allocation))


def _publish(tenant_id: int, allocation: Allocation) -> None:
    try:
        from stations.live import publish
    except ImportError:  # the dashboard's live channel is not there (yet)
        return
    try:
        publish(tenant_id, allocation_event(allocation))
    except Exception:
        log.exception("Publishing allocation %s failed", allocation.pk)
