"""The page header's tenant switcher: the chosen tenant is kept in the session (see access.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tenants.access import SESSION_KEY
from tenants.models import Membership


def _back_to(request) -> str:
    """The page the switch came from, unless it is another tenant's object (a detail page)."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    try:
        match = resolve(target.split("?")[0])
    except Resolver404:
        return "/"
    return "/" if match.kwargs else target


@require_POST
@login_required
def tenant_switch(request):
    try:
        tenant_id = int(request.POST.get("tenant", ""))
    except ValueError:
        raise Http404("No such tenant.") from None
    if not Membership.objects.filter(user=request.user, tenant_id=tenant_id).exists():
        raise Http404("You are not a member of this tenant.")
    request.session[SESSION_KEY] = tenant_id
    return redirect(_back_to(request))
