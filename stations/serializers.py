from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.serializers import SessionCostFields, StationTariffField
from loadmgmt.serializers import StationGroupField
from stations.commands import raw_guard
from stations.models import (
    ChargingSession,
    Component,
    Connector,
    IdTag,
    OcppMessage,
    Station,
    Variable,
    VariableAttribute,
    VariableMonitor,
)
from stations.ocpp.v16 import router as v16_router
from stations.ocpp.v201 import router as v201_router
from stations.selectors import evses_of, station_ocpp_url
from tenants.fields import SameTenantSerializer, TenantObjectField
from tenants.permissions import MoneyFields
from tenants.validators import validate_station_password, validate_timezone_name


class ConnectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Connector
        fields = ["connector_id", "status", "error_code", "info", "vendor_id",
                  "vendor_error_code", "updated_at", "evse_id", "evse_connector_id"]


class EvseConnectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Connector
        fields = ["connector_id", "evse_connector_id", "status"]


class EvseSerializer(serializers.Serializer):
    """One EVSE of a station with its connectors (a 1.6 connector is an EVSE of its own)."""

    evse_id = serializers.IntegerField()
    connectors = EvseConnectorSerializer(many=True)


class StationSerializer(MoneyFields, SameTenantSerializer, serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, min_length=16, max_length=40,
        validators=[validate_station_password],
        help_text="HTTP Basic password of the station; generated (and returned once) if omitted.",
    )
    timezone = serializers.CharField(required=False, allow_blank=True,
                                     validators=[validate_timezone_name],
                                     help_text="IANA name; blank: the tenant's")
    connected = serializers.BooleanField(read_only=True)
    connectors = ConnectorSerializer(many=True, read_only=True)
    evses = serializers.SerializerMethodField(
        help_text="Its EVSEs with their connectors, as it reported them (docs/domain-model.md)")
    ocpp_url = serializers.SerializerMethodField(
        help_text="What the charger is configured with: OCPP_PUBLIC_URL, else the address of "
                  "this request")
    # Billing's and load management's, set by the view through their services (tariff_and_group.py)
    load_group = StationGroupField()
    tariff = StationTariffField("Blank: the load group's, else the tenant's default")
    security_profile = serializers.ChoiceField(
        choices=[1, 2, 3], required=False,
        help_text="OCPP Security profile the station uses: 1 Basic auth, 2 TLS + Basic auth, "
                  "3 TLS + client certificate. Connections below it are refused. Only upward "
                  "here (a downgrade is 400; an installer corrects one in the admin).",
    )
    location = TenantObjectField("stations.Location", missing="No such site.", required=False,
                                 allow_null=True, help_text="The id of its site (/api/v1/locations/)")

    class Meta:
        model = Station
        fields = ["identity", "name", "password", "enabled", "vendor", "model", "serial_number",
                  "firmware_version", "timezone", "connected", "last_seen", "last_boot_at",
                  "firmware_status", "diagnostics_status", "connectors", "ocpp_url",
                  "security_profile", "max_current", "load_group", "tariff", "file_transfer",
                  "created_at", "ocpp_version", "evses", "admission", "boot_reason", "location",
                  "removed_at"]
        money_fields = ("tariff",)  # for money roles only (tenants.permissions)
        read_only_fields = ["vendor", "model", "serial_number", "firmware_version", "last_seen",
                            "last_boot_at", "firmware_status", "diagnostics_status", "created_at",
                            "boot_reason", "removed_at"]

    @extend_schema_field(EvseSerializer(many=True))
    def get_evses(self, station: Station) -> list:
        return EvseSerializer(evses_of(station), many=True).data

    def get_ocpp_url(self, station: Station) -> str:
        return station_ocpp_url(station=station, request=self.context.get("request"))

    def validate_identity(self, value: str) -> str:
        if self.instance is not None and value != self.instance.identity:
            raise serializers.ValidationError("The identity of a station cannot change.")
        return value

    def validate_security_profile(self, value: int) -> int:
        if self.instance is not None and value < self.instance.security_profile:
            raise serializers.ValidationError(
                f"A station's security profile is never lowered (it is {self.instance.security_profile}).")
        return value

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["timezone"] = instance.effective_timezone
        return data


class StationCreatedSerializer(StationSerializer):
    """The answer to a create: the password, shown this once."""

    password = serializers.CharField(read_only=True)


