"""The certificate and PKI lists through cpms/listing.py (docs/dashboard.md): on the security page
the PKI requests (`?pki-…`), the test PKI's contract certificates (`?contract-…`) and the uploaded
CA certificates (`?ca-…`), beside the security events (`?q=&sort=&page=`); on the station page
the root certificates known on the station (`?cert-…`, beside the message log). Each a page at a
time, sorted by its columns, searched, another tenant's rows never shown, each list's parameters
its own."""

from datetime import UTC, datetime, timedelta

import pytest

from stations.security.models import (
    ContractCertificate,
    InstalledCertificate,
    PkiRequest,
    UploadedCertificateAuthority,
)
from tests.factories import make_station
from tests.fast.lists import order, small_pages

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _at(row, minutes: int):
    type(row).objects.filter(pk=row.pk).update(created_at=T0 + timedelta(minutes=minutes))


@pytest.fixture
def pki_requests(tenant, other_tenant):
    alpha, _ = make_station(tenant, "PKI-ALPHA")
    bravo, _ = make_station(tenant, "PKI-BRAVO")
    for n, (station, action, status) in enumerate([(bravo, "Get15118EVCertificate", "Accepted"),
                                                   (alpha, "GetCertificateStatus", "Failed"),
                                                   (bravo, "Authorize", "Accepted")]):
        _at(PkiRequest.objects.create(tenant=tenant, station=station, action=action, backend="builtin",
                                      detail=f"ASKED-{n}", status=status,
                                      reason="ocsp down" if status == "Failed" else ""), n)
    PkiRequest.objects.create(tenant=other_tenant, station=make_station(other_tenant, "PKI-THEIRS")[0],
                              action="Authorize", backend="builtin", detail="ASKED-9", status="Accepted")


@pytest.fixture
def contracts(tenant, other_tenant):
    for n, (emaid, state) in enumerate([("DE-ZZZ", "Valid"), ("DE-AAA", "Revoked"), ("DE-MMM", "Valid")]):
        _at(ContractCertificate.objects.create(
            tenant=tenant, emaid=emaid, serial_number=f"C0{n}", issuer_name_hash="a", issuer_key_hash="b",
            certificate_pem="-", not_after=T0 + timedelta(days=10 - n), state=state), n)
    ContractCertificate.objects.create(tenant=other_tenant, emaid="DE-THEIRS", serial_number="C09",
                                       issuer_name_hash="a", issuer_key_hash="b", certificate_pem="-",
                                       not_after=T0)


@pytest.fixture
def authorities(tenant, other_tenant):
    for n, name in enumerate(["Maker B", "Maker A", "Own PKI"]):
        UploadedCertificateAuthority.objects.create(
            tenant=tenant, name=name, certificate_pem="-", subject=f"CN=Subject {n}", issuer="CN=Root",
            fingerprint_sha256=f"{n:064x}", not_before=T0, not_after=T0 + timedelta(days=100 * (n + 1)))
    UploadedCertificateAuthority.objects.create(
        tenant=other_tenant, name="Theirs", certificate_pem="-", subject="CN=Theirs", issuer="CN=Root",
        fingerprint_sha256="f" * 64, not_before=T0, not_after=T0)


def _page(client, query: str = "", path: str = "/security/") -> str:
    response = client.get(f"{path}{query}")
    assert response.status_code == 200
    return response.content.decode()


def _asked(client, query=""):
    return order(_page(client, query), *(f"ASKED-{n}" for n in (0, 1, 2, 9)))


def _emaids(client, query=""):
    return order(_page(client, query), "DE-ZZZ", "DE-AAA", "DE-MMM", "DE-THEIRS")


def _cas(client, query=""):
    return order(_page(client, query), "Maker B", "Maker A", "Own PKI", "Theirs")


def test_pki_requests_sort_search_and_page(owner_web, pki_requests, monkeypatch):
    assert _asked(owner_web) == ["ASKED-2", "ASKED-1", "ASKED-0"]  # latest first, the tenant's only
    assert _asked(owner_web, "?pki-sort=when") == ["ASKED-0", "ASKED-1", "ASKED-2"]
    assert _asked(owner_web, "?pki-sort=station") == ["ASKED-1", "ASKED-2", "ASKED-0"]
    assert _asked(owner_web, "?pki-sort=answer") == ["ASKED-2", "ASKED-0", "ASKED-1"]  # then latest first
    assert _asked(owner_web, "?pki-sort=-answer") == ["ASKED-1", "ASKED-0", "ASKED-2"]  # all reversed
    assert _asked(owner_web, "?pki-q=OCSP") == ["ASKED-1"]  # its reason
    assert _asked(owner_web, "?pki-q=pki-bravo") == ["ASKED-2", "ASKED-0"]
    assert _asked(owner_web, "?q=pki-bravo") == ["ASKED-2", "ASKED-1", "ASKED-0"]  # the events' search
    assert "No PKI request matches." in _page(owner_web, "?pki-q=nothing")
    small_pages(monkeypatch)
    assert _asked(owner_web, "?pki-page=2") == ["ASKED-0"]
    assert _asked(owner_web, "?pki-sort=tenant&pki-page=nope") == ["ASKED-2", "ASKED-1"]


