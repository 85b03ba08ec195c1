"""The catalogue of webhook event types (GET /api/v1/webhooks/event-types/): what an endpoint
may subscribe to, each type's payload version and a JSON Schema of its `data`, beside the
OpenAPI schema at /api/schema/ (docs/webhooks.md). Managers only, like the rest of webhooks."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.models import Role
from tenants.permissions import token_role
from webhooks.catalogue import EVENT_TYPES, PAYLOAD_VERSION
from webhooks.payloads import SCHEMAS


class ManagersOnly(permissions.BasePermission):
    message = "Only a manager's token manages webhooks."

    def has_permission(self, request, view) -> bool:
        return (getattr(request._request, "tenant", None) is not None
                and token_role(request) == Role.MANAGER)


class EventTypeSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='e.g. "session.stopped"')
    description = serializers.CharField()
    version = serializers.IntegerField(help_text="The payload's version (the envelope's `version`)")
    schema = serializers.JSONField(help_text="A JSON Schema (draft 2020-12) of the event's `data`")


def event_types() -> list[dict]:
    return [{"type": name, "description": description, "version": PAYLOAD_VERSION,
             "schema": {"$schema": "https://json-schema.org/draft/2020-12/schema", **SCHEMAS[name]}}
            for name, description in EVENT_TYPES.items()]


class EventTypesView(APIView):
    """Every event type a webhook endpoint can subscribe to, with its payload's schema."""

    permission_classes = [ManagersOnly]

    @extend_schema(operation_id="v1_webhooks_event_types_list",
                   responses={200: EventTypeSerializer(many=True)})
    def get(self, request):
        return Response(EventTypeSerializer(event_types(), many=True).data)
