"""The dashboard's security page (stations/security/views.py): the tenant's own CA, the CA
certificates it uploaded, an upload checked as the API checks it, a delete; managers and
installers only, and only the tenant's own rows."""

import pytest

from stations.security.models import UploadedCertificateAuthority
from tenants.models import Role
from tests.browser import member
from tests.factories import make_tenant
from tests.fast.clients import post, signed_in
from tests.fast.stations.security.test_uploaded_cas import operator_ca

pytestmark = pytest.mark.django_db


def test_a_manager_uploads_sees_and_deletes_a_ca_certificate():
    tenant = make_tenant()
    http = signed_in(member(tenant, Role.MANAGER))
    pem, _ = operator_ca("Maker Factory CA")
    uploaded = post(http, "/security/", {"name": "Maker", "certificate": pem}, htmx=False)
    assert uploaded.status_code == 302, uploaded.text
    page = http.get("/security/").text
    authority = UploadedCertificateAuthority.objects.get(tenant=tenant)
    assert "CN=Maker Factory CA" in page and authority.fingerprint_sha256 in page
    assert "OCPP CA" in page  # the tenant's own, made on first use
    assert post(http, f"/security/uploaded-cas/{authority.pk}/delete/", {},
                htmx=False).status_code == 302
    assert not UploadedCertificateAuthority.objects.filter(tenant=tenant).exists()


def test_a_bad_upload_is_shown_next_to_the_field():
    tenant = make_tenant()
    http = signed_in(member(tenant, Role.MANAGER))
    answer = post(http, "/security/", {"certificate": operator_ca(is_ca=False)[0]}, htmx=False)
    assert answer.status_code == 400
    assert "not a CA certificate" in answer.text
    assert not UploadedCertificateAuthority.objects.exists()


def test_another_tenants_upload_is_neither_listed_nor_deletable():
    tenant, other = make_tenant(), make_tenant()
    theirs = post(signed_in(member(other, Role.MANAGER)), "/security/",
                  {"name": "Theirs", "certificate": operator_ca("Their CA")[0]}, htmx=False)
    assert theirs.status_code == 302
    authority = UploadedCertificateAuthority.objects.get(tenant=other)
    http = signed_in(member(tenant, Role.MANAGER))
    assert "Their CA" not in http.get("/security/").text
    assert post(http, f"/security/uploaded-cas/{authority.pk}/delete/", {},
                htmx=False).status_code == 404
    assert UploadedCertificateAuthority.objects.filter(pk=authority.pk).exists()


def test_an_accountant_has_no_security_page():
    tenant = make_tenant()
    http = signed_in(member(tenant, Role.ACCOUNTANT))
    assert http.get("/security/").status_code in (403, 404)
    assert "/security/" not in http.get("/").text


def test_the_page_lists_the_tenants_latest_security_events_only():
    from django.utils import timezone

    from stations.security.models import SecurityEvent
    from tests.factories import make_station

    tenant, other = make_tenant(), make_tenant()
    mine, _ = make_station(tenant)
    theirs, _ = make_station(other)
    for station, type in ((mine, "TamperDetectionActivated"), (theirs, "MemoryExhaustion")):
        SecurityEvent.objects.create(tenant=station.tenant, station=station, type=type,
                                     received_at=timezone.now(), critical=True)
    page = signed_in(member(tenant, Role.INSTALLER)).get("/security/").text
    assert "TamperDetectionActivated" in page and mine.identity in page
    assert "MemoryExhaustion" not in page
