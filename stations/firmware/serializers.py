import base64
import binascii

from django.conf import settings
from rest_framework import serializers

from stations.firmware.models import (
    FirmwareFile,
    FirmwareJob,
    FirmwarePublication,
    Rollout,
    UploadRequest,
)
from stations.security.ca import BadCertificate, load_certificate
from stations.selectors import stations_of


class FirmwareFileSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True, max_length=200)
    filename = serializers.CharField(read_only=True)
    signed = serializers.BooleanField(source="is_signed", read_only=True)

    class Meta:
        model = FirmwareFile
        fields = ["id", "name", "version", "file", "filename", "size", "sha256", "signing_certificate",
                  "signature", "signed", "created_at"]
        read_only_fields = ["size", "sha256", "created_at"]
        extra_kwargs = {"signing_certificate": {"max_length": 5500, "trim_whitespace": False},
                        "signature": {"max_length": 800}}

    def validate_file(self, file):
        if file.size > settings.OCPP_UPLOAD_MAX_BYTES:
            raise serializers.ValidationError(
                f"The file is larger than {settings.OCPP_UPLOAD_MAX_BYTES} bytes (OCPP_UPLOAD_MAX_BYTES).")
        return file

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("signing_certificate")) != bool(attrs.get("signature")):
            raise serializers.ValidationError(
                {"signature": ["A signed image needs both its signing certificate and its signature."]})
        if attrs.get("signing_certificate"):
            try:
                load_certificate(attrs["signing_certificate"])
            except BadCertificate as bad:
                raise serializers.ValidationError({"signing_certificate": [str(bad)]}) from None
            try:
                base64.b64decode(attrs["signature"], validate=True)
            except binascii.Error:
                raise serializers.ValidationError({"signature": ["Not Base64."]}) from None
        return attrs


class FirmwareField(serializers.PrimaryKeyRelatedField):
    """A firmware file of the request's tenant (another tenant's id is "does not exist")."""

    def __init__(self, **kwargs):
        super().__init__(pk_field=serializers.IntegerField(), **kwargs)

    def get_queryset(self):
        return FirmwareFile.objects.filter(tenant=self.context["request"].tenant)


class FirmwareJobCreateSerializer(serializers.Serializer):
    firmware = FirmwareField()
    retrieve_date = serializers.DateTimeField(required=False)
    install_date = serializers.DateTimeField(required=False)
    retries = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    retry_interval = serializers.IntegerField(required=False, min_value=0, max_value=86400)
    signed = serializers.BooleanField(default=False)

    def validate(self, attrs: dict) -> dict:
        if attrs["signed"] and not attrs["firmware"].is_signed:
            raise serializers.ValidationError(
                {"signed": ["This firmware file has no signing certificate and signature."]})
        retrieve, install = attrs.get("retrieve_date"), attrs.get("install_date")
        if install and retrieve and install < retrieve:
            raise serializers.ValidationError({"install_date": ["Must not be before retrieve_date."]})
        return attrs


class FirmwareJobSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)
    firmware_version = serializers.CharField(source="firmware.version", read_only=True)
    security_event_type = serializers.CharField(source="security_event.type", read_only=True,
                                                default=None)

    class Meta:
        model = FirmwareJob
        fields = ["id", "station", "firmware", "firmware_version", "rollout", "signed", "request_id",
                  "location", "retrieve_date", "install_date", "retries", "retry_interval", "state",
                  "status", "action", "request", "response", "error", "failure", "failure_reason",
                  "security_event", "security_event_type", "history", "downloads",
                  "created_at", "sent_at", "status_at", "finished_at"]
        read_only_fields = fields


