"""The tariff editor's pages (docs/pricing.md): create and edit a tariff with its bands, schedule
a price change from a date, see the versions and cancel a pending change. Managers only; writes
go through the API's serializer and services, so the rules are one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors
from billing.invoices.selectors import seller_of
from billing.serializers import TariffSerializer
from billing.services import TariffInUse, tariff_change_cancel, tariff_create, tariff_delete, tariff_update
from billing.tariff_forms import (
    TariffEditorForm,
    band_formset,
    editor_parts,
    elements_but_base,
    elements_of,
    tariff_editor_initial,
)
from cpms.dashboard import page, serializer_into_form
from tenants.models import Role


@page(Role.MANAGER)
def tariff_edit(request, pk: int | None = None):
    """Create (no pk) or edit a tariff: its current version (a pending scheduled one included)."""
    tariff = get_object_or_404(selectors.tariffs_of(request.tenant), pk=pk) if pk else None
    _, bands, kept = editor_parts(tariff.elements) if tariff else ({}, [], [])
    data = request.POST if request.method == "POST" else None
    initial = tariff_editor_initial(tariff, seller_of(request.tenant).default_vat_rate)
    form = TariffEditorForm(data, initial=initial, scheduling=tariff is not None)
    # A post without the band rows (a client of the plain form) keeps the bands as they are.
    given = data is not None and "band-TOTAL_FORMS" in data
    formset = band_formset(data if given else None, bands=bands if data is None else [])
    if data is not None and not given and tariff is not None:
        kept = elements_but_base(tariff.elements)
    if data is not None and form.is_valid() and (not given or formset.is_valid()):
        saved = _save(request, form, formset, tariff, kept)
        if saved is not None:
            return redirect("tariff-edit", saved.pk)
    return render(request, "billing/tariff_form.html", {
        "form": form, "bands": formset, "tariff": tariff, "kept": kept,
        "versions": selectors.tariff_versions(tariff) if tariff else [], "now": timezone.now(),
        "generated_text": selectors.tariff_generated_text(tariff) if tariff else ""},
        status=400 if data is not None else 200)


def _save(request, form, formset, tariff, kept):
    elements = elements_of(form, formset if formset.is_bound else [], kept)
    if not elements:
        form.add_error("energy_price", "Give at least one price (0 for free).")
        return None
    serializer = TariffSerializer(tariff, data=form.api_data(elements), context={"request": request})
    if not serializer_into_form(form, serializer):
        return None
    try:
        saved = (tariff_create(tenant=request.tenant, **serializer.validated_data) if tariff is None
                 else tariff_update(tariff=tariff, **serializer.validated_data))
    except TariffInUse as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, _saved_message(tariff, saved))
    return saved


def _saved_message(before, saved) -> str:
    if saved.valid_from and selectors.tariff_is_pending(saved):
        return f"{saved.name}: the new prices (version {saved.version}) apply to sessions from the date set."
    if before is not None and saved.pk != before.pk:
        return (f"{saved.name} is in use: the new prices are version {saved.version}, for the sessions "
                "that start from now.")
    return f"Tariff {saved.name} saved."


@require_POST
@page(Role.MANAGER)
def tariff_cancel_change(request, pk: int):
    """Cancel the pending scheduled change (this version): the one before it is current again."""
    tariff = get_object_or_404(selectors.tariffs_of(request.tenant), pk=pk)
    try:
        previous = tariff_change_cancel(tariff=tariff)
    except TariffInUse as error:
        messages.error(request, str(error))
        return redirect("tariff-edit", tariff.pk)
    messages.success(request, f"The scheduled change of {previous.name} is cancelled.")
    return redirect("tariff-edit", previous.pk)


@page(Role.MANAGER)
def tariff_delete_page(request, pk: int):
    """GET: what deleting means; POST: delete every version, as the API (a tariff that priced or
    runs a session, or that a station, load group or the default uses, is kept: the reason shown)."""
    tariff = get_object_or_404(selectors.tariffs_of(request.tenant), pk=pk)
    if request.method == "POST":
        try:
            tariff_delete(tariff=tariff)
        except TariffInUse as error:
            return render(request, "billing/tariff_delete.html", {"tariff": tariff, "refused": str(error)},
                          status=409)
        messages.success(request, f"Tariff {tariff.name} deleted.")
        return redirect("tariffs-page")
    return render(request, "billing/tariff_delete.html", {"tariff": tariff})
