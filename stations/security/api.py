"""The Security extension's API: thin views over actions (commands to stations), services
and selectors, all within the caller's tenant."""

import django_filters
from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cpms.api_errors import command_failures
from cpms.api_filters import UtcIsoDateTimeFilter
from stations.api_base import AsyncStationAPIView, StationListAPIView
from stations.security import actions, pki, selectors, services
from stations.security.models import (
    ContractCertificate,
    IssuedCertificate,
    PkiRequest,
    SecurityCommand,
    SecurityEvent,
    UploadedCertificateAuthority,
)
from stations.security.pki import builtin
from stations.security.serializers import (
    CertificateInstallSerializer,
    CertificateRenewSerializer,
    CertificatesRefreshSerializer,
    ContractCertificateSerializer,
    ContractRevokeSerializer,
    InstalledCertificateSerializer,
    IssuedCertificateSerializer,
    PasswordChangedSerializer,
    PasswordChangeSerializer,
    PkiRequestSerializer,
    PkiSettingsSerializer,
    SecurityCommandSerializer,
    SecurityEventSerializer,
    SecurityProfileSerializer,
    StatusSerializer,
    UploadedCertificateAuthoritySerializer,
)
from stations.selectors import ocpp_base_url
from tenants.api import TenantListAPIView, TenantListCreateAPIView, TenantRetrieveDestroyAPIView

COMMAND_ERRORS = command_failures("No such station (or certificate) in this tenant")


class SecurityEventFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__identity")
    since = UtcIsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    critical = django_filters.BooleanFilter()

    class Meta:
        model = SecurityEvent
        fields = ["station", "since", "critical", "type"]


class SecurityEventListView(TenantListAPIView):
    """The tenant's security events (SecurityEventNotification), newest first."""

    queryset = SecurityEvent.objects.none()
    serializer_class = SecurityEventSerializer
    filterset_class = SecurityEventFilter

    def tenant_queryset(self, tenant):
        return selectors.security_events_of(tenant)


class StationSecurityEventListView(StationListAPIView):
    """The tenant's security events (SecurityEventNotification), newest first."""  # as before

    queryset = SecurityEvent.objects.none()
    serializer_class = SecurityEventSerializer
    filterset_class = SecurityEventFilter

    def station_queryset(self, station):
        return selectors.station_security_events(station)


class CertificateAuthorityView(APIView):
    """The tenant's CA certificate (made on first use): what stations' client certificates
    (profile 3) are signed with."""

    @extend_schema(responses=inline_serializer("CaCertificate", {"certificate": serializers.CharField()}))
    def get(self, request):
        authority = services.ca_of(tenant_id=request.tenant.pk)
        return Response({"certificate": authority.certificate_pem})


class UploadedCertificateAuthorityListView(TenantListCreateAPIView):
    """CA certificates the tenant uploaded (its maker's or its own PKI's): a profile-3 station's
    client certificate issued by one of them opens its link, as one of the tenant's own CA does."""

    queryset = UploadedCertificateAuthority.objects.none()
    serializer_class = UploadedCertificateAuthoritySerializer

    def tenant_queryset(self, tenant):
        return selectors.uploaded_cas_of(tenant)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.uploaded_ca_add(
                tenant_id=self.request.tenant.pk,
                certificate_pem=serializer.validated_data["certificate_pem"],
                name=serializer.validated_data.get("name", ""))
        except services.DuplicateCertificate as duplicate:
            raise ValidationError({"certificate": [str(duplicate)]}) from None


class UploadedCertificateAuthorityView(TenantRetrieveDestroyAPIView):
    """One uploaded CA certificate; DELETE: certificates it issued no longer open a link (from
    the stations' next connection)."""

    queryset = UploadedCertificateAuthority.objects.none()
    serializer_class = UploadedCertificateAuthoritySerializer

    def tenant_queryset(self, tenant):
        return selectors.uploaded_cas_of(tenant)

    def perform_destroy(self, instance):
        services.uploaded_ca_delete(authority=instance)


