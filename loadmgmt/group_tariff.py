"""A load group's tariff, as the edges (the load-group API, the dashboard's form, the admin)
show and set it. The tariff is billing's (billing.LoadGroupTariff, `group_tariff_set`); the rest
of the group is load management's (`load_group_create`, `load_group_update`). Load management's
own modules import nothing of billing; the edges compose the two apps here, so each edge saves
a group alike: a new tariff snapshots the running sessions of its stations once (billing's one
"tariff changed" rule), and the group is rebalanced (docs/architecture.md)."""

from django.db import transaction

from billing.services import group_tariff_set
from loadmgmt.models import LoadGroup
from loadmgmt.services import load_group_create, load_group_update
from tenants.models import Tenant


@transaction.atomic
def load_group_with_tariff_create(*, tenant: Tenant, tariff=None, **fields) -> LoadGroup:
    """A new group (as `load_group_create`) with its tariff (None: none)."""
    group = load_group_create(tenant=tenant, **fields)
    if tariff is not None:
        group_tariff_set(group=group, tariff=tariff)
    return group


@transaction.atomic
def load_group_with_tariff_update(*, group: LoadGroup, tariff=..., **fields) -> LoadGroup:
    """Change the group (as `load_group_update`) and its tariff if given (`...`: unchanged;
    None: none). The tariff first, so the sessions of the stations in the group before the edit
    keep theirs; stations joining or leaving keep theirs as they move."""
    if tariff is not ...:
        group_tariff_set(group=group, tariff=tariff)
        _forget_tariff(group)
    return load_group_update(group=group, **fields)


def _forget_tariff(group: LoadGroup) -> None:
    """The group's tariff is read anew when shown."""
    relation = LoadGroup._meta.get_field("group_tariff")
    if relation.is_cached(group):
        relation.delete_cached_value(group)
