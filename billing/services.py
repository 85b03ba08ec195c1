"""Pricing sessions and writing tariffs, the writes of the pricing side of billing.

Sessions. A session's tariff version is chosen once (a snapshot row): the version in
force at its start, resolved when it is first priced, or earlier when its station's tariff or
load group changes while it runs; the stop queues a task that prices it; a beat re-prices
stopped sessions without a final price (a lost task, or a car still plugged in: parking after
the stop is billed, so the price is final only once the connector is unplugged). A session whose
values change after it was priced (a late StopTransaction) is priced again in place, and its
invoice, if any, corrected by a credit note and a replacement: docs/billing-corrections.md.

Tariffs. A tariff in use is never changed in place: an edit makes a new version in its family,
and what pointed at the old version (stations, load groups, the default) follows the new one,
for the sessions that start from now on. A session keeps the version it started under."""

import logging
import uuid
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing import selectors
from billing.events import SessionPriced
from billing.invoices.services import invoice_correct_session, invoice_open_of_session
from billing.models import LoadGroupTariff, SessionPrice, StationTariff, Tariff
from billing.pricing import Price
from loadmgmt.models import LoadGroup, LoadGroupMember
from stations import events
from stations.models import ChargingSession, Station
from stations.selectors import sessions_by_transaction_id
from tenants.models import Tenant
from tenants.validators import validate_same_tenant

log = logging.getLogger(__name__)

TARIFF_FIELDS = ("name", "currency", "vat_rate", "idle_grace_minutes", "min_price", "max_price",
          "is_default", "elements", "driver_text", "driver_language")
# Changing these changes no price: applied in place even to a version in use. The driver's text
# is not among them: it states the prices, so a session keeps the words of its version too.
NOT_PRICES = {"name", "is_default"}


class TariffInUse(Exception):
    """The tariff cannot be deleted (or the version edited): sessions or stations rely on it."""


def stations_tariff_changing(*, station_ids) -> int:
    """The one "tariff changed" rule: what decides these stations' tariff is about to change
    (their own tariff, their load group, their group's tariff), so their running sessions keep
    the tariff they started under (docs/pricing.md). Returns how many were snapshotted. Called
    by `station_tariff_set`, by `group_tariff_changing`, and when a station joins or leaves a
    load group (load management's StationGroupChanging event, billing/subscriptions.py)."""
    return sum(sessions_snapshot_station(station_id=pk) for pk in station_ids)


def group_tariff_changing(*, group: LoadGroup) -> int:
    """The group's tariff is about to change: its stations' running sessions keep theirs."""
    members = LoadGroupMember.objects.filter(group_id=group.pk).values_list("station_id", flat=True)
    return stations_tariff_changing(station_ids=list(members))


@transaction.atomic
def group_tariff_set(*, group: LoadGroup, tariff: Tariff | None) -> None:
    """The load group's tariff (None: its stations without their own take the tenant's
    default), a current version of one of its tenant's tariffs. A change snapshots the running
    sessions of its stations first."""
    if tariff is not None:
        validate_same_tenant(group.tenant_id, {"tariff": tariff})
    current = LoadGroupTariff.objects.select_for_update().filter(group_id=group.pk).first()
    if (current.tariff_id if current else None) == (tariff.pk if tariff else None):
        return
    group_tariff_changing(group=group)
    if tariff is None:
        current.delete()
    else:
        LoadGroupTariff.objects.update_or_create(group_id=group.pk, defaults={"tariff": tariff})


@transaction.atomic
def station_tariff_set(*, station: Station, tariff: Tariff | None) -> None:
    """The station's own tariff (None: its load group's, else the tenant's default), a current
    version of one of its tenant's tariffs. A change snapshots its running sessions first."""
    if tariff is not None:
        validate_same_tenant(station.tenant_id, {"tariff": tariff})
    current = StationTariff.objects.select_for_update().filter(station_id=station.pk).first()
    if (current.tariff_id if current else None) == (tariff.pk if tariff else None):
        return
    stations_tariff_changing(station_ids=[station.pk])
    if tariff is None:
        current.delete()
    else:
        StationTariff.objects.update_or_create(station_id=station.pk, defaults={"tariff": tariff})


def sessions_snapshot_station(*, station_id: int) -> int:
    """Before a station's tariff or load group changes: its running sessions keep the tariff
    they started under. (Otherwise a session's tariff is resolved when it is priced, as the
    version in force at its start: no work on the station link at StartTransaction.)"""
    running = (ChargingSession.objects.filter(station_id=station_id, stopped_at__isnull=True,
                                              price__isnull=True)
               .values_list("pk", flat=True))
    return sum(_open(session_id) is not None for session_id in running)


@transaction.atomic
def _open(session_id: int) -> SessionPrice | None:
    session = ChargingSession.objects.select_for_update().filter(pk=session_id).first()
    return None if session is None else _snapshot(session)


