"""Reading a station's monitors and events (docs/ocpp201.md, monitoring and events)."""

from stations.models import DeviceReport, Station, StationEvent, StationMonitoring, VariableMonitor
from stations.monitoring.records import EVERY_MONITOR, SOME_MONITORS


def monitors_of(station: Station):
    """Every monitor of the station, with its variable and component, by component."""
    return (VariableMonitor.objects.filter(variable__component__station=station)
            .select_related("variable__component")
            .order_by("variable__component__name", "variable__component__evse_id",
                      "variable__component__connector_id", "variable__name", "monitor_id"))


def monitoring_of(station: Station) -> StationMonitoring | None:
    return StationMonitoring.objects.filter(station=station).first()


def monitoring_reports_of(station: Station):
    return DeviceReport.objects.filter(station=station, kind__in=[EVERY_MONITOR, SOME_MONITORS])


def events_of(station: Station):
    """The station's events, latest first (by the station's clock)."""
    return StationEvent.objects.filter(station=station)
