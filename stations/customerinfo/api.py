"""A station's customer information requests: GET lists them with their reports, POST sends one
(2.0.1 only: a 1.6 station is a 400 saying so). As for diagnostics, a station that is not
connected or does not answer is a 409/502/504, the request kept with its error (`id`)."""

from asgiref.sync import async_to_sync
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from stations.api_base import StationListAPIView, StationRetrieveAPIView
from stations.commands.sending import CommandFailed
from stations.customerinfo import selectors, serializers
from stations.customerinfo.services import (
    customer_information_create,
    customer_information_everywhere,
    customer_information_send,
)
from stations.models import CustomerInformation
from tenants.api import TenantListAPIView

SEND_ERRORS = {
    400: OpenApiResponse(description="Bad input, or the station's OCPP version has no such message"),
    409: OpenApiResponse(description="The station is not connected (the request is kept, failed)"),
    502: OpenApiResponse(description="The station answered with a CALLERROR"),
    504: OpenApiResponse(description="No answer in time"),
}


class StationCustomerInformation(StationListAPIView):
    """The station's customer information requests, newest first, each with its report."""

    queryset = CustomerInformation.objects.none()
    serializer_class = serializers.CustomerInformationSerializer

    def station_queryset(self, station):
        return selectors.customer_information_of(station)

    @extend_schema(request=serializers.CustomerInformationCreateSerializer,
                   responses={201: serializers.CustomerInformationSerializer, **SEND_ERRORS})
    def post(self, request, identity: str):
        given = serializers.CustomerInformationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        row = customer_information_create(station=self.station,
                                          certificate=data.pop("customer_certificate", None), **data)
        try:
            async_to_sync(customer_information_send)(pk=row.pk)
        except CommandFailed as failure:
            failure.body["id"] = row.pk
            raise  # its status code and body (cpms/api_errors.py)
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data,
                        status=status.HTTP_201_CREATED)


class StationCustomerInformationDetail(StationRetrieveAPIView):
    queryset = CustomerInformation.objects.none()
    serializer_class = serializers.CustomerInformationSerializer

    def station_queryset(self, station):
        return selectors.customer_information_of(station)


class TenantCustomerInformation(TenantListAPIView):
    """Every customer information request of the tenant's stations, newest first. POST asks
    every station whose version has the message (2.0.1) at once, e.g. for a driver's GDPR
    request: 201 with one request per station (a station not connected: its request failed)."""

    queryset = CustomerInformation.objects.none()
    serializer_class = serializers.CustomerInformationSerializer

    def tenant_queryset(self, tenant):
        return selectors.customer_information_of_tenant(tenant)

    @extend_schema(request=serializers.CustomerInformationCreateSerializer,
                   responses={201: serializers.CustomerInformationSerializer(many=True)})
    def post(self, request):
        given = serializers.CustomerInformationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        rows = async_to_sync(customer_information_everywhere)(
            tenant_id=request.tenant.pk, certificate=data.pop("customer_certificate", None), **data)
        shown = self.get_queryset().filter(pk__in=[row.pk for row in rows]).order_by("station__identity")
        return Response(self.get_serializer(shown, many=True).data, status=status.HTTP_201_CREATED)
