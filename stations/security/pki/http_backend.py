"""The HTTP adapter: an operator's PKI service (its own, or a Hubject-like one behind a small
bridge) answers JSON over HTTPS (docs/pki.md has the requests and answers). One POST per
question, `Authorization: Bearer PKI_HTTP_TOKEN`, PKI_HTTP_TIMEOUT seconds at most; anything but
a 200 with the expected JSON is a PkiError (the station is told Failed). The standard library's
urllib: no dependency for one POST."""

import json
import urllib.error
import urllib.request

from django.conf import settings

from stations.security.pki.base import (
    ACCEPTED,
    CONTRACT_STATUSES,
    FAILED,
    CertificateStatus,
    EvCertificate,
    PkiBackend,
    PkiError,
)

PATHS = {"ev_certificate": "/15118-ev-certificate", "certificate_status": "/certificate-status",
         "authorize": "/contract-authorization"}


class HttpPki(PkiBackend):
    name = "http"

    def __init__(self, url: str | None = None, token: str | None = None,
                 timeout: float | None = None) -> None:
        self.url = (url or settings.PKI_HTTP_URL).rstrip("/")
        self.token = settings.PKI_HTTP_TOKEN if token is None else token
        self.timeout = settings.PKI_HTTP_TIMEOUT if timeout is None else timeout

    def get_15118_ev_certificate(self, *, tenant_id: int, schema_version: str, action: str,
                                 exi_request: str) -> EvCertificate:
        answer = self._post("ev_certificate", tenant_id, {
            "iso15118SchemaVersion": schema_version, "action": action, "exiRequest": exi_request})
        status = _status(answer, (ACCEPTED, FAILED))
        if status == ACCEPTED and not isinstance(answer.get("exiResponse"), str):
            raise PkiError("Accepted without an exiResponse")
        return EvCertificate(status, exi_response=answer.get("exiResponse", ""),
                             reason=str(answer.get("reason", "")))

    def get_certificate_status(self, *, tenant_id: int, ocsp_request_data: dict) -> CertificateStatus:
        answer = self._post("certificate_status", tenant_id, {"ocspRequestData": ocsp_request_data})
        status = _status(answer, (ACCEPTED, FAILED))
        if status == ACCEPTED and not isinstance(answer.get("ocspResult"), str):
            raise PkiError("Accepted without an ocspResult")
        return CertificateStatus(status, ocsp_result=answer.get("ocspResult", ""),
                                 reason=str(answer.get("reason", "")))

    def authorize_contract(self, *, tenant_id: int, emaid: str, certificate: str | None = None,
                           hash_data: list[dict] | None = None) -> str:
        body: dict = {"emaid": emaid}
        if certificate:
            body["certificate"] = certificate
        if hash_data:
            body["iso15118CertificateHashData"] = hash_data
        return _status(self._post("authorize", tenant_id, body), CONTRACT_STATUSES)

    def _post(self, what: str, tenant_id: int, body: dict) -> dict:
        from tenants.models import Tenant

        body = {"tenant": Tenant.objects.values_list("slug", flat=True).get(pk=tenant_id)} | body
        request = urllib.request.Request(
            self.url + PATHS[what], data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     **({"Authorization": f"Bearer {self.token}"} if self.token else {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read(1_000_000))
        except urllib.error.HTTPError as error:
            raise PkiError(f"The PKI answered HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise PkiError(f"The PKI could not be reached: {getattr(error, 'reason', error)}") from None
        except ValueError:
            raise PkiError("The PKI's answer is not JSON") from None
        if not isinstance(answer, dict):
            raise PkiError("The PKI's answer is not a JSON object")
        return answer


def _status(answer: dict, allowed: tuple[str, ...]) -> str:
    status = answer.get("status")
    if status not in allowed:
        raise PkiError(f"The PKI's status {status!r} is not one of {', '.join(allowed)}")
    return status
