"""Firmware images, the update jobs that send them to stations, and the files stations upload
(diagnostics and logs).

Stations fetch and upload over HTTP(S) or FTP with no API token: each job or upload request,
once sent, has an unguessable token that is its URL (see `views.py`) or its FTP password (see
`ftp.py` and docs/file-transfer.md). Only its SHA-256 is stored (`tokens.py`)."""

import secrets
from pathlib import PurePath

from django.db import models

from stations.firmware.tokens import new_token  # noqa: F401 (migration 0001 names it here)
from stations.models import Station
from tenants.models import Tenant


def firmware_path(instance: "FirmwareFile", filename: str) -> str:
    return f"firmware/{instance.tenant_id}/{secrets.token_hex(8)}/{PurePath(filename).name}"


def upload_path(instance: "UploadRequest", filename: str) -> str:
    return f"uploads/{instance.tenant_id}/{secrets.token_hex(8)}/{PurePath(filename).name}"


class JobFailure(models.TextChoices):
    """Why a job ended as failed; only a failure the station reported leaves its credential open
    (the station may retry)."""

    STATUS = "status", "The station reported a failure"
    UNREACHABLE = "unreachable", "The station could not be reached"
    STALLED = "stalled", "No status notification in time"
    VERSION = "version", "The station booted on another version"
    SUPERSEDED = "superseded", "A newer job replaced it"
    CERTIFICATE = "certificate", "The station refused the signing certificate"


class FileJob(models.Model):
    """What firmware jobs and upload requests share: how and why they failed, and when the
    station last reported on them (the stall check counts from it)."""

    failure = models.CharField(max_length=12, choices=JobFailure.choices, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    status_at = models.DateTimeField(null=True, blank=True, help_text="When the last status came")

    class Meta:
        abstract = True


class FirmwareFile(models.Model):
    """A firmware image an operator uploaded; signed updates also need its signing certificate
    and signature (Security extension)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="firmware_files")
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=50, help_text="As the station reports it in BootNotification")
    file = models.FileField(upload_to=firmware_path, max_length=300)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    signing_certificate = models.TextField(blank=True, help_text="PEM, for SignedUpdateFirmware")
    signature = models.TextField(blank=True, help_text="Base64, for SignedUpdateFirmware")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def filename(self) -> str:
        return PurePath(self.file.name).name

    @property
    def is_signed(self) -> bool:
        return bool(self.signing_certificate and self.signature)


class Rollout(models.Model):
    """One firmware image sent to many stations: a job per station."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="firmware_rollouts")
    firmware = models.ForeignKey(FirmwareFile, on_delete=models.RESTRICT, related_name="rollouts")
    signed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class FirmwareJob(FileJob):
    """UpdateFirmware (or SignedUpdateFirmware) for one station: what was sent, the answer and
    the status history the station reported."""

    PENDING, SENT, REJECTED, FAILED, INSTALLED = "pending", "sent", "rejected", "failed", "installed"
    CANCELLED = "cancelled"  # a newer update made the station cancel this one (AcceptedCanceled)
    STATES = [(s, s) for s in (PENDING, SENT, REJECTED, FAILED, INSTALLED, CANCELLED)]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="firmware_jobs")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="firmware_jobs")
    firmware = models.ForeignKey(FirmwareFile, on_delete=models.RESTRICT, related_name="jobs")
    rollout = models.ForeignKey(Rollout, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="jobs")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False,
                                  help_text="SHA-256 (hex) of the token sent; none before")
    signed = models.BooleanField(default=False)
    request_id = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=512)
    retrieve_date = models.DateTimeField()
    install_date = models.DateTimeField(null=True, blank=True,
                                        help_text="Install from then on (2.0.1 and signed updates)")
    retries = models.PositiveIntegerField(null=True, blank=True)
    retry_interval = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    status = models.CharField(max_length=30, blank=True, help_text="The last status reported")
    action = models.CharField(max_length=30, blank=True)
    request = models.JSONField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True)
    security_event = models.ForeignKey(
        "security.SecurityEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The station's InvalidFirmwareSigningCertificate or InvalidFirmwareSignature event")
    downloads = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "state"])]


class UploadRequest(FileJob):
    """GetDiagnostics or GetLog: the request, the station's answer, the status history and the
    file it uploaded to the one-time URL."""

    DIAGNOSTICS, LOG = "diagnostics", "log"
    KINDS = [(DIAGNOSTICS, DIAGNOSTICS), (LOG, LOG)]
    PENDING, SENT, REJECTED, FAILED = "pending", "sent", "rejected", "failed"
    CANCELLED = "cancelled"  # the station dropped it for a newer GetLog (AcceptedCanceled)
    STATES = [(s, s) for s in (PENDING, SENT, REJECTED, FAILED, CANCELLED)]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="upload_requests")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="upload_requests")
    kind = models.CharField(max_length=12, choices=KINDS)
    log_type = models.CharField(max_length=20, blank=True)
    request_id = models.PositiveIntegerField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False,
                                  help_text="SHA-256 (hex) of the token sent; none before")
    location = models.CharField(max_length=512)
    start_time = models.DateTimeField(null=True, blank=True)
    stop_time = models.DateTimeField(null=True, blank=True)
    retries = models.PositiveIntegerField(null=True, blank=True)
    retry_interval = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    status = models.CharField(max_length=30, blank=True, help_text="The last status reported")
    file_name = models.CharField(max_length=255, blank=True, help_text="As the station named it")
    action = models.CharField(max_length=30, blank=True)
    request = models.JSONField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True)
    file = models.FileField(upload_to=upload_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "kind", "state"])]


class FirmwarePublication(models.Model):
    """PublishFirmware to a local controller (OCPP 2.0.1 L03/L04): it fetches the image at
    `location`, checks its MD5 and serves it to the stations behind it at the URIs it reports
    (`published_locations`). UnpublishFirmware by the checksum ends it."""

    PENDING, SENT, REJECTED, FAILED = "pending", "sent", "rejected", "failed"
    PUBLISHED, UNPUBLISHED = "published", "unpublished"
    STATES = [(s, s) for s in (PENDING, SENT, REJECTED, FAILED, PUBLISHED, UNPUBLISHED)]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="firmware_publications")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="firmware_publications")
    request_id = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=512)
    checksum = models.CharField(max_length=32, help_text="MD5 of the image (hex)")
    retries = models.PositiveIntegerField(null=True, blank=True)
    retry_interval = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=STATES, default=PENDING)
    status = models.CharField(max_length=30, blank=True, help_text="The last status reported")
    published_locations = models.JSONField(default=list, blank=True)
    unpublish_status = models.CharField(max_length=20, blank=True,
                                        help_text="UnpublishFirmware's last answer")
    failure_reason = models.CharField(max_length=300, blank=True)
    response = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "checksum"])]
