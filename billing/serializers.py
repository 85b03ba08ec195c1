"""Tariffs (OCPI 2.2.1 elements, validated strictly), customers, and the cost fields of a session."""

import re
from datetime import date
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from billing.invoices.selectors import seller_of
from billing.models import Customer, Tariff
from billing.pricing.money import decimal_text
from billing.selectors import session_cost
from tenants.fields import TenantObjectField

COMPONENT_TYPES = ["ENERGY", "TIME", "PARKING_TIME", "FLAT"]
DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@extend_schema_field(OpenApiTypes.INT)  # an id, as the foreign key it was
class StationTariffField(TenantObjectField):
    """A station's own tariff by id, null for none (the station API's `tariff`): read from
    billing.StationTariff, written by the edge that saves the station through
    `station_tariff_set` (the core knows nothing of tariffs)."""

    def __init__(self, help_text: str):
        super().__init__("billing.Tariff", missing="No such tariff (or an old version of one).",
                         filters={"superseded_at__isnull": True}, required=False, allow_null=True,
                         help_text=f"{help_text} (managers and accountants only)")

    def get_attribute(self, station):
        own = getattr(station, "station_tariff", None)  # none: the reverse one-to-one raises
        return None if own is None else PKOnlyObject(pk=own.tariff_id)


@extend_schema_field(OpenApiTypes.INT)  # an id, as the foreign key it was
class GroupTariffField(StationTariffField):
    """A load group's tariff by id, null for none (the load-group API's `tariff`): read from
    billing.LoadGroupTariff, written by the edge that saves the group through
    `group_tariff_set` (loadmgmt/group_tariff.py; load management knows nothing of tariffs)."""

    def get_attribute(self, group):
        row = getattr(group, "group_tariff", None)  # none: the reverse one-to-one raises
        return None if row is None else PKOnlyObject(pk=row.tariff_id)


