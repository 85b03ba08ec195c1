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


class LimitSource(models.TextChoices):
    """chargingLimitSource (OCPP 2.0.1): who set a limit on the station."""

    EMS = "EMS", "Energy management system"
    OTHER = "Other"
    SO = "SO", "System operator (grid)"
    CSO = "CSO", "Charging station operator"


class LimitEnded(models.TextChoices):
    ACTIVE = ""
    REPLACED = "Replaced", "Replaced by a newer notification"
    CLEARED = "Cleared", "Released (ClearedChargingLimit)"


class ExternalChargingLimit(models.Model):
    """A limit an external system (a grid operator, an energy management system) set on a 2.0.1
    station, as the station told it with NotifyChargingLimit: never sent by us. One active row per
    station, EVSE (0: the whole station) and source; a newer notification replaces it, a
    ClearedChargingLimit ends it. Load management never gives the EVSE more than it
    (docs/ocpp201.md, "External charging limits")."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE,
                                related_name="external_charging_limits")
    evse_id = models.PositiveIntegerField(default=0, help_text="0: the whole station")
    source = models.CharField(max_length=5, choices=LimitSource.choices)
    grid_critical = models.BooleanField(null=True, blank=True, help_text="isGridCritical, if told")
    schedules = models.JSONField(default=list, blank=True,
                                 help_text="chargingSchedule as notified (OCPP 2.0.1 JSON); "
                                           "empty: the station did not tell the limit")
    received_at = models.DateTimeField()
    ended = models.CharField(max_length=10, choices=LimitEnded.choices, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["station", "evse_id", "source"], condition=models.Q(ended=""),
            name="external_limit_active_once")]
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} limit on {self.station_id}/{self.evse_id}"


class ChargingNeeds(models.Model):
    """What an ISO 15118 car told of its needs through a 2.0.1 station's NotifyEVChargingNeeds:
    the energy it asks, when it leaves, the currents it takes (AC per phase; DC on the DC side).
    Load management shares a cap by it (docs/smart-charging.md §7); the latest row of a
    session is the one in force. `meter_wh`: the session's meter when it came, so what was
    delivered since tells what is still needed."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="charging_needs")
    evse_id = models.PositiveIntegerField()
    session = models.ForeignKey("stations.ChargingSession", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="charging_needs")
    requested_energy_transfer = models.CharField(max_length=20, help_text="DC, AC_three_phase...")
    departure_time = models.DateTimeField(null=True, blank=True)
    energy_amount_wh = models.PositiveIntegerField(null=True, blank=True,
                                                   help_text="Energy asked, Wh")
    ev_min_current = models.PositiveIntegerField(null=True, blank=True, help_text="A")
    ev_max_current = models.PositiveIntegerField(null=True, blank=True, help_text="A")
    ev_max_voltage = models.PositiveIntegerField(null=True, blank=True, help_text="V")
    ev_max_power = models.PositiveIntegerField(null=True, blank=True, help_text="W (DC)")
    state_of_charge = models.PositiveSmallIntegerField(null=True, blank=True, help_text="% (DC)")
    max_schedule_tuples = models.PositiveIntegerField(null=True, blank=True)
    meter_wh = models.BigIntegerField(null=True, blank=True,
                                      help_text="The session's meter when the needs came")
    payload = models.JSONField(default=dict, help_text="chargingNeeds as received")
    status = models.CharField(max_length=15, help_text="Our answer: Accepted or Rejected")
    received_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["station", "evse_id", "-received_at"],
                                name="charging_needs_latest")]
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"charging needs of {self.station_id}/{self.evse_id}"


class EVChargingSchedule(models.Model):
    """The schedule an ISO 15118 car proposed (NotifyEVChargingSchedule) and our answer:
    Accepted when it keeps within the TxProfile we gave its transaction, Rejected when a period
    asks more (then a new TxProfile follows: 2.0.1 K15.FR.13)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="ev_schedules")
    evse_id = models.PositiveIntegerField()
    session = models.ForeignKey("stations.ChargingSession", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="ev_schedules")
    time_base = models.DateTimeField()
    schedule = models.JSONField(help_text="chargingSchedule as received")
    status = models.CharField(max_length=10, help_text="Accepted or Rejected")
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was rejected")
    profile = models.ForeignKey(ChargingProfile, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The profile it was checked against")
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"EV schedule on {self.station_id}/{self.evse_id}: {self.status}"
