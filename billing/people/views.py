"""The id tags and customers pages (docs/dashboard.md, "People"). Writes go through the API's
serializers and services, so the rules are one: managers and installers change id tags (an
installer without the money fields: customer, free charging), accountants read them; managers
and accountants keep the customers; the stations' local authorization lists follow every id
tag change (stations/services/id_tags.py)."""

from django.contrib import messages
from django.db.models import Count, ProtectedError, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors
from billing.forms import CustomerForm, IdTagFilterForm, IdTagForm, IdTagImportForm
from billing.invoices.selectors import invoices_of
from billing.people.id_tag_csv import export_rows as id_tag_csv_rows
from billing.people.id_tag_csv import header, id_tags_import
from billing.serializers import CustomerSerializer
from cpms.dashboard import page, sees_money, serializer_into_form
from cpms.listing import MAX_SEARCH, listing
from stations import selectors as station_selectors
from stations.models import IdTagStatus
from stations.serializers import IdTagSerializer
from stations.services.id_tags import id_tag_create, id_tag_delete, id_tag_update
from tenants.access import EVERYONE, MONEY_ROLES, STATION_ROLES

ID_TAG_SORTS = {"id_tag": "id_tag", "name": "name", "status": "status", "expiry": "expiry_date",
                "parent": "parent_id_tag", "created": "created_at"}


def _id_tags(request):
    """The tenant's id tags narrowed by the page's filters (status, customer)."""
    tags = station_selectors.id_tags_of(request.tenant)
    filters = IdTagFilterForm(request.GET)
    status = filters.cleaned_data.get("status") if filters.is_valid() else ""
    if status:
        tags = tags.filter(status=status)
    customer = request.GET.get("customer", "")
    if customer.isdigit() and sees_money(request):
        tags = tags.filter(customer_id=int(customer))
    return tags, filters


@page(*EVERYONE)
def idtags_page(request):
    tags, filters = _id_tags(request)
    money = sees_money(request)
    if money:
        tags = tags.select_related("customer")
    rows = listing(request, tags, sorts=ID_TAG_SORTS, default="id_tag",
                   search=("id_tag", "name", "parent_id_tag"))
    return render(request, "billing/idtags.html", {
        "rows": rows, "filters": filters, "money": money,
        "can_edit": request.role in STATION_ROLES, "can_export": True})


def _tag_of(request, pk: int):
    return get_object_or_404(station_selectors.id_tags_of(request.tenant), pk=pk)


@page(*STATION_ROLES)
def idtag_edit(request, pk: int | None = None):
    """Create (no pk) or edit an id tag."""
    tag = _tag_of(request, pk) if pk else None
    money = sees_money(request)
    initial = {} if tag is None else {
        "id_tag": tag.id_tag, "name": tag.name, "status": tag.status, "token_type": tag.token_type,
        "expiry_date": tag.expiry_date,
        "parent_id_tag": tag.parent_id_tag, "priority": tag.priority, "customer": tag.customer_id,
        "internal": tag.internal, "max_sessions": tag.max_sessions, "language": tag.language,
        "personal_message": tag.personal_message}
    form = IdTagForm(request.POST or None, initial=initial, customers=selectors.customers_of(request.tenant),
                     editing=tag is not None, money=money)
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


@require_POST
@page(*STATION_ROLES)
def idtag_block(request, pk: int):
    """Block an id tag, or accept a blocked one again: one click (the status only)."""
    tag = _tag_of(request, pk)
    status = IdTagStatus.ACCEPTED if tag.status == IdTagStatus.BLOCKED else IdTagStatus.BLOCKED
    id_tag_update(tag=tag, status=status)
    done = "blocked" if status == IdTagStatus.BLOCKED else "accepted again"
    messages.success(request, f"Id tag {tag.id_tag} {done}.")
    return redirect(_back(request, "idtags-page"))


