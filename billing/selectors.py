"""Reads for billing: tenant-scoped querysets, which tariff a session is priced with, whether a
tariff is in use, a session's timeline for the pricing function, and the price of a sample
session under a tariff (the tariff page's preview)."""

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.models import Customer, LoadGroupTariff, SessionPrice, StationTariff, Tariff
from billing.pricing import MeterPoint, Price, StatusPoint, Timeline, currency_exponent, price_session
from billing.pricing.tariff import parse_tariff
from billing.pricing.text import tariff_text
from loadmgmt.models import LimitSent, LoadGroup
from stations.models import ChargingSession, IdTag, MeterSample, Station, StatusEvent
from stations.price_text import PriceLine
from stations.services.meter_values import ENERGY_REGISTER
from stations.timestamps import effective
from tenants.models import Tenant

log = logging.getLogger(__name__)
POWER, CURRENT, OFFERED = "Power.Active.Import", "Current.Import", "Current.Offered"
# Statuses that end the time a car is plugged in after its stop (Finishing is still plugged).
UNPLUGGED = {"Available", "Unavailable", "Faulted", "Reserved", "Preparing"}
# A connector not seen unplugged by then is taken as unplugged at the stop (a lost status).
PLUGGED_AFTER_STOP_AT_MOST = timedelta(hours=24)
STATUS_LOOKBACK = timedelta(days=1)  # how far before the start the status in force is looked for
# The beat re-prices sessions started this recently (older ones: by their stop's task only).
REPRICE_WITHIN = timedelta(days=8)


def tariffs_of(tenant: Tenant, *, include_superseded: bool = False) -> QuerySet[Tariff]:
    tariffs = Tariff.objects.filter(tenant=tenant)
    return tariffs if include_superseded else tariffs.filter(superseded_at__isnull=True)


def customers_of(tenant: Tenant) -> QuerySet[Customer]:
    return Customer.objects.filter(tenant=tenant)


def tariff_default(tenant_id: int) -> Tariff | None:
    return Tariff.objects.filter(tenant_id=tenant_id, is_default=True, superseded_at__isnull=True).first()


def tariff_for_station(station: Station) -> Tariff | None:
    """The station's own tariff, else its load group's, else the tenant's default. (A station
    read with STATION_TARIFFS selected costs no further query.)"""
    own = getattr(station, "station_tariff", None)  # billing.StationTariff
    if own is not None:
        return own.tariff
    membership = getattr(station, "load_group_membership", None)  # loadmgmt.LoadGroupMember
    group_tariff = getattr(membership.group, "group_tariff", None) if membership else None
    if group_tariff is not None:  # billing.LoadGroupTariff
        return group_tariff.tariff
    return tariff_default(station.tenant_id)


STATION_TARIFFS = ("station_tariff__tariff", "load_group_membership__group__group_tariff__tariff")


def station_tariff_of(*, station_id: int) -> Tariff | None:
    """The station's own tariff (not its group's or the default): what the station API shows."""
    own = StationTariff.objects.filter(station_id=station_id).select_related("tariff").first()
    return own.tariff if own is not None else None


def group_tariff_of(*, group_id: int) -> Tariff | None:
    """The load group's tariff (None: its stations without their own take the default): what
    the load-group API, dashboard and admin show."""
    row = LoadGroupTariff.objects.filter(group_id=group_id).select_related("tariff").first()
    return row.tariff if row is not None else None


def tariff_version_at(tariff: Tariff, at: datetime | None) -> Tariff | None:
    """The version of `tariff`'s family in force at `at`: the newest one in force from then on
    (its `valid_from`, a scheduled change, else its creation); None if the family did not exist
    yet (docs/pricing.md, "Scheduled price changes")."""
    if at is None:
        return tariff
    return (Tariff.objects.filter(family=tariff.family).annotate(starts=Coalesce("valid_from", "created_at"))
            .filter(starts__lte=at).order_by("-version").first())


