from rest_framework import serializers

from stations.security import ca
from stations.security.models import (
    InstalledCertificate,
    IssuedCertificate,
    SecurityCommand,
    SecurityEvent,
)
from tenants.validators import validate_station_password


class SecurityEventSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)

    class Meta:
        model = SecurityEvent
        fields = ["id", "station", "type", "tech_info", "timestamp", "received_at", "critical"]


class PasswordChangeSerializer(serializers.Serializer):
    password = serializers.CharField(
        required=False, min_length=16, max_length=40, validators=[validate_station_password],
        help_text="The new password (16-40 characters); generated if omitted.")


class PasswordChangedSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The station's answer to ChangeConfiguration")
    password = serializers.CharField(help_text="The new password, shown this once; null unless "
                                               "the station accepted it", allow_null=True)


class SecurityProfileSerializer(serializers.Serializer):
    profile = serializers.ChoiceField(choices=[2, 3])


class InstalledCertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = InstalledCertificate
        fields = ["id", "certificate_type", "certificate_pem", "hash_algorithm", "issuer_name_hash",
                  "issuer_key_hash", "serial_number", "install_status", "installed",
                  "delete_status", "created_at", "updated_at"]


class CertificateInstallSerializer(serializers.Serializer):
    certificate_type = serializers.ChoiceField(choices=InstalledCertificate.TYPES)
    certificate = serializers.CharField(max_length=5500, trim_whitespace=False, help_text="PEM")

    def validate_certificate(self, value: str) -> str:
        try:
            ca.load_certificate(value)
        except ca.BadCertificate as bad:
            raise serializers.ValidationError(str(bad)) from None
        return value


class CertificateTypeSerializer(serializers.Serializer):
    certificate_type = serializers.ChoiceField(choices=InstalledCertificate.TYPES)


class IssuedCertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = IssuedCertificate
        fields = ["id", "serial_number", "not_before", "not_after", "certificate_pem",
                  "delivery_status", "created_at"]


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()


class SecurityCommandSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityCommand
        fields = ["id", "action", "detail", "status", "created_at"]
