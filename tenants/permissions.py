"""What an API token's role may do, decided once for every view (the default permission class).

Each view belongs to an area: "money" (tariffs, customers, invoices, exports) or "stations"
(stations, their commands, id tags, sessions, firmware, load groups, reservations, charging
profiles, triggers, security...). A view names its area with a class attribute `area`; without
one, its module decides (views in `billing.*` are money), else it is "stations".

- manager: everything.
- accountant: reads everything (GET, HEAD, OPTIONS) and writes money; changes nothing about stations.
- installer: everything about stations, nothing about money (403, reads included); the sessions
  it reads come without their cost fields, and the money fields of station-area objects (a
  station's or load group's tariff, an id tag's customer and free charging) are neither shown
  to it nor set by it (`MoneyFields`, the dashboard's forms too).
"""

from collections.abc import Mapping
from functools import cache

from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied

from cpms.api_schema import schema_pass
from tenants.access import MONEY_ROLES
from tenants.models import ApiToken, Membership, Role

MONEY, STATIONS = "money", "stations"
MONEY_MODULES = ("billing",)


def view_area(view) -> str:
    area = getattr(view, "area", None)
    if area is not None:
        return area
    module = type(view).__module__
    return MONEY if module.split(".")[0] in MONEY_MODULES else STATIONS


def token_role(request) -> str | None:
    token = request.auth
    return token.role if isinstance(token, ApiToken) else None


def request_role(request) -> str | None:
    """The role behind a request: its API token's, else the dashboard's (`request.role`, set by
    tenants.access for the signed-in user's membership)."""
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        return token.role
    return getattr(request, "role", None)


def handles_money(request) -> bool:
    """May this request see and change prices, customers and free charging? (API and dashboard)"""
    return request_role(request) in MONEY_ROLES


def user_handles_money(user, tenant_id: int | None = None) -> bool:
    """The same for a staff user in the admin: a money role in `tenant_id` (None: in every tenant
    the user is a member of); superusers always."""
    if user.is_superuser:
        return True
    memberships = Membership.objects.filter(user=user)
    if tenant_id is not None:
        memberships = memberships.filter(tenant_id=tenant_id)
    roles = set(memberships.values_list("role", flat=True))
    return bool(roles) and roles <= set(MONEY_ROLES)


class MoneyFields:
    """A serializer mixin for station-area objects whose money fields are named by the
    serializer's Meta (`money_fields`: a field another app adds, like a station's tariff) or else
    its model: for a request of a role without money (an installer) they are left out of what it
    reads, and a request that sets one is refused with 403 naming them, whatever the endpoint.
    Without a request (services, the schema) every field is there."""

    money_message = "An installer does not see or change prices, customers or free charging"

    def get_fields(self) -> dict:
        fields = super().get_fields()
        if not self._with_money():
            for name in self._money_fields():
                fields.pop(name, None)
        return fields

    def _money_fields(self) -> tuple[str, ...]:
        return getattr(self.Meta, "money_fields", None) or getattr(self.Meta.model, "money_fields", ())

    def to_internal_value(self, data):
        if not self._with_money() and isinstance(data, Mapping):
            sent = [name for name in self._money_fields() if name in data]
            if sent:
                raise PermissionDenied(f"{self.money_message}: {', '.join(sent)}.")
        return super().to_internal_value(data)

    def _with_money(self) -> bool:
        request = self.context.get("request")
        if request is None or schema_pass(self.context.get("view")):
            return True
        return handles_money(request)


class RolePermission(permissions.BasePermission):
    """A token of the request's tenant, whose role allows this method on this view's area."""

    message = "This API token's role does not allow it."

    def has_permission(self, request, view) -> bool:
        if getattr(request._request, "tenant", None) is None:
            return False
        role, area = token_role(request), view_area(view)
        if role == Role.MANAGER:
            return True
        if role == Role.ACCOUNTANT:
            if request.method in permissions.SAFE_METHODS or area == MONEY:
                return True
            self.message = "An accountant's token reads stations but does not change them."
            return False
        if role == Role.INSTALLER:
            if area == MONEY:
                self.message = "An installer's token has no access to tariffs, customers, invoices, exports."
                return False
            _hide_money(view)
            return True
        return False


def _hide_money(view) -> None:
    """The installer reads sessions without their price: a view whose serializer carries cost
    fields (named by its `cost_fields`, as billing's SessionCostFields does) serves, for this
    request only, a copy of it without them. Named by the serializer, so tenants imports no app."""
    serializer_class = getattr(view, "serializer_class", None)
    if isinstance(serializer_class, type) and getattr(serializer_class, "cost_fields", ()):
        view.serializer_class = without_cost_fields(serializer_class)


@cache
def without_cost_fields(serializer_class: type) -> type:
    hidden = set(serializer_class.cost_fields)

    def get_fields(self):
        return {name: field for name, field in super(subclass, self).get_fields().items()
                if name not in hidden}

    subclass = type(f"{serializer_class.__name__}WithoutCost", (serializer_class,),
                    {"get_fields": get_fields, "__module__": serializer_class.__module__})
    return subclass
