"""An audit entry as the API shows it: every field but the tenant (the caller's own)."""

from rest_framework import serializers

from audit.models import AuditEntry

FIELDS = ["id", "at", "request_id", "via", "actor_type", "actor_id", "actor", "ip", "method", "path",
          "action", "object_type", "object_id", "object_repr", "station_id", "station_identity",
          "changes", "result"]


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = FIELDS
        read_only_fields = FIELDS
