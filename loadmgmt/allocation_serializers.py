"""An allocation as the API returns it (GET /api/v1/load-groups/<id>/allocation/) and the
dashboard's `load.allocation` events carry it (loadmgmt/allocation_feed.py): one shape for both. Apart from
the load-group serializers (loadmgmt/serializers.py, an edge that shows billing's tariff), so
that the core's live events import nothing of billing."""

from decimal import Decimal

from rest_framework import serializers

from loadmgmt.models import Allocation


class AllocatedConnectorSerializer(serializers.Serializer):
    station = serializers.CharField()
    connector_id = serializers.IntegerField()
    transaction_id = serializers.IntegerField(allow_null=True, help_text="1.6: the id we assigned")
    station_transaction_id = serializers.CharField(
        default="", help_text="The transaction as the station names it (2.0.1: its own id)")
    limit = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True,
                                     help_text="A per phase; null: no session to steer")
    measured_current = serializers.DecimalField(max_digits=9, decimal_places=1, allow_null=True)
    status = serializers.CharField(help_text="The connector's OCPP status")
    phases = serializers.ListField(child=serializers.IntegerField())
    priority = serializers.IntegerField()
    needed_current = serializers.DecimalField(
        max_digits=7, decimal_places=1, allow_null=True, default=None,
        help_text="A per phase the car needs to have its energy by its departure (ISO 15118)")
    steered = serializers.BooleanField(help_text="False: offline or refusing profiles, counted at "
                                                 "its last limits or its maximum")
    connected = serializers.BooleanField()


class AllocationSerializer(serializers.ModelSerializer):
    available_current = serializers.SerializerMethodField(
        help_text="The least any phase can give the sessions (cap - margin - base load - reserved)")
    allocated_current = serializers.SerializerMethodField(help_text="The most given on any phase")
    connectors = AllocatedConnectorSerializer(many=True)

    class Meta:
        model = Allocation
        fields = ["id", "created_at", "reason", "max_current", "available_current",
                  "allocated_current", "available", "allocated", "reserved", "base_load",
                  "connectors"]

    def _phases(self, obj) -> list[str]:
        return ["1", "2", "3"] if obj.group.phases == 3 else ["1"]

    def get_available_current(self, obj) -> str:
        return str(min(Decimal(obj.available[p]) for p in self._phases(obj)))

    def get_allocated_current(self, obj) -> str:
        return str(max(Decimal(obj.allocated[p]) for p in self._phases(obj)))
