"""Checks shared by the API, the admin and the services, so each entry point refuses the same
input with the same message."""

from functools import cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError

MIN_DISTINCT_PASSWORD_CHARS = 8


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
    """An HTTP Basic password a station can send: printable ASCII, no ':' (OCPP 1.6 Security),
    and not guessable for its length: `aaaaaaaaaaaaaaaa` or `abcdefghijklmnop` have 16
    characters and almost no entropy (issue 16, finding 8)."""
    if not value.isascii() or not value.isprintable() or ":" in value:
        raise ValidationError("Printable ASCII without ':' only.")
    if len(set(value)) < MIN_DISTINCT_PASSWORD_CHARS:
        raise ValidationError(f"Use at least {MIN_DISTINCT_PASSWORD_CHARS} different characters.")
    steps = sum(abs(ord(b) - ord(a)) <= 1 for a, b in zip(value, value[1:], strict=False))
    if steps > len(value) // 2:
        raise ValidationError("Too much of it repeats or runs in sequence (aaaa, abcd).")


def validate_same_tenant(tenant_id: int | None, references: dict) -> None:
    """Every object `references` names (field name: object or None) belongs to the tenant
    `tenant_id`: one tenant's station, id tag or load group never points at another's tariff,
    customer, group or meter. The models' clean() and the API's serializers both ask this."""
    errors = {name: "It belongs to another tenant." for name, related in references.items()
              if related is not None and tenant_id is not None and related.tenant_id != tenant_id}
    if errors:
        raise ValidationError(errors)


class SameTenantReferences:
    """A model mixin: clean() refuses a reference (the fields in `tenant_references`) to another
    tenant's object, so the admin's forms and full_clean() in services refuse it alike."""

    tenant_references: tuple[str, ...] = ()

    def clean(self) -> None:
        validate_same_tenant(self.tenant_id, {name: getattr(self, name) for name in self.tenant_references})
