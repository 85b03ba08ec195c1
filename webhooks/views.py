"""The webhooks pages, managers only (docs/webhooks.md, the dashboard): the tenant's endpoints
(add, edit, delete, rotate the secret, send a test, re-enable) and the delivery log (filters,
each delivery's attempts, replay of one event or of a time range). A secret is shown once, on
the page that answers its creation or rotation, never again. Writes go through the same
services as the API (webhooks/services.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as ApiValidationError

from cpms.dashboard import page
from cpms.listing import listing
from tenants.models import Role
from webhooks import selectors, services
from webhooks.forms import DeliveryFilterForm, EndpointForm, ReplayRangeForm
from webhooks.models import WebhookEndpoint

REFUSED = (DjangoValidationError, ApiValidationError, ValueError, WebhookEndpoint.DoesNotExist)
ENDPOINT_SORTS = {"url": "url", "state": ("-enabled", "url"), "failures": "consecutive_failures",
                  "created": "created_at"}
ENDPOINT_SEARCH = ("url", "description")
DELIVERY_SORTS = {"time": "created_at", "type": "event__type", "endpoint": "endpoint__url",
                  "state": "state", "attempts": "attempts", "status": "last_status_code"}
DELIVERY_SEARCH = ("event__type", "endpoint__url", "last_error")


def _endpoint(request, pk: int) -> WebhookEndpoint:
    endpoint = selectors.endpoints_of(request.tenant).filter(pk=pk).first()
    if endpoint is None:
        raise Http404("No such webhook endpoint in this tenant")
    return endpoint


def _reason(error: Exception) -> str:
    detail = getattr(error, "detail", None) or getattr(error, "messages", None) or [str(error)]
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {' '.join(map(str, value if isinstance(value, list) else [value]))}"
                         for key, value in detail.items())
    return " ".join(map(str, detail if isinstance(detail, list) else [detail]))


def _endpoints_page(request, *, form: EndpointForm | None = None, secret: dict | None = None,
                    status: int = 200):
    rows = listing(request, selectors.endpoints_of(request.tenant), sorts=ENDPOINT_SORTS, default="url",
                   search=ENDPOINT_SEARCH)
    return render(request, "webhooks/endpoints.html", {
        "rows": rows, "form": form or EndpointForm(), "secret": secret}, status=status)


@page(Role.MANAGER)
def webhooks_page(request):
    """The endpoints; a POST adds one and shows its secret once."""
    if request.method != "POST":
        return _endpoints_page(request)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(tenant=request.tenant, **form.cleaned_data)
        except REFUSED as refused:
            form.add_error(None, _reason(refused))
        else:
            return _endpoints_page(request, secret={"endpoint": endpoint, "value": secret,
                                                    "created": True})
    return _endpoints_page(request, form=form, status=400)


@page(Role.MANAGER)
def endpoint_edit(request, pk: int):
    endpoint = _endpoint(request, pk)
    initial = {"url": endpoint.url, "event_types": endpoint.event_types,
               "description": endpoint.description}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, **form.cleaned_data)
        except REFUSED as refused:
            form.add_error(None, _reason(refused))
        else:
            messages.success(request, f"Endpoint {endpoint.url} saved.")
            return redirect("webhooks-page")
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint},
                  status=400 if form.errors else 200)


@require_POST
@page(Role.MANAGER)
def endpoint_delete(request, pk: int):
    endpoint = _endpoint(request, pk)
    url = endpoint.url
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, f"Endpoint {url} deleted.")
    return redirect("webhooks-page")


@require_POST
@page(Role.MANAGER)
def endpoint_rotate(request, pk: int):
    endpoint = _endpoint(request, pk)
    secret = services.endpoint_rotate_secret(endpoint=endpoint)
    return _endpoints_page(request, secret={"endpoint": endpoint, "value": secret, "created": False})


@require_POST
@page(Role.MANAGER)
def endpoint_test(request, pk: int):
    endpoint = _endpoint(request, pk)
    if not endpoint.enabled:
        messages.error(request, f"{endpoint.url} is disabled: enable it first.")
        return redirect("webhooks-page")
    services.webhook_send_test(endpoint=endpoint)
    messages.success(request, f"A test event is on its way to {endpoint.url}: see the delivery log.")
    return redirect("webhooks-page")


@require_POST
@page(Role.MANAGER)
def endpoint_enable(request, pk: int):
    endpoint = _endpoint(request, pk)
    services.endpoint_enable(endpoint=endpoint)
    messages.success(request, f"Endpoint {endpoint.url} enabled again.")
    return redirect("webhooks-page")


# --- The delivery log ----------------------------------------------------------------------------

def _deliveries(request, form: DeliveryFilterForm) -> QuerySet:
    deliveries = selectors.deliveries_of(request.tenant).select_related("endpoint")
    if not form.is_valid():
        return deliveries
    if form.cleaned_data["type"]:
        deliveries = deliveries.filter(event__type=form.cleaned_data["type"])
    if form.cleaned_data["endpoint"]:
        deliveries = deliveries.filter(endpoint_id=form.cleaned_data["endpoint"])
    if form.cleaned_data["state"]:
        deliveries = deliveries.filter(state=form.cleaned_data["state"])
    return deliveries


def _deliveries_page(request, *, replay_form: ReplayRangeForm | None = None, status: int = 200):
    filters = DeliveryFilterForm(request.GET or None, tenant=request.tenant)
    return render(request, "webhooks/deliveries.html", {
        "filters": filters,
        "rows": listing(request, _deliveries(request, filters), sorts=DELIVERY_SORTS, default="-time",
                        search=DELIVERY_SEARCH),
        "replay_form": replay_form or ReplayRangeForm(tenant=request.tenant)}, status=status)


@page(Role.MANAGER)
def deliveries_page(request):
    return _deliveries_page(request)


@require_POST
@page(Role.MANAGER)
def event_replay(request, event_id):
    if not selectors.events_of(request.tenant).filter(pk=event_id).exists():
        raise Http404("No such webhook event in this tenant")
    try:
        services.webhook_replay_event(tenant=request.tenant, event_id=event_id)
    except REFUSED as refused:
        messages.error(request, f"Not replayed: {_reason(refused)}")
    else:
        messages.success(request, "The event is sent again to its endpoints.")
    return redirect("webhook-deliveries-page")


@require_POST
@page(Role.MANAGER)
def replay_range(request):
    form = ReplayRangeForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = services.webhook_replay_range(
                tenant=request.tenant, since=data["since"], until=data["until"],
                endpoint_id=int(data["endpoint"]) if data["endpoint"] else None,
                types=data["types"] or None)
        except REFUSED as refused:
            form.add_error(None, _reason(refused))
        else:
            messages.success(request, f"{count} deliveries replayed.")
            return redirect("webhook-deliveries-page")
    return _deliveries_page(request, replay_form=form, status=400)
