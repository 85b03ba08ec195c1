"""The dashboard's security page, for managers and installers: the stations' latest security
events, the tenant's own CA (its certificate to download) and the CA certificates the tenant
uploaded (its maker's or its own PKI's), which a profile-3 station's client certificate may
come from too; upload one (the API's serializer checks it) or delete one (its stations'
certificates no longer open a link, and the links they opened close). docs/api.md, security.
The ISO 15118 PKI too: which one answers the stations, and their latest questions to it
(docs/pki.md)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cpms.dashboard import page, serializer_into_form
from cpms.listing import listing
from stations.security import ca, pki, selectors, services
from stations.security.serializers import UploadedCertificateAuthoritySerializer
from tenants.access import STATION_ROLES

RECENT_EVENTS = 20  # the latest PKI requests and contract certificates shown
# The security events: every one, a page at a time (cpms/listing.py), latest first.
EVENT_SORTS = {"received": "received_at", "station": "station__identity", "type": "type",
               "critical": ("-critical", "-received_at")}
EVENT_SEARCH = ("station__identity", "type", "tech_info")


class UploadForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="How you call it, e.g. the maker")
    certificate = forms.CharField(widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
                                  help_text="PEM of one CA certificate, not expired")


@page(*STATION_ROLES)
def security_page(request):
    form = UploadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        serializer = UploadedCertificateAuthoritySerializer(data=form.cleaned_data)
        if serializer_into_form(form, serializer):
            try:
                uploaded = services.uploaded_ca_add(
                    tenant_id=request.tenant.pk, name=form.cleaned_data["name"],
                    certificate_pem=serializer.validated_data["certificate_pem"])
            except services.DuplicateCertificate as duplicate:
                form.add_error("certificate", str(duplicate))
            else:
                messages.success(request, f"CA certificate {uploaded} uploaded: its stations' "
                                          "certificates are accepted at profile 3.")
                return redirect("security-page")
    authority = services.ca_of(tenant_id=request.tenant.pk)
    own = ca.load_certificate(authority.certificate_pem)
    return render(request, "stations/security.html", {
        "form": form, "uploaded": selectors.uploaded_cas_of(request.tenant),
        "events": listing(request, selectors.security_events_of(request.tenant), sorts=EVENT_SORTS,
                          default="-received", search=EVENT_SEARCH),
        "pki": pki.settings_shown(),
        "pki_requests": selectors.pki_requests_of(request.tenant)[:RECENT_EVENTS],
        "contracts": selectors.contract_certificates_of(request.tenant)[:RECENT_EVENTS],
        "own": {"subject": own.subject.rfc4514_string(), "not_after": own.not_valid_after_utc,
                "fingerprint": ca.ca_certificate_facts(authority.certificate_pem)["fingerprint_sha256"]},
    }, status=400 if form.is_bound and form.errors else 200)


@page(*STATION_ROLES)
def own_ca_download(request):
    authority = services.ca_of(tenant_id=request.tenant.pk)
    response = HttpResponse(authority.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{request.tenant.slug}-ca.pem"'
    return response


@require_POST
@page(*STATION_ROLES)
def uploaded_ca_delete(request, pk: int):
    authority = selectors.uploaded_cas_of(request.tenant).filter(pk=pk).first()
    if authority is None:
        raise Http404("No such CA certificate.")
    services.uploaded_ca_delete(authority=authority)
    messages.success(request, f"CA certificate {authority} deleted: certificates it issued no "
                              "longer open a link.")
    return redirect("security-page")
