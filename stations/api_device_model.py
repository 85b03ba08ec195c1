"""GET /api/v1/stations/<identity>/device-model/: what the station reported about itself.

Its components, each with its variables and their attributes and monitors, as the device
model keeps them (docs/domain-model.md): a 1.6 station's configuration keys are the variables of
the OCPP16Configuration component, learnt from every GetConfiguration and accepted
ChangeConfiguration answer. Read-only: settings change through the station's commands."""

from django.urls import re_path
from rest_framework import serializers

from stations import selectors
from stations.api_base import StationListAPIView
from stations.models import Component, Variable, VariableAttribute, VariableMonitor


class VariableAttributeSerializer(serializers.ModelSerializer):
    class Meta:
        model = VariableAttribute
        fields = ["type", "value", "mutability", "persistent", "constant", "source", "updated_at"]


class VariableMonitorSerializer(serializers.ModelSerializer):
    class Meta:
        model = VariableMonitor
        fields = ["monitor_id", "type", "value", "severity", "transaction", "preset", "updated_at"]


class VariableSerializer(serializers.ModelSerializer):
    attributes = VariableAttributeSerializer(many=True, read_only=True)
    monitors = VariableMonitorSerializer(many=True, read_only=True)

    class Meta:
        model = Variable
        fields = ["name", "instance", "unit", "data_type", "min_limit", "max_limit", "values_list",
                  "supports_monitoring", "attributes", "monitors"]


class ComponentSerializer(serializers.ModelSerializer):
    variables = VariableSerializer(many=True, read_only=True)

    class Meta:
        model = Component
        fields = ["name", "instance", "evse_id", "connector_id", "variables"]


class StationDeviceModel(StationListAPIView):
    """The station's device model: its components with their variables, attributes and
    monitors (a 1.6 station's configuration keys: the OCPP16Configuration component)."""

    queryset = Component.objects.none()  # for the schema; requests use station_queryset
    serializer_class = ComponentSerializer

    def station_queryset(self, station):
        return selectors.device_model_of(station)


urlpatterns = [
    re_path(r"^stations/(?P<identity>[^/]+)/device-model/$", StationDeviceModel.as_view(),
            name="station-device-model"),
]
