"""OCA OCPP 2.0.1 conformance scenarios of block M, ISO 15118 certificate management as far as
the CSMS's root certificates on the station go: install each type, a failed install, retrieve
the installed ones by type (none found too), delete one (and a failed delete). The station is
the bundled 2.0.1 simulator over the real WebSocket; the central system is driven through the
API (docs/conformance.md; docs/api.md, security)."""

import asyncio
import base64

from cryptography import x509
from cryptography.x509 import ocsp
from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.security import ca
from stations.security.models import InstalledCertificate
from stations.security.services import ca_of
from stations.simulator.v201 import SimulatedChargePoint201
from stations.simulator.v201.security import contract_hash_data, ev_exi_request


def _root(name: str) -> str:
    return ca.new_ca(name)[0]


def _base(octt201) -> str:
    return f"/api/v1/stations/{octt201.station.identity}/certificates"


async def _install(server, octt201, certificate_type: str, cls=SimulatedChargePoint201):
    pem = _root(f"OCTT {certificate_type}")
    async with octt201.charge_point(server, cls=cls) as cp, octt201.api(server) as api:
        response = await api.post(f"{_base(octt201)}/", json={"certificate_type": certificate_type,
                                                              "certificate": pem})
        assert response.status_code == 201, response.text
    return cp, pem, response.json()


async def test_tc_m_01_install_ca_certificate_csmsrootcertificate(server, octt201):
    """Install CA certificate – CSMSRootCertificate"""
    cp, pem, shown = await _install(server, octt201, "CSMSRootCertificate")
    assert cp.certificates["CSMSRootCertificate"][-1] == pem
    assert (shown["certificate_type"], shown["install_status"], shown["installed"]) == (
        "CSMSRootCertificate", "Accepted", True)


async def test_tc_m_02_install_ca_certificate_manufacturerrootcertificate(server, octt201):
    """Install CA certificate – ManufacturerRootCertificate"""
    cp, pem, shown = await _install(server, octt201, "ManufacturerRootCertificate")
    assert cp.certificates["ManufacturerRootCertificate"][-1] == pem and shown["installed"]


async def test_tc_m_03_install_ca_certificate_v2grootcertificate(server, octt201):
    """Install CA certificate – V2GRootCertificate"""
    cp, pem, shown = await _install(server, octt201, "V2GRootCertificate")
    assert cp.certificates["V2GRootCertificate"][-1] == pem and shown["installed"]


async def test_tc_m_04_install_ca_certificate_morootcertificate(server, octt201):
    """Install CA certificate – MORootCertificate"""
    cp, pem, shown = await _install(server, octt201, "MORootCertificate")
    assert cp.certificates["MORootCertificate"][-1] == pem and shown["installed"]


async def test_tc_m_05_install_ca_certificate_failed(server, octt201):
    """Install CA certificate – Failed

    The station answers Failed: the certificate is recorded as not installed."""
    class Failing(SimulatedChargePoint201):
        @on(Action.install_certificate)
        async def on_install_certificate(self, certificate_type, certificate, **kwargs):
            return call_result.InstallCertificate(status="Failed")

    cp, pem, shown = await _install(server, octt201, "CSMSRootCertificate", cls=Failing)
    assert (shown["install_status"], shown["installed"]) == ("Failed", False)


async def _retrieve(server, octt201, certificate_type: str, installed: list[str]):
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        cp.certificates[certificate_type].extend(installed)
        response = await api.post(f"{_base(octt201)}/refresh/",
                                  json={"certificate_type": certificate_type})
        listed = (await api.get(f"{_base(octt201)}/")).json()["results"]
    asked = [data for name, data in cp.received if name == "GetInstalledCertificateIds"]
    assert asked[-1] == {"certificate_type": [certificate_type]}
    return response.json()["status"], [row for row in listed
                                        if row["certificate_type"] == certificate_type
                                        and row["installed"]]


async def _retrieved_one(server, octt201, certificate_type: str) -> None:
    pem = _root(f"Retrieved {certificate_type}")
    status, rows = await _retrieve(server, octt201, certificate_type, [pem])
    data = ca.hash_data(ca.load_certificate(pem))
    assert status == "Accepted"
    assert [(r["serial_number"], r["issuer_key_hash"]) for r in rows] == [
        (data["serialNumber"], data["issuerKeyHash"])]


async def test_tc_m_12_retrieve_certificates_from_charging_station_csmsrootcertificate(
        server, octt201):
    """Retrieve certificates from Charging Station – CSMSRootCertificate"""
    await _retrieved_one(server, octt201, "CSMSRootCertificate")


