from django.db import models

from stations.models import ChargingSession, Station
from tenants.models import Tenant


class ReservationStatus(models.TextChoices):
    PENDING = "Pending"  # ReserveNow sent, no answer yet
    ACCEPTED = "Accepted"
    FAULTED = "Faulted"
    OCCUPIED = "Occupied"
    REJECTED = "Rejected"
    UNAVAILABLE = "Unavailable"
    CANCELLED = "Cancelled"
    USED = "Used"  # a StartTransaction named it
    EXPIRED = "Expired"
    SEND_FAILED = "SendFailed", "Send failed (no usable answer)"


class Reservation(models.Model):
    """A connector (or, with connector 0, any connector of the station) held for an id tag until
    `expiry_date`. The station enforces it; the backend records the answers and the outcome."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="reservations")
    reservation_id = models.IntegerField(help_text="The OCPP reservationId, unique per station")
    connector_id = models.PositiveIntegerField(help_text="0: any connector of the station")
    connector_type = models.CharField(
        max_length=20, blank=True,
        help_text="OCPP 2.0.1 connectorType (e.g. cCCS2, cType2): any EVSE with such a connector")
    id_tag = models.CharField(max_length=36)  # an OCPP 2.0.1 IdToken; a 1.6 idTag is up to 20
    token_type = models.CharField(max_length=20, blank=True,
                                  help_text="The id token's type (OCPP 2.0.1 IdTokenType)")
    parent_id_tag = models.CharField(max_length=36, blank=True)
    expiry_date = models.DateTimeField()
    status = models.CharField(max_length=12, choices=ReservationStatus.choices,
                              default=ReservationStatus.PENDING)
    error = models.TextField(blank=True, help_text="Why ReserveNow got no usable answer")
    cancel_status = models.CharField(max_length=10, blank=True,
                                     help_text="The station's answer to the last CancelReservation")
    session = models.ForeignKey(ChargingSession, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The transaction that used it")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "reservation_id"],
                                               name="reservation_id_per_station")]
        indexes = [models.Index(fields=["status", "expiry_date"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"reservation {self.reservation_id} of {self.id_tag}: {self.status}"
