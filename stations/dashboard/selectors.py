"""Reads for the stations side of the dashboard: the overview's figures, the filtered station
list, a station's message log. Every function takes the tenant (or a station of it)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from stations import selectors
from stations.models import ChargingSession, OcppMessage, Station, StatusEvent
from stations.models.presence import ServerProcess
from stations.services import session_lifecycle as lifecycle
from tenants.models import Tenant

# 1.6's connector statuses, then 2.0.1's one of its own (its others are 1.6 words too)
CONNECTOR_STATUSES = ("Available", "Preparing", "Charging", "SuspendedEVSE", "SuspendedEV",
                      "Finishing", "Reserved", "Unavailable", "Faulted", "Unknown", "Occupied")


def online_q() -> Q:
    """Stations whose live socket is held by a server process that still beats."""
    return (~Q(channel_name="") & Q(server_process__isnull=False)
            & Q(server_process__last_beat__gte=ServerProcess.alive_cutoff()))


def stations_filtered(tenant: Tenant, *, q: str = "", status: str = "",
                      connected: str = "") -> QuerySet[Station]:
    stations = selectors.stations_of(tenant)
    if q:
        stations = stations.filter(Q(identity__icontains=q) | Q(name__icontains=q))
    if status:
        stations = stations.filter(connectors__status=status).distinct()
    if connected == "yes":
        stations = stations.filter(online_q())
    elif connected == "no":
        stations = stations.exclude(online_q())
    return stations


@dataclass
class Period:
    start: datetime
    end: datetime


def _local_periods(tz: ZoneInfo, now: datetime) -> tuple[Period, Period, date]:
    local = now.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    today = Period(midnight, midnight + timedelta(days=1))
    first = midnight.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return today, Period(first, following), local.date()


def _energy_wh(sessions: QuerySet[ChargingSession]) -> int:
    """Energy of sessions: each from its start reading to its stop (or latest) reading."""
    total = (sessions.filter(meter_start__isnull=False)
             .aggregate(wh=Sum(Coalesce("meter_stop", "meter_last", "meter_start") - F("meter_start"))))
    return max(int(total["wh"] or 0), 0)


def _started_in(tenant: Tenant, period: Period) -> QuerySet[ChargingSession]:
    return ChargingSession.objects.filter(tenant=tenant, started_at__gte=period.start,
                                          started_at__lt=period.end)


def revenue(tenant: Tenant, period: Period) -> list[tuple[str, Decimal]]:
    """Gross revenue of the sessions started in `period`, per currency."""
    from billing.models import SessionPrice

    rows = (SessionPrice.objects.filter(tenant=tenant, session__started_at__gte=period.start,
                                        session__started_at__lt=period.end)
            .exclude(currency="").values("currency").annotate(gross=Sum("gross")).order_by("currency"))
    return [(row["currency"], row["gross"] or Decimal("0")) for row in rows]


def energy_per_day(tenant: Tenant, tz: ZoneInfo, last_day: date, days: int = 30) -> list[dict]:
    """[{"day": "YYYY-MM-DD", "kwh": float}] for each of the last `days` local days (a plot's data)."""
    first_day = last_day - timedelta(days=days - 1)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=tz)
    rows = (ChargingSession.objects.filter(tenant=tenant, started_at__gte=start,
                                           meter_start__isnull=False)
            .annotate(day=TruncDate("started_at", tzinfo=tz)).values("day")
            .annotate(wh=Sum(Coalesce("meter_stop", "meter_last", "meter_start") - F("meter_start"))))
    by_day = {row["day"]: int(row["wh"] or 0) for row in rows}
    return [{"day": (first_day + timedelta(days=n)).isoformat(),
             "kwh": round(max(by_day.get(first_day + timedelta(days=n), 0), 0) / 1000, 3)}
            for n in range(days)]


def overview(tenant: Tenant, *, with_money: bool, now: datetime | None = None) -> dict:
    tz = ZoneInfo(tenant.timezone or "UTC")
    today, month, local_date = _local_periods(tz, now or timezone.now())
    stations = Station.objects.filter(tenant=tenant, removed_at__isnull=True)  # removed: no longer counted
    total = stations.count()
    online = stations.filter(online_q()).count()
    figures = {
        "timezone": str(tz),
        "stations_total": total,
        "stations_online": online,
        "stations_offline": total - online,
        "stations_faulted": stations.filter(connectors__status="Faulted").distinct().count(),
        "sessions_running": lifecycle.running_sessions().filter(tenant=tenant).count(),
        "sessions_today": _started_in(tenant, today).count(),
        "energy_today_kwh": Decimal(_energy_wh(_started_in(tenant, today))) / 1000,
        "energy_month_kwh": Decimal(_energy_wh(_started_in(tenant, month))) / 1000,
        "energy_per_day": energy_per_day(tenant, tz, local_date),
        "faults": latest_faults(tenant),
    }
    if with_money:
        figures["revenue_today"] = revenue(tenant, today)
        figures["revenue_month"] = revenue(tenant, month)
    return figures


def latest_faults(tenant: Tenant, limit: int = 10) -> list[StatusEvent]:
    """The latest status events with an error code, or Faulted ones: a 2.0.1 station reports
    no error code, its fault is the status (docs/domain-model.md)."""
    return list(StatusEvent.objects.filter(station__tenant=tenant)
                .filter(~Q(error_code="NoError") | Q(status="Faulted"))
                .select_related("station").order_by("-received_at")[:limit])


def messages_filtered(station: Station, *, action: str = "", direction: str = "") -> QuerySet:
    messages = selectors.messages_of(station)
    if action:
        messages = messages.filter(action=action)
    if direction in (OcppMessage.IN, OcppMessage.OUT):
        messages = messages.filter(direction=direction)
    return messages


def running_sessions(station: Station) -> QuerySet[ChargingSession]:
    """What a remote stop may name: the station's running transactions (docs/sessions.md)."""
    return lifecycle.running_sessions().filter(station=station, tenant_id=station.tenant_id)


def connectors_by_evse(station: Station) -> list:
    """The station's connectors (prefetched by `stations_of`) EVSE by EVSE, each EVSE's in their
    order there: the station page's table (a 1.6 station's in connector order, as its connectors
    are its EVSEs; docs/domain-model.md)."""
    def place(connector):
        evse = connector.evse_id if connector.evse_id is not None else connector.connector_id
        return evse, connector.evse_connector_id or 0, connector.connector_id

    return sorted(station.connectors.all(), key=place)



def live_readings(station: Station) -> dict[int, dict]:
    """Per connector with a running session: the session, its energy so far and the power of its
    latest reading (the station page's figures before the live feed updates them; one query per
    running session, on the (session, measurand, timestamp) index)."""
    from stations.dashboard.live_events import POWER, meter_reading
    from stations.models import MeterSample

    readings = {}
    for session in running_sessions(station).order_by("connector_id"):
        latest = list(MeterSample.objects.filter(session_id=session.pk, measurand=POWER)
                      .order_by("-timestamp").values("timestamp", "measurand", "phase", "unit",
                                                     "value", "location")[:6])
        at_latest = [row for row in latest if row["timestamp"] == latest[0]["timestamp"]] if latest else []
        readings[session.connector_id] = {"session": session, "energy_wh": session.energy_wh,
                                          "power_w": meter_reading(at_latest)["power_w"]}
    return readings