def sessions_snapshot_running(*, tariff: Tariff) -> int:
    """Snapshot the sessions not priced yet that would be priced with `tariff`, before what
    points at it changes (so that they keep the version they started under)."""
    made = 0
    for session in selectors.sessions_unpriced_resolving_to(tariff):
        SessionPrice.objects.get_or_create(session=session, defaults=_snapshot_fields(session, tariff))
        made += 1
    return made


def session_id_of(*, station_id: int, transaction_id: int) -> int | None:
    return _session_id(station_id, transaction_id)


@transaction.atomic
def session_price_final(*, session_id: int) -> SessionPrice | None:
    """Price a stopped session. Idempotent: a final price is returned as it is; one row per
    session. Returns None for a session that is not stopped (or no longer exists)."""
    session = _locked(session_id)
    if session is None or session.stopped_at is None:
        return None
    record = _snapshot(session)
    if record.final:
        return record
    _price(record, session)
    record.save()
    events.publish(SessionPriced(session.tenant_id, session.pk, session.station_id))
    return record


@transaction.atomic
def session_price_correct(*, session_id: int) -> SessionPrice | None:
    """The session's values changed after it was priced (the station's own StopTransaction came
    after the backend had closed it): price it again, in place, with the tariff version it
    started under (one SessionPrice per session, whatever happens). Not priced yet: priced as
    usual. Its price on an issued invoice that has no credit note: that invoice is credited in
    full and replaced (invoice_correct_session); on a credited invoice (a credit note made by
    hand, whose sessions stay invoiced): re-priced, the invoices left alone. Idempotent: with
    the price and its invoice line current, nothing changes. docs/billing-corrections.md."""
    session = _locked(session_id)
    if session is None or session.stopped_at is None:
        return None
    record = (SessionPrice.objects.select_for_update(of=("self",)).filter(session=session)
              .select_related("tariff").first())
    if record is None or not record.final:  # never invoiced (runs take final prices only)
        return session_price_final(session_id=session_id)
    invoice = invoice_open_of_session(session_id=session.pk)  # locked: lock order session, price, invoice
    before, priced_at = _state(record), record.priced_at
    _price(record, session)
    record.final = record.final or invoice is not None  # the invoice states this price: it stays
    if _state(record) != before:
        record.save()
        events.publish(SessionPriced(session.tenant_id, session.pk, session.station_id,
                                     corrected=True))
    else:
        record.priced_at = priced_at
    if invoice is not None:
        invoice_correct_session(invoice=invoice, session_id=session.pk)
    return record


def sessions_price_due(*, batch: int = 1000) -> int:
    """Price the stopped sessions that have no final price (oldest first, `batch` of them);
    returns how many became final."""
    finals = 0
    for session_id in list(selectors.sessions_to_price().values_list("pk", flat=True)[:batch]):
        try:
            record = session_price_final(session_id=session_id)
        except Exception:  # one session's bad data must not hold the others back
            log.exception("Pricing session %s failed", session_id)
            continue
        finals += bool(record is not None and record.final)
    return finals


def _locked(session_id: int) -> ChargingSession | None:
    """The session, locked against another pricing of it and the lifecycle's writes. NO KEY: an
    invoice line written meanwhile (a replacement carrying this session) only needs its key."""
    return (ChargingSession.objects.select_for_update(of=("self",), no_key=True)
            .select_related("station__tenant").filter(pk=session_id).first())


def _price(record: SessionPrice, session: ChargingSession) -> None:
    """Price the stopped session with the record's tariff version; final once every status that
    counts is known (the car unplugged, or no parking price, or long enough after the stop)."""
    now = timezone.now()
    record.priced_at = now
    if record.tariff is None and not record.free:  # no tariff applies: nothing to charge
        record.final = True
        return
    timeline = selectors.session_timeline(session)
    price = selectors.session_quote(session, tariff=record.tariff, free=record.free, timeline=timeline)
    _store(record, price)
    record.final = (record.free or timeline.unplugged_at is not None
                    or not _bills_parking(record.tariff)
                    or now - session.stopped_at >= selectors.PLUGGED_AFTER_STOP_AT_MOST)


def _state(record: SessionPrice) -> tuple:
    """What pricing writes but the time: equal before and after a re-price, nothing changed."""
    return (record.final, record.currency, Decimal(record.net), Decimal(record.vat),
            Decimal(record.gross), record.lines, record.vat_by_rate,
            None if record.energy_wh is None else Decimal(record.energy_wh), record.charging_seconds,
            record.parking_seconds)


def _session_id(station_id: int, transaction_id: int | str) -> int | None:
    """By the id as the station knows it: 1.6's integer (as a string too), 2.0.1's string."""
    found = (sessions_by_transaction_id(station_id=station_id, transaction_id=str(transaction_id))
             .values_list("pk", flat=True).first())
    if found is None and str(transaction_id).isdigit():  # a 1.6 row without its string
        found = (ChargingSession.objects.filter(station_id=station_id, transaction_id=int(transaction_id))
                 .values_list("pk", flat=True).first())
    return found


