"""The device model's API under /api/v1/stations/<identity>/device-model/ (docs/api.md):
`reports/` lists the reports asked for and asks for one (GetBaseReport, GetReport); `get/` and
`set/` read and set variables (GetVariables, SetVariables) with a result per attribute. The
model itself is listed at device-model/ (stations/api.py)."""

from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from cpms.api_errors import command_failures
from stations.api_base import AsyncStationAPIView
from stations.commands import requests as req
from stations.devicemodel import services
from stations.devicemodel.selectors import device_reports_of
from stations.models import AttributeType, DeviceReport
from stations.services.message_log import secret_variable

MAX_ITEMS = 200  # variables in one request to the API (the station may take fewer per CALL)


class ComponentVariableSerializer(serializers.Serializer):
    component = serializers.CharField(max_length=50)
    component_instance = serializers.CharField(max_length=50, required=False, default="",
                                               allow_blank=True)
    evse_id = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False,
                                       allow_null=True, default=None)
    connector_id = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False,
                                            allow_null=True, default=None,
                                            help_text="Within its EVSE")
    variable = serializers.CharField(max_length=50)
    variable_instance = serializers.CharField(max_length=50, required=False, default="",
                                              allow_blank=True)

    def validate(self, data):
        if data.get("connector_id") is not None and data.get("evse_id") is None:
            raise serializers.ValidationError(
                {"connector_id": ["A connector is named within its EVSE: give evse_id too."]})
        return data


class ReportVariableSerializer(ComponentVariableSerializer):
    variable = serializers.CharField(max_length=50, required=False, default="", allow_blank=True,
                                     help_text="None: the whole component")


class VariableAttributeRefSerializer(ComponentVariableSerializer):
    attribute_type = serializers.ChoiceField(choices=AttributeType.choices,
                                             default=AttributeType.ACTUAL)


class VariableSettingSerializer(VariableAttributeRefSerializer):
    value = serializers.CharField(max_length=1000, allow_blank=True, trim_whitespace=False)

    def validate(self, data):
        data = super().validate(data)
        if secret_variable(data["component"], data["variable"]):
            # The backend must know the password before the station uses it.
            raise serializers.ValidationError({"variable": [
                "The station's password is changed through its password/ endpoint."]})
        return data


class VariablesGetSerializer(serializers.Serializer):
    variables = VariableAttributeRefSerializer(many=True, min_length=1, max_length=MAX_ITEMS)


class VariablesSetSerializer(serializers.Serializer):
    variables = VariableSettingSerializer(many=True, min_length=1, max_length=MAX_ITEMS)


class VariableResultSerializer(VariableAttributeRefSerializer):
    status = serializers.CharField(help_text="The station's attributeStatus: Accepted, Rejected, "
                                   "UnknownComponent, UnknownVariable, NotSupportedAttributeType"
                                   " or RebootRequired")
    value = serializers.CharField(allow_null=True, help_text="The value read, or the value set")
    status_info = serializers.CharField(allow_blank=True)


class VariablesResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    status = serializers.CharField(help_text="Accepted when every attribute was, else the first "
                                   "other status")
    results = VariableResultSerializer(many=True)


def ref_of(data: dict) -> req.VariableRef:
    return req.VariableRef(
        component=data["component"], variable=data.get("variable", ""),
        attribute_type=data.get("attribute_type", AttributeType.ACTUAL),
        component_instance=data.get("component_instance", ""),
        variable_instance=data.get("variable_instance", ""),
        evse_id=data.get("evse_id"), connector_id=data.get("connector_id"))


def result_data(report: req.VariablesReport) -> dict:
    return {"action": report.action, "status": report.status, "results": [
        {"component": r.variable.component, "component_instance": r.variable.component_instance,
         "evse_id": r.variable.evse_id, "connector_id": r.variable.connector_id,
         "variable": r.variable.variable, "variable_instance": r.variable.variable_instance,
         "attribute_type": r.variable.attribute_type, "status": r.status, "value": r.value,
         "status_info": r.status_info} for r in report.results]}


class DeviceReportSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(
        help_text="requested (no answer yet), in_progress (accepted, parts coming), complete "
                  "(every part came), or refused (the station's status says why)")

    class Meta:
        model = DeviceReport
        fields = ["request_id", "kind", "status", "state", "parts", "requested_at",
                  "completed_at"]

    def get_state(self, report: DeviceReport) -> str:
        return report_state(report)


def report_state(report: DeviceReport) -> str:
    if report.completed_at is not None:
        return "complete"
    if not report.status:
        return "requested" if not report.parts else "in_progress"
    return "in_progress" if report.status == "Accepted" else "refused"


class ReportRequestSerializer(serializers.Serializer):
    report_base = serializers.ChoiceField(choices=services.REPORT_BASES, required=False,
                                          help_text="A base report (GetBaseReport)")
    variables = ReportVariableSerializer(many=True, required=False, max_length=MAX_ITEMS,
                                         help_text="A custom report of these (GetReport)")
    criteria = serializers.ListField(child=serializers.ChoiceField(
        choices=services.COMPONENT_CRITERIA), required=False, max_length=4,
        help_text="A custom report of the components matching these (GetReport)")

    def validate(self, data):
        custom = bool(data.get("variables") or data.get("criteria"))
        if custom == bool(data.get("report_base")):
            raise serializers.ValidationError(
                "Give either report_base or variables and/or criteria.")
        return data


class StationDeviceReportsView(AsyncStationAPIView):
    """The reports asked of the station (newest first), and asking for one."""

    @extend_schema(responses={200: DeviceReportSerializer(many=True)})
    async def get(self, request, identity: str):
        return await self.alist(device_reports_of(self.station), DeviceReportSerializer)

    @extend_schema(
        request=ReportRequestSerializer,
        responses={201: DeviceReportSerializer,
                   400: OpenApiResponse(description="No report named, or a 1.6 station"),
                   **command_failures()})
    async def post(self, request, identity: str):
        serializer = ReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = await services.report_request(
            station=self.station, report_base=data.get("report_base", ""),
            variables=tuple(ref_of(v) for v in data.get("variables", [])),
            criteria=tuple(data.get("criteria", [])))
        body = await sync_to_async(lambda: DeviceReportSerializer(report).data)()
        return Response(body, status=status.HTTP_201_CREATED)


class StationVariablesGetView(AsyncStationAPIView):
    """Read variables of the station (GetVariables, split as the station needs); the values
    read are kept in its device model."""

    @extend_schema(request=VariablesGetSerializer,
                   responses={200: VariablesResultSerializer,
                              400: OpenApiResponse(description="A bad list, or a 1.6 station"),
                              **command_failures()})
    async def post(self, request, identity: str):
        serializer = VariablesGetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = await services.variables_get(station=self.station, items=tuple(
            ref_of(v) for v in serializer.validated_data["variables"]))
        return Response(result_data(report))


class StationVariablesSetView(AsyncStationAPIView):
    """Set variables of the station (SetVariables, split as the station needs): a result per
    attribute; an accepted value becomes the stored one."""

    @extend_schema(request=VariablesSetSerializer,
                   responses={200: VariablesResultSerializer,
                              400: OpenApiResponse(description="A bad list, or a 1.6 station"),
                              **command_failures()})
    async def post(self, request, identity: str):
        serializer = VariablesSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = await services.variables_set(station=self.station, items=tuple(
            req.VariableSetting(variable=ref_of(v), value=v["value"])
            for v in serializer.validated_data["variables"]))
        return Response(result_data(report))
