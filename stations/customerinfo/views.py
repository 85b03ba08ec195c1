"""The station page's "Logs and customer data" card: ask for a diagnostics or security log
(GetLog, any version) and download what the station uploaded; for a 2.0.1 station, ask what it
keeps of one driver, or have it deleted (CustomerInformation), and read the report. With htmx
the card is re-rendered with the station's answer; without it the answer comes back as a message
on the station page. Installers and managers act; accountants see the card and download (as the
API's read-only token does)."""

from asgiref.sync import sync_to_async
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from stations import selectors as station_selectors
from stations.commands.sending import CommandFailed
from stations.customerinfo import selectors
from stations.customerinfo.forms import CustomerInformationForm, LogRequestForm
from stations.customerinfo.services import customer_information_create, customer_information_send
from stations.dashboard.actions import _aanswer, _failure, _post_only, station_view
from stations.firmware.models import UploadRequest
from stations.firmware.services.uploads import upload_request_create, upload_request_send
from stations.models import Station
from tenants.access import EVERYONE, STATION_ROLES, dashboard_view

SHOWN = 8


def card_context(station: Station, *, role: str, log_form=None, customer_form=None) -> dict:
    uploads = UploadRequest.objects.filter(tenant_id=station.tenant_id, station=station)
    return {"station": station, "can_act": role in STATION_ROLES,
            "uploads": list(uploads[:SHOWN]),
            "requests": list(selectors.customer_information_of(station)[:SHOWN]),
            "log_form": log_form or LogRequestForm(),
            "customer_form": customer_form or CustomerInformationForm()}


async def _card(request, station: Station, action: str, *, response=None, error=None, form=None,
                **forms):
    if not request.htmx:
        return await _aanswer(request, station, action, response=response, error=error, form=form)
    invalid = form is not None and form.errors
    context = await sync_to_async(card_context)(station, role=request.role,
                                                **{k: v for k, v in forms.items() if invalid})
    context["answer"] = {"action": action, "response": response, "error": error, "form": form}
    return await sync_to_async(render)(request, "stations/_logs_and_customer_data.html", context,
                                       status=400 if invalid else 200)


async def _send(request, station: Station, action: str, send):
    try:
        response = await send()
    except CommandFailed as failure:
        return await _card(request, station, action, error=_failure(failure))
    return await _card(request, station, action, response=response)


@_post_only
@station_view
async def log_request(request, station: Station):
    form = LogRequestForm(request.POST)
    if not await sync_to_async(form.is_valid)():
        return await _card(request, station, "GetLog", form=form, log_form=form)
    data = form.cleaned_data

    def create_and_send() -> dict:
        created = upload_request_create(station=station, kind=UploadRequest.LOG,
                                        log_type=data["log_type"], start_time=data.get("oldest"),
                                        stop_time=data.get("latest"))
        sent = upload_request_send(request_id=created.pk, reraise=True)
        return sent.response or {}

    return await _send(request, station, "GetLog", sync_to_async(create_and_send))


@_post_only
@station_view
async def customer_information_request(request, station: Station):
    form = CustomerInformationForm(request.POST)
    if not await sync_to_async(form.is_valid)():
        return await _card(request, station, "CustomerInformation", form=form, customer_form=form)
    body = CustomerInformationForm.api_data(form.cleaned_data)

    async def send() -> dict:
        row = await sync_to_async(customer_information_create)(
            station=station, certificate=body.pop("customer_certificate", None), **body)
        return (await customer_information_send(pk=row.pk)).response or {}

    return await _send(request, station, "CustomerInformation", send)


@dashboard_view(*EVERYONE)
def log_file(request, identity: str, pk: int):
    """The file the station uploaded for one of its diagnostics or log requests."""
    station = get_object_or_404(station_selectors.stations_of(request.tenant), identity=identity)
    upload = get_object_or_404(UploadRequest, tenant=request.tenant, station=station, pk=pk)
    if not upload.file:
        raise Http404("Nothing was uploaded for this request yet.")
    return FileResponse(upload.file.open("rb"), as_attachment=True,
                        filename=upload.file.name.rsplit("/", 1)[-1],
                        content_type="application/octet-stream")
