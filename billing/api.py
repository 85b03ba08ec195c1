"""Tariffs and customers. Views translate; billing.services writes, billing.selectors reads."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response

from billing import selectors
from billing.models import Customer, Tariff
from billing.serializers import CustomerSerializer, TariffSerializer
from billing.services import TariffInUse, tariff_change_cancel, tariff_create, tariff_delete, tariff_update
from tenants.api import TenantModelViewSet


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


VERSIONED = ("A tariff in use (a session priced with it or running under it) is not changed in place: "
             "the answer is a new version (new id, version + 1) and the stations, load groups and "
             "default that pointed at the old one follow it. 409: an old, superseded version.")


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter(
        "all_versions", bool, description="Include superseded versions (default: current ones only)")]),
    update=extend_schema(description=VERSIONED, responses={200: TariffSerializer, 409: OpenApiResponse()}),
    partial_update=extend_schema(description=VERSIONED,
                                 responses={200: TariffSerializer, 409: OpenApiResponse()}),
    destroy=extend_schema(responses={204: None, 409: OpenApiResponse(
        description="In use by sessions, or assigned to stations or load groups")}),
)
class TariffViewSet(TenantModelViewSet):
    area = "money"
    queryset = Tariff.objects.none()
    serializer_class = TariffSerializer

    def tenant_queryset(self, tenant):
        every = self.action != "list" or self.request.query_params.get("all_versions") in ("1", "true")
        return selectors.tariffs_of(tenant, include_superseded=every)

    def perform_create(self, serializer):
        serializer.instance = tariff_create(tenant=self.request.tenant, **serializer.validated_data)

    def perform_update(self, serializer):
        try:
            serializer.instance = tariff_update(tariff=serializer.instance, **serializer.validated_data)
        except TariffInUse as error:
            raise Conflict(str(error)) from None
        except Tariff.DoesNotExist:  # deleted since it was read
            raise NotFound() from None

    def perform_destroy(self, instance):
        try:
            tariff_delete(tariff=instance)
        except TariffInUse as error:
            raise Conflict(str(error)) from None

    @extend_schema(request=None, responses={200: TariffSerializer, 409: OpenApiResponse(
        description="No change pending on this version")})
    @action(detail=True, methods=["post"], url_path="cancel-change")
    def cancel_change(self, request, pk=None, format=None):
        """Cancel a scheduled price change (this version, not in force yet): the version before it
        is current again; the answer is that version."""
        try:
            previous = tariff_change_cancel(tariff=self.get_object())
        except TariffInUse as error:
            raise Conflict(str(error)) from None
        return Response(self.get_serializer(previous).data)


@extend_schema_view(destroy=extend_schema(responses={
    204: None, 409: OpenApiResponse(description="Invoices still refer to the customer")}))
class CustomerViewSet(TenantModelViewSet):
    area = "money"
    queryset = Customer.objects.none()
    serializer_class = CustomerSerializer

    def tenant_queryset(self, tenant):
        return selectors.customers_of(tenant)
