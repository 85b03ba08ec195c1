"""The live state of a load group, read from the stations app, as the allocator's inputs.

A connector counts as charging while its session runs (accepted, open, known to the station:
docs/sessions.md) and its status, if reported after the start, is not one where no car draws
(Available, Preparing for another car, Unavailable, Faulted). What a car draws comes
from its latest Current.Import samples; a car that loads one or two phases only is counted on
those. Stations that are offline or refuse profiles cannot be steered: what they may draw is
held back from the cap (their last accepted limits, else their maximum)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.utils import timezone

from loadmgmt.allocation import (
    PHASES,
    UNDER_DRAW_HEADROOM,
    UNDER_DRAW_INTERVALS,
    Demand,
    Group,
    allocate,
    available,
    measured_total,
)
from loadmgmt.charging_needs import with_charging_needs
from loadmgmt.external_limits import capped, external_ceilings
from loadmgmt.models import (
    Allocation,
    BaseLoadSource,
    ConnectorLimit,
    LoadGroup,
    LoadGroupMember,
    StationControl,
)
from stations.models import ChargingSession, Connector, IdTag, MeterSample, Station
from stations.services.session_lifecycle import running_sessions

IDLE_STATUSES = {"Available", "Unavailable", "Faulted"}
PHASE_OF = {"L1": 1, "L2": 2, "L3": 3, "L1-N": 1, "L2-N": 2, "L3-N": 3}
LOADED = Decimal(1)  # A: a phase carrying less is not loaded by the car
UNDER_DRAW = Decimal("0.8")  # drawing less than this share of its limit is "clearly less"
NEAR_LIMIT = Decimal("0.95")  # a held car drawing this share of its limit gets its share back
SAMPLES_LOOKBACK = timedelta(minutes=15)
UNDER_DRAW_SAMPLES = 3


def is_held(demand: Demand) -> bool:
    """The allocator holds this car near its draw (docs/smart-charging.md §3 step 4)."""
    return (demand.under_draw_intervals >= UNDER_DRAW_INTERVALS and demand.measured_current is not None
            and demand.measured_current * UNDER_DRAW_HEADROOM < demand.max_current)


@dataclass
class ConnectorState:
    station: Station
    connector_id: int
    status: str
    status_at: datetime | None = None
    session: ChargingSession | None = None
    priority: int = 0
    measured: dict[int, Decimal] = field(default_factory=dict)  # per phase, latest sample
    per_phase: bool = False  # the latest sample gives every phase (so a 1- or 2-phase car shows)
    under_draw_intervals: int = 0
    limit: ConnectorLimit | None = None  # what we last sent it

    @property
    def key(self) -> tuple[int, int]:
        return (self.station.pk, self.connector_id)

    @property
    def measured_current(self) -> Decimal | None:
        return max(self.measured.values()) if self.measured else None


@dataclass
class GroupState:
    group: LoadGroup
    cap: Decimal
    base_load: dict[int, Decimal]
    reserved: dict[int, Decimal]
    connectors: list[ConnectorState]  # every connector of the group's stations
    demands: list[Demand]
    steerable: set[int]  # ids of the stations that take our profiles now
    failsafe: dict[int, ConnectorLimit]  # station id -> its accepted TxDefaultProfile limit
    # (station id, EVSE id) -> the external limit in A (0: the station), loadmgmt/external_limits.py
    ceilings: dict[tuple[int, int], Decimal] = field(default_factory=dict)

    def spec(self) -> Group:
        return Group(cap=self.cap, min_current=self.group.min_current,
                     safety_margin=self.group.safety_margin, base_load=self.base_load,
                     reserved=self.reserved,
                     station_max={s.pk: capped(s.max_current, self.ceilings.get((s.pk, 0)))
                                  for s in self.stations()})

    def stations(self) -> list[Station]:
        return list({c.station.pk: c.station for c in self.connectors}.values())


def group_cap(group: LoadGroup) -> Decimal:
    """Amperes per phase: the lower of the current cap and the power cap."""
    cap = group.max_current
    if group.max_power is not None:
        per_phase = group.max_power * 1000 / (group.voltage * group.phases)
        cap = min(cap, per_phase.quantize(Decimal("0.1")))
    return cap


def group_phases(group: LoadGroup) -> tuple[int, ...]:
    return PHASES if group.phases == 3 else (1,)


def group_state(*, group_id: int, refused: frozenset[int] = frozenset(),
                now: datetime | None = None) -> GroupState:
    """`refused`: stations that refused or failed a profile during this rebalance."""
    now = now or timezone.now()
    group = LoadGroup.objects.select_related("base_load_meter").get(pk=group_id)
    stations = list(Station.objects.filter(load_group_membership__group=group, enabled=True)
                    .select_related("server_process", "tenant"))
    controls = {c.station_id: c for c in StationControl.objects.filter(station__in=stations)}
    steerable = {s.pk for s in stations
                 if s.connected and s.pk not in refused and _takes_profiles(controls.get(s.pk), now)}
    limits = {(lim.station_id, lim.connector_id): lim
              for lim in ConnectorLimit.objects.filter(station__in=stations)}
    connectors = _connectors(stations, limits)
    _attach_sessions(connectors, now)
    _attach_measurements([c for c in connectors if c.session], now)
    phases = group_phases(group)
    failsafe = {sid: lim for (sid, cid), lim in limits.items() if cid == 0 and lim.accepted}
    reserved = {p: Decimal(0) for p in PHASES}
    for station in stations:
        if station.pk in steerable:
            continue
        if station.connected:  # it refuses our profiles: whatever it may draw
            held = station.max_current
        else:  # offline: what it last accepted from us, else its maximum
            held = _held_back(station, [c for c in connectors if c.station.pk == station.pk],
                              failsafe.get(station.pk))
        for p in phases:
            reserved[p] += held
    ceilings = external_ceilings(station_ids=[s.pk for s in stations], group=group, now=now)
    demands = [_demand(c, phases, ceilings) for c in connectors
               if c.session and c.station.pk in steerable]
    demands = with_charging_needs(demands, {c.key: c.session for c in connectors if c.session},
                                  group=group, now=now)
    return GroupState(group=group, cap=group_cap(group), base_load=base_load(group, now),
                      reserved=reserved, connectors=connectors, demands=demands,
                      steerable=steerable, failsafe=failsafe, ceilings=ceilings)


def _takes_profiles(control: StationControl | None, now: datetime) -> bool:
    if control is None or control.controllable:
        return True
    retry = timedelta(seconds=settings.LOAD_RETRY_REFUSED_SECONDS)
    return control.checked_at is not None and control.checked_at < now - retry


def _connectors(stations: list[Station], limits: dict) -> list[ConnectorState]:
    by_station = defaultdict(list)
    for c in Connector.objects.filter(station__in=stations, connector_id__gt=0):
        by_station[c.station_id].append(c)
    states = []
    for station in stations:
        known = by_station[station.pk] or [Connector(station=station, connector_id=1)]
        for c in known:
            states.append(ConnectorState(station=station, connector_id=c.connector_id,
                                         status=c.status, status_at=c.updated_at, priority=c.priority,
                                         limit=limits.get((station.pk, c.connector_id))))
    return states


def _attach_sessions(connectors: list[ConnectorState], now: datetime) -> None:
    """The open session of each connector, unless a later status says no car is there."""
    by_key = {c.key: c for c in connectors}
    sessions = (running_sessions().filter(station_id__in={k[0] for k in by_key})
                .order_by("started_at"))
    for session in sessions:  # the latest running one per connector wins
        state = by_key.get((session.station_id, session.connector_id))
        if state is None:
            continue
        reported_after = state.status_at is not None and state.status_at >= session.started_at
        if not (state.status in IDLE_STATUSES and reported_after):
            state.session = session
    tags = {c.session.id_tag for c in connectors if c.session}
    priorities = dict(IdTag.objects.filter(id_tag__in=tags, priority__gt=0)
                      .values_list("id_tag", "priority"))
    for c in connectors:
        if c.session:
            c.priority = max(c.priority, priorities.get(c.session.id_tag, 0))


def _attach_measurements(charging: list[ConnectorState], now: datetime) -> None:
    """Per session: the latest per-phase current, and how many of the latest samples in a row
    drew clearly less than the limit we gave it."""
    by_session = {c.session.pk: c for c in charging}
    rows = (MeterSample.objects
            .filter(session_id__in=by_session, measurand="Current.Import",
                    timestamp__gte=now - SAMPLES_LOOKBACK)
            .values_list("session_id", "timestamp", "phase", "value"))
    readings: dict[int, dict[datetime, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    explicit: dict[tuple[int, datetime], set[int]] = defaultdict(set)
    for session_id, at, phase, value in rows:
        if value is None:
            continue
        if phase in PHASE_OF:
            explicit[(session_id, at)].add(PHASE_OF[phase])
        phases = (PHASE_OF[phase],) if phase in PHASE_OF else PHASES
        for p in phases:
            readings[session_id][at][p] = value
    for session_id, by_time in readings.items():
        state = by_session[session_id]
        latest = sorted(by_time.items(), reverse=True)[:UNDER_DRAW_SAMPLES]
        state.measured = latest[0][1]
        state.per_phase = explicit[(session_id, latest[0][0])] == set(PHASES)
        given = _limit_of(state)
        if given is None or given == 0:
            continue
        if state.limit.held:  # held until it draws near the limit again
            near = max(state.measured.values()) >= given * NEAR_LIMIT
            state.under_draw_intervals = 0 if near else UNDER_DRAW_INTERVALS
            continue
        for _, per_phase in latest:
            if max(per_phase.values()) >= given * UNDER_DRAW:
                break
            state.under_draw_intervals += 1


def _limit_of(state: ConnectorState) -> Decimal | None:
    """The limit the car charges under now, as far as we know: our TxProfile for its session."""
    lim = state.limit
    if lim and lim.accepted and state.session and lim.for_session(state.session):
        return lim.limit
    return None


def _demand(state: ConnectorState, group_phases_: tuple[int, ...],
            ceilings: dict[tuple[int, int], Decimal]) -> Demand:
    loaded = tuple(p for p in group_phases_ if state.measured.get(p, Decimal(0)) >= LOADED)
    phases = loaded if loaded and state.per_phase and len(group_phases_) > 1 else group_phases_
    evse = state.session.evse_id or state.connector_id  # a 1.6 connector is its own EVSE
    return Demand(key=state.key, started_at=state.session.started_at,
                  max_current=capped(state.station.max_current,
                                     ceilings.get((state.station.pk, evse))),
                  phases=phases, priority=state.priority,
                  measured_current=state.measured_current,
                  under_draw_intervals=state.under_draw_intervals, station=state.station.pk)


def _held_back(station: Station, connectors: list[ConnectorState],
               failsafe: ConnectorLimit | None) -> Decimal:
    """What an offline station may draw: the limits it accepted, else its maximum."""
    total = Decimal(0)
    for c in connectors:
        given = _limit_of(c) if c.session else None
        if given is None:
            given = failsafe.limit if failsafe is not None else station.max_current
        total += given
    return min(total, station.max_current)


def base_load(group: LoadGroup, now: datetime) -> dict[int, Decimal]:
    """Per phase: a fresh measurement where the group has one, else the fixed base load."""
    fixed = {p: group.base_load_current for p in PHASES}
    stale = now - timedelta(seconds=settings.LOAD_BASE_LOAD_STALE_SECONDS)
    if group.base_load_source == BaseLoadSource.API:
        if group.base_load_measured_at and group.base_load_measured_at >= stale:
            return {p: Decimal(str(group.base_load_measured.get(str(p), 0))) for p in PHASES}
    elif group.base_load_source == BaseLoadSource.METER and group.base_load_meter_id:
        measured = _meter_reading(group.base_load_meter_id, stale)
        if measured:
            return {p: measured.get(p, Decimal(0)) for p in PHASES}
    return fixed


def _meter_reading(station_id: int, since: datetime) -> dict[int, Decimal]:
    rows = (MeterSample.objects
            .filter(station_id=station_id, connector_id=0, measurand="Current.Import",
                    timestamp__gte=since)
            .order_by("-timestamp").values_list("timestamp", "phase", "value")[:6])
    latest = rows[0][0] if rows else None
    reading = {}
    for at, phase, value in rows:
        if at == latest and value is not None:
            for p in ((PHASE_OF[phase],) if phase in PHASE_OF else PHASES):
                reading[p] = value
    return reading


def group_id_of(*, station_id: int) -> int | None:
    """The load group the station is in, if any: asked on every link's first boot, so written
    out (bench/README.md, issue 22)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT group_id FROM {LoadGroupMember._meta.db_table} "
                       f"WHERE station_id = %s LIMIT 1", [station_id])
        found = cursor.fetchone()
    return found and found[0]


