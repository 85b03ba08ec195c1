from django.utils import timezone
from rest_framework import serializers

from stations.displaymessages import selectors
from stations.displaymessages.models import (
    DisplayMessage,
    DisplayMessageReport,
    MessageFormat,
    MessageState,
    Priority,
    Status,
)
from stations.displaymessages.services import MAX_ID


class DisplayMessageSerializer(serializers.ModelSerializer):
    in_force = serializers.SerializerMethodField(
        help_text="Set, within its start and end, and its transaction (if any) still running")

    class Meta:
        model = DisplayMessage
        fields = ["id", "message_id", "priority", "state", "start_at", "end_at", "transaction_id",
                  "session", "message_format", "language", "content", "display_component",
                  "display_instance", "display_evse_id", "origin", "status", "answer",
                  "answer_info", "error", "clear_answer", "reported", "reported_at", "in_force",
                  "created_at", "updated_at"]
        read_only_fields = fields

    def get_in_force(self, message: DisplayMessage) -> bool:
        now = timezone.now()
        return (message.status == Status.SET and (message.start_at is None or message.start_at <= now)
                and (message.end_at is None or message.end_at > now)
                and (message.session is None or message.session.stopped_at is None))


class DisplayMessageCreateSerializer(serializers.Serializer):
    """What the operator composes; the station is the view's (context "station")."""

    message_id = serializers.IntegerField(min_value=0, max_value=MAX_ID, required=False,
                                          help_text="An id the station holds is replaced; "
                                                    "omitted: the station's next free id")
    priority = serializers.ChoiceField(choices=Priority.choices)
    state = serializers.ChoiceField(choices=MessageState.choices, required=False, allow_blank=True,
                                    default="")
    start_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    end_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    transaction_id = serializers.CharField(max_length=36, required=False, allow_blank=True,
                                           default="", help_text="A running transaction of "
                                                                 "the station (its own id)")
    message_format = serializers.ChoiceField(choices=MessageFormat.choices,
                                             default=MessageFormat.UTF8)
    language = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=512, trim_whitespace=False)
    display_component = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                              default="")
    display_instance = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                             default="")
    display_evse_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                               allow_null=True, default=None)

    def validate_content(self, content: str) -> str:
        if not content.strip():
            raise serializers.ValidationError("The message has no text.")
        return content

    def validate_end_at(self, end_at):
        if end_at is not None and end_at <= timezone.now():
            raise serializers.ValidationError("The end must be in the future.")
        return end_at

    def validate(self, data: dict) -> dict:
        start, end = data.get("start_at"), data.get("end_at")
        if start is not None and end is not None and end <= start:
            raise serializers.ValidationError({"end_at": "The end must be after the start."})
        if (data["display_instance"] or data["display_evse_id"]) and not data["display_component"]:
            raise serializers.ValidationError(
                {"display_component": "Name the display's component to give its instance or EVSE."})
        data["session"] = self._session(data.pop("transaction_id"))
        return data

    def _session(self, transaction_id: str):
        if not transaction_id:
            return None
        session = selectors.ongoing_session(self.context["station"], transaction_id)
        if session is None:
            raise serializers.ValidationError(
                {"transaction_id": "No running transaction of this station has this id."})
        return session


class DisplayMessagesGetSerializer(serializers.Serializer):
    message_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_ID), required=False,
        max_length=100, default=list, help_text="Only these ids (empty: any)")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True,
                                       default="")
    state = serializers.ChoiceField(choices=MessageState.choices, required=False, allow_blank=True,
                                    default="")


class DisplayMessageReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisplayMessageReport
        fields = ["id", "request_id", "message_ids", "priority", "state", "status", "error",
                  "messages", "parts", "requested_at", "completed_at"]
        read_only_fields = fields


class DisplayMessageClearedSerializer(serializers.Serializer):
    message_id = serializers.IntegerField()
    status = serializers.CharField(help_text="The station's answer: Accepted or Unknown")


class DisplayMessagePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DisplayMessageSerializer(many=True)
