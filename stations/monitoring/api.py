"""The monitoring API beside the device model's (docs/api.md): under
/api/v1/stations/<identity>/device-model/monitors/ the monitors listed and set
(SetVariableMonitoring), `clear/` (ClearVariableMonitoring), `base/` (SetMonitoringBase),
`level/` (SetMonitoringLevel) and `report/` (GetMonitoringReport); and the station's events
(NotifyEvent) at /api/v1/stations/<identity>/events/."""

import django_filters
from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cpms.api_errors import command_failures
from cpms.api_filters import UtcIsoDateTimeFilter
from stations.api_base import AsyncStationAPIView, StationListAPIView
from stations.commands import requests as req
from stations.devicemodel.api import (
    MAX_ITEMS,
    ComponentVariableSerializer,
    DeviceReportSerializer,
    ReportVariableSerializer,
    ref_of,
)
from stations.models import StationEvent, VariableMonitor
from stations.monitoring import selectors, services

MAX_VALUE = 10**14  # what a stored monitor's value holds


class MonitorSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="variable.component.name")
    component_instance = serializers.CharField(source="variable.component.instance")
    evse_id = serializers.IntegerField(source="variable.component.evse_id", allow_null=True)
    connector_id = serializers.IntegerField(source="variable.component.connector_id",
                                            allow_null=True)
    variable = serializers.CharField(source="variable.name")
    variable_instance = serializers.CharField(source="variable.instance")

    class Meta:
        model = VariableMonitor
        fields = ["monitor_id", "component", "component_instance", "evse_id", "connector_id",
                  "variable", "variable_instance", "type", "value", "severity", "transaction",
                  "preset", "updated_at"]


class MonitorSettingSerializer(ComponentVariableSerializer):
    type = serializers.ChoiceField(choices=services.MONITOR_TYPES)
    value = serializers.DecimalField(max_digits=20, decimal_places=6, max_value=MAX_VALUE,
                                     min_value=-MAX_VALUE, help_text="Threshold or delta; for "
                                     "Periodic and PeriodicClockAligned the interval in seconds")
    severity = serializers.IntegerField(min_value=0, max_value=9)
    transaction = serializers.BooleanField(default=False)
    monitor_id = serializers.IntegerField(required=False, allow_null=True, default=None,
                                          min_value=0, max_value=2**31 - 1,
                                          help_text="Replace this monitor of the station's")

    def validate(self, data):
        data = super().validate(data)
        periodic = data["type"] in ("Periodic", "PeriodicClockAligned")
        if (periodic and data["value"] <= 0) or (data["type"] == "Delta" and data["value"] < 0):
            raise serializers.ValidationError({"value": [
                "A period is positive and a delta not negative."]})
        return data


class MonitorsSetSerializer(serializers.Serializer):
    monitors = MonitorSettingSerializer(many=True, min_length=1, max_length=MAX_ITEMS)


class MonitorResultSerializer(serializers.Serializer):
    component = serializers.CharField()
    variable = serializers.CharField()
    type = serializers.CharField()
    severity = serializers.IntegerField()
    status = serializers.CharField(help_text="Accepted, UnknownComponent, UnknownVariable, "
                                   "UnsupportedMonitorType, Rejected, OutOfRange or Duplicate")
    monitor_id = serializers.IntegerField(allow_null=True, help_text="The station's id for it")
    status_info = serializers.CharField(allow_blank=True)


class MonitorsResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.CharField()
    results = MonitorResultSerializer(many=True)


class MonitorClearedSerializer(serializers.Serializer):
    monitor_id = serializers.IntegerField()
    status = serializers.CharField(help_text="Accepted, Rejected or NotFound")


class MonitorsClearedSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.CharField()
    results = MonitorClearedSerializer(many=True)


class MonitorsClearSerializer(serializers.Serializer):
    monitor_ids = serializers.ListField(child=serializers.IntegerField(min_value=0,
                                                                       max_value=2**31 - 1),
                                        min_length=1, max_length=MAX_ITEMS)


class MonitoringBaseSerializer(serializers.Serializer):
    base = serializers.ChoiceField(choices=services.BASES)


class MonitoringLevelSerializer(serializers.Serializer):
    severity = serializers.IntegerField(min_value=0, max_value=9,
                                        help_text="0 (Danger) .. 9 (Debug)")


class MonitoringAnswerSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.CharField()


class MonitoringReportRequestSerializer(serializers.Serializer):
    variables = ReportVariableSerializer(many=True, required=False, max_length=MAX_ITEMS)
    criteria = serializers.ListField(child=serializers.ChoiceField(choices=services.CRITERIA),
                                     required=False, max_length=3)


def _setting(data: dict) -> req.MonitorSetting:
    return req.MonitorSetting(variable=ref_of(data), type=data["type"], value=data["value"],
                              severity=data["severity"], transaction=data["transaction"],
                              monitor_id=data.get("monitor_id"))


