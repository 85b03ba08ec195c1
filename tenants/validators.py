"""Checks shared by the API, the admin and the services, so each entry point refuses the same
input with the same message."""

from functools import cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError


@cache
def _timezone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone_name(value: str) -> None:
    """A blank value is allowed (it means: inherit); anything else must be an IANA name."""
    if value and value not in _timezone_names():
        raise ValidationError(f"{value!r} is not an IANA time zone name.")


def validate_url_segment(value: str) -> None:
    """A station identity ends the OCPP URL, so it must survive as one path segment."""
    if any(c in value for c in "/?#% ") or not value.isprintable():
        raise ValidationError("Must not contain '/', '?', '#', '%' or spaces.")


def validate_station_password(value: str) -> None:
    """An HTTP Basic password a station can send: printable ASCII, no ':' (OCPP 1.6 Security)."""
    if not value.isascii() or not value.isprintable() or ":" in value:
        raise ValidationError("Printable ASCII without ':' only.")
