
from django.core.validators import MinValueValidator
from django.db import models

from stations.models.presence import ServerProcess
from tenants.models import Tenant
from tenants.validators import SameTenantReferences, validate_timezone_name, validate_url_segment


class Station(SameTenantReferences, models.Model):
    """A charge point, known by its OCPP identity within its tenant."""

    # Its tariff and load group are billing's and load management's (billing.StationTariff,
    # loadmgmt.LoadGroupMember): the core knows neither app (docs/architecture.md).
    tenant_references = ("location",)  # its site must be its tenant's (clean)

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="stations")
    identity = models.CharField(
        max_length=48, validators=[validate_url_segment],
        help_text="The charge point identity: the last part of its OCPP URL.",
    )
    name = models.CharField(max_length=200, blank=True)
    password_hash = models.CharField(max_length=128, editable=False)
    enabled = models.BooleanField(default=True)
    admission = models.CharField(
        max_length=10, default="Accepted",
        choices=[("Accepted", "Accepted"), ("Pending", "Pending"), ("Rejected", "Rejected")],
        help_text="What its BootNotification is answered: Pending holds a new station until an "
                  "operator accepts it")
    # OCPP 1.6 Security: 1 Basic auth (ws/wss), 2 TLS + Basic auth, 3 TLS + client certificate.
    # The handshake refuses any connection below this level (see stations/security/profiles.py).
    security_profile = models.PositiveSmallIntegerField(
        choices=[(1, "1: Basic auth"), (2, "2: TLS + Basic auth"), (3, "3: TLS + client certificate")],
        default=1,
    )
    # A new password the station accepted (ChangeConfiguration AuthorizationKey) but has not yet
    # used: both it and the old one open the link until it connects with the new one.
    pending_password_hash = models.CharField(max_length=128, blank=True, editable=False)
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone_name],
                                help_text="IANA name; blank: the tenant's")
    # From BootNotification
    vendor = models.CharField(max_length=50, blank=True)  # 1.6: up to 20, 2.0.1: 50
    model = models.CharField(max_length=20, blank=True)
    serial_number = models.CharField(max_length=25, blank=True)
    firmware_version = models.CharField(max_length=50, blank=True)
    iccid = models.CharField(max_length=20, blank=True)
    imsi = models.CharField(max_length=20, blank=True)
    meter_type = models.CharField(max_length=25, blank=True)
    meter_serial_number = models.CharField(max_length=25, blank=True)
    last_boot_at = models.DateTimeField(null=True, blank=True)
    boot_reason = models.CharField(max_length=30, blank=True, help_text="2.0.1 BootNotification reason")
    firmware_status = models.CharField(max_length=30, blank=True)
    # Load management: the most it may draw
    max_current = models.DecimalField(max_digits=7, decimal_places=1, default=32,
                                      validators=[MinValueValidator(0)],
                                      help_text="Amperes per phase: the most the station draws "
                                                "(its connectors share it)")
    diagnostics_status = models.CharField(max_length=30, blank=True)
    file_transfer = models.CharField(
        max_length=4, blank=True, choices=[("http", "HTTP(S)"), ("ftp", "FTP")],
        help_text="How it fetches firmware and uploads diagnostics and logs (blank: its model's "
                  "default from the quirks, else HTTP)")
    # Live link
    ocpp_version = models.CharField(max_length=10, blank=True, editable=False,
                                    help_text="The OCPP version of its latest connection (1.6, "
                                              "2.0.1); blank: never connected")
    last_seen = models.DateTimeField(null=True, blank=True)
    # The address of the live socket, "<process channel>#<link>" (see stations/ocpp/links.py).
    channel_name = models.CharField(max_length=200, blank=True, editable=False)
    server_process = models.ForeignKey(
        ServerProcess, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    connected_since = models.DateTimeField(null=True, blank=True, editable=False)
    location = models.ForeignKey("stations.Location", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="stations", help_text="The site it stands at")
    # Removed by an operator: it no longer connects and leaves every list, while its sessions,
    # invoices and history stay (its identity stays taken; restoring brings it back).
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "identity"], name="station_identity_per_tenant")
        ]
        ordering = ["identity"]

    def __str__(self) -> str:
        return self.identity

    @property
    def effective_timezone(self) -> str:
        return self.timezone or self.tenant.timezone

    @property
    def connected(self) -> bool:
        """Live: a channel held by a server process that still beats."""
        if not self.channel_name or self.server_process is None:
            return False
        return self.server_process.last_beat >= ServerProcess.alive_cutoff()


class Evse(models.Model):
    """One EVSE of a station: what charges one car at a time, with one or more connectors.

    A 1.6 connector is an EVSE with one connector (`evse_id` = its connector number); EVSE 0 is
    the station itself. Rows appear as the station reports its connectors (see docs/domain-model.md).
    """

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="evses")
    evse_id = models.PositiveIntegerField(help_text="The EVSE's number at its station (0: the station)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "evse_id"], name="evse_per_station")
        ]
        ordering = ["evse_id"]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.evse_id}"


class Connector(models.Model):
    """The live status of one connector; connector 0 is the station itself.

    `connector_id` numbers the connectors across the station (OCPP 1.6's connectorId);
    `evse_id` and `evse_connector_id` place it in its EVSE (OCPP 2.0.1's evseId and connectorId).
    For a 1.6 station a connector is its own EVSE: `evse_id` = `connector_id`, `evse_connector_id` 1.
    """

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="connectors")
    connector_id = models.PositiveIntegerField()
    evse_id = models.PositiveIntegerField(null=True, blank=True,
                                          help_text="Its EVSE's number (1.6: the connector's)")
    evse_connector_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Its number within its EVSE (1.6: 1; 0 for the station)")
    status = models.CharField(max_length=20, default="Unknown")
    error_code = models.CharField(max_length=30, default="NoError")
    info = models.CharField(max_length=50, blank=True)
    vendor_id = models.CharField(max_length=255, blank=True)
    vendor_error_code = models.CharField(max_length=50, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    priority = models.SmallIntegerField(default=0, help_text="Load management: higher is served first")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "connector_id"], name="connector_per_station")
        ]
        ordering = ["connector_id"]


class StatusEvent(models.Model):
    """Every StatusNotification, as history."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="status_events",
                                db_constraint=False, db_index=False)  # as MeterSample's
    connector_id = models.PositiveIntegerField()
    evse_id = models.PositiveIntegerField(null=True, blank=True,
                                          help_text="The connector's EVSE (1.6: the connector)")
    status = models.CharField(max_length=20)
    error_code = models.CharField(max_length=30)
    info = models.CharField(max_length=50, blank=True)
    vendor_id = models.CharField(max_length=255, blank=True)
    vendor_error_code = models.CharField(max_length=50, blank=True)
    station_timestamp = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["station", "connector_id", "received_at"])]
        ordering = ["-received_at"]
