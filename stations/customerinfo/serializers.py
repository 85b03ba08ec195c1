from rest_framework import serializers

from stations.customerinfo.selectors import report_text
from stations.models import CustomerInformation, CustomerInformationPart, IdTokenType


class CertificateHashDataSerializer(serializers.Serializer):
    """The customer certificate, by its hash data (2.0.1 CertificateHashDataType)."""

    hash_algorithm = serializers.ChoiceField(choices=["SHA256", "SHA384", "SHA512"])
    issuer_name_hash = serializers.CharField(max_length=128)
    issuer_key_hash = serializers.CharField(max_length=128)
    serial_number = serializers.CharField(max_length=40)


class CustomerInformationCreateSerializer(serializers.Serializer):
    """Report and/or clear a customer's data, named by exactly one of customer_identifier,
    id_token (with id_token_type) or customer_certificate."""

    report = serializers.BooleanField(default=True)
    clear = serializers.BooleanField(default=False)
    customer_identifier = serializers.CharField(max_length=64, required=False, allow_blank=False)
    id_token = serializers.CharField(max_length=36, required=False, allow_blank=False)
    id_token_type = serializers.ChoiceField(
        choices=IdTokenType.choices, required=False,
        help_text="Default: the type of the tenant's token of that name, else ISO14443")
    customer_certificate = CertificateHashDataSerializer(required=False)

    def validate(self, attrs: dict) -> dict:
        named = [name for name in ("customer_identifier", "id_token", "customer_certificate")
                 if attrs.get(name)]
        if len(named) != 1:
            raise serializers.ValidationError(
                "Name the customer by exactly one of customer_identifier, id_token or "
                "customer_certificate.")
        if not attrs["report"] and not attrs["clear"]:
            raise serializers.ValidationError("Ask for a report, a clear, or both.")
        return attrs


class CustomerInformationPartSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerInformationPart
        fields = ["seq_no", "tbc", "data", "generated_at", "received_at"]
        read_only_fields = fields


class CustomerInformationSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)
    customer_certificate = serializers.JSONField(source="certificate", read_only=True)
    parts = CustomerInformationPartSerializer(many=True, read_only=True)
    text = serializers.SerializerMethodField(help_text="The report: its parts' data in order")
    complete = serializers.SerializerMethodField(help_text="The report's last part came")

    class Meta:
        model = CustomerInformation
        fields = ["id", "station", "request_id", "report", "clear", "customer_identifier", "id_token",
                  "id_token_type", "customer_certificate", "state", "status", "request", "response",
                  "error", "local_list", "parts", "text", "complete", "created_at", "sent_at",
                  "completed_at"]
        read_only_fields = fields

    def get_text(self, row: CustomerInformation) -> str:
        return report_text(row)

    def get_complete(self, row: CustomerInformation) -> bool:
        return row.completed_at is not None
