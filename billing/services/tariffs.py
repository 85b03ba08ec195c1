"""Writing tariffs. A tariff in use is never changed in place: an edit makes a new version in its
family, and what pointed at the old version (stations, load groups, the default) follows the new
one, for the sessions that start from now on. A session keeps the version it started under."""

import uuid

from django.db import transaction
from django.utils import timezone

from billing import selectors
from billing.models import Tariff
from billing.services.session_prices import sessions_snapshot_running
from tenants.models import Tenant

FIELDS = ("name", "currency", "vat_rate", "idle_grace_minutes", "min_price", "max_price",
          "is_default", "elements")
# Changing these changes no price: applied in place even to a version in use.
NOT_PRICES = {"name", "is_default"}


class TariffInUse(Exception):
    """The tariff cannot be deleted (or the version edited): sessions or stations rely on it."""


@transaction.atomic
def tariff_create(*, tenant: Tenant, **fields) -> Tariff:
    if fields.get("is_default"):
        _default_unset(tenant_id=tenant.pk)
    return Tariff.objects.create(tenant=tenant, family=uuid.uuid4(), version=1, **fields)


@transaction.atomic
def tariff_update(*, tariff: Tariff, **changes) -> Tariff:
    """Apply `changes`; return the version that now holds them (the same one, or a new one when
    this version is in use and a price changes)."""
    current = Tariff.objects.select_for_update().get(pk=tariff.pk)
    if current.superseded_at is not None:
        newest = Tariff.objects.filter(family=current.family, superseded_at__isnull=True).first()
        raise TariffInUse(f"Version {current.version} was replaced"
                          + (f" by tariff {newest.pk} (version {newest.version}); edit that one." if newest
                             else "."))
    changes = {name: value for name, value in changes.items() if getattr(current, name) != value}
    if not changes:
        return current
    if "is_default" in changes:
        # Sessions running under the old default keep it: snapshot them before the pointer moves.
        for default in Tariff.objects.filter(tenant_id=current.tenant_id, is_default=True):
            sessions_snapshot_running(tariff=default)
        if changes["is_default"]:
            _default_unset(tenant_id=current.tenant_id)
    if set(changes) <= NOT_PRICES or not selectors.tariff_in_use(current):
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        return current
    return _new_version(current, changes)


def _new_version(current: Tariff, changes: dict) -> Tariff:
    from loadmgmt.models import LoadGroup
    from stations.models import Station

    sessions_snapshot_running(tariff=current)
    fields = {name: getattr(current, name) for name in FIELDS} | changes
    current.superseded_at = timezone.now()
    current.is_default = False  # one default per tenant: the new version takes it over
    current.save(update_fields=["superseded_at", "is_default"])
    new = Tariff.objects.create(tenant_id=current.tenant_id, family=current.family,
                                version=current.version + 1, **fields)
    Station.objects.filter(tariff=current).update(tariff=new)
    LoadGroup.objects.filter(tariff=current).update(tariff=new)
    return new


@transaction.atomic
def tariff_delete(*, tariff: Tariff) -> None:
    """Delete an unused tariff (every version of it). Raises TariffInUse otherwise."""
    if selectors.tariff_family_in_use(tariff):
        raise TariffInUse("Sessions are priced with this tariff or run under it: it is kept for them. "
                          "Assign another tariff to its stations instead.")
    assigned = selectors.tariff_assignments(tariff)
    if assigned:
        raise TariffInUse(f"Assigned to {', '.join(assigned)}: assign another tariff there first.")
    Tariff.objects.filter(family=tariff.family).delete()


def _default_unset(*, tenant_id: int) -> None:
    """Before another tariff becomes the default; the tenant's row is locked so that two requests
    making two defaults wait for each other rather than fail on the one-default constraint."""
    Tenant.objects.select_for_update().filter(pk=tenant_id).first()
    Tariff.objects.filter(tenant_id=tenant_id, is_default=True).update(is_default=False)
