from django.db import models

from stations.models.station import Station
from tenants.models import Tenant


class OcppMessage(models.Model):
    """Every OCPP frame in and out, kept for OCPP_MESSAGE_RETENTION_DAYS."""

    IN, OUT = "in", "out"

    # High-volume rows: no database-side foreign-key check (a row-locking lookup per insert);
    # the ORM still cascades deletes. The composite index below serves lookups by station.
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+",
                               db_constraint=False, db_index=False)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="messages",
                                db_constraint=False, db_index=False)
    direction = models.CharField(max_length=3, choices=[(IN, "in"), (OUT, "out")])
    message_type = models.PositiveSmallIntegerField(null=True)
    action = models.CharField(max_length=50, blank=True)
    unique_id = models.CharField(max_length=100, blank=True)
    payload = models.JSONField(null=True)
    raw = models.TextField(blank=True, help_text="The frame as received when it was not valid JSON")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["station", "-created_at"])]
        ordering = ["-created_at", "-id"]
