"""POST /api/v1/stations/<identity>/trigger/: Remote Trigger through the API."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cpms.api_errors import command_failures
from stations.api_base import AsyncStationAPIView
from stations.triggers.services import ANY, NotTriggerable, trigger_check, trigger_send


class TriggerSerializer(serializers.Serializer):
    """`ocpp_version` in the context: what the station's version can be asked."""

    requested_message = serializers.ChoiceField(
        choices=sorted(ANY), help_text="1.6 or 2.0.1 names; the station's version decides")
    connector_id = serializers.IntegerField(min_value=0, required=False,
                                            help_text="The connector (1.6) or EVSE (2.0.1)")
    extended = serializers.BooleanField(
        default=False, help_text="Send ExtendedTriggerMessage (1.6 Security extension)")

    def validate(self, data):
        try:
            trigger_check(ocpp_version=self.context.get("ocpp_version", ""),
                          requested_message=data["requested_message"], extended=data["extended"])
        except NotTriggerable as refusal:
            raise serializers.ValidationError({"requested_message": [str(refusal)]}) from None
        return data


class TriggerResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    requested_message = serializers.CharField()
    connector_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["Accepted", "Rejected", "NotImplemented"])


class StationTriggerView(AsyncStationAPIView):
    """Ask the station to send a message now; answer with the station's status."""

    @extend_schema(
        request=TriggerSerializer,
        responses={
            200: TriggerResultSerializer,
            400: OpenApiResponse(description="A message the trigger cannot request"),
            **command_failures(),
        },
    )
    async def post(self, request, identity: str):
        station = self.station
        serializer = TriggerSerializer(data=request.data,
                                       context={"ocpp_version": station.ocpp_version})
        serializer.is_valid(raise_exception=True)
        result = await trigger_send(station=station, **serializer.validated_data)
        return Response(TriggerResultSerializer(result).data)
