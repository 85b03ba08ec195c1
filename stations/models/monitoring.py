"""What a 2.0.1 station tells of itself through monitoring (block N): every NotifyEvent's event
kept as a `StationEvent` (the history an operator reads, and the source of fault signals), and
the station's monitoring settings the backend set (`StationMonitoring`: SetMonitoringBase and
SetMonitoringLevel). The monitors themselves live in the device model (`VariableMonitor`).
See docs/ocpp201.md, monitoring and events."""

from django.db import models

from stations.models.station import Station


class StationEvent(models.Model):
    """One event of a NotifyEvent, as the station sent it. A retransmitted event (same eventId
    and timestamp) is kept once. `fault`: the backend read it as a fault of its component (a
    Problem set, an AvailabilityState Faulted, a severe monitor alerting); `connector_id` is the
    domain's connector the fault showed on (docs/ocpp201.md)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="events")
    event_id = models.IntegerField()
    timestamp = models.DateTimeField(help_text="When it happened, as the station said")
    trigger = models.CharField(max_length=20, help_text="Alerting, Delta or Periodic")
    cause = models.IntegerField(null=True, blank=True, help_text="The eventId that caused it")
    actual_value = models.CharField(max_length=2500, blank=True)
    tech_code = models.CharField(max_length=50, blank=True)
    tech_info = models.CharField(max_length=500, blank=True)
    cleared = models.BooleanField(default=False, help_text="The condition is over")
    transaction_id = models.CharField(max_length=36, blank=True)
    variable_monitoring_id = models.IntegerField(null=True, blank=True)
    notification_type = models.CharField(
        max_length=30, help_text="HardWiredNotification, HardWiredMonitor, PreconfiguredMonitor "
                                 "or CustomMonitor")
    component = models.CharField(max_length=50)
    component_instance = models.CharField(max_length=50, blank=True)
    evse_id = models.IntegerField(null=True, blank=True)
    evse_connector_id = models.IntegerField(null=True, blank=True, help_text="Within its EVSE")
    variable = models.CharField(max_length=50)
    variable_instance = models.CharField(max_length=50, blank=True)
    severity = models.PositiveSmallIntegerField(null=True, blank=True,
                                                help_text="Its monitor's, when we know it")
    fault = models.BooleanField(default=False, help_text="Read as a fault of its component")
    connector_id = models.PositiveIntegerField(null=True, blank=True,
                                               help_text="The connector a fault showed on")
    seq_no = models.IntegerField(default=0, help_text="The NotifyEvent part it came in")
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "event_id", "timestamp"],
                                               name="station_event_once")]
        indexes = [models.Index(fields=["station", "-timestamp"], name="station_event_latest")]
        ordering = ["-timestamp", "-event_id"]

    def __str__(self) -> str:
        return f"{self.component}.{self.variable} = {self.actual_value}"


class StationMonitoring(models.Model):
    """The monitoring base and level a station accepted from us (None/blank: never set)."""

    station = models.OneToOneField(Station, on_delete=models.CASCADE, related_name="monitoring")
    base = models.CharField(max_length=20, blank=True,
                            help_text="All, FactoryDefault or HardWiredOnly")
    level = models.PositiveSmallIntegerField(null=True, blank=True,
                                             help_text="0 (Danger) .. 9 (Debug): events up to it")
    updated_at = models.DateTimeField()
