"""The tariffs list and its price preview (id tags and customers: billing/people/views.py; the
tariff editor: billing/tariff_views.py). Managers create and edit tariffs, accountants read them;
both preview what a sample session would cost."""

from django.shortcuts import render
from django.utils import timezone

from billing import selectors
from billing.forms import TariffPreviewForm, simple_prices
from cpms.dashboard import page
from cpms.listing import listing
from tenants.access import MONEY_ROLES
from tenants.models import Role


def _preview_form(request, data=None) -> TariffPreviewForm:
    return TariffPreviewForm(data, tariffs=selectors.tariffs_of(request.tenant))


def _listed(request) -> dict:
    """One page of the current tariffs (sorted, searched: cpms/listing.py), each with its
    simple prices when it has only those."""
    listed = listing(request, selectors.tariffs_of(request.tenant),
                     sorts={"name": ("name", "id"), "version": ("version", "id"),
                            "vat": ("vat_rate", "id")},
                     default="name", search=("name",))
    rows = [{"tariff": t, "simple": simple_prices(t.elements)} for t in listed.page]
    return {"list": listed, "rows": rows,
            "can_edit": request.role == Role.MANAGER}


@page(*MONEY_ROLES)
def tariffs_page(request):
    context = _listed(request) | {"preview_form": _preview_form(request)}
    return render(request, "billing/tariffs.html", context)


@page(*MONEY_ROLES)
def tariff_preview(request):
    """The cost of a sample session under a tariff: a fragment for htmx, else the whole page."""
    form = _preview_form(request, request.POST or None)
    price = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        price = selectors.sample_price(data["tariff"], start=data["start"], minutes=data["minutes"],
                                       kwh=data["kwh"], parking_minutes=data["parking_minutes"],
                                       zone=timezone.get_current_timezone_name())
    context = {"preview_form": form, "price": price}
    status = 400 if form.is_bound and form.errors else 200
    if request.headers.get("HX-Request"):
        return render(request, "billing/_tariff_preview.html", context, status=200)
    context |= _listed(request)
    return render(request, "billing/tariffs.html", context, status=status)
