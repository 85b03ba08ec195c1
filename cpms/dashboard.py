"""Shared pieces of the dashboard's pages (billing's and load management's): the page decorator
(role check, then the tenant's time zone for the forms and the dates shown), the forms' base,
serializer errors put next to their form fields (the pages validate with the API's own
serializers), and paging. Here rather than in one app so that no app imports another's pages."""

from collections.abc import Callable
from functools import wraps
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.utils import timezone
from rest_framework import exceptions as drf_exceptions

from tenants.access import dashboard_view
from tenants.permissions import handles_money

PAGE_SIZE = 25


class Form(forms.Form):
    """Labels without a colon (the dashboard's style)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def page(*roles: str) -> Callable:
    """`dashboard_view(*roles)`, rendering in the tenant's time zone (dates shown and typed)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            with timezone.override(ZoneInfo(request.tenant.timezone or "UTC")):
                return view(request, *args, **kwargs)

        checked = dashboard_view(*roles)(wrapped)
        checked.roles = roles  # read by the navigation (stations/templatetags/dashboard.py)
        return checked

    return decorate


def sees_money(request) -> bool:
    """The API's rule (tenants.permissions), so a page shows money to the roles the API does."""
    return handles_money(request)


def serializer_into_form(form: forms.Form, serializer, fields: dict[str, str] | None = None) -> bool:
    """Validate with the API's serializer; its reasons go next to the form's fields (`fields`
    maps a serializer field to the form's where the names differ), the others on top."""
    try:
        if serializer.is_valid():
            return True
    except drf_exceptions.PermissionDenied as refused:  # a money field sent by a role without money
        raise PermissionDenied(str(refused.detail)) from None
    for name, detail in serializer.errors.items():
        field = (fields or {}).get(name, name)
        field = field if field in form.fields else None
        plain = isinstance(detail, list) and all(isinstance(item, str) for item in detail)
        if plain and (field or name == "non_field_errors"):
            messages = [str(item) for item in detail]
        else:
            messages = flat_errors(detail, name)
        for message in messages:
            form.add_error(field, message)
    return False


def flat_errors(detail, path: str = "") -> list[str]:
    """DRF's nested error detail as readable lines: "elements[0].price_components[1].price: …"."""
    if isinstance(detail, dict):
        return [line for key, value in detail.items()
                for line in flat_errors(value, _step(path, key))]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [f"{path}: {item}" if path else str(item) for item in detail]
        return [line for index, item in enumerate(detail) if item
                for line in flat_errors(item, f"{path}[{index}]")]
    return [f"{path}: {detail}" if path else str(detail)]


def _step(path: str, key) -> str:
    if isinstance(key, int) or str(key).isdigit():
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def paged(request, items, size: int = PAGE_SIZE) -> Page:
    return Paginator(items, size).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