def tariff_is_pending(tariff: Tariff) -> bool:
    """A scheduled change not in force yet (its `valid_from` is still ahead)."""
    return tariff.valid_from is not None and tariff.valid_from > timezone.now()


def tariff_versions(tariff: Tariff) -> QuerySet[Tariff]:
    """Every version of the tariff's family, newest first (the tariff page's history)."""
    return Tariff.objects.filter(family=tariff.family).order_by("-version")


def session_began(session: ChargingSession) -> datetime | None:
    """When the backend learnt of the session (its own clock, as tariff versions are dated)."""
    return session.start_received_at or session.stop_received_at or session.started_at


def tariff_for_session(session: ChargingSession) -> Tariff | None:
    """The tariff version a session is priced with: its snapshot if one was taken, else the one
    its station resolves to, as that family's version in force when the session started (an
    edited tariff in use becomes a new version, so the old one is still there). A tariff made
    after the start never applies: a session that started under no tariff costs nothing."""
    snapshot = SessionPrice.objects.filter(session=session).select_related("tariff").first()
    if snapshot is not None:
        return snapshot.tariff
    station = Station.objects.select_related(*STATION_TARIFFS).get(pk=session.station_id)
    tariff = tariff_for_station(station)
    if tariff is None:
        return None
    return tariff_version_at(tariff, session_began(session))


def session_is_free(session: ChargingSession) -> bool:
    """Internal id tags, and the tags whose parent (group) id tag is internal, charge for free."""
    if not session.id_tag:
        return False
    tag = IdTag.objects.filter(tenant_id=session.tenant_id).spelt(session.id_tag).first()
    if tag is None:
        return False
    if tag.internal:
        return True
    return bool(tag.parent_id_tag) and IdTag.objects.filter(
        tenant_id=session.tenant_id, internal=True).spelt(tag.parent_id_tag).exists()


def tariff_family_in_use(tariff: Tariff) -> bool:
    """A session was priced with (or snapshot) a version of this family, or a session not finally
    priced yet (running, or stopped and waiting for its task) would be priced with it."""
    family = Tariff.objects.filter(family=tariff.family)
    if SessionPrice.objects.filter(tariff__in=family).exists():
        return True
    current = family.filter(superseded_at__isnull=True).first()
    return current is not None and sessions_unpriced_resolving_to(current).exists()


def tariff_in_use(tariff: Tariff) -> bool:
    """This version may not change in place: a session is priced with it or runs under it. A
    pending scheduled version is priced with by no session yet: it changes in place."""
    if SessionPrice.objects.filter(tariff=tariff).exists():
        return True
    if tariff_is_pending(tariff):
        return False
    return tariff.superseded_at is None and sessions_unpriced_resolving_to(tariff).exists()


def sessions_unpriced_resolving_to(tariff: Tariff) -> QuerySet[ChargingSession]:
    """Sessions without a snapshot whose station's tariff is (now) this one, begun since its
    family exists (the others are not priced with it)."""
    no_own = Q(station__station_tariff__isnull=True)
    group_tariff = "station__load_group_membership__group__group_tariff__tariff"
    resolves = Q(station__station_tariff__tariff=tariff) | (no_own & Q(**{group_tariff: tariff}))
    if tariff.is_default:
        resolves |= no_own & Q(**{f"{group_tariff}__isnull": True})
    priced = SessionPrice.objects.filter(session=OuterRef("pk"))
    since = Tariff.objects.filter(family=tariff.family).order_by("version").values_list(
        "created_at", flat=True).first() or tariff.created_at
    begun = Q(start_received_at__gte=since) | Q(start_received_at__isnull=True, stop_received_at__gte=since)
    return (ChargingSession.objects.filter(tenant_id=tariff.tenant_id).filter(resolves).filter(begun)
            .exclude(Exists(priced)))


def tariff_assignments(tariff: Tariff) -> list[str]:
    """What points at this tariff (any version): station identities and load group names."""
    stations = Station.objects.filter(station_tariff__tariff__family=tariff.family).values_list(
        "identity", flat=True)
    groups = LoadGroup.objects.filter(group_tariff__tariff__family=tariff.family).values_list(
        "name", flat=True)
    return [f"station {identity}" for identity in stations] + [f"load group {name}" for name in groups]


