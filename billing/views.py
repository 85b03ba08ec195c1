"""The people and tariff pages; writes go through the API's serializers and the same path as
the API, so the rules are one. Id tags: managers edit them, installers and accountants look, and
the stations' local authorization lists follow an id tag's change. Customers: managers and
accountants. Tariffs: managers create and edit them (an edit of a tariff in use makes a new version, as
through the API), accountants read them; both preview what a sample session would cost."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from billing import selectors
from billing.forms import (
    CustomerForm,
    IdTagForm,
    TariffForm,
    TariffPreviewForm,
    simple_prices,
    tariff_initial,
)
from billing.serializers import CustomerSerializer, TariffSerializer
from billing.services import TariffInUse, tariff_create, tariff_update
from cpms.dashboard import page, paged, query_without_page, sees_money, serializer_into_form
from stations import selectors as station_selectors
from stations.serializers import IdTagSerializer
from stations.services.id_tags import id_tag_create, id_tag_update
from tenants.access import EVERYONE, MONEY_ROLES
from tenants.models import Role


@page(*EVERYONE)
def idtags_page(request):
    tags = station_selectors.id_tags_of(request.tenant).select_related("customer")
    search = request.GET.get("q", "").strip()
    if search:
        tags = tags.filter(Q(id_tag__icontains=search) | Q(name__icontains=search))
    return render(request, "billing/idtags.html", {
        "page": paged(request, tags.order_by("id_tag")), "search": search,
        "query": query_without_page(request), "money": sees_money(request),
        "can_edit": request.role == Role.MANAGER})


@page(Role.MANAGER)
def idtag_edit(request, pk: int | None = None):
    """Create (no pk) or edit an id tag."""
    tag = get_object_or_404(station_selectors.id_tags_of(request.tenant), pk=pk) if pk else None
    customers = selectors.customers_of(request.tenant)
    initial = {} if tag is None else {
        "id_tag": tag.id_tag, "name": tag.name, "status": tag.status, "token_type": tag.token_type,
        "expiry_date": tag.expiry_date,
        "parent_id_tag": tag.parent_id_tag, "priority": tag.priority, "customer": tag.customer_id,
        "internal": tag.internal, "max_sessions": tag.max_sessions, "language": tag.language,
        "personal_message": tag.personal_message}
    form = IdTagForm(request.POST or None, initial=initial, customers=customers, editing=tag is not None)
    if request.method == "POST" and form.is_valid():
        serializer = IdTagSerializer(tag, data=form.api_data(), context={"request": request})
        if serializer_into_form(form, serializer):
            data = serializer.validated_data  # saved as the API does: stations' lists follow
            saved = (id_tag_create(tenant=request.tenant, **data) if tag is None
                     else id_tag_update(tag=tag, **data))
            messages.success(request, f"Id tag {saved.id_tag} saved.")
            return redirect("idtags-page")
    return render(request, "billing/idtag_form.html", {"form": form, "tag": tag},
                  status=400 if form.is_bound and form.errors else 200)


@page(*MONEY_ROLES)
def customers_page(request):
    customers = selectors.customers_of(request.tenant)
    return render(request, "billing/customers.html", {"page": paged(request, customers)})


@page(*MONEY_ROLES)
def customer_edit(request, pk: int | None = None):
    customer = get_object_or_404(selectors.customers_of(request.tenant), pk=pk) if pk else None
    initial = {} if customer is None else CustomerSerializer(customer).data
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        serializer = CustomerSerializer(customer, data=form.api_data(), context={"request": request})
        if serializer_into_form(form, serializer):
            saved = serializer.save(tenant=request.tenant) if customer is None else serializer.save()
            messages.success(request, f"Customer {saved.name} saved.")
            return redirect("customers-page")
    return render(request, "billing/customer_form.html", {"form": form, "customer": customer},
                  status=400 if form.is_bound and form.errors else 200)


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
