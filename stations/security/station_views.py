"""The station page's root certificates (OCPP 2.0.1 M03-M05; 1.6's Security extension): what the
backend knows is installed, InstallCertificate of a CSMS, manufacturer, V2G or MO root (a 1.6
station takes the first two), GetInstalledCertificateIds and DeleteCertificate - the API's
checks and actions (docs/api.md, security). Installers and managers only, in their tenant; async
like the other station actions (stations/dashboard/actions.py)."""

from asgiref.sync import sync_to_async
from django import forms
from django.shortcuts import render

from cpms.listing import listing
from stations.commands.sending import CommandFailed
from stations.dashboard.actions import _failure, _post_only, station_view
from stations.models import Station
from stations.security import actions, selectors
from stations.security.models import InstalledCertificate
from stations.security.serializers import CertificateInstallSerializer

V16_TYPES = (InstalledCertificate.CSMS_ROOT, InstalledCertificate.MANUFACTURER)
# The root certificates known on the station, a page at a time (cpms/listing.py), latest first;
# `?cert-…`: the station page's message log has the plain `?q=&sort=&page=`.
CERTIFICATE_SORTS = {"since": "created_at", "type": ("certificate_type", "-created_at"),
                     "serial": "serial_number"}
CERTIFICATE_SEARCH = ("certificate_type", "serial_number", "install_status")


class InstallForm(forms.Form):
    certificate_type = forms.ChoiceField(choices=[])
    certificate = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
                                  help_text="PEM of one root certificate")

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        types = V16_TYPES if station.ocpp_version != "2.0.1" else sorted(
            InstalledCertificate.INSTALLABLE)
        self.fields["certificate_type"].choices = [(name, name) for name in types]


def _list_context(request, station: Station) -> dict:
    rows = listing(request, selectors.installed_certificates_of(station).filter(installed=True),
                   sorts=CERTIFICATE_SORTS, default="-since", search=CERTIFICATE_SEARCH, prefix="cert-")
    return {"station": station, "form": InstallForm(station=station), "certificates": rows}


@station_view
async def station_certificates(request, station: Station):
    """The root certificates known on the station and the install form (htmx: loaded in, with
    the station page's query string, so its `?cert-…` links reload the station page)."""
    context = await sync_to_async(_list_context)(request, station)
    return await sync_to_async(render)(request, "stations/_certificates_list.html", context)


@_post_only
@station_view
async def station_certificate_install(request, station: Station):
    form = InstallForm(request.POST, station=station)
    context: dict = {"station": station, "action": "InstallCertificate"}
    serializer = CertificateInstallSerializer(data=request.POST, context={"station": station})
    if not form.is_valid() or not serializer.is_valid():
        context["form"] = form
        for field, errors in getattr(serializer, "_errors", {}).items():
            form.add_error(field if field in form.fields else None, errors)
        return await sync_to_async(render)(request, "stations/_answer.html", context, status=400)
    try:
        installed = await actions.certificate_install(
            station, serializer.validated_data["certificate_type"],
            serializer.validated_data["certificate"])
    except CommandFailed as failure:
        context["error"] = _failure(failure)
    else:
        context["response"] = {"status": installed.install_status}
    return await sync_to_async(render)(request, "stations/_answer.html", context)


@_post_only
@station_view
async def station_certificates_refresh(request, station: Station):
    """GetInstalledCertificateIds of every type (one at a time for 1.6)."""
    context: dict = {"station": station, "action": "GetInstalledCertificateIds"}
    try:
        if station.ocpp_version == "2.0.1":
            status = await actions.certificates_refresh(station, [])
        else:
            status = ", ".join([await actions.certificates_refresh(station, [kind])
                                for kind in V16_TYPES])
    except CommandFailed as failure:
        context["error"] = _failure(failure)
    else:
        context["response"] = {"status": status}
    return await sync_to_async(render)(request, "stations/_answer.html", context)
