from django.utils import timezone
from rest_framework import serializers

from stations.reservations.models import Reservation
from stations.services.authorization import id_tag_info

# OCPP 2.0.1's ConnectorEnumType.
CONNECTOR_TYPES = ["cCCS1", "cCCS2", "cG105", "cTesla", "cType1", "cType2", "s309-1P-16A",
                   "s309-1P-32A", "s309-3P-16A", "s309-3P-32A", "sBS1361", "sCEE-7-7", "sType2",
                   "sType3", "Other1PhMax16A", "Other1PhOver16A", "Other3Ph", "Pan", "wInductive",
                   "wResonant", "Undetermined", "Unknown"]


class ReservationSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)
    transaction_id = serializers.IntegerField(source="session.transaction_id", read_only=True,
                                              allow_null=True, default=None)
    station_transaction_id = serializers.CharField(
        source="session.station_transaction_id", read_only=True, allow_null=True, default=None,
        help_text="The transaction that used it, as the station names it (2.0.1: its string)")

    class Meta:
        model = Reservation
        fields = ["reservation_id", "station", "connector_id", "connector_type", "id_tag",
                  "token_type", "parent_id_tag",
                  "expiry_date", "status", "error", "cancel_status", "session", "transaction_id",
                  "station_transaction_id",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ReservationCreateSerializer(serializers.Serializer):
    """`connector_id` is a 1.6 connector or a 2.0.1 EVSE (0: any); `connector_type` (2.0.1
    only) reserves any EVSE with such a connector. The station's version is `ocpp_version` in
    the context: a 1.6 idTag is up to 20 characters, a 2.0.1 IdToken up to 36."""

    connector_id = serializers.IntegerField(min_value=0, max_value=2**31 - 1,
                                            help_text="0: any connector (2.0.1: any EVSE)")
    connector_type = serializers.ChoiceField(choices=CONNECTOR_TYPES, required=False,
                                             allow_blank=True, default="",
                                             help_text="OCPP 2.0.1 only: e.g. cCCS2, cType2")
    id_tag = serializers.CharField(max_length=36)
    expiry_date = serializers.DateTimeField()

    def validate(self, attrs: dict) -> dict:
        if self.context.get("ocpp_version") == "2.0.1":
            return attrs
        if attrs.get("connector_type"):
            raise serializers.ValidationError({"connector_type": [
                "An OCPP 1.6 station reserves a connector, not a connector type."]})
        if len(attrs["id_tag"].id_tag) > 20:
            raise serializers.ValidationError({"id_tag": [
                "An OCPP 1.6 station takes id tags of up to 20 characters."]})
        return attrs

    def validate_id_tag(self, id_tag: str):
        tag = self.context["id_tags"].spelt(id_tag).first()  # ReserveNow sends its spelling
        if tag is None:
            raise serializers.ValidationError("No id tag of this tenant has this id.")
        status = id_tag_info(tenant_id=tag.tenant_id, id_tag=tag.id_tag, check_concurrent=False)["status"]
        if status != "Accepted":
            raise serializers.ValidationError(f"This id tag is {status}: it cannot reserve.")
        return tag

    def validate_expiry_date(self, expiry_date):
        if expiry_date <= timezone.now():
            raise serializers.ValidationError("The expiry must be in the future.")
        return expiry_date


class ReservationPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReservationSerializer(many=True)
