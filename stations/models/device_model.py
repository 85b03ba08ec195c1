"""What a station reports about itself: components, their variables, the variables' attributes
and monitors (OCPP 2.0.1's device model). A 1.6 station's configuration keys are variables of
one component too, so both versions are read and edited the same way (docs/domain-model.md, the device
model)."""

from django.db import models
from django.db.models.functions import Coalesce

from stations.models.station import Station

# The component that holds a 1.6 station's configuration keys, one variable per key.
CONFIGURATION_KEYS = "OCPP16Configuration"


class Component(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=50)
    instance = models.CharField(max_length=50, blank=True)
    evse_id = models.PositiveIntegerField(null=True, blank=True)
    connector_id = models.PositiveIntegerField(null=True, blank=True,
                                               help_text="Within its EVSE")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "station", "name", "instance", Coalesce("evse_id", -1), Coalesce("connector_id", -1),
                name="component_per_station"),
        ]
        ordering = ["name", "instance", "evse_id", "connector_id"]

    def __str__(self) -> str:
        return self.name + (f"[{self.instance}]" if self.instance else "")


class Variable(models.Model):
    """One variable of a component, with its characteristics as the station described them."""

    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="variables")
    name = models.CharField(max_length=50)
    instance = models.CharField(max_length=50, blank=True)
    # VariableCharacteristics (NotifyReport); blank where the station did not say
    unit = models.CharField(max_length=16, blank=True)
    data_type = models.CharField(max_length=20, blank=True)
    min_limit = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_limit = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    values_list = models.CharField(max_length=1000, blank=True)
    supports_monitoring = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["component", "name", "instance"],
                                    name="variable_per_component"),
        ]
        ordering = ["name", "instance"]

    def __str__(self) -> str:
        return self.name + (f"[{self.instance}]" if self.instance else "")


class AttributeType(models.TextChoices):
    ACTUAL = "Actual"
    TARGET = "Target"
    MIN_SET = "MinSet"
    MAX_SET = "MaxSet"


class Mutability(models.TextChoices):
    READ_ONLY = "ReadOnly"
    WRITE_ONLY = "WriteOnly"
    READ_WRITE = "ReadWrite"


class VariableAttribute(models.Model):
    """One value of a variable (Actual, Target, MinSet, MaxSet), as last learnt from the station."""

    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="attributes")
    type = models.CharField(max_length=10, choices=AttributeType.choices,
                            default=AttributeType.ACTUAL)
    value = models.CharField(max_length=2500, blank=True)
    mutability = models.CharField(max_length=10, choices=Mutability.choices,
                                  default=Mutability.READ_WRITE)
    persistent = models.BooleanField(default=False)
    constant = models.BooleanField(default=False)
    source = models.CharField(max_length=20, blank=True,
                              help_text="How it was learnt: report, get or set")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variable", "type"], name="attribute_per_variable"),
        ]
        ordering = ["type"]


class VariableMonitor(models.Model):
    """A monitor set on a variable (OCPP 2.0.1 SetVariableMonitoring or a station's preset)."""

    variable = models.ForeignKey(Variable, on_delete=models.CASCADE, related_name="monitors")
    monitor_id = models.IntegerField(help_text="The station's id for it")
    type = models.CharField(max_length=30)
    value = models.DecimalField(max_digits=20, decimal_places=6)
    severity = models.PositiveSmallIntegerField(help_text="0 (Danger) .. 9 (Debug)")
    transaction = models.BooleanField(default=False, help_text="Only while a transaction runs")
    preset = models.BooleanField(default=False, help_text="Set by the station, not by us")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variable", "monitor_id"], name="monitor_per_variable"),
        ]
        ordering = ["monitor_id"]


class DeviceReport(models.Model):
    """A report we asked a 2.0.1 station for (GetBaseReport, GetReport, GetMonitoringReport): its
    NotifyReport parts arrive under `request_id` and are assembled into the device model."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="device_reports")
    request_id = models.IntegerField()
    kind = models.CharField(max_length=40, help_text="ConfigurationInventory, FullInventory, "
                                                     "SummaryInventory or Custom")
    status = models.CharField(max_length=20, blank=True, help_text="The station's answer to the request")
    parts = models.PositiveIntegerField(default=0, help_text="NotifyReport parts received")
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True,
                                        help_text="Every part up to the last (tbc false) came")
    seq_nos = models.JSONField(default=list, blank=True,
                               help_text="The seqNo of each part received (a repeat counts once)")
    last_seq_no = models.IntegerField(null=True, blank=True,
                                      help_text="The seqNo of the part with tbc false, once it came")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "request_id"],
                                               name="device_report_request_once")]
        ordering = ["-requested_at"]
