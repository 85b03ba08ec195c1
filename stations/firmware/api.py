"""Firmware files and rollouts (tenant-wide), and per station: firmware jobs, diagnostics and logs.

Creating a job or a request sends it at once; a station that is not connected or does not answer
is a 409/502/504 as for the command API, the job kept with its error (its `id` in the body)."""

from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from stations.api_base import StationGenericAPIView, StationListAPIView, StationRetrieveAPIView
from stations.firmware import selectors, serializers
from stations.firmware.models import FirmwareFile, FirmwareJob, FirmwarePublication, Rollout, UploadRequest
from stations.firmware.services.firmware import (
    FirmwareInUse,
    firmware_file_create,
    firmware_file_delete,
    firmware_job_create,
    firmware_job_send,
)
from stations.firmware.services.publishing import firmware_unpublish, publication_create, publication_send
from stations.firmware.services.rollouts import rollout_create
from stations.firmware.services.uploads import upload_request_create, upload_request_send
from stations.models import Station
from tenants.api import (
    TenantListCreateAPIView,
    TenantRetrieveAPIView,
    TenantRetrieveDestroyAPIView,
)

SEND_ERRORS = {
    409: OpenApiResponse(description="The station is not connected (the job is kept, failed)"),
    502: OpenApiResponse(description="The station answered with a CALLERROR"),
    504: OpenApiResponse(description="No answer in time"),
}


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


class FirmwareFileList(TenantListCreateAPIView):
    """Firmware images (multipart upload: name, version, file, signing_certificate, signature)."""

    queryset = FirmwareFile.objects.none()
    serializer_class = serializers.FirmwareFileSerializer
    parser_classes = [MultiPartParser, FormParser]

    def tenant_queryset(self, tenant):
        return selectors.firmware_files_of(tenant)

    def perform_create(self, serializer):
        serializer.instance = firmware_file_create(tenant=self.request.tenant, **serializer.validated_data)


class FirmwareFileDetail(TenantRetrieveDestroyAPIView):
    queryset = FirmwareFile.objects.none()
    serializer_class = serializers.FirmwareFileSerializer

    def tenant_queryset(self, tenant):
        return selectors.firmware_files_of(tenant)

    @extend_schema(responses={204: None, 409: OpenApiResponse(description="The file has update jobs")})
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            firmware_file_delete(firmware=instance)
        except FirmwareInUse as error:
            raise Conflict(str(error)) from None


class RolloutList(TenantListCreateAPIView):
    """One firmware image to many stations. Connected stations get it at once (a task); the
    others when they next boot."""

    queryset = Rollout.objects.none()
    serializer_class = serializers.RolloutSerializer

    def tenant_queryset(self, tenant):
        return selectors.rollouts_of(tenant)

    @extend_schema(request=serializers.RolloutCreateSerializer,
                   responses={201: serializers.RolloutSerializer})
    def post(self, request, *args, **kwargs):
        given = serializers.RolloutCreateSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        data = given.validated_data
        rollout = rollout_create(tenant=request.tenant, firmware=data["firmware"], stations=data["stations"],
                                 signed=data["signed"])
        rollout = self.get_queryset().get(pk=rollout.pk)
        return Response(self.get_serializer(rollout).data, status=status.HTTP_201_CREATED)


class RolloutDetail(TenantRetrieveAPIView):
    queryset = Rollout.objects.none()
    serializer_class = serializers.RolloutSerializer

    def tenant_queryset(self, tenant):
        return selectors.rollouts_of(tenant)


class StationFirmwareJobs(StationListAPIView):
    """The station's firmware update jobs, newest first; POST sends a new one."""

    queryset = FirmwareJob.objects.none()
    serializer_class = serializers.FirmwareJobSerializer

    def station_queryset(self, station):
        return selectors.firmware_jobs_of(station)

    @extend_schema(request=serializers.FirmwareJobCreateSerializer,
                   responses={201: serializers.FirmwareJobSerializer, **SEND_ERRORS})
    def post(self, request, identity: str):
        given = serializers.FirmwareJobCreateSerializer(data=request.data, context={"request": request})
        given.is_valid(raise_exception=True)
        job = firmware_job_create(station=self.station, **given.validated_data)
        job = firmware_job_send(job_id=job.pk, reraise=True)
        return Response(self.get_serializer(self.get_queryset().get(pk=job.pk)).data,
                        status=status.HTTP_201_CREATED)


class StationFirmwareJob(StationRetrieveAPIView):
    queryset = FirmwareJob.objects.none()
    serializer_class = serializers.FirmwareJobSerializer

    def station_queryset(self, station):
        return selectors.firmware_jobs_of(station)


def _local_controller(station: Station, action: str) -> None:
    """Publishing is 2.0.1's (a local controller); a 1.6 station has no such message."""
    if station.ocpp_version == "1.6":
        raise ValidationError({"non_field_errors": [
            f"{action} is an OCPP 2.0.1 message; this station speaks 1.6."]})