class IdTagSerializer(MoneyFields, SameTenantSerializer, serializers.ModelSerializer):
    customer = TenantObjectField("billing.Customer", missing="No such customer.", required=False,
                                 allow_null=True, help_text="The billing account it charges to")

    class Meta:
        model = IdTag
        fields = ["id_tag", "status", "expiry_date", "parent_id_tag", "name", "priority", "customer",
                  "internal", "max_sessions", "created_at", "token_type", "language",
                  "personal_message"]
        read_only_fields = ["created_at"]

    def validate_id_tag(self, value: str) -> str:
        """OCPP's IdToken is case-insensitive: "04a2b3c4" is the card "04A2B3C4"."""
        if self.instance is not None:
            if value.lower() != self.instance.id_tag.lower():
                raise serializers.ValidationError("An id tag cannot be renamed; create a new one.")
            return self.instance.id_tag
        existing = IdTag.objects.filter(tenant=self.context["request"].tenant).spelt(value).first()
        if existing is not None:
            raise serializers.ValidationError(id_tag_exists_error(existing))
        return value


def id_tag_exists_error(existing: IdTag | None) -> str:
    spelt = f' as "{existing.id_tag}"' if existing is not None else ""
    return f"This id tag exists already{spelt}: id tags are the same in any case."


class SessionSerializer(SessionCostFields, serializers.ModelSerializer):
    station = serializers.CharField(source="station.identity", read_only=True)
    energy_wh = serializers.IntegerField(read_only=True, allow_null=True)
    ocpp_transaction_id = serializers.CharField(
        source="station_transaction_id", read_only=True,
        help_text="The transaction id as the station knows it (1.6: the integer, as a string); "
                  "the same as station_transaction_id")

    class Meta:
        model = ChargingSession
        fields = ["id", "transaction_id", "station", "connector_id", "id_tag", "id_tag_status",
                  "meter_start", "meter_stop", "energy_wh", "started_at", "stopped_at",
                  "station_started_at", "station_stopped_at", "stop_reason", "start_missing",
                  "closed_reason", "closed_by", "freed_at", "stale_at",
                  "currency", "cost_net", "cost_vat", "cost", "cost_lines",
                  "evse_id", "station_transaction_id", "ocpp_transaction_id", "id_token_type",
                  "charging_state", "remote_start_id", "stop_id_tag"]


class TransactionStatusSerializer(serializers.Serializer):
    """A 2.0.1 station's GetTransactionStatus answer about a session (docs/sessions.md)."""

    transaction_id = serializers.CharField(help_text="The transaction id as the station knows it")
    ongoing = serializers.BooleanField(allow_null=True,
                                       help_text="Does the transaction still run at the station")
    messages_in_queue = serializers.BooleanField(
        help_text="Does the station still hold messages of it to deliver (offline events)")


class SessionCloseSerializer(serializers.Serializer):
    """An operator closes a session its station will not stop (docs/sessions.md)."""

    meter_stop = serializers.IntegerField(
        required=False, min_value=0, help_text="Wh; default: the last reading received")
    stopped_at = serializers.DateTimeField(
        required=False, help_text="Default: the last meter value's time, else now")


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = OcppMessage
        fields = ["direction", "message_type", "action", "unique_id", "payload", "raw",
                  "created_at"]


# What the central system may send, per OCPP version: the raw `commands/` endpoint takes the
# station's version's actions only (docs/api.md).
CENTRAL_ACTIONS = {"1.6": v16_router.CENTRAL_ACTIONS, "2.0.1": v201_router.CENTRAL_ACTIONS}


class CommandSerializer(serializers.Serializer):
    """One CALL in the words of the station's OCPP version (`ocpp_version` in the context; a
    station that never connected is taken for 1.6)."""

    action = serializers.ChoiceField(choices=sorted(set().union(*CENTRAL_ACTIONS.values())))
    payload = serializers.DictField(default=dict)

    def validate(self, attrs: dict) -> dict:
        version = self.context.get("ocpp_version") or "1.6"
        if attrs["action"] not in CENTRAL_ACTIONS.get(version, v16_router.CENTRAL_ACTIONS):
            raise serializers.ValidationError({"action": [
                f"{attrs['action']} is no OCPP {version} message: the station speaks OCPP {version}."]})
        refused = raw_guard.refusal(attrs["action"], attrs["payload"])
        if refused:
            raise serializers.ValidationError({refused[0]: [refused[1]]})
        return attrs


class CommandResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    payload = serializers.DictField()
    response = serializers.DictField()


# The device model (docs/domain-model.md): components with their variables, attributes and monitors.
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