class Money(serializers.DecimalField):
    """A price, net of VAT: a string in JSON, as precise as given (at least two decimals)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None else decimal_text(Decimal(value), 2)


class Strict(serializers.Serializer):
    """Unknown keys are an error (a misspelt restriction would otherwise be silently ignored)."""

    def to_internal_value(self, data):
        unknown = {key: [f"Unknown field; use one of: {', '.join(self.fields)}."]
                   for key in sorted(set(data) - set(self.fields))} if isinstance(data, dict) else {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError(error.detail | unknown) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class PriceComponentSerializer(Strict):
    type = serializers.ChoiceField(choices=COMPONENT_TYPES)
    price = Money(help_text="Per kWh (ENERGY), per hour (TIME, PARKING_TIME) or once (FLAT)")
    step_size = serializers.IntegerField(min_value=1, default=1,
                                         help_text="Quantities are rounded up to it: Wh or seconds")
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0),
                                        max_value=Decimal(100), required=False,
                                        help_text="Percent; default: the tariff's")

    def to_internal_value(self, data):
        value = dict(super().to_internal_value(data))
        value["price"] = decimal_text(value["price"], 2)
        if "vat_rate" in value:
            value["vat_rate"] = decimal_text(value["vat_rate"])
        return value


class RestrictionsSerializer(Strict):
    start_time = serializers.CharField(required=False, help_text='"HH:MM", local to the station')
    end_time = serializers.CharField(required=False, help_text='"HH:MM"; before start_time: wraps midnight')
    start_date = serializers.DateField(required=False, input_formats=["iso-8601"])
    end_date = serializers.DateField(required=False, input_formats=["iso-8601"], help_text="Exclusive")
    day_of_week = serializers.ListField(child=serializers.ChoiceField(choices=DAYS), required=False,
                                        allow_empty=False)
    min_kwh = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal(0), required=False)
    max_kwh = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal(0), required=False)
    min_duration = serializers.IntegerField(min_value=0, required=False, help_text="Seconds")
    max_duration = serializers.IntegerField(min_value=0, required=False, help_text="Seconds")
    min_power = serializers.DecimalField(max_digits=9, decimal_places=3, min_value=Decimal(0), required=False,
                                         help_text="kW")
    max_power = serializers.DecimalField(max_digits=9, decimal_places=3, min_value=Decimal(0), required=False,
                                         help_text="kW")
    min_current = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=Decimal(0),
                                           required=False, help_text="A")
    max_current = serializers.DecimalField(max_digits=7, decimal_places=1, min_value=Decimal(0),
                                           required=False, help_text="A")

    def validate_start_time(self, value: str) -> str:
        return self._time(value)

    def validate_end_time(self, value: str) -> str:
        return self._time(value)

    @staticmethod
    def _time(value: str) -> str:
        if not HH_MM.match(value):
            raise serializers.ValidationError('Use "HH:MM" (00:00 to 23:59).')
        return value

    def validate_day_of_week(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("A day is named twice.")
        return value

    def validate(self, attrs: dict) -> dict:
        errors = {}
        for low, high in [("min_kwh", "max_kwh"), ("min_duration", "max_duration"),
                          ("min_power", "max_power"), ("min_current", "max_current"),
                          ("start_date", "end_date")]:
            if low in attrs and high in attrs and attrs[low] > attrs[high]:
                errors[high] = [f"Must not be below {low}."]
        if errors:
            raise serializers.ValidationError(errors)
        return {name: _json(value) for name, value in attrs.items()}


def _json(value):
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class ElementSerializer(Strict):
    price_components = PriceComponentSerializer(many=True, allow_empty=False)
    restrictions = RestrictionsSerializer(required=False, allow_null=True)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value.get("restrictions"):
            value.pop("restrictions", None)
        return value


@extend_schema_field(ElementSerializer(many=True))
class ElementsField(serializers.Field):
    """Validated as a whole, never partially (a PATCH replaces the list), stored as JSON."""

    def to_internal_value(self, data):
        elements = ElementSerializer(data=data, many=True, allow_empty=False)
        if not elements.is_valid():
            raise serializers.ValidationError(elements.errors)
        return [dict(element) | ({"restrictions": dict(element["restrictions"])}
                                 if "restrictions" in element else {})
                for element in elements.validated_data]

    def to_representation(self, value):
        return value


LANGUAGE_TAG = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"  # RFC 5646, as short as OCPP's 8 chars


class TariffSerializer(serializers.ModelSerializer):
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, default="EUR",
                                      error_messages={"invalid": "An ISO 4217 code, e.g. EUR."})
    min_price = Money(required=False, allow_null=True)
    max_price = Money(required=False, allow_null=True)
    elements = ElementsField()
    driver_text = serializers.CharField(
        max_length=512, required=False, allow_blank=True, trim_whitespace=True,
        help_text="Told to 2.0.1 drivers (personalMessage) instead of the generated price line")
    driver_language = serializers.RegexField(
        LANGUAGE_TAG, max_length=8, required=False, allow_blank=True,
        help_text="RFC 5646 language of driver_text, e.g. de",
        error_messages={"invalid": "An RFC 5646 language tag, e.g. de or de-AT."})

    class Meta:
        model = Tariff
        fields = ["id", "name", "currency", "vat_rate", "idle_grace_minutes", "min_price", "max_price",
                  "is_default", "elements", "driver_text", "driver_language",
                  "family", "version", "valid_from", "superseded_at", "created_at"]
        read_only_fields = ["family", "version", "superseded_at", "created_at"]
        extra_kwargs = {
            "vat_rate": {"help_text": "Percent; default on create: the seller's default_vat_rate"},
            "valid_from": {"help_text": "On an update: new prices from this future time, as a new "
                                        "version; sessions starting before it keep the current one "
                                        "(docs/pricing.md). Not on create."}}

    def validate_valid_from(self, value):
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError("Must be in the future (a change from now needs no date).")
        return value

    def validate(self, attrs: dict) -> dict:
        if self.instance is None:
            if attrs.get("valid_from") is not None:
                raise serializers.ValidationError(
                    {"valid_from": ["A new tariff applies from now: schedule changes on an existing one."]})
            attrs.pop("valid_from", None)
            request = self.context.get("request")
            if "vat_rate" not in attrs and getattr(request, "tenant", None) is not None:
                attrs["vat_rate"] = seller_of(request.tenant).default_vat_rate
        low = attrs.get("min_price", getattr(self.instance, "min_price", None))
        high = attrs.get("max_price", getattr(self.instance, "max_price", None))
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_price": ["Must not be below min_price."]})
        return attrs


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "address", "email", "vat_id", "created_at"]
        read_only_fields = ["created_at"]


class CostLineSerializer(serializers.Serializer):
    component = serializers.CharField(help_text="ENERGY, TIME, PARKING_TIME, FLAT, MIN_PRICE or MAX_PRICE")
    quantity = serializers.CharField(help_text="kWh, hours or 1 (a decimal string)")
    unit = serializers.CharField(help_text='"kWh", "h" or "session"')
    unit_price = serializers.CharField(help_text="Net")
    net = serializers.CharField(help_text="Rounded to the currency's minor unit")
    vat_rate = serializers.CharField(help_text="Percent")


class SessionCostFields(serializers.Serializer):
    """The cost fields of a session (priced on read while it runs or waits for its price).
    `cost_fields` names them for tenants/permissions.py, which hides them from installers."""

    cost_fields = ("currency", "cost_net", "cost_vat", "cost", "cost_lines")

    currency = serializers.SerializerMethodField()
    cost_net = serializers.SerializerMethodField()
    cost_vat = serializers.SerializerMethodField()
    cost = serializers.SerializerMethodField(help_text="Gross")
    cost_lines = serializers.SerializerMethodField()

    def _cost(self, session) -> dict:
        cache = self.__dict__.setdefault("_costs", {})
        if session.pk not in cache:
            cache[session.pk] = session_cost(session)
        return cache[session.pk]

    def get_currency(self, session) -> str | None:
        return self._cost(session)["currency"]

    def get_cost_net(self, session) -> str | None:
        return self._cost(session)["cost_net"]

    def get_cost_vat(self, session) -> str | None:
        return self._cost(session)["cost_vat"]

    def get_cost(self, session) -> str | None:
        return self._cost(session)["cost"]

    @extend_schema_field(CostLineSerializer(many=True))
    def get_cost_lines(self, session) -> list[dict]:
        return self._cost(session)["cost_lines"]
