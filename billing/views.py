"""The tariff pages (id tags and customers: billing/people/views.py); writes go through the
API's serializers and the same path as the API, so the rules are one. Tariffs: managers create
and edit them (an edit of a tariff in use makes a new version, as through the API), accountants
read them; both preview what a sample session would cost."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from billing import selectors
from billing.forms import (
    TariffForm,
    TariffPreviewForm,
    simple_prices,
    tariff_initial,
)
from billing.serializers import TariffSerializer
from billing.services import TariffInUse, tariff_create, tariff_update
from cpms.dashboard import page, serializer_into_form
from tenants.access import MONEY_ROLES
from tenants.models import Role


def _preview_form(request, data=None) -> TariffPreviewForm:
    return TariffPreviewForm(data, tariffs=selectors.tariffs_of(request.tenant))


@page(*MONEY_ROLES)
def tariffs_page(request):
    tariffs = selectors.tariffs_of(request.tenant)
    rows = [{"tariff": t, "simple": simple_prices(t.elements)} for t in tariffs]
    return render(request, "billing/tariffs.html", {
        "rows": rows, "can_edit": request.role == Role.MANAGER, "preview_form": _preview_form(request)})


@page(Role.MANAGER)
def tariff_edit(request, pk: int | None = None):
    tariff = get_object_or_404(selectors.tariffs_of(request.tenant), pk=pk) if pk else None
    form = TariffForm(request.POST or None, initial=tariff_initial(tariff) if tariff else {})
    if request.method == "POST" and form.is_valid():
        serializer = TariffSerializer(tariff, data=form.api_data(), context={"request": request})
        if serializer_into_form(form, serializer, {"elements": "elements_json"}):
            try:
                saved = (tariff_create(tenant=request.tenant, **serializer.validated_data) if tariff is None
                         else tariff_update(tariff=tariff, **serializer.validated_data))
            except TariffInUse as error:
                form.add_error(None, str(error))
            else:
                if tariff is not None and saved.pk != tariff.pk:
                    messages.success(request, f"{saved.name} is in use: the new prices are version "
                                              f"{saved.version}, for the sessions that start from now.")
                else:
                    messages.success(request, f"Tariff {saved.name} saved.")
                return redirect("tariffs-page")
    generated = selectors.tariff_generated_text(tariff) if tariff else ""
    return render(request, "billing/tariff_form.html",
                  {"form": form, "tariff": tariff, "generated_text": generated},
                  status=400 if form.is_bound and form.errors else 200)


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
    tariffs = selectors.tariffs_of(request.tenant)
    context |= {"rows": [{"tariff": t, "simple": simple_prices(t.elements)} for t in tariffs],
                "can_edit": request.role == Role.MANAGER}
    return render(request, "billing/tariffs.html", context, status=status)
