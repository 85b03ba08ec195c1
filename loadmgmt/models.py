"""Load groups (a site or a feeder with a grid-connection cap), what the load manager knows of
each station and connector, and the record of every allocation and every limit sent.

Currents are amperes per phase. The live state a rebalance reads (sessions, statuses, meter
samples) stays in the stations app; these tables hold only the load manager's own."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from stations.models import Station
from tenants.models import Tenant
from tenants.validators import SameTenantReferences, validate_same_tenant

AMPS = {"max_digits": 7, "decimal_places": 1, "validators": [MinValueValidator(Decimal(0))]}


class BaseLoadSource(models.TextChoices):
    FIXED = "fixed", "Fixed: base_load_current"
    API = "api", "Measured, pushed through the API"
    METER = "meter", "Measured by a station's connector-0 meter"


class LoadGroup(SameTenantReferences, models.Model):
    tenant_references = ("base_load_meter",)  # must be the group's tenant's (clean)
    # Its tariff is billing's (billing.LoadGroupTariff): load management knows nothing of prices.

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="load_groups")
    name = models.CharField(max_length=200)
    max_current = models.DecimalField(**AMPS, help_text="The cap: amperes per phase")
    max_power = models.DecimalField(
        max_digits=9, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Optional cap in kW; the lower of the two caps holds")
    phases = models.PositiveSmallIntegerField(choices=[(1, "1"), (3, "3")], default=3)
    voltage = models.PositiveSmallIntegerField(
        default=230, validators=[MinValueValidator(100), MaxValueValidator(400)],
        help_text="Phase to neutral, V")
    min_current = models.DecimalField(**AMPS, default=Decimal(6),
                                      help_text="The least a charging car is given (IEC 61851: 6 A)")
    failsafe_current = models.DecimalField(
        **AMPS, default=Decimal(6),
        help_text="Each station's default (TxDefaultProfile): what a new session starts with and "
                  "what a station keeps to without the link. 0 holds the cap strictly.")
    safety_margin = models.DecimalField(**AMPS, default=Decimal(0))
    base_load_current = models.DecimalField(
        **AMPS, default=Decimal(0),
        help_text="The building's load: fixed, and the fallback when a measurement is stale")
    base_load_source = models.CharField(max_length=5, choices=BaseLoadSource.choices,
                                        default=BaseLoadSource.FIXED)
    base_load_meter = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Source 'meter': the station whose connector-0 MeterValues measure the building "
                  "without the chargers")
    base_load_measured = models.JSONField(default=dict, blank=True,
                                          help_text='Per phase, e.g. {"1": "12.5", ...}')
    base_load_measured_at = models.DateTimeField(null=True, blank=True)
    stations = models.ManyToManyField(
        Station, through="LoadGroupMember", related_name="+", blank=True, editable=False,
        help_text="Joined and left through loadmgmt.services (station_group_set)")
    # A rebalance is asked for by setting this (if unset) and queuing one task; the task clears
    # it as it starts, so a burst of triggers makes one run (see loadmgmt/tasks.py, request_rebalance).
    rebalance_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class LoadGroupMember(models.Model):
    """A station's place in a load group: at most one group per station. Load management owns
    the link, so the station core knows nothing of load groups (docs/architecture.md)."""

    station = models.OneToOneField(Station, on_delete=models.CASCADE, primary_key=True,
                                   related_name="load_group_membership")
    group = models.ForeignKey(LoadGroup, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.station_id} in {self.group_id}"

    def clean(self) -> None:
        """A station joins a group of its own tenant only."""
        validate_same_tenant(self.station.tenant_id, {"group": self.group})


class StationControl(models.Model):
    """What the load manager learnt of a station: the rate unit it takes and whether it obeys."""

    station = models.OneToOneField(Station, on_delete=models.CASCADE, primary_key=True,
                                   related_name="load_control")
    rate_units = models.CharField(
        max_length=20, blank=True,
        help_text="ChargingScheduleAllowedChargingRateUnit: Current, Power or both; blank: unknown")
    controllable = models.BooleanField(default=True)
    reason = models.CharField(max_length=200, blank=True, help_text="Why it is not controllable")
    checked_at = models.DateTimeField(null=True, blank=True)


def transaction_key(session) -> str:
    """A session's transaction as the station names it, the same string for either OCPP version
    (1.6: our integer, 2.0.1: the station's id); "" for a session without one."""
    if session.station_transaction_id:
        return session.station_transaction_id
    return "" if session.transaction_id is None else str(session.transaction_id)


def ocpp_transaction_id(session) -> int | str | None:
    """The transactionId a TxProfile carries: our integer for a 1.6 session, the station's
    string for a 2.0.1 one (docs/domain-model.md)."""
    return session.transaction_id if session.transaction_id is not None else (
        session.station_transaction_id or None)


class ConnectorLimit(models.Model):
    """The limit the load manager last sent to a connector (0: the station's failsafe
    TxDefaultProfile) and the station's answer."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+")
    connector_id = models.PositiveIntegerField()
    transaction_id = models.IntegerField(null=True, blank=True)
    station_transaction_id = models.CharField(
        max_length=36, blank=True, help_text="The transaction as the station names it (1.6: our "
                                             "integer as a string; 2.0.1: the station's id)")
    limit = models.DecimalField(max_digits=7, decimal_places=1)
    held = models.BooleanField(default=False, help_text="Held near what the car draws (it drew "
                                                        "clearly less than its share)")
    status = models.CharField(max_length=15, help_text="The answer, or the failure")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "connector_id"],
                                               name="limit_per_connector")]

    @property
    def accepted(self) -> bool:
        return self.status == "Accepted"

    def for_session(self, session) -> bool:
        """This limit was sent for the session's transaction."""
        key = transaction_key(session)
        return bool(key) and self.station_transaction_id == key


class Allocation(models.Model):
    """One run of the allocator over a group: its inputs, its result and why it ran."""

    group = models.ForeignKey(LoadGroup, on_delete=models.CASCADE, related_name="allocations")
    reason = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)
    max_current = models.DecimalField(max_digits=7, decimal_places=1)
    available = models.JSONField(help_text="Per phase, for the controllable sessions")
    allocated = models.JSONField(help_text="Per phase, the sum of the limits given")
    reserved = models.JSONField(help_text="Per phase, held for offline or uncontrollable stations")
    base_load = models.JSONField(help_text="Per phase")
    connectors = models.JSONField(help_text="One entry per connector: limit, measured, status")
    measured = models.DecimalField(
        max_digits=9, decimal_places=1, null=True, blank=True,
        help_text="The most loaded phase's measured current over the connectors (A), for the plot of "
                  "the history: read without the connectors (hundreds per row in a large group)")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "-created_at"])]


class LimitSent(models.Model):
    """One SetChargingProfile the load manager sent, with the station's answer."""

    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="limits_sent")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="+")
    connector_id = models.PositiveIntegerField()
    transaction_id = models.IntegerField(null=True, blank=True)
    station_transaction_id = models.CharField(max_length=36, blank=True,
                                              help_text="The transaction as the station names it")
    purpose = models.CharField(max_length=25)
    limit = models.DecimalField(max_digits=7, decimal_places=1, help_text="A per phase")
    status = models.CharField(max_length=15, blank=True, help_text="The answer, or the failure")
    profile = models.ForeignKey("smartcharging.ChargingProfile", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
