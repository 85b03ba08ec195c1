from django.db import models

from stations.models.station import Station
from tenants.models import Tenant


class CloseReason(models.TextChoices):
    SUPERSEDED = "superseded", "A new transaction started on its connector"
    CONNECTOR_AVAILABLE = "connector_available", "Its connector became free, with no stop"
    STATION_SILENT = "station_silent", "Its station stayed silent"
    UNKNOWN_TO_STATION = "unknown_to_station", "Its station no longer knows it"
    OPERATOR = "operator", "Closed by an operator"


class ChargingSession(models.Model):
    """One OCPP transaction. Times are the backend's view; the station's own stamps are kept."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="sessions")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="sessions")
    connector_id = models.PositiveIntegerField()
    evse_id = models.PositiveIntegerField(null=True, blank=True,
                                          help_text="The EVSE it charged on (1.6: the connector)")
    transaction_id = models.IntegerField(
        null=True, blank=True, help_text="OCPP 1.6: the integer the backend assigned")
    station_transaction_id = models.CharField(
        max_length=36, blank=True,
        help_text="The transaction id as the station knows it, as a string: the 1.6 integer the "
                  "backend assigned, or the id a 2.0.1 station generated")
    id_tag = models.CharField(max_length=36, blank=True)
    id_token_type = models.CharField(max_length=20, blank=True,
                                     help_text="The id token's type (ISO14443, eMAID, Central, ...)")
    id_tag_status = models.CharField(max_length=20, blank=True)
    reservation_id = models.IntegerField(null=True, blank=True)
    meter_start = models.BigIntegerField(null=True, blank=True)
    meter_stop = models.BigIntegerField(null=True, blank=True)
    meter_last = models.BigIntegerField(null=True, blank=True,
                                        help_text="Latest energy register reading, Wh")
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    station_started_at = models.DateTimeField(null=True, blank=True)
    station_stopped_at = models.DateTimeField(null=True, blank=True)
    start_received_at = models.DateTimeField(null=True, blank=True)
    stop_received_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=30, blank=True)
    charging_state = models.CharField(max_length=20, blank=True,
                                      help_text="The last chargingState a 2.0.1 station reported")
    remote_start_id = models.IntegerField(null=True, blank=True,
                                          help_text="The RequestStartTransaction that began it (2.0.1)")
    stop_id_tag = models.CharField(max_length=36, blank=True)
    start_missing = models.BooleanField(
        default=False, help_text="Recorded from a StopTransaction whose start the backend never saw"
    )
    # The session lifecycle (docs/sessions.md): a session the station never stopped is closed by
    # the backend; the station's own StopTransaction, if it comes later, still completes it.
    closed_reason = models.CharField(
        max_length=30, blank=True, choices=CloseReason.choices,
        help_text="Why the backend closed it (blank: the station stopped it)")
    closed_by = models.CharField(max_length=150, blank=True,
                                 help_text="The operator who closed it (user or API token)")
    freed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When its connector was first reported free (Available, Preparing) after its "
                  "start: no longer running, closed after the grace period unless a stop comes")
    stale_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the station showed it no longer knows the transaction (a TxProfile for it "
                  "rejected with the connector idle): no longer running for the lifecycle rules")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "transaction_id"],
                                    name="transaction_id_per_station"),
            models.UniqueConstraint(fields=["station", "station_transaction_id"],
                                    condition=~models.Q(station_transaction_id=""),
                                    name="station_transaction_id_per_station"),
        ]
        indexes = [
            models.Index(fields=["tenant", "started_at"]),
            models.Index(fields=["station", "connector_id", "station_started_at"]),
            # Is this id tag charging already (Authorize, StartTransaction)? Running sessions only.
            models.Index(fields=["tenant", "id_tag"], condition=models.Q(stopped_at__isnull=True),
                         name="session_running_by_id_tag"),
            # The sessions list's newest-first index (NULLS LAST): PostgreSQL only, made by
            # migration 0020 (SQLite refuses NULLS LAST in an index).
        ]
        ordering = ["-started_at", "-id"]

    @property
    def energy_wh(self) -> int | None:
        end = self.meter_stop if self.meter_stop is not None else self.meter_last
        if end is None or self.meter_start is None:
            return None
        return max(end - self.meter_start, 0)


class MeterSample(models.Model):
    """One sampled value of a MeterValues (or a StopTransaction's transactionData).

    `value` is normalized to the base unit (Wh, W, varh, var, VA, A, V, ...); `unit` says which.
    Signed data is kept verbatim in `raw`.
    """

    # High-volume rows: no database-side foreign-key checks (a row-locking lookup per insert);
    # the ORM still cascades deletes; the unique constraint and the index below serve lookups.
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="meter_samples",
                                db_constraint=False, db_index=False)
    session = models.ForeignKey(ChargingSession, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="meter_samples", db_constraint=False, db_index=False)
    connector_id = models.PositiveIntegerField()
    evse_id = models.PositiveIntegerField(null=True, blank=True,
                                          help_text="The EVSE it was sampled on (1.6: the connector)")
    timestamp = models.DateTimeField()
    received_at = models.DateTimeField()
    measurand = models.CharField(max_length=50)
    phase = models.CharField(max_length=10, blank=True)
    location = models.CharField(max_length=10, blank=True)
    context = models.CharField(max_length=30, blank=True)
    format = models.CharField(max_length=12, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    value = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    raw = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["station", "connector_id", "timestamp", "measurand", "phase", "location",
                        "context"],
                name="meter_sample_once",
            )
        ]
        indexes = [models.Index(fields=["session", "measurand", "timestamp"])]
        ordering = ["timestamp"]


class TransactionEventRecord(models.Model):
    """One 2.0.1 TransactionEvent as received, kept so that a retransmitted or reordered event is
    recognised by (station, transactionId, seqNo) and applied once (docs/sessions.md)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="transaction_events",
                                db_constraint=False)
    session = models.ForeignKey(ChargingSession, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="transaction_events", db_constraint=False)
    station_transaction_id = models.CharField(max_length=36)
    seq_no = models.PositiveIntegerField()
    event_type = models.CharField(max_length=10)  # Started, Updated, Ended
    trigger_reason = models.CharField(max_length=30)
    offline = models.BooleanField(default=False)
    station_timestamp = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "station_transaction_id", "seq_no"],
                                    name="transaction_event_once"),
        ]
