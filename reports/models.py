"""Daily rollups: what a report page reads, so that it renders in one query at fleet size
(docs/reports.md, "Rollups"). Written by `reports.services.rollup_stations` (every 15 minutes
for yesterday and today, `manage.py reports_rebuild --since` for history)."""

from django.db import models

from stations.models import Station
from tenants.models import Tenant

MONEY = {"max_digits": 14, "decimal_places": 2, "default": 0}


class StationDay(models.Model):
    """One station's figures over one day in its time zone (the station's, else the tenant's).
    Times in seconds; occupied and charging in connector-seconds (docs/reports.md)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="report_days")
    day = models.DateField()
    seconds = models.PositiveIntegerField(help_text="The part of the day counted (a station added "
                                                    "that day: from then; today: until now)")
    online_s = models.PositiveIntegerField(default=0)
    uptime_s = models.PositiveIntegerField(default=0, help_text="Online and not faulted")
    faulted_s = models.PositiveIntegerField(default=0)
    connectors = models.PositiveSmallIntegerField(default=0)
    connector_s = models.PositiveBigIntegerField(default=0, help_text="connectors × seconds")
    occupied_cs = models.PositiveBigIntegerField(default=0)
    charging_cs = models.PositiveBigIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0, help_text="Started this day")
    energy_wh = models.BigIntegerField(default=0, help_text="Of the sessions started this day")
    currency = models.CharField(max_length=3, blank=True)
    revenue_net = models.DecimalField(**MONEY)
    revenue_gross = models.DecimalField(**MONEY)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "day"], name="station_day_once")]
        # (tenant, day, station): a sorted table's sum per station over a period reads the index
        # in the order it groups (bench/README.md, reports.py).
        indexes = [models.Index(fields=["tenant", "day"]),
                   models.Index(fields=["tenant", "day", "station"], name="station_day_ranked")]
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day}"


class _Totals(models.Model):
    """The sums of the StationDay rows of a tenant's or a site's day (the same fields), so that
    a series over a year reads a row per day, not one per station and day."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    seconds = models.PositiveBigIntegerField(default=0)
    online_s = models.PositiveBigIntegerField(default=0)
    uptime_s = models.PositiveBigIntegerField(default=0)
    faulted_s = models.PositiveBigIntegerField(default=0)
    connectors = models.PositiveIntegerField(default=0)
    connector_s = models.PositiveBigIntegerField(default=0)
    occupied_cs = models.PositiveBigIntegerField(default=0)
    charging_cs = models.PositiveBigIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    energy_wh = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    revenue_net = models.DecimalField(**MONEY)
    revenue_gross = models.DecimalField(**MONEY)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["day"]


class TenantDay(_Totals):
    """A tenant's day: the sum of its stations' days."""

    class Meta(_Totals.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="tenant_day_once")]


class SiteDay(_Totals):
    """A site's day: the sum of the days of the stations placed there when it was computed."""

    location = models.ForeignKey("stations.Location", on_delete=models.CASCADE, related_name="+")

    class Meta(_Totals.Meta):
        constraints = [models.UniqueConstraint(fields=["location", "day"], name="site_day_once")]
        indexes = [models.Index(fields=["tenant", "day", "location"], name="site_day_ranked")]