def test_contract_certificates_sort_search_and_page(owner_web, contracts, monkeypatch):
    assert _emaids(owner_web) == ["DE-MMM", "DE-AAA", "DE-ZZZ"]  # latest issued first
    assert _emaids(owner_web, "?contract-sort=emaid") == ["DE-AAA", "DE-MMM", "DE-ZZZ"]
    assert _emaids(owner_web, "?contract-sort=until") == ["DE-MMM", "DE-AAA", "DE-ZZZ"]
    assert _emaids(owner_web, "?contract-sort=state") == ["DE-AAA", "DE-MMM", "DE-ZZZ"]  # Revoked first
    assert _emaids(owner_web, "?contract-q=revoked") == ["DE-AAA"]
    assert _emaids(owner_web, "?contract-q=c02") == ["DE-MMM"]  # its serial number
    small_pages(monkeypatch)
    assert _emaids(owner_web, "?contract-page=2") == ["DE-ZZZ"]
    assert _emaids(owner_web, "?contract-page=99") == ["DE-ZZZ"]  # past the end: the last


def test_uploaded_cas_sort_search_and_page(member_web, authorities, monkeypatch):
    assert _cas(member_web) == ["Maker A", "Maker B", "Own PKI"]  # by name; an installer sees them
    assert _cas(member_web, "?ca-sort=-name") == ["Own PKI", "Maker B", "Maker A"]
    assert _cas(member_web, "?ca-sort=-until") == ["Own PKI", "Maker A", "Maker B"]
    assert _cas(member_web, "?ca-q=subject%201") == ["Maker A"]
    assert _cas(member_web, f"?ca-q={2:064x}") == ["Own PKI"]  # its fingerprint
    assert "No CA certificate matches." in _page(member_web, "?ca-q=nothing")
    small_pages(monkeypatch)
    assert _cas(member_web, "?ca-page=2") == ["Own PKI"]


def test_the_lists_of_one_page_page_apart_and_keep_each_others_place(
        owner_web, pki_requests, contracts, authorities, monkeypatch):
    small_pages(monkeypatch)
    html = _page(owner_web, "?pki-page=2&ca-sort=-name&contract-q=de-")
    assert order(html, "ASKED-2", "ASKED-0") == ["ASKED-0"]
    assert order(html, "Maker A", "Maker B", "Own PKI") == ["Own PKI", "Maker B"]
    assert order(html, "DE-ZZZ", "DE-AAA", "DE-MMM") == ["DE-MMM", "DE-AAA"]
    # the CA list's next page keeps the PKI requests' page and the contracts' search
    assert 'href="?pki-page=2&amp;contract-q=de-&amp;ca-sort=-name&amp;ca-page=2"' in html
    assert 'name="ca-q"' in html and 'name="pki-q"' in html and 'name="contract-q"' in html
    assert '<input type="hidden" name="pki-page" value="2">' in html  # in the other search boxes


@pytest.fixture
def installed(tenant, other_tenant):
    station, _ = make_station(tenant, "ROOTS-1")
    for n, kind in enumerate([InstalledCertificate.MANUFACTURER, InstalledCertificate.CSMS_ROOT,
                              InstalledCertificate.V2G_ROOT]):
        _at(InstalledCertificate.objects.create(
            tenant=tenant, station=station, certificate_type=kind, issuer_name_hash="a",
            issuer_key_hash="b", serial_number=f"SERIAL-{n}", install_status="Accepted", installed=True), n)
    InstalledCertificate.objects.create(
        tenant=tenant, station=station, certificate_type=InstalledCertificate.MO_ROOT,
        issuer_name_hash="a", issuer_key_hash="b", serial_number="SERIAL-GONE", install_status="Accepted")
    return station


def _serials(client, station, query=""):
    html = _page(client, query, f"/stations/{station.identity}/certificates/")
    return order(html, *(f"SERIAL-{n}" for n in (0, 1, 2, "GONE")))


def test_root_certificates_of_a_station_sort_search_and_page(member_web, installed, monkeypatch):
    assert _serials(member_web, installed) == ["SERIAL-2", "SERIAL-1", "SERIAL-0"]  # installed, latest first
    assert _serials(member_web, installed, "?cert-sort=type") == ["SERIAL-1", "SERIAL-0", "SERIAL-2"]
    assert _serials(member_web, installed, "?cert-sort=-serial") == ["SERIAL-2", "SERIAL-1", "SERIAL-0"]
    assert _serials(member_web, installed, "?cert-q=v2groot") == ["SERIAL-2"]
    assert _serials(member_web, installed, "?q=v2groot") == ["SERIAL-2", "SERIAL-1", "SERIAL-0"]  # the log's
    small_pages(monkeypatch)
    html = _page(member_web, "?page=3&cert-page=2", f"/stations/{installed.identity}/certificates/")
    assert order(html, "SERIAL-2", "SERIAL-0") == ["SERIAL-0"]
    assert 'href="?page=3&amp;cert-sort=-since"' in html  # back to the first page, the log's kept


def test_the_station_page_hands_its_query_to_the_root_certificates(member_web, installed):
    html = _page(member_web, "?cert-page=2&page=3", f"/stations/{installed.identity}/")
    assert f'hx-get="/stations/{installed.identity}/certificates/?cert-page=2&amp;page=3"' in html
    assert f'hx-get="/stations/{installed.identity}/certificates/"' in _page(
        member_web, "", f"/stations/{installed.identity}/")