def _result(result: req.MonitorResult) -> dict:
    return {"component": result.setting.variable.component,
            "variable": result.setting.variable.variable, "type": result.setting.type,
            "severity": result.setting.severity, "status": result.status,
            "monitor_id": result.monitor_id, "status_info": result.status_info}


class StationMonitorsView(AsyncStationAPIView):
    """The station's monitors as last learnt, and setting some (SetVariableMonitoring)."""

    @extend_schema(responses={200: MonitorSerializer(many=True)})
    async def get(self, request, identity: str):
        return await self.alist(selectors.monitors_of(self.station), MonitorSerializer)

    @extend_schema(request=MonitorsSetSerializer,
                   responses={200: MonitorsResultSerializer,
                              400: OpenApiResponse(description="A bad list, or a 1.6 station"),
                              **command_failures()})
    async def post(self, request, identity: str):
        serializer = MonitorsSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = await services.monitors_set(station=self.station, items=tuple(
            _setting(m) for m in serializer.validated_data["monitors"]))
        return Response({"action": report.action, "status": report.status,
                         "results": [_result(r) for r in report.results]})


class StationMonitorsClearView(AsyncStationAPIView):
    """Clear monitors by id (ClearVariableMonitoring): a status per id."""

    @extend_schema(request=MonitorsClearSerializer, responses={200: MonitorsClearedSerializer,
                                                               **command_failures()})
    async def post(self, request, identity: str):
        serializer = MonitorsClearSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = await services.monitors_clear(
            station=self.station, monitor_ids=tuple(serializer.validated_data["monitor_ids"]))
        return Response({"action": report.action, "status": report.status, "results": [
            {"monitor_id": i, "status": s} for i, s in report.results]})


class StationMonitoringBaseView(AsyncStationAPIView):
    """SetMonitoringBase: All, FactoryDefault or HardWiredOnly."""

    @extend_schema(request=MonitoringBaseSerializer, responses={200: MonitoringAnswerSerializer,
                                                      **command_failures()})
    async def post(self, request, identity: str):
        serializer = MonitoringBaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = await services.monitoring_base_set(station=self.station,
                                                    base=serializer.validated_data["base"])
        return Response({"action": result.action, "status": result.status})


class StationMonitoringLevelView(AsyncStationAPIView):
    """SetMonitoringLevel: events of severity 0..`severity` only; out of 0-9 is a 400."""

    @extend_schema(request=MonitoringLevelSerializer, responses={200: MonitoringAnswerSerializer,
                                                       **command_failures()})
    async def post(self, request, identity: str):
        serializer = MonitoringLevelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = await services.monitoring_level_set(
            station=self.station, severity=serializer.validated_data["severity"])
        return Response({"action": result.action, "status": result.status})


class StationMonitoringReportView(AsyncStationAPIView):
    """The monitoring reports asked for (newest first), and asking for one
    (GetMonitoringReport; neither variables nor criteria: every monitor)."""

    @extend_schema(responses={200: DeviceReportSerializer(many=True)})
    async def get(self, request, identity: str):
        return await self.alist(selectors.monitoring_reports_of(self.station),
                                DeviceReportSerializer)

    @extend_schema(request=MonitoringReportRequestSerializer,
                   responses={201: DeviceReportSerializer, **command_failures()})
    async def post(self, request, identity: str):
        serializer = MonitoringReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = await services.monitoring_report_request(
            station=self.station, variables=tuple(ref_of(v) for v in data.get("variables", [])),
            criteria=tuple(data.get("criteria", [])))
        body = await sync_to_async(lambda: DeviceReportSerializer(report).data)()
        return Response(body, status=status.HTTP_201_CREATED)


# Events ---------------------------------------------------------------------------------------
class StationEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = StationEvent
        fields = ["event_id", "timestamp", "trigger", "cause", "actual_value", "tech_code",
                  "tech_info", "cleared", "transaction_id", "variable_monitoring_id",
                  "notification_type", "component", "component_instance", "evse_id",
                  "evse_connector_id", "variable", "variable_instance", "severity", "fault",
                  "connector_id", "received_at"]


class StationEventFilter(django_filters.FilterSet):
    since = UtcIsoDateTimeFilter(field_name="timestamp", lookup_expr="gte")

    class Meta:
        model = StationEvent
        fields = ["component", "variable", "cleared", "fault", "since"]


class StationEventListView(StationListAPIView):
    """The station's events (NotifyEvent), latest first; filtered by component, variable,
    cleared, fault, or since a time."""

    queryset = StationEvent.objects.none()
    serializer_class = StationEventSerializer
    filterset_class = StationEventFilter

    def station_queryset(self, station):
        return selectors.events_of(station)