def load_groups_of(tenant):
    return LoadGroup.objects.filter(tenant=tenant).prefetch_related("stations").select_related(
        "base_load_meter")


def allocation_preview(*, group: LoadGroup) -> Allocation:
    """What the allocator would give now, unsaved and unsent (a group that never ran)."""
    state = group_state(group_id=group.pk)
    return allocation_build(state=state, limits=allocate(state.spec(), state.demands),
                            reason="preview")


def allocation_build(*, state: GroupState, limits: dict, reason: str) -> Allocation:
    """An allocation's row, unsaved: the group's inputs, the limits given and each connector's
    state (loadmgmt.records saves it; a preview only shows it)."""
    spec = state.spec()
    allocated = {p: Decimal(0) for p in PHASES}
    demands = {d.key: d for d in state.demands}
    for key, limit in limits.items():
        for p in demands[key].phases:
            allocated[p] += limit
    connectors = []
    for c in state.connectors:
        demand = demands.get(c.key)
        connectors.append({
            "station": c.station.identity, "connector_id": c.connector_id,
            "transaction_id": c.session.transaction_id if c.session else None,
            "station_transaction_id": c.session.station_transaction_id if c.session else "",
            "limit": _str(limits.get(c.key)) if demand else None,
            "measured_current": _str(None if c.measured_current is None
                                     else c.measured_current.quantize(Decimal("0.1"))),
            "status": c.status,
            "phases": list(demand.phases) if demand else [],
            "priority": c.priority,
            "needed_current": _str(demand.needed_current) if demand else None,
            "steered": c.station.pk in state.steerable,
            "connected": c.station.connected,
        })
    return Allocation(
        group=state.group, reason=reason[:50], max_current=state.cap,
        available=_per_phase(available(spec)), allocated=_per_phase(allocated),
        reserved=_per_phase(state.reserved), base_load=_per_phase(state.base_load),
        connectors=connectors, measured=measured_total(connectors, state.group.phases))


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _per_phase(values: dict[int, Decimal]) -> dict[str, str]:
    return {str(p): str(v) for p, v in sorted(values.items())}
