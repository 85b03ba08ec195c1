"""Load groups, their allocation (latest and history), a rebalance on demand, and measured base
loads pushed by a building's energy meter (see docs/api.md,
Load management, and docs/smart-charging.md §2)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from loadmgmt import selectors
from loadmgmt.allocation_serializers import AllocationSerializer
from loadmgmt.group_tariff import load_group_with_tariff_create, load_group_with_tariff_update
from loadmgmt.models import BaseLoadSource, LoadGroup
from loadmgmt.rebalance import rebalance
from loadmgmt.serializers import BaseLoadSerializer, LoadGroupSerializer
from loadmgmt.services import base_load_measured_set, load_group_delete
from loadmgmt.tasks import request_rebalance
from tenants.api import TenantModelViewSet

HISTORY = 20


class LoadGroupViewSet(TenantModelViewSet):
    queryset = LoadGroup.objects.none()
    serializer_class = LoadGroupSerializer

    def tenant_queryset(self, tenant):
        return selectors.load_groups_of(tenant).select_related("group_tariff")  # billing's

    def perform_create(self, serializer):
        serializer.instance = load_group_with_tariff_create(tenant=self.request.tenant,
                                                            **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = load_group_with_tariff_update(group=serializer.instance,
                                                            **serializer.validated_data)

    def perform_destroy(self, instance):
        load_group_delete(group=instance)

    @extend_schema(
        parameters=[OpenApiParameter("history", int, description=f"How many earlier allocations "
                                                                f"(default {HISTORY}, at most 500)")],
        responses=inline_serializer("LoadGroupAllocation", {
            "max_current": serializers.DecimalField(max_digits=7, decimal_places=1),
            "available_current": serializers.DecimalField(max_digits=7, decimal_places=1),
            "allocated_current": serializers.DecimalField(max_digits=7, decimal_places=1),
            "connectors": serializers.ListField(), "history": AllocationSerializer(many=True)}))
    @action(detail=True, methods=["get"])
    def allocation(self, request, pk=None, format=None):  # format: the router's .json suffix
        """The latest allocation (a dry run of the allocator if the group has none yet), with
        the earlier ones, newest first."""
        group = self.get_object()
        try:
            size = min(max(int(request.query_params.get("history", HISTORY)), 0), 500)
        except ValueError:
            raise ValidationError({"history": ["A whole number."]}) from None
        allocations = list(group.allocations.select_related("group")[:size + 1])
        latest = allocations[0] if allocations else selectors.allocation_preview(group=group)
        body = AllocationSerializer(latest).data
        body["history"] = AllocationSerializer(allocations[1:], many=True).data
        return Response(body)

    @extend_schema(request=None, responses=AllocationSerializer)
    @action(detail=True, methods=["post"])
    def rebalance(self, request, pk=None, format=None):
        """Allocate now and bring the stations to it; answers with the allocation."""
        group = self.get_object()
        allocation = rebalance(group.pk, "on demand")
        return Response(AllocationSerializer(allocation).data)

    @extend_schema(request=BaseLoadSerializer, responses=LoadGroupSerializer)
    @action(detail=True, methods=["post"], url_path="base-load")
    def base_load(self, request, pk=None, format=None):
        """A measurement of the building's load (its energy meter pushing it); used while it is
        fresh when the group's base_load_source is 'api'."""
        group = self.get_object()
        if group.base_load_source != BaseLoadSource.API:
            raise ValidationError({"base_load_source": [
                f"This group's base load is '{group.base_load_source}'; set base_load_source to "
                f"'api' to push measurements."]})
        serializer = BaseLoadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        base_load_measured_set(group=group, currents=serializer.validated_data["per_phase"],
                               measured_at=serializer.validated_data.get("measured_at"))
        request_rebalance(group_id=group.pk, reason="base load measured")
        return Response(self.get_serializer(group).data, status=status.HTTP_200_OK)
