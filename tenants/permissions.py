"""What an API token's role may do, decided once for every view (the default permission class).

Each view belongs to an area: "money" (tariffs, customers, invoices, exports) or "stations"
(stations, their commands, id tags, sessions, firmware, load groups, reservations, charging
profiles, triggers, security...). A view names its area with a class attribute `area`; without
one, its module decides (views in `billing.*` are money), else it is "stations".

- manager: everything.
- accountant: reads everything (GET, HEAD, OPTIONS) and writes money; changes nothing about stations.
- installer: everything about stations, nothing about money (403, reads included); the sessions
  it reads come without their cost fields.
"""

from functools import cache

from rest_framework import permissions

from tenants.models import ApiToken, Role

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
    """The installer reads sessions without their price: a view whose serializer carries the
    session cost fields serves, for this request only, a copy of it without them."""
    from billing.serializers import SessionCostFields

    serializer_class = getattr(view, "serializer_class", None)
    if isinstance(serializer_class, type) and issubclass(serializer_class, SessionCostFields):
        view.serializer_class = without_cost_fields(serializer_class)


@cache
def without_cost_fields(serializer_class: type) -> type:
    from billing.serializers import SessionCostFields

    hidden = set(SessionCostFields._declared_fields)

    def get_fields(self):
        return {name: field for name, field in super(subclass, self).get_fields().items()
                if name not in hidden}

    subclass = type(f"{serializer_class.__name__}WithoutCost", (serializer_class,),
                    {"get_fields": get_fields, "__module__": serializer_class.__module__})
    return subclass