@page(*STATION_ROLES)
def idtag_delete(request, pk: int):
    """GET: what deleting means; POST: delete (as the API: its sessions keep the id tag's text)."""
    tag = _tag_of(request, pk)
    if request.method == "POST":
        id_tag_delete(tag=tag)
        messages.success(request, f"Id tag {tag.id_tag} deleted.")
        return redirect("idtags-page")
    return render(request, "billing/idtag_delete.html", {"tag": tag})


def _back(request, default: str) -> str:
    """Back to the list as it was (its query string), never to another host."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@page(*STATION_ROLES)
def idtags_import(request):
    """Upload a CSV: every row checked first; all imported in one transaction, or none."""
    form = IdTagImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = id_tags_import(tenant=request.tenant, data=data["file"].read(), money=sees_money(request),
                                update_existing=data["update_existing"])
        if not result.errors:
            messages.success(request, f"Imported {result.rows} row(s): {result.created} new id tag(s), "
                                      f"{result.updated} changed.")
            return redirect("idtags-page")
    failed = form.is_bound and (form.errors or (result and result.errors))
    return render(request, "billing/idtag_import.html", {
        "form": form, "result": result, "header": ",".join(header(sees_money(request)))},
        status=400 if failed else 200)


@page(*EVERYONE)
def idtags_export(request):
    """The id tags (the page's filters and search apply) as CSV, streamed; the import's header."""
    tags, _ = _id_tags(request)
    text = (request.GET.get("q") or "").strip()[:MAX_SEARCH]
    if text:
        tags = tags.filter(Q(id_tag__icontains=text) | Q(name__icontains=text)
                           | Q(parent_id_tag__icontains=text))
    name = f"id-tags-{request.tenant.slug}-{timezone.now():%Y%m%d}.csv"
    response = StreamingHttpResponse(id_tag_csv_rows(tags, money=sees_money(request)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- Customers ----------------------------------------------------------------------------------

CUSTOMER_SORTS = {"name": "name", "email": "email", "vat_id": "vat_id", "tags": "tag_count",
                  "invoices": "invoice_count"}


@page(*MONEY_ROLES)
def customers_page(request):
    customers = selectors.customers_of(request.tenant).annotate(
        tag_count=Count("id_tags", distinct=True), invoice_count=Count("invoices", distinct=True))
    rows = listing(request, customers, sorts=CUSTOMER_SORTS, default="name",
                   search=("name", "email", "vat_id", "address"))
    return render(request, "billing/customers.html", {"rows": rows})


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
    context = {"form": form, "customer": customer}
    if customer is not None:
        context |= _customer_links(request, customer)
    return render(request, "billing/customer_form.html", context,
                  status=400 if form.is_bound and form.errors else 200)


def _customer_links(request, customer) -> dict:
    tags = station_selectors.id_tags_of(request.tenant).filter(customer=customer)
    invoices = invoices_of(request.tenant).filter(customer=customer)
    return {"tags": tags.order_by("id_tag")[:20], "tag_count": tags.count(),
            "invoices": invoices.order_by("-issued_at")[:20], "invoice_count": invoices.count()}


@page(*MONEY_ROLES)
def customer_delete(request, pk: int):
    """GET: confirm; POST: delete, unless invoices refer to it (kept by law: the API's 409)."""
    customer = get_object_or_404(selectors.customers_of(request.tenant), pk=pk)
    blocked = ""
    if request.method == "POST":
        try:
            customer.delete()
        except ProtectedError:
            blocked = (f"{customer.name} has invoices, which are kept as issued: a customer with "
                       "invoices cannot be deleted.")
        else:
            messages.success(request, f"Customer {customer.name} deleted; its id tags stay, "
                                      "without a customer.")
            return redirect("customers-page")
    context = {"customer": customer, "blocked": blocked} | _customer_links(request, customer)
    return render(request, "billing/customer_delete.html", context, status=409 if blocked else 200)
