"""Alerts: one row per incident (a station offline, a connector faulted, ...), opened when its
condition starts, updated while it lasts and resolved when it clears (docs/alerts.md).

A tenant's rules say which conditions raise alerts, after how long, and who is told by e-mail.
A tenant that configured nothing has the default rules (alerts/rules.py); a row here exists
only for a rule an operator changed."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from stations.models import Station
from tenants.models import Tenant


class AlertKind(models.TextChoices):
    STATION_OFFLINE = "station_offline", "Station offline"
    CONNECTOR_FAULTED = "connector_faulted", "Connector faulted"
    METER_SILENT = "meter_silent", "Charging without meter values"
    REMOTE_START_UNUSED = "remote_start_unused", "Remote start never became a session"
    SESSION_CLOSED = "session_closed", "Session closed by the backend"
    FILE_JOB_FAILED = "file_job_failed", "Firmware or upload job failed or stalled"
    CERTIFICATE_EXPIRING = "certificate_expiring", "Certificate expiring"
    LOAD_OVER_CAP = "load_over_cap", "Load group above its cap"
    INVOICE_RUN_FAILED = "invoice_run_failed", "Invoice run failed"
    WEBHOOK_FAILING = "webhook_failing", "Webhook endpoint failing"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"


class AlertRule(models.Model):
    """A tenant's settings for one kind of alert (absent: the default, alerts/rules.py)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="alert_rules")
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    enabled = models.BooleanField(default=True)
    threshold = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="Minutes (offline, meter values, remote start, stalled jobs) or days "
                  "(certificates) before it is an alert; blank: the kind's default")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    email = models.BooleanField(default=True, help_text="Send e-mails for this rule")
    notify_roles = models.JSONField(default=list, blank=True,
                                    help_text='Roles of the tenant told by e-mail, e.g. ["manager"]')
    notify_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                          related_name="alert_rules",
                                          help_text="Members told by e-mail besides the roles")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "kind"], name="one_alert_rule_per_kind")]

    def __str__(self) -> str:
        return f"{self.tenant} {self.kind}"


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Alert(models.Model):
    """One incident. `key` names what it is about within its kind (e.g. "station:12",
    "connector:12:1", "job:7"): at most one open alert per tenant, kind and key."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    key = models.CharField(max_length=200)
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="alerts")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    title = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=AlertState.choices, default=AlertState.OPEN)
    opened_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(help_text="The condition was last seen holding")
    occurrences = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=200, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=200, blank=True)
    muted = models.BooleanField(default=False, help_text="Opened while its station was muted: "
                                                         "recorded, no one told")
    # Delivery (alerts/delivery.py claims these with a conditional UPDATE)
    opened_notified_at = models.DateTimeField(null=True, blank=True)
    resolved_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "key"], condition=Q(state="open"),
                                    name="one_open_alert_per_key"),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "-opened_at"], name="alert_tenant_state"),
            models.Index(fields=["station", "-opened_at"], name="alert_station"),
            models.Index(fields=["opened_notified_at"], name="alert_open_unnotified",
                         condition=Q(opened_notified_at__isnull=True)),
        ]
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.state})"


class StationMute(models.Model):
    """A station whose alerts no one is told of (maintenance), until `until` (blank: until
    unmuted). Its alerts are still recorded."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="station_mutes")
    station = models.OneToOneField(Station, on_delete=models.CASCADE, related_name="alert_mute")
    until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"mute {self.station}"


class AlertNotification(models.Model):
    """One e-mail sent (or a burst summarized in one): the delivery history of alerts."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="alert_notifications")
    sent_at = models.DateTimeField()
    channel = models.CharField(max_length=20, default="email")
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    alerts = models.ManyToManyField(Alert, related_name="notifications", blank=True)
    summarized = models.BooleanField(default=False, help_text="A burst told as one summary")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at"]


class RemoteStartWatch(models.Model):
    """A remote start the station accepted, waiting for its session: a session started on its
    connector (or EVSE) settles it; still unsettled after the rule's threshold, it is a
    `remote_start_unused` alert (alerts/conditions/remote_start.py)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="remote_start_watches")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="remote_start_watches")
    connector_id = models.PositiveIntegerField(null=True, blank=True,
                                               help_text="1.6: the connector asked for (blank: any)")
    evse_id = models.PositiveIntegerField(null=True, blank=True,
                                          help_text="2.0.1: the EVSE asked for (blank: any)")
    id_tag = models.CharField(max_length=36, blank=True)
    accepted_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True,
                                      help_text="A session started on its connector")
    alerted = models.BooleanField(default=False, help_text="Its alert was raised")

    class Meta:
        indexes = [
            models.Index(fields=["station"], condition=Q(settled_at__isnull=True),
                         name="remote_start_unsettled"),
            models.Index(fields=["accepted_at"], condition=Q(settled_at__isnull=True, alerted=False),
                         name="remote_start_due"),
        ]

    def __str__(self) -> str:
        return f"remote start {self.station_id} {self.id_tag}"

    @property
    def key(self) -> str:
        return f"remote_start:{self.station_id}:{self.evse_id or self.connector_id or 0}:{self.id_tag}"
