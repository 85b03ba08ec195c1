"""The reports API's shapes (docs/reports.md, "API"): a row's figures, a station's or site's
row, and a report with its totals and its series per day or month. Money (revenue net and gross,
currency) only for the roles that handle money (tenants/permissions.py)."""

from rest_framework import serializers

from cpms.api_schema import schema_pass
from reports import rows
from tenants.permissions import handles_money

MONEY_FIELDS = ("revenue_net", "revenue_gross", "currency")
# API field <- the column key of reports/rows.py
RENAMED = {"sessions": "total_sessions", "revenue_net": "total_net", "revenue_gross": "total_gross"}


class FiguresSerializer(serializers.Serializer):
    uptime_pct = serializers.FloatField(allow_null=True, help_text="Online and not faulted, % of the "
                                        "time counted (null: no time counted)")
    occupied_pct = serializers.FloatField(allow_null=True, help_text="% of connector time occupied")
    charging_pct = serializers.FloatField(allow_null=True, help_text="% of connector time charging")
    sessions = serializers.IntegerField(help_text="Sessions started in the period")
    energy_kwh = serializers.FloatField(help_text="Energy of the sessions started in the period")
    revenue_net = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                           help_text="Money roles only")
    revenue_gross = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True,
                                             help_text="Money roles only")
    currency = serializers.CharField(allow_blank=True, help_text="Money roles only")

    def get_fields(self) -> dict:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not schema_pass(self.context.get("view")) and not handles_money(request):
            for name in MONEY_FIELDS:
                fields.pop(name, None)
        return fields

    def figures(self, item) -> dict:
        values = rows.figures_of(item, with_money=True)
        out = {}
        for name in self.fields:
            if name in FiguresSerializer._declared_fields:
                value = values.get(RENAMED.get(name, name))
                out[name] = (value or 0) if name in ("sessions", "energy_kwh") else (
                    value if name != "currency" else value or "")
        return out

    def to_representation(self, item) -> dict:
        return self.figures(item)


class StationRowSerializer(FiguresSerializer):
    station = serializers.CharField(help_text="The station's identity")
    name = serializers.CharField(allow_blank=True)
    site_id = serializers.IntegerField(allow_null=True)
    site = serializers.CharField(allow_blank=True)

    def to_representation(self, station) -> dict:
        return {"station": station.identity, "name": station.name, "site_id": station.location_id,
                "site": station.location.name if station.location_id else ""} | self.figures(station)


class SiteRowSerializer(FiguresSerializer):
    site_id = serializers.IntegerField()
    site = serializers.CharField()
    stations = serializers.IntegerField(help_text="Stations at the site now")

    def to_representation(self, site) -> dict:
        return {"site_id": site.pk, "site": site.name, "stations": site.station_count} | self.figures(site)


class BucketSerializer(FiguresSerializer):
    start = serializers.DateField(help_text="The day, or the month's first day")

    def to_representation(self, bucket) -> dict:
        return {"start": bucket["bucket"].isoformat()} | self.figures(bucket)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    interval = serializers.ChoiceField(choices=["day", "month"])


class ReportSerializer(serializers.Serializer):
    """One station's or site's report: its totals and its series."""

    station = serializers.CharField(required=False, help_text="A station's report: its identity")
    site_id = serializers.IntegerField(required=False, help_text="A site's report: its id")
    name = serializers.CharField()
    period = PeriodSerializer()
    totals = FiguresSerializer()
    series = BucketSerializer(many=True)
