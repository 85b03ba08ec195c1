"""A driver's data held by a station (OCPP 2.0.1 N09/N10): the operator asks a station to report
and/or clear what it keeps of one customer, named by an identifier, an id token or a
certificate; the station answers, then sends the report in parts (NotifyCustomerInformation),
kept here and read as one text (docs/ocpp201.md "Customer information")."""

from django.db import models

from stations.models.station import Station
from tenants.models import Tenant


class CustomerInformation(models.Model):
    """One CustomerInformationRequest: what was asked, the answer, and the report's parts."""

    PENDING, SENT, FAILED = "pending", "sent", "failed"
    STATES = [(s, s) for s in (PENDING, SENT, FAILED)]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE,
                                related_name="customer_information")
    request_id = models.PositiveIntegerField(null=True, blank=True)
    report = models.BooleanField(help_text="The station reports what it keeps")
    clear = models.BooleanField(help_text="The station deletes what it keeps")
    customer_identifier = models.CharField(max_length=64, blank=True)
    id_token = models.CharField(max_length=36, blank=True)
    id_token_type = models.CharField(max_length=20, blank=True)
    certificate = models.JSONField(null=True, blank=True,
                                   help_text="The customer certificate's hash data")
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    status = models.CharField(max_length=20, blank=True,
                              help_text="The station's answer: Accepted, Rejected or Invalid")
    request = models.JSONField(null=True, blank=True, help_text="The payload as sent")
    response = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    local_list = models.CharField(max_length=200, blank=True,
                                  help_text="What clearing the token did to the station's local list")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When the report's last part came")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "request_id"], name="customer_info_request")]

    def __str__(self) -> str:
        return f"customer information #{self.request_id} of {self.station_id}"


class CustomerInformationPart(models.Model):
    """One NotifyCustomerInformation: its part of the report, in `seq_no` order."""

    request = models.ForeignKey(CustomerInformation, on_delete=models.CASCADE, related_name="parts")
    seq_no = models.PositiveIntegerField()
    tbc = models.BooleanField(default=False, help_text="More parts follow")
    data = models.CharField(max_length=512, blank=True)
    generated_at = models.DateTimeField(help_text="As the station stamped it")
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["seq_no"]
        constraints = [models.UniqueConstraint(fields=("request", "seq_no"),
                                               name="customer_info_part_once")]
