"""The webhooks API's shapes. A secret appears only in the answer that made it (create, rotate)."""

from rest_framework import serializers

from webhooks.catalogue import EVENT_TYPES
from webhooks.delivery import UnsafeURL, url_check
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

TYPE_CHOICES = sorted(EVENT_TYPES)


class EndpointSerializer(serializers.ModelSerializer):
    url = serializers.URLField(max_length=500, help_text="https:// (http and private addresses "
                                                          "only where WEBHOOK_ALLOW_PRIVATE)")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=TYPE_CHOICES), required=False, default=list,
        max_length=len(TYPE_CHOICES) * 2, help_text="The types it receives; empty: every type")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "enabled", "disabled_reason",
                  "consecutive_failures", "secret_prefix", "previous_secret_expires_at",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "disabled_reason", "consecutive_failures", "secret_prefix",
                            "previous_secret_expires_at", "created_at", "updated_at"]

    def validate_url(self, url: str) -> str:
        try:
            url_check(url)
        except UnsafeURL as refused:
            raise serializers.ValidationError(str(refused)) from None
        return url


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown this once: keep it")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new secret, shown this once")
    secret_prefix = serializers.CharField()
    previous_secret_expires_at = serializers.DateTimeField(
        help_text="Until then the old secret signs too (a second v1= in Webhook-Signature)")


class EventSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station_identity", read_only=True, allow_null=True,
                                    default=None, help_text="The station's identity, if any")

    class Meta:
        model = WebhookEvent
        fields = ["id", "type", "version", "station_id", "station", "occurred_at", "created_at", "data"]
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["at", "status_code", "duration_ms", "error", "response_excerpt"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type", read_only=True)
    attempt_log = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event", "event_type", "station_id", "state", "replay",
                  "attempts", "next_attempt_at", "last_status_code", "last_error",
                  "last_attempt_at", "delivered_at", "created_at", "attempt_log"]
        read_only_fields = fields


class EventReplaySerializer(serializers.Serializer):
    endpoint = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                        help_text="Only to this endpoint (default: every enabled "
                                                  "endpoint that takes the event's type)")


class RangeReplaySerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    endpoint = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    # Plain strings checked against the catalogue: a second enum of the same choices under
    # another field name would be a second OpenAPI component of them.
    types = serializers.ListField(child=serializers.CharField(max_length=50), required=False,
                                  max_length=len(TYPE_CHOICES) * 2,
                                  help_text="Event types (as an endpoint's event_types); default: all")

    def validate_types(self, types: list[str]) -> list[str]:
        unknown = sorted(set(types) - set(EVENT_TYPES))
        if unknown:
            raise serializers.ValidationError(f"Unknown event types: {', '.join(unknown)}.")
        return types

    def validate(self, attrs: dict) -> dict:
        if attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["until must be after since."]})
        return attrs


class ReplayedSerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="How many deliveries were queued")