def _snapshot(session: ChargingSession) -> SessionPrice:
    record = SessionPrice.objects.filter(session=session).select_related("tariff").first()
    if record is None:
        tariff = selectors.tariff_for_session(session)
        record = SessionPrice.objects.create(session=session, **_snapshot_fields(session, tariff))
    return record


def _snapshot_fields(session: ChargingSession, tariff: Tariff | None) -> dict:
    if tariff is not None:
        tariff = selectors.tariff_version_at(tariff, selectors.session_began(session))
    return {"tenant_id": session.tenant_id, "tariff": tariff, "free": selectors.session_is_free(session),
            "currency": tariff.currency if tariff is not None else ""}


def _bills_parking(tariff: Tariff | None) -> bool:
    return tariff is not None and any(
        component.get("type") == "PARKING_TIME" and Decimal(str(component.get("price", 0))) > 0
        for element in tariff.elements for component in element.get("price_components", []))


def _store(record: SessionPrice, price: Price) -> None:
    record.currency = price.currency
    record.net, record.vat, record.gross = price.net, price.vat, price.gross
    record.lines = selectors.cost_lines(price)
    record.vat_by_rate = {str(rate): [str(net), str(vat)] for rate, (net, vat) in price.vat_by_rate.items()}
    record.energy_wh = price.energy_wh
    record.charging_seconds = int(price.charging_seconds)
    record.parking_seconds = int(price.parking_seconds)


@transaction.atomic
def tariff_create(*, tenant: Tenant, **fields) -> Tariff:
    if fields.get("is_default"):
        _default_unset(tenant_id=tenant.pk)
    return Tariff.objects.create(tenant=tenant, family=uuid.uuid4(), version=1, **fields)


@transaction.atomic
def tariff_update(*, tariff: Tariff, valid_from: datetime | None = None, **changes) -> Tariff:
    """Apply `changes`; return the version that now holds them (the same one, or a new one when
    this version is in use and a price changes). With `valid_from` (future): a scheduled price
    change, a new version that sessions starting from then get (docs/pricing.md); a pending
    version is changed in place, its date too."""
    current = Tariff.objects.select_for_update().get(pk=tariff.pk)
    pending = selectors.tariff_is_pending(current)
    if valid_from is not None and pending and current.superseded_at is None:
        _reschedule(current, valid_from)
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
    if valid_from is not None and not pending:  # a scheduled change: always a version of its own
        return _new_version(current, changes, valid_from=valid_from)
    if set(changes) <= NOT_PRICES or not selectors.tariff_in_use(current):
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        return current
    return _new_version(current, changes)


def _new_version(current: Tariff, changes: dict, valid_from: datetime | None = None) -> Tariff:
    """The next version (in force from `valid_from`, else now): what pointed at `current` points
    at it; a session keeps the version in force at its start (selectors.tariff_version_at)."""
    sessions_snapshot_running(tariff=current)
    fields = {name: getattr(current, name) for name in TARIFF_FIELDS} | changes
    current.superseded_at = valid_from or timezone.now()
    current.is_default = False  # one default per tenant: the new version takes it over
    current.save(update_fields=["superseded_at", "is_default"])
    new = Tariff.objects.create(tenant_id=current.tenant_id, family=current.family,
                                version=current.version + 1, valid_from=valid_from, **fields)
    StationTariff.objects.filter(tariff=current).update(tariff=new)
    LoadGroupTariff.objects.filter(tariff=current).update(tariff=new)
    return new


def _reschedule(pending: Tariff, valid_from: datetime) -> None:
    """Move a pending change's date (its predecessor is superseded then)."""
    Tariff.objects.filter(family=pending.family, version=pending.version - 1).update(superseded_at=valid_from)
    pending.valid_from = valid_from
    pending.save(update_fields=["valid_from"])


@transaction.atomic
def tariff_change_cancel(*, tariff: Tariff) -> Tariff:
    """Cancel a scheduled price change not in force yet: its version goes, the one before it is
    current again (and gets back what pointed at the pending one). Returns that version."""
    pending = Tariff.objects.select_for_update().get(pk=tariff.pk)
    if not selectors.tariff_is_pending(pending) or pending.superseded_at is not None:
        raise TariffInUse("No price change is pending on this tariff (it is in force already).")
    previous = (Tariff.objects.select_for_update().filter(family=pending.family, version__lt=pending.version)
                .order_by("-version").first())
    if previous is None or SessionPrice.objects.filter(tariff=pending).exists():
        raise TariffInUse("Sessions are priced with this version: it stays.")
    was_default = pending.is_default
    StationTariff.objects.filter(tariff=pending).update(tariff=previous)
    LoadGroupTariff.objects.filter(tariff=pending).update(tariff=previous)
    pending.delete()
    previous.superseded_at, previous.is_default = None, was_default
    previous.save(update_fields=["superseded_at", "is_default"])
    return previous


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
