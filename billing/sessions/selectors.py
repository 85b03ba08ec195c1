"""Reads for the dashboard's money pages: the filtered session list (and its CSV rows, in the
sessions export's columns) and a session's meter series for its plot."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import DenseRank, Lower

from billing.exports.sessions import FIELDS, session_row
from billing.selectors import POWER
from stations.models import ChargingSession, IdTag, MeterSample
from stations.selectors import sessions_of
from stations.services.meter_values import ENERGY_REGISTER
from tenants.models import Tenant

PHASES = ("L1", "L2", "L3", "L1-N", "L2-N", "L3-N")
MAX_POINTS = 1000  # a plot a few hundred pixels wide shows no more; 10,000 took 1.3 s to send


@dataclass(frozen=True)
class SessionQuery:
    """The sessions page's filters: started in [since, until] (days in the tenant's zone, both
    included), a station, an id tag, a customer (the sessions of its id tags)."""

    since: date | None = None
    until: date | None = None
    station: str = ""
    id_tag: str = ""
    customer_id: int | None = None


def sessions_filtered(tenant: Tenant, query: SessionQuery) -> QuerySet[ChargingSession]:
    zone = ZoneInfo(tenant.timezone or "UTC")
    sessions = sessions_of(tenant)
    if query.since:
        sessions = sessions.filter(started_at__gte=datetime.combine(query.since, time(), tzinfo=zone))
    if query.until:
        end = datetime.combine(query.until + timedelta(days=1), time(), tzinfo=zone)
        sessions = sessions.filter(started_at__lt=end)
    if query.station:
        sessions = sessions.filter(station__identity=query.station)
    if query.id_tag:
        sessions = sessions.filter(id_tag__lower=query.id_tag.lower())  # IdToken: any case
    if query.customer_id:
        tags = (IdTag.objects.filter(tenant=tenant, customer_id=query.customer_id)
                .values(spelt=Lower("id_tag")))
        sessions = sessions.filter(id_tag__lower__in=tags)
    return sessions


def session_csv_rows(tenant: Tenant, query: SessionQuery) -> Iterator[dict]:
    """The filtered sessions as the sessions export's rows (same columns), newest first."""
    customer = IdTag.objects.filter(tenant_id=OuterRef("tenant_id"),
                                    id_tag__lower=Lower(OuterRef("id_tag")),
                                    customer__isnull=False).values("customer__name")[:1]
    values = (sessions_filtered(tenant, query).annotate(customer_name=Subquery(customer))
              .order_by("-started_at", "-id").values(*FIELDS))
    for row in values.iterator(chunk_size=2000):
        yield session_row(row)


def session_duration(session: ChargingSession, now: datetime) -> timedelta | None:
    if session.started_at is None:
        return None
    return (session.stopped_at or now) - session.started_at


def session_series(session: ChargingSession) -> dict:
    """Power (kW, all phases) and energy charged (kWh since the start) over time, for uPlot:
    parallel arrays, times in Unix seconds; a missing value is null. At most MAX_POINTS, evenly
    picked, the first and the last (the start and stop readings) always among them."""
    rows = (MeterSample.objects.filter(session_id=session.pk, measurand__in=[ENERGY_REGISTER, POWER])
            .filter(Q(location__in=["", "Outlet"]))
            .exclude(value__isnull=True))
    rows = _every_nth_moment(rows).values_list("timestamp", "measurand", "phase", "unit", "value")
    power: dict[datetime, dict[str, Decimal]] = defaultdict(dict)
    energy: dict[datetime, Decimal] = {}
    for stamp, measurand, phase, unit, value in rows:
        if measurand == POWER and unit == "W":
            power[stamp][phase] = value
        elif measurand == ENERGY_REGISTER and unit == "Wh" and not phase:
            energy[stamp] = value
    start = Decimal(session.meter_start or 0)
    _with_start_and_stop(session, energy)
    times = _thinned(sorted(set(power) | set(energy)))
    return {
        "t": [int(stamp.timestamp()) for stamp in times],
        "power_kw": [_kw(power.get(stamp)) for stamp in times],
        "energy_kwh": [float(max(energy[stamp] - start, Decimal(0)) / 1000) if stamp in energy else None
                       for stamp in times],
    }


def _every_nth_moment(rows: QuerySet[MeterSample]) -> QuerySet[MeterSample]:
    """Over MAX_POINTS moments: the rows of every n-th moment only, so that 10,000 readings are
    not all read to draw 1,000 (the start and stop readings come from the session itself)."""
    moments = rows.values("timestamp").distinct().count()
    if moments <= MAX_POINTS:
        return rows
    step = -(-moments // MAX_POINTS)
    return (rows.annotate(moment=Window(DenseRank(), order_by=F("timestamp").asc()))
            .annotate(turn=F("moment") % step).filter(turn=1 % step))


def _thinned(times: list[datetime], limit: int = MAX_POINTS) -> list[datetime]:
    """`limit` of `times`, evenly spaced by position, keeping the first and the last."""
    if len(times) <= limit:
        return times
    step = (len(times) - 1) / (limit - 1)
    return [times[round(i * step)] for i in range(limit)]


def _with_start_and_stop(session: ChargingSession, energy: dict[datetime, Decimal]) -> None:
    """The start reading at the start and the stop reading at the stop belong to the plot: it
    begins at 0 and ends at the session's energy (issue 21), whatever the samples between."""
    if session.meter_start is not None and session.started_at is not None:
        energy.setdefault(session.started_at, Decimal(session.meter_start))
    if session.meter_stop is not None and session.stopped_at is not None:
        energy[session.stopped_at] = Decimal(session.meter_stop)


def _kw(by_phase: dict[str, Decimal] | None) -> float | None:
    if not by_phase:
        return None
    watts = by_phase[""] if "" in by_phase else sum((v for p, v in by_phase.items() if p in PHASES),
                                                    Decimal(0))
    return float(watts / 1000)
