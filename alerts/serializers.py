"""What the alerts API reads and takes (docs/api.md, Alerts). Serializers only shape and check
input; the rules, mutes and acknowledgements are written by alerts/services.py."""

from django.utils import timezone
from rest_framework import serializers

from alerts.models import Alert, AlertKind, AlertNotification, Severity, StationMute
from alerts.rules import DEFAULTS
from tenants.models import Role

MAX_THRESHOLD = 60 * 24 * 366  # a year of minutes (or days): beyond it, a typo


class AlertSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True, allow_null=True,
                                    default=None, help_text="The station's identity, if any")

    class Meta:
        model = Alert
        fields = ["id", "kind", "key", "station", "severity", "title", "details", "state",
                  "opened_at", "last_seen_at", "occurrences", "resolved_at", "resolution",
                  "acknowledged_at", "acknowledged_by", "muted", "opened_notified_at",
                  "resolved_notified_at"]
        read_only_fields = fields


class AlertRuleSerializer(serializers.Serializer):
    """A tenant's rule for one kind: its saved one, else the default (`is_default`)."""

    kind = serializers.ChoiceField(choices=AlertKind.choices, read_only=True)
    is_default = serializers.BooleanField(read_only=True,
                                          help_text="No one changed it: the default rule")
    enabled = serializers.BooleanField(required=False)
    threshold = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_THRESHOLD,
        help_text="Minutes (days for certificate_expiring) before it is an alert; "
                  "null: the kind's default")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    email = serializers.BooleanField(required=False, help_text="Send e-mails for this rule")
    notify_roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices),
                                         required=False, max_length=len(Role.choices),
                                         help_text="Roles of the tenant told by e-mail")
    notify_users = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), required=False,
        max_length=1000, source="notify_user_ids",
        help_text="User ids of the tenant's members told by e-mail besides the roles")

    def validate_threshold(self, threshold: int | None) -> int | None:
        if threshold is not None and DEFAULTS[self.context["kind"]].threshold is None:
            raise serializers.ValidationError("This kind of alert has no threshold.")
        return threshold

    def validate_notify_users(self, user_ids: list[int]) -> list[int]:
        members = self.context["member_ids"]
        if set(user_ids) - members:
            raise serializers.ValidationError("Only members of this tenant can be told.")
        return sorted(set(user_ids))

    def validate_notify_roles(self, roles: list[str]) -> list[str]:
        return sorted(set(roles))


class TenantStationField(serializers.SlugRelatedField):
    """A station of the request's tenant by its identity (`stations` in the context)."""

    default_error_messages = {"does_not_exist": "No station of this tenant has this identity.",
                              "invalid": "A station identity."}

    def __init__(self, **kwargs):
        super().__init__(slug_field="identity", **kwargs)

    def get_queryset(self):
        return self.context["stations"]


class StationMuteSerializer(serializers.ModelSerializer):
    station = TenantStationField(help_text="The station's identity")
    until = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                      help_text="When the mute ends; null: until unmuted")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    class Meta:
        model = StationMute
        fields = ["station", "until", "reason", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]

    def validate_until(self, until):
        if until is not None and until <= timezone.now():
            raise serializers.ValidationError("The mute must end in the future.")
        return until


class AlertNotificationSerializer(serializers.ModelSerializer):
    alert_count = serializers.IntegerField(read_only=True,
                                           help_text="How many alerts it told of (?alert=<id> "
                                                     "finds the ones that told of an alert)")

    class Meta:
        model = AlertNotification
        fields = ["id", "sent_at", "channel", "recipients", "subject", "alert_count",
                  "summarized", "error"]
        read_only_fields = fields