async def test_tc_m_13_retrieve_certificates_from_charging_station_manufacturerrootcertificate(
        server, octt201):
    """Retrieve certificates from Charging Station – ManufacturerRootCertificate"""
    await _retrieved_one(server, octt201, "ManufacturerRootCertificate")


async def test_tc_m_14_retrieve_certificates_from_charging_station_v2grootcertificate(
        server, octt201):
    """Retrieve certificates from Charging Station – V2GRootCertificate"""
    await _retrieved_one(server, octt201, "V2GRootCertificate")


async def test_tc_m_15_retrieve_certificates_from_charging_station_v2gcertificatechain(
        server, octt201):
    """Retrieve certificates from Charging Station – V2GCertificateChain

    The station's own ISO 15118 certificate chain is reported and recorded (never installed by
    the CSMS)."""
    pem = _root("M15 V2G chain")
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        cp.certificates["V2GCertificateChain"] = [pem]
        response = await api.post(f"{_base(octt201)}/refresh/",
                                  json={"certificate_type": "V2GCertificateChain"})
        listed = (await api.get(f"{_base(octt201)}/")).json()["results"]
    assert response.json() == {"status": "Accepted"}
    assert [(row["serial_number"], row["install_status"]) for row in listed
            if row["certificate_type"] == "V2GCertificateChain" and row["installed"]] == [
        (ca.hash_data(ca.load_certificate(pem))["serialNumber"], "Reported")]


async def test_tc_m_16_retrieve_certificates_from_charging_station_morootcertificate(
        server, octt201):
    """Retrieve certificates from Charging Station – MORootCertificate"""
    await _retrieved_one(server, octt201, "MORootCertificate")


async def test_tc_m_19_retrieve_certificates_from_charging_station_no_matching_certificate_found(
        server, octt201):
    """Retrieve certificates from Charging Station – No matching certificate found

    NotFound: nothing of that type is installed, as far as the central system knows."""
    status, rows = await _retrieve(server, octt201, "MORootCertificate", [])
    assert (status, rows) == ("NotFound", [])


async def test_tc_m_20_delete_a_certificate_from_a_charging_station_success(server, octt201):
    """Delete a certificate from a Charging Station – Success"""
    pem = _root("To delete")
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        shown = (await api.post(f"{_base(octt201)}/", json={
            "certificate_type": "ManufacturerRootCertificate", "certificate": pem})).json()
        deleted = await api.delete(f"{_base(octt201)}/{shown['id']}/")
        assert deleted.json() == {"status": "Accepted"}
        assert pem not in cp.certificates["ManufacturerRootCertificate"]
    row = InstalledCertificate.objects.get(pk=shown["id"])
    assert (row.delete_status, row.installed) == ("Accepted", False)


async def test_tc_m_21_delete_a_certificate_from_a_charging_station_failed(server, octt201):
    """Delete a certificate from a Charging Station – Failed

    The station answers Failed: the certificate stays installed as far as we know."""
    class Failing(SimulatedChargePoint201):
        @on(Action.delete_certificate)
        async def on_delete_certificate(self, certificate_hash_data, **kwargs):
            return call_result.DeleteCertificate(status="Failed")

    pem = _root("Not deletable")
    async with octt201.charge_point(server, cls=Failing), octt201.api(server) as api:
        shown = (await api.post(f"{_base(octt201)}/", json={
            "certificate_type": "ManufacturerRootCertificate", "certificate": pem})).json()
        deleted = await api.delete(f"{_base(octt201)}/{shown['id']}/")
    assert deleted.json() == {"status": "Failed"}
    row = InstalledCertificate.objects.get(pk=shown["id"])
    assert (row.delete_status, row.installed) == ("Failed", True)


async def _retrieve_many(server, octt201, body: dict, installed: dict[str, str]):
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        for certificate_type, pem in installed.items():
            cp.certificates[certificate_type].append(pem)
        response = await api.post(f"{_base(octt201)}/refresh/", json=body)
        listed = (await api.get(f"{_base(octt201)}/")).json()["results"]
    asked = [data for name, data in cp.received if name == "GetInstalledCertificateIds"]
    known = {(row["certificate_type"], row["serial_number"]) for row in listed if row["installed"]}
    return response.json()["status"], asked[-1]["certificate_type"], known


def _serial(pem: str) -> str:
    return ca.hash_data(ca.load_certificate(pem))["serialNumber"]