class StationFirmwarePublications(StationListAPIView):
    """PublishFirmware to the station as a local controller (2.0.1), newest first; POST sends
    one (location, MD5 checksum, retries); its PublishFirmwareStatusNotifications follow it."""

    queryset = FirmwarePublication.objects.none()
    serializer_class = serializers.FirmwarePublicationSerializer

    def station_queryset(self, station):
        return selectors.publications_of(station)

    @extend_schema(request=serializers.FirmwarePublicationCreateSerializer,
                   responses={201: serializers.FirmwarePublicationSerializer,
                              400: OpenApiResponse(description="Bad input, or a 1.6 station"),
                              **SEND_ERRORS})
    def post(self, request, identity: str):
        given = serializers.FirmwarePublicationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        _local_controller(self.station, "PublishFirmware")
        publication = publication_create(station=self.station, **given.validated_data)
        publication_send(publication_id=publication.pk)
        return Response(self.get_serializer(self.get_queryset().get(pk=publication.pk)).data,
                        status=status.HTTP_201_CREATED)


class StationFirmwarePublication(StationRetrieveAPIView):
    queryset = FirmwarePublication.objects.none()
    serializer_class = serializers.FirmwarePublicationSerializer

    def station_queryset(self, station):
        return selectors.publications_of(station)


class StationFirmwareUnpublish(StationGenericAPIView):
    """UnpublishFirmware by the image's MD5 checksum: the station's answer (Unpublished,
    NoFirmware, DownloadOngoing) and how many publications it ended."""

    queryset = FirmwarePublication.objects.none()
    serializer_class = serializers.UnpublishResultSerializer

    @extend_schema(request=serializers.UnpublishSerializer,
                   responses={200: serializers.UnpublishResultSerializer,
                              400: OpenApiResponse(description="Bad input, or a 1.6 station"),
                              **SEND_ERRORS})
    def post(self, request, identity: str):
        given = serializers.UnpublishSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        _local_controller(self.station, "UnpublishFirmware")
        answer, ended = firmware_unpublish(station=self.station, checksum=given.validated_data["checksum"])
        return Response({"status": answer, "unpublished": ended})


class _UploadRequests(StationListAPIView):
    kind = ""
    create_serializer: type = serializers.DiagnosticsCreateSerializer
    queryset = UploadRequest.objects.none()
    serializer_class = serializers.UploadRequestSerializer

    def station_queryset(self, station):
        return selectors.upload_requests_of(station, self.kind)

    def create_request(self, station: Station, data: dict) -> UploadRequest:
        raise NotImplementedError

    def post(self, request, identity: str):
        given = self.create_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        created = self.create_request(self.station, given.validated_data)
        upload_request_send(request_id=created.pk, reraise=True)
        return Response(self.get_serializer(self.get_queryset().get(pk=created.pk)).data,
                        status=status.HTTP_201_CREATED)


class StationDiagnostics(_UploadRequests):
    """GetDiagnostics requests of the station, newest first; POST sends one with its upload URL."""

    kind = UploadRequest.DIAGNOSTICS

    def create_request(self, station: Station, data: dict) -> UploadRequest:
        return upload_request_create(station=station, kind=self.kind, **data)

    @extend_schema(request=serializers.DiagnosticsCreateSerializer,
                   responses={201: serializers.UploadRequestSerializer, **SEND_ERRORS})
    def post(self, request, identity: str):
        return super().post(request, identity)


class StationLogs(_UploadRequests):
    """GetLog requests of the station (Security extension), newest first; POST sends one."""

    kind = UploadRequest.LOG
    create_serializer = serializers.LogCreateSerializer

    def create_request(self, station: Station, data: dict) -> UploadRequest:
        return upload_request_create(station=station, kind=self.kind, log_type=data["log_type"],
                                     start_time=data.get("oldest"), stop_time=data.get("latest"),
                                     retries=data.get("retries"), retry_interval=data.get("retry_interval"))

    @extend_schema(request=serializers.LogCreateSerializer,
                   responses={201: serializers.UploadRequestSerializer, **SEND_ERRORS})
    def post(self, request, identity: str):
        return super().post(request, identity)


class _UploadRequestDetail(StationRetrieveAPIView):
    kind = ""
    queryset = UploadRequest.objects.none()
    serializer_class = serializers.UploadRequestSerializer

    def station_queryset(self, station):
        return selectors.upload_requests_of(station, self.kind)


class StationDiagnosticsDetail(_UploadRequestDetail):
    kind = UploadRequest.DIAGNOSTICS


class StationLogDetail(_UploadRequestDetail):
    kind = UploadRequest.LOG


class _UploadedFile(StationGenericAPIView):
    kind = ""
    queryset = UploadRequest.objects.none()

    def station_queryset(self, station):
        return selectors.upload_requests_of(station, self.kind)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The file"),
                              404: OpenApiResponse(description="No such request, or nothing received")})
    def get(self, request, identity: str, pk: int):
        received = get_object_or_404(self.get_queryset(), pk=pk)
        if not received.file:
            raise Http404("Nothing was uploaded for this request yet.")
        name = received.file.name.rsplit("/", 1)[-1]
        return FileResponse(received.file.open("rb"), as_attachment=True, filename=name,
                            content_type="application/octet-stream")


class StationDiagnosticsFile(_UploadedFile):
    """The diagnostics file the station uploaded."""

    kind = UploadRequest.DIAGNOSTICS


class StationLogFile(_UploadedFile):
    """The log file the station uploaded."""

    kind = UploadRequest.LOG
