"""The Security extension in the admin, in process: each tenant's staff see their own records; an
installer may set a station's profile either way (the API only raises it)."""

import pytest
from django.utils import timezone

from stations.models import Station
from stations.security.models import SecurityEvent
from tenants.models import Role
from tests.factories import make_station, make_tenant
from tests.fast.clients import admin_session
from tests.test_admin import _hidden_fields, make_user

pytestmark = pytest.mark.django_db


def make_event(station, type: str) -> SecurityEvent:
    return SecurityEvent.objects.create(tenant=station.tenant, station=station, type=type,
                                        received_at=timezone.now())


def test_staff_see_only_the_security_events_of_their_tenant():
    mine, theirs = make_tenant("Mine"), make_tenant("Theirs")
    make_event(make_station(mine)[0], "TamperDetectionActivated")
    make_event(make_station(theirs)[0], "MemoryExhaustion")
    user = make_user(tenant=mine, role=Role.MANAGER, permissions=("view_securityevent",))
    with admin_session(user) as http:
        page = http.get("/admin/security/securityevent/")
    assert page.status_code == 200
    assert "TamperDetectionActivated" in page.text
    assert "MemoryExhaustion" not in page.text


def test_an_installer_may_lower_a_stations_profile_in_the_admin():
    tenant = make_tenant()
    station, _ = make_station(tenant, security_profile=3)
    user = make_user(superuser=True)
    url = f"/admin/stations/station/{station.pk}/change/"
    with admin_session(user) as http:
        form = http.get(url)
        assert 'name="security_profile"' in form.text
        data = _hidden_fields(form.text) | {"name": "", "enabled": "on", "timezone": "", "max_current": "32",
                                            "security_profile": "1", "_save": "Save"}
        response = http.post(url, data=data)
    assert response.url.path == "/admin/stations/station/", response.text[:2000]
    assert Station.objects.get(pk=station.pk).security_profile == 1


def test_staff_see_only_the_uploaded_cas_of_their_tenant():
    from stations.security.services import uploaded_ca_add
    from tests.fast.stations.security.test_uploaded_cas import operator_ca

    mine, theirs = make_tenant("Mine"), make_tenant("Theirs")
    uploaded_ca_add(tenant_id=mine.pk, certificate_pem=operator_ca("My Maker CA")[0])
    uploaded_ca_add(tenant_id=theirs.pk, certificate_pem=operator_ca("Their Maker CA")[0])
    user = make_user(tenant=mine, role=Role.MANAGER,
                     permissions=("view_uploadedcertificateauthority",))
    with admin_session(user) as http:
        page = http.get("/admin/security/uploadedcertificateauthority/")
    assert page.status_code == 200
    assert "My Maker CA" in page.text and "Their Maker CA" not in page.text


def test_an_uploaded_ca_deleted_in_the_admin_goes_through_the_service(
        monkeypatch, django_capture_on_commit_callbacks):
    from stations.security import services
    from stations.security.models import UploadedCertificateAuthority
    from tests.fast.stations.security.test_uploaded_cas import operator_ca

    tenant = make_tenant()
    authority = services.uploaded_ca_add(tenant_id=tenant.pk, certificate_pem=operator_ca()[0])
    told = []
    monkeypatch.setattr(services, "trust_changed", lambda tenant_id: told.append(tenant_id))
    user = make_user(superuser=True)
    with admin_session(user) as http, django_capture_on_commit_callbacks(execute=True):
        response = http.post(f"/admin/security/uploadedcertificateauthority/{authority.pk}/delete/",
                             data={"post": "yes"})
    assert response.status_code == 200  # the admin's index: the list is view-only
    assert not UploadedCertificateAuthority.objects.filter(pk=authority.pk).exists()
    assert told == [tenant.pk]
