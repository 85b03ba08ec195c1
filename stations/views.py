from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from stations import selectors
from tenants.models import Tenant


@login_required
def dashboard(request):
    """The operator's overview: stations of the tenants the user belongs to, live."""
    tenants = Tenant.objects.filter(memberships__user=request.user).order_by("name")
    if request.user.is_superuser:
        tenants = Tenant.objects.order_by("name")
    rows = [(tenant, list(selectors.stations_of(tenant))) for tenant in tenants]
    return render(request, "dashboard.html", {"rows": rows})
