"""Daily and monthly rollups: what a report page reads, so that it renders in one query at fleet
size (docs/reports.md, "Rollups"). Written by `reports.services.rollup_stations` (every 15
minutes for yesterday and today, `manage.py reports_rebuild --since` for history); a month's rows
are summed from its days whenever they are written."""

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


class _Month(models.Model):
    """The sums of one station's or one site's days of a calendar month (their local days), so
    that a long period reads a row per whole month and only its partial first and last months'
    days (docs/reports.md, "Rollups"). Written from the day rows, whenever they are written
    (reports.services.months_rollup); `connectors` is the most on any day of the month (the
    figures use the connector-seconds, which are summed)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="Its first day")
    seconds = models.PositiveBigIntegerField(default=0)
    online_s = models.PositiveBigIntegerField(default=0)
    uptime_s = models.PositiveBigIntegerField(default=0)
    faulted_s = models.PositiveBigIntegerField(default=0)
    connectors = models.PositiveIntegerField(default=0, help_text="The most on any day")
    connector_s = models.PositiveBigIntegerField(default=0)
    occupied_cs = models.PositiveBigIntegerField(default=0)
    charging_cs = models.PositiveBigIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    energy_wh = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True, help_text="The days' (the greatest)")
    revenue_net = models.DecimalField(**MONEY)
    revenue_gross = models.DecimalField(**MONEY)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["month"]


class StationMonth(_Month):
    """A station's month: the sum of its StationDay rows of that month."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="report_months")

    class Meta(_Month.Meta):
        constraints = [models.UniqueConstraint(fields=["station", "month"], name="station_month_once")]
        # As StationDay's: a sorted table's sum per station reads (tenant, month, station).
        indexes = [models.Index(fields=["tenant", "month", "station"], name="station_month_ranked")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m}"


class SiteMonth(_Month):
    """A site's month: the sum of its SiteDay rows of that month."""

    location = models.ForeignKey("stations.Location", on_delete=models.CASCADE, related_name="+")

    class Meta(_Month.Meta):
        constraints = [models.UniqueConstraint(fields=["location", "month"], name="site_month_once")]
        indexes = [models.Index(fields=["tenant", "month", "location"], name="site_month_ranked")]
