"""Certificates expiring within the rule's days (alerts/conditions/certificates.py): the tenant's
CA, its uploaded CAs, the certificates issued to its stations and the roots installed on them,
and the server's TLS certificate for the tenants whose stations use TLS."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from alerts.conditions import certificates
from alerts.models import Alert, AlertKind, AlertState
from alerts.services import alert_rule_update
from stations.security import ca
from stations.security.models import CertificateAuthority, InstalledCertificate, IssuedCertificate
from stations.security.services import (
    ca_of,
    installed_certificate_deleted,
    installed_certificate_record,
    uploaded_ca_add,
    uploaded_ca_delete,
)
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db
KIND = AlertKind.CERTIFICATE_EXPIRING
NOW = timezone.now()


def ca_pem_ending_in(days: float) -> str:
    """A CA certificate (ca.new_ca: CA_YEARS long) that ends `days` from now."""
    made_at = datetime.now(UTC) + timedelta(days=days) - timedelta(days=365 * ca.CA_YEARS)
    return ca.new_ca("Old PKI", now=made_at)[0]


def issued(station, days: float, status: str = "Accepted") -> IssuedCertificate:
    return IssuedCertificate.objects.create(
        tenant=station.tenant, station=station, serial_number="ab", not_before=NOW - timedelta(days=700),
        not_after=NOW + timedelta(days=days), certificate_pem="-", delivery_status=status)


def alerts_of(tenant, state=AlertState.OPEN):
    return list(Alert.objects.filter(tenant=tenant, kind=KIND, state=state).order_by("key"))


def test_the_tenants_ca_ending_within_30_days_is_an_alert_and_a_young_one_is_not():
    tenant, other = make_tenant(), make_tenant()
    authority = CertificateAuthority.objects.create(tenant=tenant, certificate_pem=ca_pem_ending_in(10),
                                                    private_key_pem="-")
    ca_of(tenant_id=other.pk)  # 20 years
    certificates.check(NOW)
    alert, = alerts_of(tenant)
    assert alert.key == f"certificate:ca:{authority.pk}" and alert.details["days_left"] in (9, 10)
    assert "The tenant's CA expires on" in alert.title
    assert alerts_of(other) == []


def test_an_uploaded_ca_is_an_alert_until_it_is_removed():
    tenant = make_tenant()
    uploaded = uploaded_ca_add(tenant_id=tenant.pk, certificate_pem=ca_pem_ending_in(20), name="Maker")
    certificates.check(NOW)
    alert, = alerts_of(tenant)
    assert alert.key == f"certificate:uploaded_ca:{uploaded.pk}" and "Maker" in alert.title
    uploaded_ca_delete(authority=uploaded)
    certificates.check(NOW + timedelta(minutes=1))
    assert alerts_of(tenant) == []


def test_a_stations_certificate_is_an_alert_until_a_renewal_is_accepted():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    old = issued(station, 5)
    certificates.check(NOW)
    issued(station, 730, status="Rejected")
    certificates.check(NOW + timedelta(minutes=1))
    alert, = alerts_of(tenant)
    assert alert.key == f"certificate:issued:{old.pk}" and alert.station_id == station.pk
    assert alert.details["station"] == station.identity
    issued(station, 730)
    certificates.check(NOW + timedelta(minutes=2))
    assert alerts_of(tenant) == []


def test_an_installed_root_is_an_alert_until_it_is_deleted():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    root = installed_certificate_record(station=station, certificate_type=InstalledCertificate.CSMS_ROOT,
                                        certificate_pem=ca_pem_ending_in(3), status="Accepted")
    installed_certificate_record(station=station, certificate_type=InstalledCertificate.MANUFACTURER,
                                 certificate_pem=ca_pem_ending_in(3), status="Rejected")
    certificates.check(NOW)
    alert, = alerts_of(tenant)
    assert alert.key == f"certificate:installed:{root.pk}"
    installed_certificate_deleted(certificate=root, status="Accepted")
    certificates.check(NOW + timedelta(minutes=1))
    assert alerts_of(tenant) == []


def test_an_expired_certificate_says_so():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    issued(station, -2)
    certificates.check(NOW)
    alert, = alerts_of(tenant)
    assert "expired on" in alert.title


def test_the_tenants_days_decide():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    alert_rule_update(tenant_id=tenant.pk, kind=KIND, threshold=7)
    issued(station, 10)
    certificates.check(NOW)
    assert alerts_of(tenant) == []
    alert_rule_update(tenant_id=tenant.pk, kind=KIND, threshold=12)
    certificates.check(NOW)
    assert len(alerts_of(tenant)) == 1


def test_the_servers_tls_certificate_is_told_to_the_tenants_with_stations_on_tls(settings, tmp_path):
    on_tls, plain = make_tenant(), make_tenant()
    make_station(on_tls, security_profile=2)
    make_station(plain)
    path = tmp_path / "fullchain.pem"
    path.write_text(ca_pem_ending_in(15))
    settings.TLS_CERTIFICATE_FILE = str(path)
    certificates.check(NOW)
    alert, = alerts_of(on_tls)
    assert alert.key == certificates.SERVER_KEY and "server's TLS certificate" in alert.title
    assert alerts_of(plain) == []
    path.write_text(ca_pem_ending_in(300))  # renewed
    certificates.check(NOW + timedelta(minutes=1))
    assert alerts_of(on_tls) == []


def test_no_tls_certificate_file_no_server_alert(settings):
    tenant = make_tenant()
    make_station(tenant, security_profile=3)
    settings.TLS_CERTIFICATE_FILE = ""
    certificates.check(NOW)
    assert alerts_of(tenant) == []
