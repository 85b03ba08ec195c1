"""Display messages: what the operator asked a station to show (SetDisplayMessage), what the
station answered, and what its reports (GetDisplayMessages -> NotifyDisplayMessages) say it
holds. OCPP 2.0.1 only (block O); a 1.6 station has no display messages (docs/ocpp201.md,
display messages)."""

from django.db import models

from stations.models import ChargingSession, Station
from tenants.models import Tenant


class Priority(models.TextChoices):
    ALWAYS_FRONT = "AlwaysFront"
    IN_FRONT = "InFront"
    NORMAL_CYCLE = "NormalCycle"


class MessageState(models.TextChoices):
    """When the station shows the message (blank: whatever its state)."""

    CHARGING = "Charging"
    FAULTED = "Faulted"
    IDLE = "Idle"
    UNAVAILABLE = "Unavailable"


class MessageFormat(models.TextChoices):
    ASCII = "ASCII"
    HTML = "HTML"
    URI = "URI"
    UTF8 = "UTF8"


class Answer(models.TextChoices):
    """The station's answer to SetDisplayMessage."""

    ACCEPTED = "Accepted"
    NOT_SUPPORTED_MESSAGE_FORMAT = "NotSupportedMessageFormat"
    REJECTED = "Rejected"
    NOT_SUPPORTED_PRIORITY = "NotSupportedPriority"
    NOT_SUPPORTED_STATE = "NotSupportedState"
    UNKNOWN_TRANSACTION = "UnknownTransaction"


class Status(models.TextChoices):
    """Where the message stands, as far as the backend knows."""

    PENDING = "Pending"  # SetDisplayMessage sent, no answer yet
    SET = "Set"  # on the station (Accepted, or reported by it)
    REFUSED = "Refused"  # the station answered anything but Accepted: `answer` says what
    REPLACED = "Replaced"  # a later message with its id was accepted
    CLEARED = "Cleared"  # ClearDisplayMessage was accepted
    GONE = "Gone"  # the station no longer has it (a report without it, Unknown to a clear)
    SEND_FAILED = "SendFailed", "Send failed (no usable answer)"


class Origin(models.TextChoices):
    OPERATOR = "Operator"  # set through the API or the dashboard
    STATION = "Station"  # first learnt from a station's report


LIVE = (Status.PENDING, Status.SET)


class DisplayMessage(models.Model):
    """One message as set on (or reported by) a station. Setting an id again replaces the
    message the station holds with that id: a new row, the old one Replaced once accepted."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="display_messages")
    message_id = models.IntegerField(help_text="The OCPP message id, the station's key")
    priority = models.CharField(max_length=12, choices=Priority.choices)
    state = models.CharField(max_length=12, choices=MessageState.choices, blank=True,
                             help_text="Shown only in this station state (blank: any)")
    start_at = models.DateTimeField(null=True, blank=True, help_text="Shown from (blank: now)")
    end_at = models.DateTimeField(null=True, blank=True, help_text="Shown until (blank: always)")
    transaction_id = models.CharField(max_length=36, blank=True,
                                      help_text="Shown only during this transaction of the station")
    session = models.ForeignKey(ChargingSession, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The session of `transaction_id`")
    message_format = models.CharField(max_length=5, choices=MessageFormat.choices,
                                      default=MessageFormat.UTF8)
    language = models.CharField(max_length=8, blank=True, help_text="RFC 5646, e.g. en, de-CH")
    content = models.CharField(max_length=512)
    display_component = models.CharField(max_length=50, blank=True,
                                         help_text="The display to use (blank: the station's choice)")
    display_instance = models.CharField(max_length=50, blank=True)
    display_evse_id = models.PositiveIntegerField(null=True, blank=True)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.OPERATOR)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answer = models.CharField(max_length=25, choices=Answer.choices, blank=True,
                              help_text="The station's answer to SetDisplayMessage")
    answer_info = models.CharField(max_length=600, blank=True,
                                   help_text="The answer's statusInfo: reason code and details")
    error = models.JSONField(default=dict, blank=True, help_text="Why no usable answer came")
    clear_answer = models.CharField(max_length=10, blank=True,
                                    help_text="The station's answer to ClearDisplayMessage")
    reported = models.JSONField(default=dict, blank=True,
                                help_text="The message as the station last reported it")
    reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["station", "message_id"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"display message {self.message_id} on {self.station_id}: {self.status}"


class DisplayMessageReport(models.Model):
    """One GetDisplayMessages: its criteria (none: every message), the answer (Accepted, or
    Unknown when no message matches) and the messages its NotifyDisplayMessages parts carried."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.CASCADE,
                                related_name="display_message_reports")
    request_id = models.IntegerField(null=True, blank=True, help_text="The requestId sent: the row's id")
    message_ids = models.JSONField(default=list, blank=True, help_text="Asked for these ids only")
    priority = models.CharField(max_length=12, choices=Priority.choices, blank=True)
    state = models.CharField(max_length=12, choices=MessageState.choices, blank=True)
    status = models.CharField(max_length=10, blank=True, help_text="Accepted or Unknown")
    error = models.JSONField(default=dict, blank=True, help_text="Why no usable answer came")
    messages = models.JSONField(default=list, blank=True,
                                help_text="The messageInfo entries as reported")
    parts = models.PositiveIntegerField(default=0, help_text="NotifyDisplayMessages parts received")
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True,
                                        help_text="The last part (tbc false) came, or the answer was Unknown")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "request_id"],
                                               name="display_report_request_once")]
        ordering = ["-requested_at", "-id"]