def sessions_to_price() -> QuerySet[ChargingSession]:
    """Stopped sessions without a final price (their task was lost, or they wait for the
    connector to be unplugged), oldest first; those started within REPRICE_WITHIN only (the
    beat runs every minute; older history is not priced retroactively)."""
    final = SessionPrice.objects.filter(session=OuterRef("pk"), final=True)
    since = timezone.now() - REPRICE_WITHIN
    recent = Q(started_at__gte=since) | Q(started_at__isnull=True, stopped_at__gte=since)
    return (ChargingSession.objects.filter(recent, stopped_at__isnull=False)
            .exclude(Exists(final)).order_by("stopped_at"))


# Timeline ------------------------------------------------------------------------------------

def session_timeline(session: ChargingSession) -> Timeline:
    """What the pricing function needs: meter points, the connector's statuses from the one in
    force at the start until it was unplugged after the stop, and the load manager's pauses."""
    statuses, unplugged_at = _statuses(session)
    return Timeline(
        started_at=session.started_at,
        stopped_at=session.stopped_at,
        meter_start_wh=_decimal(_first_known(session.meter_start, session.meter_stop, 0)),
        meter_stop_wh=_decimal(session.meter_stop if session.stopped_at else session.meter_last),
        samples=tuple(_meter_points(session)),
        statuses=tuple(statuses),
        unplugged_at=unplugged_at,
        load_paused=tuple(_load_paused(session)),
    )


