"""Id tags (managers edit; installers and accountants look) and customers (managers and
accountants). Writes go through the API's serializers and the same path as the API, so the
rules are one, and the stations' local authorization lists follow an id tag's change."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from billing import selectors
from billing.dashboard import page, paged, query_without_page, sees_money, serializer_into_form
from billing.forms import CustomerForm, IdTagForm
from billing.serializers import CustomerSerializer
from stations import selectors as station_selectors
from stations.authlist.services import local_lists_resync
from stations.serializers import IdTagSerializer
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
        "id_tag": tag.id_tag, "name": tag.name, "status": tag.status, "expiry_date": tag.expiry_date,
        "parent_id_tag": tag.parent_id_tag, "priority": tag.priority, "customer": tag.customer_id,
        "internal": tag.internal, "max_sessions": tag.max_sessions}
    form = IdTagForm(request.POST or None, initial=initial, customers=customers, editing=tag is not None)
    if request.method == "POST" and form.is_valid():
        serializer = IdTagSerializer(tag, data=form.api_data(), context={"request": request})
        if serializer_into_form(form, serializer):
            with transaction.atomic():
                saved = serializer.save(tenant=request.tenant) if tag is None else serializer.save()
                local_lists_resync(tenant_id=request.tenant.pk)  # as the API: stations' lists follow
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