class StationIssuedCertificatesView(StationListAPIView):
    """The certificates our CA issued to the station (SignCertificate)."""

    queryset = IssuedCertificate.objects.none()
    serializer_class = IssuedCertificateSerializer

    def station_queryset(self, station):
        return selectors.issued_certificates_of(station)


class StationSecurityCommandsView(StationListAPIView):
    """What was asked of the station (passwords, profile, certificates) and its answers."""

    queryset = SecurityCommand.objects.none()
    serializer_class = SecurityCommandSerializer
    filterset_fields = ["action", "status"]

    def station_queryset(self, station):
        return selectors.security_commands_of(station)


class StationPasswordView(AsyncStationAPIView):
    """Rotate the station's Basic-auth password: 1.6 ChangeConfiguration AuthorizationKey, 2.0.1
    SetVariables SecurityCtrlr.BasicAuthPassword. Once the station accepts, it may connect with
    the new password, and with the old one until it has used the new one."""

    @extend_schema(request=PasswordChangeSerializer,
                   responses={200: PasswordChangedSerializer, 400: OpenApiResponse(), **COMMAND_ERRORS})
    async def post(self, request, identity: str):
        station = self.station
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if station.security_profile >= 3:
            raise ValidationError({"non_field_errors": [
                "A profile 3 station authenticates with its certificate, not a password."]})
        answer, password = await actions.password_change(station,
                                                         serializer.validated_data.get("password"))
        return Response({"status": answer,
                         "password": password if answer in actions.PASSWORD_TAKEN else None})


class StationSecurityProfileView(AsyncStationAPIView):
    """Raise the station's security profile: 1.6 ChangeConfiguration SecurityProfile; 2.0.1
    SetNetworkProfile (this server's wss URL, the profile) into slot 2, SetVariables
    OCPPCommCtrlr.NetworkConfigurationPriority "2,1" and Reset OnIdle (A05)."""

    @extend_schema(request=SecurityProfileSerializer,
                   responses={200: StatusSerializer, 400: OpenApiResponse(), **COMMAND_ERRORS})
    async def post(self, request, identity: str):
        station = self.station
        serializer = SecurityProfileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = serializer.validated_data["profile"]
        if profile <= station.security_profile:
            raise ValidationError({"profile": [f"Only an upgrade: the station is at profile "
                                               f"{station.security_profile}."]})
        if profile == 3:
            await sync_to_async(services.ca_of)(tenant_id=station.tenant_id)
        csms_url = await sync_to_async(tls_csms_url)(station=station, request=request)
        return Response({"status": await actions.security_profile_upgrade(station, profile,
                                                                          csms_url)})


def tls_csms_url(*, station, request) -> str:
    """Where a 2.0.1 station at profile 2 or 3 connects (it adds its identity): the public
    OCPP URL of its tenant, over TLS."""
    base = ocpp_base_url(request=request)
    if base.startswith("ws://"):
        base = "wss://" + base.removeprefix("ws://")
    return f"{base}/ocpp/{station.tenant.slug}"


class StationCertificatesView(AsyncStationAPIView):
    """GET: the root certificates the backend knows the station has; POST: InstallCertificate."""

    @extend_schema(responses=InstalledCertificateSerializer(many=True))
    async def get(self, request, identity: str):
        station = self.station
        return await self.alist(selectors.installed_certificates_of(station),
                                InstalledCertificateSerializer)

    @extend_schema(request=CertificateInstallSerializer,
                   responses={201: InstalledCertificateSerializer, 400: OpenApiResponse(),
                              **COMMAND_ERRORS})
    async def post(self, request, identity: str):
        station = self.station
        serializer = CertificateInstallSerializer(data=request.data, context={"station": station})
        serializer.is_valid(raise_exception=True)
        installed = await actions.certificate_install(
            station, serializer.validated_data["certificate_type"],
            serializer.validated_data["certificate"])
        return Response(InstalledCertificateSerializer(installed).data, status=status.HTTP_201_CREATED)