async def test_tc_m_17_retrieve_certificates_from_charging_station_csmsrootcertificate_manufacturerrootcertificate(  # noqa: E501
        server, octt201):
    """Retrieve certificates from Charging Station – CSMSRootCertificate &
    ManufacturerRootCertificate

    One GetInstalledCertificateIds with both types; each type's certificates are recorded."""
    csms, maker = _root("M17 CSMS"), _root("M17 Maker")
    status, asked, known = await _retrieve_many(
        server, octt201,
        {"certificate_types": ["CSMSRootCertificate", "ManufacturerRootCertificate"]},
        {"CSMSRootCertificate": csms, "ManufacturerRootCertificate": maker})
    assert status == "Accepted"
    assert asked == ["CSMSRootCertificate", "ManufacturerRootCertificate"]
    assert {("CSMSRootCertificate", _serial(csms)),
            ("ManufacturerRootCertificate", _serial(maker))} <= known


async def test_tc_m_18_retrieve_certificates_from_charging_station_all_certificatetypes(
        server, octt201):
    """Retrieve certificates from Charging Station – All certificateTypes

    GetInstalledCertificateIds without a type: every type's certificates are recorded."""
    v2g, mo = _root("M18 V2G"), _root("M18 MO")
    status, asked, known = await _retrieve_many(
        server, octt201, {}, {"V2GRootCertificate": v2g, "MORootCertificate": mo})
    assert (status, asked) == ("Accepted", None)
    assert {("V2GRootCertificate", _serial(v2g)), ("MORootCertificate", _serial(mo))} <= known


# ISO 15118: the PKI behind the station (docs/pki.md; the built-in test PKI here) --------------
async def _pki_log(api, octt201, action: str) -> list[tuple[str, str]]:
    """The case's own PKI requests of `action`, as the API lists them (oldest first)."""
    rows = (await api.get("/api/v1/security/pki/requests/", params={
        "station": octt201.station.identity, "action": action,
        "since": octt201.began.isoformat()})).json()["results"]
    return [(row["detail"], row["status"]) for row in reversed(rows)]


async def test_tc_m_24_get_charging_station_certificate_status_success(server, octt201):
    """Get Charging Station Certificate status – Success

    The station has its V2G certificate signed (A03), then asks its OCSP status: Accepted with
    an OCSP response, signed by the issuer, saying good."""
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        assert await cp.sign_certificate("EVSE-1", certificate_type="V2GCertificate") == "Accepted"
        await asyncio.wait_for(cp.certificate_signed.wait(), 10)
        chain = cp.client_certificate + ca_of(tenant_id=octt201.tenant.pk).certificate_pem
        data = contract_hash_data(chain)[0]
        answer = await cp.get_certificate_status(data)
        logged = await _pki_log(api, octt201, "GetCertificateStatus")
    assert answer.status == "Accepted"
    response = ocsp.load_der_ocsp_response(base64.b64decode(answer.ocsp_result))
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert format(response.serial_number, "x") == data["serialNumber"]
    assert logged == [(f"serial {data['serialNumber']}", "Accepted")]


async def _ev_certificate(server, octt201, emaid: str, actions: list[str]):
    async with octt201.charge_point(server) as cp, octt201.api(server) as api:
        answers = [await cp.get_15118_ev_certificate(ev_exi_request(emaid), action=action)
                   for action in actions]
        logged = await _pki_log(api, octt201, "Get15118EVCertificate")
    return answers, logged


async def test_tc_m_26_certificate_installation_ev_success(server, octt201):
    """Certificate Installation EV – Success

    The EV's CertificateInstallationReq goes to the PKI; the answer (Accepted, exiResponse) goes
    back to the station: the contract certificate for the EV's eMAID and its issuer."""
    emaid = f"NL-OCT-C{octt201.began:%H%M%S%f}"[:20]
    answers, logged = await _ev_certificate(server, octt201, emaid, ["Install"])
    assert answers[0].status == "Accepted"
    leaf = x509.load_pem_x509_certificates(base64.b64decode(answers[0].exi_response))[0]
    assert leaf.subject.rfc4514_string() == f"CN={emaid}"
    assert logged == [("Install", "Accepted")]


async def test_tc_m_28_certificate_update_ev_success(server, octt201):
    """Certificate Update EV – Success

    An EV with a contract asks for its update (CertificateUpdateReq): Accepted with the new
    contract certificate, another serial number than the installed one's."""
    emaid = f"NL-OCT-U{octt201.began:%H%M%S%f}"[:20]
    answers, logged = await _ev_certificate(server, octt201, emaid, ["Install", "Update"])
    assert [a.status for a in answers] == ["Accepted", "Accepted"]
    first, renewed = (x509.load_pem_x509_certificates(base64.b64decode(a.exi_response))[0]
                      for a in answers)
    assert renewed.subject == first.subject and renewed.serial_number != first.serial_number
    assert logged == [("Install", "Accepted"), ("Update", "Accepted")]
