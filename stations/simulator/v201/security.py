"""Security of the simulated 2.0.1 station (OCPP 2.0.1 A and M blocks): a key and CSR for its
client certificate (SignCertificate, on request or on TriggerMessage
SignChargingStationCertificate), CertificateSigned, the root certificates installed on it
(InstallCertificate, GetInstalledCertificateIds, DeleteCertificate) and security events. The
password and network profile live in the device model (device_model.py)."""

import asyncio

from ocpp.routing import on
from ocpp.v201 import call, call_result
from ocpp.v201.enums import Action

from stations.simulator.certificates import (
    CertificateStore,
    certificate_remove,
    key_and_csr,
)
from stations.simulator.core import utcnow


def ev_exi_request(emaid: str) -> str:
    """What an EV's CertificateInstallationReq stands for with the built-in test PKI (it reads
    no EXI, docs/pki.md): a CSR whose CN is the eMAID, Base64."""
    import base64

    _, csr = key_and_csr(organization="EV", common_name=emaid)
    return base64.b64encode(csr.encode()).decode()


def contract_hash_data(chain_pem: str, responder_url: str = "http://ocsp.invalid/") -> list[dict]:
    """iso15118CertificateHashData of a contract chain (leaf first, then its issuer): what a
    station that validated it sends with Authorize or GetCertificateStatus."""
    from cryptography import x509

    from stations.security.ca import issued_hash_data

    leaf, issuer = x509.load_pem_x509_certificates(chain_pem.encode())[:2]
    return [issued_hash_data(leaf, issuer) | {"responderURL": responder_url}]


class SecurityStation201(CertificateStore):
    """Client certificate, installed root certificates, security events."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.certificates: dict[str, list[str]] = {
            "V2GRootCertificate": [], "MORootCertificate": [], "CSMSRootCertificate": [],
            "ManufacturerRootCertificate": []}
        self.client_key = None
        self.client_certificate: str | None = None
        self.certificate_signed = asyncio.Event()

    async def security_event(self, type: str, tech_info: str | None = None) -> None:
        await self.call(call.SecurityEventNotification(type=type, timestamp=utcnow(),
                                                       tech_info=tech_info))

    async def sign_certificate(self, common_name: str | None = None,
                               certificate_type: str = "ChargingStationCertificate") -> str:
        """A new key and a CSR for it (CN: this identity unless given); returns the status."""
        organization = self.device_model[
            ("SecurityCtrlr", None, None, None, "OrganizationName", None)].value
        self.client_key, csr = key_and_csr(organization=organization,
                                           common_name=common_name or self.id)
        self.certificate_signed.clear()
        result = await self.call(call.SignCertificate(csr=csr,
                                                      certificate_type=certificate_type))
        return result.status

    @on(Action.certificate_signed)
    async def on_certificate_signed(self, certificate_chain, certificate_type=None, **kwargs):
        self.received.append(("CertificateSigned", {"certificate_chain": certificate_chain,
                                                    "certificate_type": certificate_type}))
        return call_result.CertificateSigned(status=self.certificate_chain_take(certificate_chain))

    @on(Action.install_certificate)
    async def on_install_certificate(self, certificate_type, certificate, **kwargs):
        self.certificate_install(certificate_type, certificate)
        self._count_certificates()
        return call_result.InstallCertificate(status="Accepted")

    def _count_certificates(self) -> None:
        self.device_model[("SecurityCtrlr", None, None, None, "CertificateEntries", None)].value = \
            str(sum(len(pems) for pems in self.certificates.values()))

    @on(Action.get_installed_certificate_ids)
    async def on_get_installed_certificate_ids(self, certificate_type=None, **kwargs):
        from stations.security.ca import hash_data, load_certificate

        self.received.append(("GetInstalledCertificateIds", {"certificate_type": certificate_type}))
        installed = [{"certificateType": kind,
                      "certificateHashData": hash_data(load_certificate(pem))}
                     for kind, pems in self.certificates.items()
                     if not certificate_type or kind in certificate_type for pem in pems]
        if not installed:
            return call_result.GetInstalledCertificateIds(status="NotFound")
        return call_result.GetInstalledCertificateIds(status="Accepted",
                                                      certificate_hash_data_chain=installed)

    @on(Action.delete_certificate)
    async def on_delete_certificate(self, certificate_hash_data, **kwargs):
        self.received.append(("DeleteCertificate", certificate_hash_data))
        if certificate_remove(self.certificates, certificate_hash_data):
            self._count_certificates()
            return call_result.DeleteCertificate(status="Accepted")
        return call_result.DeleteCertificate(status="NotFound")

    # ISO 15118 Plug & Charge: what the station relays for its EV (docs/pki.md) ------------
    async def get_15118_ev_certificate(self, exi_request: str, action: str = "Install",
                                       schema_version: str = "urn:iso:15118:2:2013:MsgDef"):
        """Relay the EV's certificate request (Base64 EXI); returns the whole answer."""
        return await self.call(call.Get15118EVCertificate(
            iso15118_schema_version=schema_version, action=action, exi_request=exi_request))

    async def get_certificate_status(self, ocsp_request_data: dict):
        """Ask the OCSP status of a certificate (its hash data and responder URL)."""
        return await self.call(call.GetCertificateStatus(ocsp_request_data=ocsp_request_data))

    async def authorize_contract(self, emaid: str, certificate: str | None = None,
                                 hash_data: list[dict] | None = None):
        """Authorize with a contract certificate: its PEM chain (central validation) or the
        hash data of the chain validated here; returns the whole answer."""
        result = await self.call(call.Authorize(
            id_token={"idToken": emaid, "type": "eMAID"}, certificate=certificate,
            iso15118_certificate_hash_data=hash_data))
        self.id_token_infos.append(result.id_token_info)
        return result

    def _triggerable(self, evse_id, connector_id) -> dict:
        return super()._triggerable(evse_id, connector_id) | {
            "SignChargingStationCertificate": self.sign_certificate}
