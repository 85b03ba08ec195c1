"""POST /api/v1/stations/<identity>/trigger/: Remote Trigger through the API."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cpms.api_errors import command_failures
from stations.api_base import AsyncStationAPIView
from stations.triggers.services import EXTENDED, STANDARD, trigger_send


class TriggerSerializer(serializers.Serializer):
    requested_message = serializers.ChoiceField(choices=sorted(STANDARD | EXTENDED))
    connector_id = serializers.IntegerField(min_value=0, required=False)
    extended = serializers.BooleanField(default=False,
                                        help_text="Send ExtendedTriggerMessage (Security extension)")

    def validate(self, data):
        if data["extended"] and data["requested_message"] not in EXTENDED:
            raise serializers.ValidationError(
                {"requested_message": ["ExtendedTriggerMessage cannot request this message."]})
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
        serializer = TriggerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = await trigger_send(station=station, **serializer.validated_data)
        return Response(TriggerResultSerializer(result).data)
