"""What the backend asks an ISO 15118 PKI, whichever PKI it is (docs/pki.md): the contract
certificate an EV asks for (Get15118EVCertificate), a certificate's OCSP status
(GetCertificateStatus) and a contract certificate's verdict for Authorize. A backend answers or
raises PkiError (unreachable, timed out, an answer it cannot read): the station is then told
Failed with the reason, never a CALLERROR."""

from abc import ABC, abstractmethod
from dataclasses import dataclass

ACCEPTED, FAILED = "Accepted", "Failed"
# AuthorizeCertificateStatusEnumType of 2.0.1: a contract certificate's verdict.
CONTRACT_STATUSES = ("Accepted", "SignatureError", "CertificateExpired", "CertificateRevoked",
                     "NoCertificateAvailable", "CertChainError", "ContractCancelled")


class PkiError(Exception):
    """The PKI could not answer (down, timed out, a 5xx, an answer out of contract)."""


@dataclass(frozen=True)
class EvCertificate:
    """Get15118EVCertificate's answer: Accepted with the EXI response (Base64), or Failed."""

    status: str
    exi_response: str = ""
    reason: str = ""


@dataclass(frozen=True)
class CertificateStatus:
    """GetCertificateStatus's answer: Accepted with the OCSP response (DER, Base64), or Failed."""

    status: str
    ocsp_result: str = ""
    reason: str = ""


class PkiBackend(ABC):
    """One PKI. Every method is a blocking call (run it off the event loop) within one tenant."""

    name: str

    @abstractmethod
    def get_15118_ev_certificate(self, *, tenant_id: int, schema_version: str, action: str,
                                 exi_request: str) -> EvCertificate:
        """The EV's CertificateInstallationReq / CertificateUpdateReq (`action` Install or
        Update), Base64 EXI as the station relays it."""

    @abstractmethod
    def get_certificate_status(self, *, tenant_id: int, ocsp_request_data: dict) -> CertificateStatus:
        """The OCSP status of the certificate `ocsp_request_data` names (2.0.1 OCSPRequestData)."""

    @abstractmethod
    def authorize_contract(self, *, tenant_id: int, emaid: str, certificate: str | None = None,
                           hash_data: list[dict] | None = None) -> str:
        """A contract certificate's verdict (one of CONTRACT_STATUSES), from its PEM chain (the
        station could not validate it: central validation) or its OCSP hash data (validated at
        the station: is it still good?)."""