class StationCertificatesRefreshView(AsyncStationAPIView):
    """GetInstalledCertificateIds for one type (`certificate_type`), or for a 2.0.1 station
    several (`certificate_types`) or every type (neither); the answer replaces what we know of
    each type asked."""

    @extend_schema(request=CertificatesRefreshSerializer,
                   responses={200: StatusSerializer, 400: OpenApiResponse(), **COMMAND_ERRORS})
    async def post(self, request, identity: str):
        station = self.station
        serializer = CertificatesRefreshSerializer(data=request.data, context={"station": station})
        serializer.is_valid(raise_exception=True)
        answer = await actions.certificates_refresh(station,
                                                    serializer.validated_data["certificate_types"])
        return Response({"status": answer})


class StationCertificateDeleteView(AsyncStationAPIView):
    """DeleteCertificate with the certificate's hash data."""

    @extend_schema(responses={200: StatusSerializer, **COMMAND_ERRORS})
    async def delete(self, request, identity: str, pk: int):
        station = self.station
        certificate = await self.get_scoped(selectors.installed_certificates_of(station), pk=pk)
        return Response({"status": await actions.certificate_delete(station, certificate)})


class StationCertificateRenewView(AsyncStationAPIView):
    """Have the station send a new CSR: 1.6 ExtendedTriggerMessage SignChargePointCertificate;
    2.0.1 TriggerMessage SignChargingStationCertificate, or SignV2GCertificate for
    `certificate_type` V2GCertificate."""

    @extend_schema(request=CertificateRenewSerializer,
                   responses={200: StatusSerializer, 400: OpenApiResponse(), **COMMAND_ERRORS})
    async def post(self, request, identity: str):
        station = self.station
        serializer = CertificateRenewSerializer(data=request.data, context={"station": station})
        serializer.is_valid(raise_exception=True)
        return Response({"status": await actions.certificate_renewal_request(
            station, serializer.validated_data["certificate_type"])})



# ISO 15118 PKI (docs/pki.md) --------------------------------------------------------------------
class PkiSettingsView(APIView):
    """Which PKI answers the stations' ISO 15118 questions (PKI_BACKEND): `builtin`, the test PKI
    on the tenant's CA, or `http`, the operator's PKI at `url`. Set by the deployment."""

    @extend_schema(responses=PkiSettingsSerializer)
    def get(self, request):
        return Response(pki.settings_shown())


class PkiRequestFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__identity")
    since = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = PkiRequest
        fields = ["station", "since", "action", "status"]


class PkiRequestListView(TenantListAPIView):
    """What the tenant's stations asked the PKI (Get15118EVCertificate, GetCertificateStatus,
    contract Authorize) and its answers, newest first."""

    queryset = PkiRequest.objects.none()
    serializer_class = PkiRequestSerializer
    filterset_class = PkiRequestFilter

    def tenant_queryset(self, tenant):
        return selectors.pki_requests_of(tenant)


class ContractCertificateListView(TenantListCreateAPIView):
    """The built-in test PKI's contract certificates; POST issues one for an eMAID (400 when the
    PKI is the operator's: its certificates come from there)."""

    queryset = ContractCertificate.objects.none()
    serializer_class = ContractCertificateSerializer
    filterset_fields = ["emaid", "state"]

    def tenant_queryset(self, tenant):
        return selectors.contract_certificates_of(tenant)

    def perform_create(self, serializer):
        if pki.settings_shown()["backend"] != "builtin":
            raise ValidationError({"non_field_errors": [
                "The PKI is PKI_BACKEND=http: contract certificates come from it."]})
        serializer.instance = builtin.contract_certificate_issue(
            tenant_id=self.request.tenant.pk, emaid=serializer.validated_data["emaid"],
            public_key=serializer.validated_data.get("public_key"))


class ContractCertificateRevokeView(APIView):
    """Revoke a contract certificate (or cancel its contract): OCSP says revoked from now on,
    and a contract Authorize with it is refused."""

    @extend_schema(request=ContractRevokeSerializer, responses={200: ContractCertificateSerializer})
    def post(self, request, pk: int):
        certificate = selectors.contract_certificates_of(request.tenant).filter(pk=pk).first()
        if certificate is None:
            raise NotFound("No such contract certificate in this tenant.")
        serializer = ContractRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        builtin.contract_certificate_revoke(certificate=certificate,
                                            state=serializer.validated_data["state"])
        return Response(ContractCertificateSerializer(certificate).data)
