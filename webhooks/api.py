"""The webhooks API (/api/v1/webhooks/, managers only): endpoints, the events sent, the
delivery log and replays. Views translate; webhooks.services writes, webhooks.selectors reads
(docs/webhooks.md, docs/api.md)."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.api import TenantListRetrieveViewSet, TenantModelViewSet
from tenants.permissions import RolePermission
from webhooks import selectors, services
from webhooks.delivery import UnsafeURL
from webhooks.event_types_api import ManagersOnly
from webhooks.filters import DeliveryFilter, EventFilter
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.serializers import (
    DeliverySerializer,
    EndpointCreatedSerializer,
    EndpointSerializer,
    EventReplaySerializer,
    EventSerializer,
    RangeReplaySerializer,
    ReplayedSerializer,
    SecretSerializer,
)

MANAGERS = [RolePermission, ManagersOnly]
UUID = r"[0-9a-fA-F-]{32,36}"


def _refused(error: Exception, field: str = "url") -> ValidationError:
    return ValidationError({field: [str(error)]})


@extend_schema_view(
    create=extend_schema(responses={201: EndpointCreatedSerializer}),
    rotate_secret=extend_schema(request=None, responses={200: SecretSerializer}),
    test=extend_schema(request=None, responses={202: DeliverySerializer, 400: OpenApiResponse(
        description="The endpoint is disabled: enable it first")}),
    enable=extend_schema(request=None, responses={200: EndpointSerializer}),
)
class EndpointViewSet(TenantModelViewSet):
    """A tenant's webhook endpoints; the secret is in the create and rotate answers only."""

    permission_classes = MANAGERS
    queryset = WebhookEndpoint.objects.none()
    serializer_class = EndpointSerializer
    lookup_value_regex = r"[0-9]+"

    def tenant_queryset(self, tenant):
        return selectors.endpoints_of(tenant)

    def create(self, request, *args, **kwargs):
        serializer = EndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "enabled"}
        try:
            endpoint, secret = services.endpoint_create(tenant=request.tenant, **data)
        except UnsafeURL as error:
            raise _refused(error) from None
        if serializer.validated_data.get("enabled") is False:
            services.endpoint_update(endpoint=endpoint, enabled=False)
        endpoint.secret = secret
        return Response(EndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        try:
            serializer.instance = services.endpoint_update(endpoint=serializer.instance,
                                                           **serializer.validated_data)
        except UnsafeURL as error:
            raise _refused(error) from None

    def perform_destroy(self, instance):
        services.endpoint_delete(endpoint=instance)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        secret = services.endpoint_rotate_secret(endpoint=endpoint)
        return Response(SecretSerializer({
            "secret": secret, "secret_prefix": endpoint.secret_prefix,
            "previous_secret_expires_at": endpoint.previous_secret_expires_at}).data)

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        """Send a `webhook.test` event to this endpoint (queued: see its delivery)."""
        endpoint = self.get_object()
        if not endpoint.enabled:
            raise ValidationError({"endpoint": ["The endpoint is disabled: enable it first."]})
        delivery = services.webhook_send_test(endpoint=endpoint)
        delivery = selectors.deliveries_of(request.tenant).get(pk=delivery.pk)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        """Re-enable a disabled endpoint: its failures forgotten, its alert resolved, its waiting
        deliveries sent."""
        endpoint = services.endpoint_enable(endpoint=self.get_object())
        return Response(EndpointSerializer(endpoint).data)


@extend_schema_view(
    retrieve=extend_schema(parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)]),
    replay=extend_schema(request=EventReplaySerializer, responses={202: DeliverySerializer(many=True)},
                         parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)]),
)
class EventViewSet(TenantListRetrieveViewSet):
    """The events written for this tenant's endpoints (newest first); each id is the
    `Webhook-Id` its deliveries carried."""

    permission_classes = MANAGERS
    queryset = WebhookEvent.objects.none()
    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_value_regex = UUID

    def tenant_queryset(self, tenant):
        return selectors.events_of(tenant).order_by("-created_at", "id")

    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Send the event again (same id) to one endpoint, or to every enabled endpoint that
        takes its type."""
        event = self.get_object()
        body = EventReplaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            made = services.webhook_replay_event(tenant=request.tenant, event_id=event.pk,
                                                 endpoint_id=body.validated_data.get("endpoint"))
        except WebhookEndpoint.DoesNotExist:
            raise ValidationError({"endpoint": ["No such endpoint in this tenant."]}) from None
        deliveries = selectors.deliveries_of(request.tenant).filter(pk__in=[d.pk for d in made])
        return Response(DeliverySerializer(deliveries, many=True).data, status=status.HTTP_202_ACCEPTED)


class DeliveryViewSet(TenantListRetrieveViewSet):
    """The delivery log (newest first), each delivery with its attempts."""

    permission_classes = MANAGERS
    queryset = WebhookDelivery.objects.none()
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilter
    lookup_value_regex = r"[0-9]+"

    def tenant_queryset(self, tenant):
        return selectors.deliveries_of(tenant).order_by("-id")


class ReplayView(APIView):
    """Replay the events written in [since, until) (optionally only some types, to one
    endpoint): how many deliveries were queued."""

    permission_classes = MANAGERS

    @extend_schema(operation_id="v1_webhooks_replay_create", request=RangeReplaySerializer,
                   responses={202: ReplayedSerializer})
    def post(self, request):
        body = RangeReplaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            queued = services.webhook_replay_range(
                tenant=request.tenant, since=data["since"], until=data["until"],
                endpoint_id=data.get("endpoint"), types=data.get("types"))
        except WebhookEndpoint.DoesNotExist:
            raise ValidationError({"endpoint": ["No such endpoint in this tenant."]}) from None
        return Response({"queued": queued}, status=status.HTTP_202_ACCEPTED)
