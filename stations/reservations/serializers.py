from django.utils import timezone
from rest_framework import serializers

from stations.reservations.models import Reservation
from stations.services.authorization import id_tag_info


class ReservationSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)
    transaction_id = serializers.IntegerField(source="session.transaction_id", read_only=True,
                                              allow_null=True, default=None)

    class Meta:
        model = Reservation
        fields = ["reservation_id", "station", "connector_id", "id_tag", "parent_id_tag",
                  "expiry_date", "status", "error", "cancel_status", "session", "transaction_id",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ReservationCreateSerializer(serializers.Serializer):
    connector_id = serializers.IntegerField(min_value=0, max_value=2**31 - 1, help_text="0: any connector")
    id_tag = serializers.CharField(max_length=20)
    expiry_date = serializers.DateTimeField()

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