class RolloutCreateSerializer(serializers.Serializer):
    firmware = FirmwareField()
    stations = serializers.ListField(child=serializers.CharField(max_length=48), required=False,
                                     allow_empty=False)
    all = serializers.BooleanField(default=False)
    signed = serializers.BooleanField(default=False)

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("stations")) == attrs["all"]:
            raise serializers.ValidationError({"stations": ['Give either "stations" or "all": true.']})
        if attrs["signed"] and not attrs["firmware"].is_signed:
            raise serializers.ValidationError(
                {"signed": ["This firmware file has no signing certificate and signature."]})
        stations = stations_of(self.context["request"].tenant)  # identities of this tenant only
        if not attrs["all"]:
            stations = stations.filter(identity__in=attrs["stations"])
            unknown = sorted(set(attrs["stations"]) - {s.identity for s in stations})
            if unknown:
                raise serializers.ValidationError({"stations": [f"Unknown station: {i}" for i in unknown]})
        attrs["stations"] = list(stations)
        return attrs


class RolloutSerializer(serializers.ModelSerializer):
    firmware_version = serializers.CharField(source="firmware.version", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Rollout
        fields = ["id", "firmware", "firmware_version", "signed", "created_at", "progress"]
        read_only_fields = fields

    def get_progress(self, rollout: Rollout) -> dict:
        from stations.firmware.selectors import rollout_progress

        return rollout_progress(rollout)


class DiagnosticsCreateSerializer(serializers.Serializer):
    start_time = serializers.DateTimeField(required=False)
    stop_time = serializers.DateTimeField(required=False)
    retries = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    retry_interval = serializers.IntegerField(required=False, min_value=0, max_value=86400)

    def validate(self, attrs: dict) -> dict:
        start, stop = attrs.get("start_time"), attrs.get("stop_time")
        if start and stop and start > stop:
            raise serializers.ValidationError({"stop_time": ["Must not be before start_time."]})
        return attrs


class LogCreateSerializer(serializers.Serializer):
    log_type = serializers.ChoiceField(choices=["DiagnosticsLog", "SecurityLog"])
    oldest = serializers.DateTimeField(required=False)
    latest = serializers.DateTimeField(required=False)
    retries = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    retry_interval = serializers.IntegerField(required=False, min_value=0, max_value=86400)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("oldest") and attrs.get("latest") and attrs["oldest"] > attrs["latest"]:
            raise serializers.ValidationError({"latest": ["Must not be before oldest."]})
        return attrs


class UploadRequestSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)
    received = serializers.SerializerMethodField()

    class Meta:
        model = UploadRequest
        fields = ["id", "station", "kind", "log_type", "request_id", "location", "start_time", "stop_time",
                  "retries", "retry_interval", "state", "status", "file_name", "action", "request",
                  "response", "error", "failure", "failure_reason", "history", "received", "size",
                  "received_at", "created_at", "sent_at", "status_at"]
        read_only_fields = fields

    def get_received(self, request: UploadRequest) -> bool:
        return request.received_at is not None


MD5 = r"^[0-9a-fA-F]{32}$"


class FirmwarePublicationCreateSerializer(serializers.Serializer):
    location = serializers.URLField(max_length=512)
    checksum = serializers.RegexField(MD5, error_messages={"invalid": "An MD5 checksum: 32 hex digits."})
    retries = serializers.IntegerField(required=False, min_value=0, max_value=1000)
    retry_interval = serializers.IntegerField(required=False, min_value=0, max_value=86400)


class UnpublishSerializer(serializers.Serializer):
    checksum = serializers.RegexField(MD5, error_messages={"invalid": "An MD5 checksum: 32 hex digits."})


class UnpublishResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    unpublished = serializers.IntegerField(help_text="How many publications of the checksum it ended")


class FirmwarePublicationSerializer(serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)

    class Meta:
        model = FirmwarePublication
        fields = ["id", "station", "request_id", "location", "checksum", "retries", "retry_interval",
                  "state", "status", "published_locations", "unpublish_status", "failure_reason",
                  "response", "error", "history", "created_at", "sent_at", "status_at", "finished_at"]
        read_only_fields = fields
