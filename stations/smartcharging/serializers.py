from rest_framework import serializers

from stations.models.idtag import IdTokenType
from stations.ocpp.v201.commands import PURPOSE_WORDS, purpose_of
from stations.smartcharging.checks import EXTERNAL_CONSTRAINTS, INT_MAX
from stations.smartcharging.models import (
    ChargingProfile,
    ProfileClearing,
    ProfileReport,
    Purpose,
    SchedulePeriod,
)

UNITS = [("A", "A"), ("W", "W")]
# A purpose by 1.6's name or, for a 2.0.1 station, by 2.0.1's (ChargingStationMaxProfile)
PURPOSES = [*Purpose.choices, *((word, word) for word in PURPOSE_WORDS.values())]


class SchedulePeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchedulePeriod
        fields = ["start_period", "limit", "number_phases"]


class ChargingProfileSerializer(serializers.ModelSerializer):
    charging_profile = serializers.JSONField(source="payload", read_only=True,
                                             help_text="csChargingProfiles as sent (OCPP JSON)")
    periods = SchedulePeriodSerializer(many=True, read_only=True)

    class Meta:
        model = ChargingProfile
        fields = ["id", "connector_id", "requested_connector_id", "sent_with", "id_tag",
                  "charging_profile_id", "stack_level", "purpose", "kind", "recurrency_kind",
                  "valid_from", "valid_to", "transaction_id", "duration", "start_schedule",
                  "charging_rate_unit", "min_charging_rate", "periods", "charging_profile",
                  "status", "failure", "failure_detail", "waiting_for", "installed", "ended",
                  "created_at", "sent_at", "answered_at", "ended_at",
                  "evse_id", "station_transaction_id"]
        read_only_fields = fields


class ProfileSetSerializer(serializers.Serializer):
    connector_id = serializers.IntegerField(min_value=0, max_value=INT_MAX)
    charging_profile = serializers.JSONField(help_text="csChargingProfiles in OCPP 1.6 JSON")

    def validate_charging_profile(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("An OCPP ChargingProfile object.")
        return value


class ProfileClearSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, min_value=-INT_MAX, max_value=INT_MAX,
                                  help_text="chargingProfileId")
    connector_id = serializers.IntegerField(required=False, min_value=0, max_value=INT_MAX)
    purpose = serializers.ChoiceField(choices=PURPOSES, required=False)
    stack_level = serializers.IntegerField(required=False, min_value=0, max_value=INT_MAX)

    def validate_purpose(self, value: str) -> str:
        return purpose_of(value)


class ProfileClearingSerializer(serializers.ModelSerializer):
    cleared = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ProfileClearing
        fields = ["id", "charging_profile_id", "connector_id", "purpose", "stack_level", "status",
                  "failure", "failure_detail", "cleared", "sent_at", "answered_at"]
        read_only_fields = fields


class CompositeQuerySerializer(serializers.Serializer):
    connector_id = serializers.IntegerField(min_value=0, max_value=INT_MAX)
    duration = serializers.IntegerField(min_value=1, max_value=INT_MAX)
    unit = serializers.ChoiceField(choices=UNITS, required=False)


class RemoteStartSerializer(serializers.Serializer):
    connector_id = serializers.IntegerField(required=False, min_value=1, max_value=INT_MAX,
                                            help_text="The connector (1.6) or EVSE (2.0.1)")
    id_tag = serializers.CharField(max_length=36, help_text="1.6: up to 20 characters")
    token_type = serializers.ChoiceField(choices=IdTokenType.choices, default=IdTokenType.ISO14443,
                                         help_text="The id token's type (OCPP 2.0.1)")
    charging_profile = serializers.JSONField(required=False,
                                             help_text="A TxProfile in OCPP 1.6 JSON")

    def validate_charging_profile(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("An OCPP ChargingProfile object.")
        return value


class ProfilesGetSerializer(serializers.Serializer):
    """GetChargingProfiles criteria (OCPP 2.0.1); none: every profile the station holds. The
    station's external constraints may be asked for, though never set (K_52)."""

    evse_id = serializers.IntegerField(required=False, min_value=0, max_value=INT_MAX,
                                       help_text="0: the station's own; absent: every EVSE")
    purpose = serializers.ChoiceField(choices=[*PURPOSES, (EXTERNAL_CONSTRAINTS,) * 2],
                                      required=False)
    stack_level = serializers.IntegerField(required=False, min_value=0, max_value=INT_MAX)
    ids = serializers.ListField(child=serializers.IntegerField(min_value=-INT_MAX, max_value=INT_MAX),
                                required=False, max_length=100, help_text="chargingProfileId")
    sources = serializers.ListField(
        child=serializers.ChoiceField(choices=["EMS", "Other", "SO", "CSO"]), required=False,
        max_length=4, help_text="chargingLimitSource")

    def validate_purpose(self, value: str) -> str:
        return purpose_of(value)


class ProfileReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileReport
        fields = ["id", "request_id", "evse_id", "criteria", "status", "failure", "failure_detail",
                  "profiles", "parts", "requested_at", "completed_at"]
        read_only_fields = fields
