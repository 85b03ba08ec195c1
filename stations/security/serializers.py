from rest_framework import serializers

from stations.ocpp.v16 import commands as v16
from stations.security import ca
from stations.security.models import (
    ContractCertificate,
    InstalledCertificate,
    IssuedCertificate,
    PkiRequest,
    SecurityCommand,
    SecurityEvent,
    UploadedCertificateAuthority,
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


class UploadedCertificateAuthoritySerializer(serializers.ModelSerializer):
    """An operator's CA certificate: upload its PEM (one certificate, a CA, not expired); what
    it shows is read from the certificate."""

    certificate = serializers.CharField(
        source="certificate_pem", max_length=10000, trim_whitespace=False, write_only=True,
        help_text="PEM of one CA certificate (basic constraints CA:TRUE, not expired)")

    class Meta:
        model = UploadedCertificateAuthority
        fields = ["id", "name", "certificate", "certificate_pem", "subject", "issuer",
                  "fingerprint_sha256", "not_before", "not_after", "created_at"]
        read_only_fields = ["certificate_pem", "subject", "issuer", "fingerprint_sha256",
                            "not_before", "not_after", "created_at"]

    def validate_certificate(self, value: str) -> str:
        try:
            ca.ca_certificate_facts(value)
        except ca.BadCertificate as bad:
            raise serializers.ValidationError(str(bad)) from None
        return value


def _speaks_1_6(station) -> bool:
    return station.ocpp_version in ("", "1.6")  # blank: never connected, 1.6 until it does


def certificate_type_shown(certificate: InstalledCertificate) -> str:
    """A certificate's type in the words of its station's OCPP version (a 1.6 station's CSMS
    root is its "CentralSystemRootCertificate"); the domain keeps one name for each."""
    if _speaks_1_6(certificate.station):
        return v16.CERTIFICATE_TYPES.get(certificate.certificate_type, certificate.certificate_type)
    return certificate.certificate_type


class CertificateTypeField(serializers.ChoiceField):
    """A root certificate's type by the domain's (OCPP 2.0.1's) name or by its 1.6 name; with the
    serializer's `station` in its context, only a type that station's version can carry."""

    def __init__(self, **kwargs):
        names = [name for name, _ in InstalledCertificate.TYPES]
        super().__init__(choices=names + sorted(set(v16.CERTIFICATE_TYPES.values()) - set(names)),
                         **kwargs)

    def to_internal_value(self, data) -> str:
        certificate_type = v16.certificate_type_of(super().to_internal_value(data))
        station = self.context.get("station")
        if station is not None and _speaks_1_6(station):
            try:  # a type the station's version has no word for (a V2G root on a 1.6 station)
                v16.certificate_type_word(certificate_type)
            except ValueError as error:
                raise serializers.ValidationError(str(error)) from None
        return certificate_type


class InstalledCertificateSerializer(serializers.ModelSerializer):
    certificate_type = CertificateTypeField(read_only=True)

    class Meta:
        model = InstalledCertificate
        fields = ["id", "certificate_type", "certificate_pem", "hash_algorithm", "issuer_name_hash",
                  "issuer_key_hash", "serial_number", "install_status", "installed",
                  "delete_status", "created_at", "updated_at"]

    def to_representation(self, certificate: InstalledCertificate) -> dict:
        return super().to_representation(certificate) | {
            "certificate_type": certificate_type_shown(certificate)}


class CertificateInstallSerializer(serializers.Serializer):
    certificate_type = CertificateTypeField()
    certificate = serializers.CharField(max_length=5500, trim_whitespace=False, help_text="PEM")

    def validate_certificate_type(self, value: str) -> str:
        if value not in InstalledCertificate.INSTALLABLE:
            raise serializers.ValidationError(f"{value} is reported by stations, not installed.")
        return value

    def validate_certificate(self, value: str) -> str:
        try:
            ca.load_certificate(value)
        except ca.BadCertificate as bad:
            raise serializers.ValidationError(str(bad)) from None
        return value


class CertificatesRefreshSerializer(serializers.Serializer):
    """One type (`certificate_type`), several or none (`certificate_types`, or neither: every
    type) of a 2.0.1 station, whose GetInstalledCertificateIds takes a list; one for 1.6."""

    certificate_type = CertificateTypeField(required=False)
    certificate_types = serializers.ListField(child=CertificateTypeField(), required=False,
                                              max_length=len(InstalledCertificate.TYPES))

    def validate(self, attrs: dict) -> dict:
        types = ([attrs["certificate_type"]] if "certificate_type" in attrs else []) + \
            list(attrs.get("certificate_types", []))
        types = list(dict.fromkeys(types))
        station = self.context.get("station")
        if len(types) != 1 and (station is None or _speaks_1_6(station)):
            raise serializers.ValidationError({"certificate_type": [
                "A 1.6 station is asked for one certificate type at a time."]})
        return {"certificate_types": types}


class CertificateRenewSerializer(serializers.Serializer):
    certificate_type = serializers.ChoiceField(
        choices=[IssuedCertificate.CHARGING_STATION, IssuedCertificate.V2G],
        default=IssuedCertificate.CHARGING_STATION,
        help_text="2.0.1 only: V2GCertificate asks for the ISO 15118 certificate")

    def validate_certificate_type(self, value: str) -> str:
        station = self.context.get("station")
        if value == IssuedCertificate.V2G and station is not None and _speaks_1_6(station):
            raise serializers.ValidationError("OCPP 1.6 has no V2G certificate.")
        return value


class IssuedCertificateSerializer(serializers.ModelSerializer):
    certificate_type = serializers.CharField(
        read_only=True, help_text="What the station asked it for, in its version's words: 2.0.1's "
                                  "ChargingStationCertificate or V2GCertificate, 1.6's "
                                  "ChargePointCertificate")

    class Meta:
        model = IssuedCertificate
        fields = ["id", "certificate_type", "serial_number", "not_before", "not_after",
                  "certificate_pem", "delivery_status", "created_at"]

    def to_representation(self, issued: IssuedCertificate) -> dict:
        shown = super().to_representation(issued)
        if _speaks_1_6(issued.station) and issued.certificate_type == IssuedCertificate.CHARGING_STATION:
            shown["certificate_type"] = "ChargePointCertificate"
        return shown


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()


class SecurityCommandSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityCommand
        fields = ["id", "action", "detail", "status", "created_at"]


# ISO 15118 PKI (docs/pki.md) --------------------------------------------------------------------
class PkiSettingsSerializer(serializers.Serializer):
    backend = serializers.ChoiceField(choices=["builtin", "http"],
                                      help_text="Who answers: the built-in test PKI or your PKI")
    url = serializers.CharField(allow_null=True, help_text="PKI_HTTP_URL (http only)")
    timeout_seconds = serializers.FloatField(allow_null=True)


class PkiRequestSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)

    class Meta:
        model = PkiRequest
        fields = ["id", "station", "action", "backend", "detail", "status", "reason", "created_at"]


