"""The dashboard's header: navigation links for the current role, the tenant switcher, and a
`page_url` that tolerates pages another app has not published yet."""

from django import template
from django.urls import NoReverseMatch, resolve, reverse

from stations.selectors import station_ocpp_url
from tenants.access import EVERYONE, memberships_of

register = template.Library()

# (URL name, label); each link is shown to the roles its view admits (read from the view).
NAV = [
    ("dashboard", "Overview"),
    ("stations-page", "Stations"),
    ("locations-page", "Sites"),
    ("onboarding", "Add station"),
    ("sessions-page", "Sessions"),
    ("reports-page", "Reports"),
    ("idtags-page", "Id tags"),
    ("customers-page", "Customers"),
    ("tariffs-page", "Tariffs"),
    ("loadgroups-page", "Load groups"),
    ("invoices-page", "Invoices"),
    ("seller-page", "Seller details"),
    ("exports-page", "Exports"),
    ("security-page", "Security"),
    ("alerts-page", "Alerts"),
    ("webhooks-page", "Webhooks"),
    ("audit-page", "Audit log"),
    ("team-page", "Users"),
    ("tenant-settings-page", "Settings"),
    ("portability-page", "Export all data"),
]


def roles_of(view) -> tuple[str, ...]:
    """The roles a `tenants.access.dashboard_view(...)` view admits: its `roles` attribute, or
    the `allowed` roles its wrapper closes over."""
    seen = 0
    while view is not None and seen < 10:
        if getattr(view, "roles", None):
            return tuple(view.roles)
        code, cells = getattr(view, "__code__", None), getattr(view, "__closure__", None) or ()
        if code is not None and "allowed" in code.co_freevars:
            return tuple(cells[code.co_freevars.index("allowed")].cell_contents)
        view, seen = getattr(view, "__wrapped__", None), seen + 1
    return EVERYONE


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict]:
    request = context["request"]
    role = getattr(request, "role", None)
    if role is None:
        return []
    links = []
    for name, label in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:  # not built (yet)
            continue
        if role not in roles_of(resolve(url).func):
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        if name == "stations-page" and request.path.startswith(reverse("onboarding")):
            current = False
        links.append({"url": url, "label": label, "current": current})
    return links


@register.simple_tag(takes_context=True)
def tenant_memberships(context) -> list:
    request = context["request"]
    if hasattr(request, "memberships"):
        return request.memberships
    user = getattr(request, "user", None)
    return memberships_of(user) if user is not None and user.is_authenticated else []


@register.simple_tag
def page_url(name: str, *args) -> str:
    """reverse(name, args), or "" while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def ocpp_url(context, station) -> str:
    """The station's OCPP URL as the installer reading the page reaches this server."""
    return station_ocpp_url(station=station, request=context.get("request"))
