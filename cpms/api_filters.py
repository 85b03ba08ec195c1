"""Query filters that cannot reach the database with a value it refuses.

A date-time filter takes any ISO 8601 offset Python accepts (up to ±23:59), but PostgreSQL
refuses offsets beyond ±15:59 and a time near year 1 or 9999 moved to UTC leaves the calendar:
both were 500s (issue 16, finding 13). The value is turned into UTC here, or is a 400."""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField


class UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("The date-time is out of range.", code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class WordBooleanField(forms.Field):
    """true, 1, yes or false, 0, no, in any case; anything else is a 400 (not ignored)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        word = str(value).lower()
        if word in ("true", "1", "yes"):
            return True
        if word in ("false", "0", "no"):
            return False
        raise forms.ValidationError("true or false", code="invalid")


class WordBooleanFilter(django_filters.Filter):
    field_class = WordBooleanField


class WholeNumberField(forms.Field):
    """Digits only (no sign, no decimals); anything else is a 400 with the field's message."""

    default_error_messages = {"invalid": "A whole number"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            if not str(value).isdigit():
                raise ValueError(value)
            return int(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class WholeNumberFilter(django_filters.Filter):
    field_class = WholeNumberField
