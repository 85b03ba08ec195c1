"""Root certificates' types are version-neutral in the domain (OCPP 2.0.1's names, which cover
1.6's): the API takes a type by either name, shows it in the words of its station's version
(1.6's "CentralSystemRootCertificate" for a 1.6 station's CSMS root, as before), and a type the
station's version has no word for is a 400 before anything is sent (docs/domain-model.md)."""

import pytest

from stations.security.models import InstalledCertificate
from stations.security.services import ca_of
from tests.factories import make_station, make_tenant
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db


def _installed(station, certificate_type: str) -> InstalledCertificate:
    return InstalledCertificate.objects.create(
        tenant=station.tenant, station=station, certificate_type=certificate_type,
        issuer_name_hash="aa", issuer_key_hash="bb", serial_number="01", install_status="Accepted",
        installed=True)


def test_a_1_6_stations_csms_root_is_listed_by_its_1_6_name():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    _installed(station, InstalledCertificate.CSMS_ROOT)
    _installed(station, InstalledCertificate.MANUFACTURER)
    with api_client(tenant) as api:
        listed = api.get(f"/api/v1/stations/{station.identity}/certificates/").json()["results"]
    assert sorted(row["certificate_type"] for row in listed) == [
        "CentralSystemRootCertificate", "ManufacturerRootCertificate"]


@pytest.mark.parametrize("name", ["CentralSystemRootCertificate", "CSMSRootCertificate"])
def test_either_name_of_the_csms_root_is_taken_and_reaches_the_station_step(name):
    tenant = make_tenant()
    station, _ = make_station(tenant)  # never connected: the name passes, the station is absent
    with api_client(tenant) as api:
        answer = api.post(f"/api/v1/stations/{station.identity}/certificates/",
                          json={"certificate_type": name,
                                "certificate": ca_of(tenant_id=tenant.pk).certificate_pem})
    assert answer.status_code == 409, answer.text


def test_a_type_1_6_has_no_word_for_is_a_400_and_nothing_is_sent():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        answer = api.post(f"/api/v1/stations/{station.identity}/certificates/",
                          json={"certificate_type": "V2GRootCertificate",
                                "certificate": ca_of(tenant_id=tenant.pk).certificate_pem})
    assert answer.status_code == 400, answer.text
    assert "1.6" in answer.text
    assert not InstalledCertificate.objects.filter(station=station).exists()


def test_an_unknown_type_is_a_400_naming_the_field():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    with api_client(tenant) as api:
        answer = api.post(f"/api/v1/stations/{station.identity}/certificates/refresh/",
                          json={"certificate_type": "SomeRootCertificate"})
    assert answer.status_code == 400
    assert "certificate_type" in answer.json()


def test_a_1_6_station_is_asked_for_one_certificate_type_at_a_time():
    tenant = make_tenant()
    station, _ = make_station(tenant)  # never connected: 1.6 until it does
    with api_client(tenant) as api:
        url = f"/api/v1/stations/{station.identity}/certificates/refresh/"
        several = api.post(url, json={"certificate_types": ["CSMSRootCertificate",
                                                            "ManufacturerRootCertificate"]})
        every = api.post(url, json={})
        one = api.post(url, json={"certificate_types": ["CentralSystemRootCertificate"]})
    assert several.status_code == every.status_code == 400
    assert "one certificate type at a time" in several.text
    assert one.status_code == 409, one.text  # valid: the station is only not connected


def test_a_2_0_1_station_may_be_asked_for_several_or_every_type():
    from stations.models import Station

    tenant = make_tenant()
    station, _ = make_station(tenant)
    Station.objects.filter(pk=station.pk).update(ocpp_version="2.0.1")
    with api_client(tenant) as api:
        url = f"/api/v1/stations/{station.identity}/certificates/refresh/"
        for body in ({}, {"certificate_types": ["V2GRootCertificate", "MORootCertificate"]}):
            assert api.post(url, json=body).status_code == 409  # valid, station absent
        assert api.post(url, json={"certificate_types": ["V2GCertificateChain"]}).status_code == 409
        assert api.post(url, json={"certificate_types": ["SomeCertificate"]}).status_code == 400
        install = api.post(f"/api/v1/stations/{station.identity}/certificates/",
                           json={"certificate_type": "V2GCertificateChain",
                                 "certificate": ca_of(tenant_id=tenant.pk).certificate_pem})
        assert install.status_code == 400 and "not installed" in install.text
