"""A simulated charge point that speaks the OCPP 1.6 Security extension."""

import asyncio

from ocpp.routing import on
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

from stations.simulator.certificates import (
    CertificateStore,
    certificate_remove,
    key_and_csr,
)
from stations.simulator.core import utcnow
from stations.simulator.station import SimulatedChargePoint


class SecureChargePoint(CertificateStore, SimulatedChargePoint):
    """A charge point that speaks the OCPP 1.6 Security extension: it takes a new password
    (AuthorizationKey) and security profile, makes a key and CSR for its client certificate,
    keeps the root certificates installed on it, and reports security events."""

    def __init__(self, identity: str, connection, connectors: int = 1):
        super().__init__(identity, connection, connectors=connectors)
        self.configuration |= {"AuthorizationKey": "", "SecurityProfile": "1",
                               "CpoName": "Simulator"}
        self.certificates: dict[str, list[str]] = {"CentralSystemRootCertificate": [],
                                                   "ManufacturerRootCertificate": []}
        self.client_key = None
        self.client_certificate: str | None = None
        self.certificate_signed = asyncio.Event()

    async def security_event(self, type: str, tech_info: str | None = None) -> None:
        await self.call(call.SecurityEventNotification(type=type, timestamp=utcnow(),
                                                       tech_info=tech_info))

    async def sign_certificate(self, common_name: str | None = None) -> str:
        """A new key and a CSR for it (CN: this identity unless given); returns the status."""
        self.client_key, csr = key_and_csr(organization=self.configuration["CpoName"],
                                           common_name=common_name or self.id)
        self.certificate_signed.clear()
        result = await self.call(call.SignCertificate(csr=csr))
        return result.status

    @on(Action.certificate_signed)
    async def on_certificate_signed(self, certificate_chain, **kwargs):
        self.received.append(("CertificateSigned", {"certificate_chain": certificate_chain}))
        return call_result.CertificateSigned(status=self.certificate_chain_take(certificate_chain))

    @on(Action.install_certificate)
    async def on_install_certificate(self, certificate_type, certificate, **kwargs):
        self.certificate_install(certificate_type, certificate)
        return call_result.InstallCertificate(status="Accepted")

    @on(Action.get_installed_certificate_ids)
    async def on_get_installed_certificate_ids(self, certificate_type, **kwargs):
        from stations.security.ca import hash_data, load_certificate

        installed = [hash_data(load_certificate(pem)) for pem in self.certificates[certificate_type]]
        if not installed:
            return call_result.GetInstalledCertificateIds(status="NotFound")
        return call_result.GetInstalledCertificateIds(status="Accepted",
                                                      certificate_hash_data=installed)

    @on(Action.delete_certificate)
    async def on_delete_certificate(self, certificate_hash_data, **kwargs):
        self.received.append(("DeleteCertificate", certificate_hash_data))
        if certificate_remove(self.certificates, certificate_hash_data):
            return call_result.DeleteCertificate(status="Accepted")
        return call_result.DeleteCertificate(status="NotFound")

    @on(Action.extended_trigger_message)
    async def on_extended_trigger_message(self, requested_message, connector_id=None, **kwargs):
        if requested_message != "SignChargePointCertificate":
            return await super().on_extended_trigger_message(requested_message, connector_id,
                                                             **kwargs)
        self.received.append(("ExtendedTriggerMessage", {"requested_message": requested_message,
                                                         "connector_id": connector_id}))
        asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self.sign_certificate()))
        return call_result.ExtendedTriggerMessage(status="Accepted")
