"""The dashboard's security page, for managers and installers: the stations' latest security
events, the tenant's own CA (its certificate to download) and the CA certificates the tenant
uploaded (its maker's or its own PKI's), which a profile-3 station's client certificate may
come from too; upload one (the API's serializer checks it) or delete one (its stations'
certificates no longer open a link, and the links they opened close). docs/api.md, security.
The ISO 15118 PKI too: which one answers the stations, their questions to it and the test PKI's
contract certificates (docs/pki.md). Each list a page at a time (cpms/listing.py), with its own
query parameters: the events `?q=&sort=&page=`, the others `?pki-…`, `?contract-…`, `?ca-…`."""

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

# The security events: every one, latest first.
EVENT_SORTS = {"received": "received_at", "station": "station__identity", "type": "type",
               "critical": ("-critical", "-received_at")}
EVENT_SEARCH = ("station__identity", "type", "tech_info")
# The stations' PKI requests, latest first.
PKI_SORTS = {"when": "created_at", "station": ("station__identity", "-created_at"),
             "request": ("action", "-created_at"), "answer": ("status", "-created_at")}
PKI_SEARCH = ("station__identity", "action", "detail", "status", "reason")
# The test PKI's contract certificates, latest first.
CONTRACT_SORTS = {"issued": "created_at", "emaid": "emaid", "serial": "serial_number",
                  "until": "not_after", "state": ("state", "-created_at")}
CONTRACT_SEARCH = ("emaid", "serial_number", "state")
# The uploaded CA certificates, by name.
CA_SORTS = {"name": ("name", "subject"), "subject": "subject", "from": "not_before", "until": "not_after"}
CA_SEARCH = ("name", "subject", "issuer", "fingerprint_sha256")


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
        "form": form,
        "uploaded": listing(request, selectors.uploaded_cas_of(request.tenant), sorts=CA_SORTS,
                            default="name", search=CA_SEARCH, prefix="ca-"),
        "events": listing(request, selectors.security_events_of(request.tenant), sorts=EVENT_SORTS,
                          default="-received", search=EVENT_SEARCH),
        "pki": pki.settings_shown(),
        "pki_requests": listing(request, selectors.pki_requests_of(request.tenant), sorts=PKI_SORTS,
                                default="-when", search=PKI_SEARCH, prefix="pki-"),
        "contracts": listing(request, selectors.contract_certificates_of(request.tenant),
                             sorts=CONTRACT_SORTS, default="-issued", search=CONTRACT_SEARCH,
                             prefix="contract-"),
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