def _first_known(*values):
    return next(v for v in values if v is not None)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _meter_points(session: ChargingSession) -> list[MeterPoint]:
    rows = (MeterSample.objects.filter(session_id=session.pk,
                                       measurand__in=[ENERGY_REGISTER, POWER, CURRENT, OFFERED])
            .exclude(value__isnull=True)
            .values_list("timestamp", "measurand", "phase", "location", "unit", "value"))
    by_time: dict[datetime, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for stamp, measurand, phase, location, unit, value in rows:
        if location not in ("Outlet", "") or unit != {ENERGY_REGISTER: "Wh", POWER: "W"}.get(measurand, "A"):
            continue
        by_time[stamp][measurand][phase] = value
    points = []
    for stamp in sorted(by_time):
        values = by_time[stamp]
        energy = values.get(ENERGY_REGISTER, {}).get("")
        points.append(MeterPoint(
            at=stamp, energy_wh=energy, power_w=_total(values.get(POWER)),
            current_a=_highest(values.get(CURRENT)), offered_a=_highest(values.get(OFFERED))))
    return [p for p in points if any(v is not None for v in (p.energy_wh, p.power_w, p.current_a,
                                                             p.offered_a))]


def _total(by_phase: dict[str, Decimal] | None) -> Decimal | None:
    """The whole reading if sent, else the sum of the phases' (L1, L2, L3; or L1-N...)."""
    if not by_phase:
        return None
    if "" in by_phase:
        return by_phase[""]
    return sum((v for p, v in by_phase.items() if p in ("L1", "L2", "L3", "L1-N", "L2-N", "L3-N")),
               Decimal(0))


def _highest(by_phase: dict[str, Decimal] | None) -> Decimal | None:
    """Amperes per phase: the most loaded phase (the whole reading if no phase is given)."""
    if not by_phase:
        return None
    phases = [v for p, v in by_phase.items() if p in ("L1", "L2", "L3")]
    return max(phases) if phases else by_phase.get("", max(by_phase.values()))


def _statuses(session: ChargingSession) -> tuple[list[StatusPoint], datetime | None]:
    """The connector's statuses by the station's (plausible) clock: the one in force at the start,
    those during the session, and after the stop until the connector is unplugged."""
    if session.started_at is None:
        return [], None
    events = StatusEvent.objects.filter(station_id=session.station_id, connector_id=session.connector_id,
                                        received_at__gte=session.started_at - STATUS_LOOKBACK)
    if session.stopped_at is not None:
        last_useful = max(session.stopped_at, session.stop_received_at or session.stopped_at)
        events = events.filter(received_at__lte=last_useful + PLUGGED_AFTER_STOP_AT_MOST)
    timed = sorted((effective(station_timestamp, received_at), pk, status) for pk, status, station_timestamp,
                   received_at in events.values_list("pk", "status", "station_timestamp", "received_at"))
    before = [status for at, _, status in timed if at <= session.started_at]
    points = [StatusPoint(at=session.started_at, status=before[-1])] if before else []
    unplugged_at = None
    for at, _, status in (t for t in timed if t[0] > session.started_at):
        if session.stopped_at is not None and at >= session.stopped_at and status in UNPLUGGED:
            unplugged_at = at
            break
        points.append(StatusPoint(at=at, status=status))
    return points, unplugged_at


def _load_paused(session: ChargingSession) -> list[tuple[datetime, datetime]]:
    """Intervals the load manager held this connector at 0 A (accepted limits), within the session."""
    if session.started_at is None:
        return []
    sent = (LimitSent.objects.filter(station_id=session.station_id,
                                     connector_id__in=[0, session.connector_id], status="Accepted",
                                     sent_at__gte=session.started_at)
            .order_by("sent_at", "id").values_list("sent_at", "limit"))
    if session.stopped_at is not None:
        sent = sent.filter(sent_at__lte=session.stopped_at)
    paused, since = [], None
    for at, limit in sent:
        if limit == 0 and since is None:
            since = at
        elif limit > 0 and since is not None:
            paused.append((since, at))
            since = None
    if since is not None:
        end = session.stopped_at or timezone.now()
        if end > since:
            paused.append((since, end))
    return paused


# Prices --------------------------------------------------------------------------------------

def tariff_document(tariff: Tariff) -> dict:
    """The tariff as the pricing function takes it (the API's shape)."""
    return {"currency": tariff.currency, "vat_rate": tariff.vat_rate,
            "idle_grace_minutes": tariff.idle_grace_minutes, "min_price": tariff.min_price,
            "max_price": tariff.max_price, "elements": tariff.elements}


def free_document(currency: str) -> dict:
    """What an internal id tag is priced with: nothing to pay, everything metered."""
    return {"currency": currency, "vat_rate": Decimal(0), "idle_grace_minutes": 0, "min_price": None,
            "max_price": None, "elements": [{"price_components": [
                {"type": "FLAT", "price": "0.00", "step_size": 1}]}]}


def session_quote(session: ChargingSession, *, tariff: Tariff | None, free: bool,
                  timeline: Timeline | None = None) -> Price:
    """The price of a session with that tariff version: so far (now) while it runs."""
    document = free_document(tariff.currency if tariff else "EUR") if free else tariff_document(tariff)
    timeline = timeline or session_timeline(session)
    if timeline.started_at is None:  # a stop whose start we never saw, without samples
        timeline = replace(timeline, started_at=timeline.stopped_at)
    until = None if session.stopped_at is not None else timezone.now()
    return price_session(document, timeline, session.station.effective_timezone, until=until)


def cost_lines(price: Price) -> list[dict]:
    return [{"component": line.component, "quantity": str(line.quantity), "unit": line.unit,
             "unit_price": str(line.unit_price), "net": str(line.net), "vat_rate": str(line.vat_rate)}
            for line in price.lines]


def _money(currency: str):
    """Stored amounts (4 places) shown in the currency's minor unit, as strings."""
    unit = Decimal(1).scaleb(-currency_exponent(currency))
    return lambda amount: str(amount.quantize(unit))


NO_COST = {"currency": None, "cost_net": None, "cost_vat": None, "cost": None, "cost_lines": []}


def session_cost(session: ChargingSession) -> dict:
    """The cost fields of a session for the API: its stored price, else (running, or stopped and
    waiting for its task) priced now without storing; nulls when no tariff applies."""
    try:
        record = session.price  # free when the queryset selected it (select_related("price__tariff"))
    except SessionPrice.DoesNotExist:
        record = None
    if record is not None and record.priced_at is not None:
        if record.tariff is None and not record.free:
            return NO_COST
        money = _money(record.currency)
        return {"currency": record.currency, "cost_net": money(record.net), "cost_vat": money(record.vat),
                "cost": money(record.gross), "cost_lines": record.lines}
    if record is not None:
        tariff, free = record.tariff, record.free
    else:
        tariff, free = tariff_for_session(session), session_is_free(session)
    if (tariff is None and not free) or session.started_at is None and session.stopped_at is None:
        return NO_COST
    try:
        price = session_quote(session, tariff=tariff, free=free)
    except (ValueError, ArithmeticError):  # one session's bad data must not break a list of them
        log.exception("Pricing session %s on read failed", session.pk)
        return NO_COST
    return {"currency": price.currency, "cost_net": str(price.net), "cost_vat": str(price.vat),
            "cost": str(price.gross), "cost_lines": cost_lines(price)}


def session_running_cost(session_id: int) -> Decimal | None:
    """A session's gross cost so far (its stored price once final), for a 2.0.1 station's
    totalCost and CostUpdated (stations/running_cost.py); None where no tariff applies."""
    session = (ChargingSession.objects.select_related("station", "price__tariff")
               .filter(pk=session_id).first())
    if session is None:
        return None
    cost = session_cost(session)["cost"]
    return None if cost is None else Decimal(cost)


def station_price_text(station_id: int, session_id: int | None = None) -> PriceLine | None:
    """The station's tariff as a driver's price line (stations/price_text.py): within a
    session, its tariff version's (the version it keeps, docs/pricing.md); None without a
    tariff, or with one the pricing cannot read."""
    session = ChargingSession.objects.filter(pk=session_id).first() if session_id else None
    if session is not None:
        tariff = tariff_for_session(session)
    else:
        station = Station.objects.select_related(*STATION_TARIFFS).filter(pk=station_id).first()
        tariff = tariff_for_station(station) if station is not None else None
        if tariff is not None:  # a scheduled change is told from its date on, not before
            tariff = tariff_version_at(tariff, timezone.now())
    return tariff_driver_line(tariff) if tariff is not None else None


def tariff_driver_line(tariff: Tariff) -> PriceLine | None:
    """The operator's own words for drivers if the tariff has them, else the generated line."""
    if tariff.driver_text:
        return PriceLine(tariff.driver_text, tariff.driver_language or None)
    text = tariff_generated_text(tariff)
    return PriceLine(text) if text else None


def tariff_generated_text(tariff: Tariff) -> str:
    """The price line built from the tariff's rates ("" when it has none or cannot be read)."""
    try:
        return tariff_text(parse_tariff(tariff_document(tariff)))
    except ValueError:
        log.warning("Tariff %s cannot be worded for the driver", tariff.pk)
        return ""


def sample_price(tariff: Tariff, *, start: datetime, minutes: int, kwh: Decimal,
                 parking_minutes: int, zone: str) -> Price:
    """What a session would cost under `tariff`: charging `kwh` evenly for `minutes` from
    `start`, then plugged in without charging for `parking_minutes`."""
    stop = start + timedelta(minutes=minutes)
    timeline = Timeline(
        started_at=start, stopped_at=stop, meter_start_wh=Decimal(0), meter_stop_wh=kwh * 1000,
        samples=(MeterPoint(at=start, energy_wh=Decimal(0)), MeterPoint(at=stop, energy_wh=kwh * 1000)),
        statuses=(StatusPoint(at=start, status="Charging"),)
        + ((StatusPoint(at=stop, status="Finishing"),) if parking_minutes else ()),
        unplugged_at=stop + timedelta(minutes=parking_minutes))
    return price_session(tariff_document(tariff), timeline, zone)
