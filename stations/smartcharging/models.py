"""Charging profiles sent to stations (OCPP 1.6 Smart Charging), with what each station answered.

A row is one profile sent to one connector: its OCPP JSON as sent (`payload`), the fields a load
manager queries, the schedule's periods with exact limits, the answer or the failure, and
whether the station holds it now (`installed`)."""

from django.db import models

from stations.models import Station
from tenants.models import Tenant


class Purpose(models.TextChoices):
    CHARGE_POINT_MAX = "ChargePointMaxProfile"
    TX_DEFAULT = "TxDefaultProfile"
    TX = "TxProfile"


class Kind(models.TextChoices):
    ABSOLUTE = "Absolute"
    RECURRING = "Recurring"
    RELATIVE = "Relative"


class Answer(models.TextChoices):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    NOT_SUPPORTED = "NotSupported"


class Failure(models.TextChoices):
    NOT_CONNECTED = "NotConnected"
    CALL_ERROR = "CallError"
    TIMEOUT = "Timeout"


class Waiting(models.TextChoices):
    NOTHING = ""
    START = "StartTransaction", "Sent with RemoteStartTransaction, waiting for the transaction"
    HELD = "Held", "Held back until the transaction runs (quirk tx_profile_after_start_only)"


class Ended(models.TextChoices):
    NOT_ENDED = ""
    REPLACED = "Replaced"
    CLEARED = "Cleared"
    TRANSACTION_STOPPED = "TransactionStopped"


class ChargingProfile(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="charging_profiles")
    connector_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="Blank: a remote start's profile before its connector is known")
    requested_connector_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="The connector asked for, where a quirk sent it elsewhere")
    sent_with = models.CharField(max_length=30, default="SetChargingProfile")
    id_tag = models.CharField(max_length=36, blank=True, help_text="Of the remote start it came "
                                                                   "with (2.0.1: up to 36)")
    # The profile
    payload = models.JSONField(help_text="csChargingProfiles as sent (OCPP JSON)")
    charging_profile_id = models.IntegerField()
    stack_level = models.IntegerField()
    purpose = models.CharField(max_length=25, choices=Purpose.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recurrency_kind = models.CharField(max_length=10, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    transaction_id = models.IntegerField(null=True, blank=True,
                                         help_text="OCPP 1.6: the integer the backend assigned")
    # Version-neutral (docs/domain-model.md): the EVSE (1.6: the connector) and the transaction
    # id as the station knows it, as a string.
    evse_id = models.PositiveIntegerField(null=True, blank=True,
                                          help_text="The EVSE it applies to (1.6: the connector)")
    station_transaction_id = models.CharField(max_length=36, blank=True,
                                              help_text="The transaction it is bound to, as a string")
    duration = models.IntegerField(null=True, blank=True, help_text="Seconds")
    start_schedule = models.DateTimeField(null=True, blank=True)
    charging_rate_unit = models.CharField(max_length=1, choices=[("A", "A"), ("W", "W")])
    min_charging_rate = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True)
    # The outcome
    status = models.CharField(max_length=15, choices=Answer.choices, blank=True,
                              help_text="The station's answer")
    failure = models.CharField(max_length=15, choices=Failure.choices, blank=True)
    failure_detail = models.JSONField(default=dict, blank=True)
    waiting_for = models.CharField(max_length=20, choices=Waiting.choices, blank=True)
    installed = models.BooleanField(default=False)
    ended = models.CharField(max_length=20, choices=Ended.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["station", "installed", "connector_id"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.charging_profile_id} on {self.station_id}/{self.connector_id}"


class SchedulePeriod(models.Model):
    profile = models.ForeignKey(ChargingProfile, on_delete=models.CASCADE, related_name="periods")
    start_period = models.IntegerField(help_text="Seconds from the start of the schedule")
    limit = models.DecimalField(max_digits=9, decimal_places=1, help_text="A per phase, or W")
    number_phases = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["start_period"]


class ProfileClearing(models.Model):
    """One ClearChargingProfile sent, with its criteria and the station's answer."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="profile_clearings")
    charging_profile_id = models.IntegerField(null=True, blank=True)
    connector_id = models.PositiveIntegerField(null=True, blank=True)
    purpose = models.CharField(max_length=25, choices=Purpose.choices, blank=True)
    stack_level = models.IntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, blank=True, help_text="Accepted or Unknown")
    failure = models.CharField(max_length=15, choices=Failure.choices, blank=True)
    failure_detail = models.JSONField(default=dict, blank=True)
    cleared = models.ManyToManyField(ChargingProfile, blank=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]


class ProfileReport(models.Model):
    """One GetChargingProfiles sent to a 2.0.1 station (1.6 has none): its criteria, the answer
    (Accepted or NoProfiles), and the profiles its ReportChargingProfiles parts carried, as the
    station worded them, each with its EVSE and charging limit source."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="profile_reports")
    request_id = models.IntegerField(null=True, blank=True, help_text="The requestId sent: the row's id")
    evse_id = models.PositiveIntegerField(null=True, blank=True, help_text="Blank: every EVSE")
    criteria = models.JSONField(default=dict, blank=True, help_text="chargingProfile criteria as sent")
    status = models.CharField(max_length=15, blank=True, help_text="Accepted or NoProfiles")
    failure = models.CharField(max_length=15, choices=Failure.choices, blank=True)
    failure_detail = models.JSONField(default=dict, blank=True)
    profiles = models.JSONField(default=list, blank=True,
                                help_text="[{evseId, chargingLimitSource, chargingProfile}] as reported")
    parts = models.PositiveIntegerField(default=0, help_text="ReportChargingProfiles parts received")
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="The last part (tbc false) came")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "request_id"],
                                               name="profile_report_request_once")]
        ordering = ["-requested_at", "-id"]
