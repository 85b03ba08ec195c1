"""Who may see which dashboard page: the signed-in user's membership in the tenant they work in
now (chosen in the page header, kept in the session), and its role. Every dashboard view is
wrapped in `dashboard_view(...)`, which sets `request.tenant`, `request.role` and
`request.memberships` (for the header's tenant switcher) or answers 403."""

from functools import wraps
from inspect import iscoroutinefunction

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from tenants.models import Membership, Role

SESSION_KEY = "tenant_id"
EVERYONE = (Role.MANAGER, Role.INSTALLER, Role.ACCOUNTANT)
STATION_ROLES = (Role.MANAGER, Role.INSTALLER)  # may look at and change stations
MONEY_ROLES = (Role.MANAGER, Role.ACCOUNTANT)  # may see prices, invoices and exports


def memberships_of(user) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("tenant").order_by("tenant__name"))


def current_membership(request) -> Membership | None:
    """The membership of the tenant chosen in this session, else the first one."""
    memberships = memberships_of(request.user)
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.tenant_id == chosen:
            return membership
    return memberships[0] if memberships else None


def admit(request, allowed) -> None:
    """Set `request.tenant`, `request.role` and `request.memberships`, or raise PermissionDenied."""
    membership = current_membership(request)
    if membership is None or membership.role not in allowed:
        raise PermissionDenied("Your role in this tenant does not allow this page.")
    request.tenant, request.role = membership.tenant, membership.role
    request.memberships = memberships_of(request.user)


def dashboard_view(*roles: str):
    """Sign-in required; the current tenant's role must be one of `roles` (default: any).
    Works on sync and async views alike."""
    allowed = roles or EVERYONE

    def decorate(view):
        if iscoroutinefunction(view):
            @wraps(view)
            async def checked(request, *args, **kwargs):
                if not (await request.auser()).is_authenticated:
                    return redirect_to_login(request.get_full_path())
                await sync_to_async(admit)(request, allowed)
                return await view(request, *args, **kwargs)
        else:
            @login_required
            @wraps(view)
            def checked(request, *args, **kwargs):
                admit(request, allowed)
                return view(request, *args, **kwargs)

        checked.roles = allowed  # the nav shows a link only to the roles its view admits
        return checked

    return decorate