class ContractCertificateSerializer(serializers.ModelSerializer):
    """A contract certificate of the built-in test PKI; POST issues one for `emaid` (on the key
    of `csr` when given, a CSR whose CN is the eMAID; else on a new key nobody holds)."""

    csr = serializers.CharField(write_only=True, required=False, max_length=10000,
                                trim_whitespace=False, help_text="PEM CSR, CN = the eMAID")

    class Meta:
        model = ContractCertificate
        fields = ["id", "emaid", "csr", "serial_number", "issuer_name_hash", "issuer_key_hash",
                  "certificate_pem", "not_after", "state", "revoked_at", "created_at"]
        read_only_fields = ["serial_number", "issuer_name_hash", "issuer_key_hash",
                            "certificate_pem", "not_after", "state", "revoked_at", "created_at"]
        extra_kwargs = {"emaid": {"max_length": 36}}  # an IdToken's length

    def validate(self, attrs: dict) -> dict:
        if "csr" in attrs:
            from cryptography import x509

            try:
                csr = x509.load_pem_x509_csr(attrs["csr"].encode())
            except ValueError:
                raise serializers.ValidationError({"csr": ["The CSR does not parse."]}) from None
            if not csr.is_signature_valid:
                raise serializers.ValidationError({"csr": ["The CSR's signature does not verify."]})
            attrs["public_key"] = csr.public_key()
        return attrs


class ContractRevokeSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[ContractCertificate.REVOKED, ContractCertificate.CANCELLED],
        default=ContractCertificate.REVOKED,
        help_text="Revoked (the certificate) or ContractCancelled (the contract behind it)")
