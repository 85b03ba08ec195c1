"""ISO 15118 Plug & Charge at the CSMS (OCPP 2.0.1 M02, M06, C07): a station relays what its EV
asks of the PKI - a contract certificate (Get15118EVCertificate), a certificate's OCSP status
(GetCertificateStatus), a contract's verdict (Authorize) - and the configured PKI answers
(stations/security/pki, docs/pki.md). A PKI that fails or cannot be reached makes the answer
Failed with a reason, never a CALLERROR; every question and answer is logged (PkiRequest) for
the Security page. Blocking: run off the event loop."""

import logging

from stations.models import Station
from stations.security.models import PkiRequest
from stations.security.pki import backend
from stations.security.pki.base import ACCEPTED, FAILED, PkiError
from stations.services.authorization import station_id_token_info

log = logging.getLogger(__name__)

UNREACHABLE, REFUSED = "PkiUnavailable", "PkiRefused"  # statusInfo.reasonCode (20 chars at most)
NO_EXI = {"exiResponse": ""}  # 2.0.1's schema requires exiResponse even when Failed


def ev_certificate_answer(*, station: Station, payload: dict) -> dict:
    """Get15118EVCertificateResponse: Accepted with the PKI's exiResponse, or Failed."""
    pki = backend()
    try:
        result = _asked(
            pki.get_15118_ev_certificate, tenant_id=station.tenant_id,
            schema_version=payload["iso15118SchemaVersion"],
            action=payload["action"], exi_request=payload["exiRequest"])
    except PkiError as error:
        return _failed(station, pki.name, "Get15118EVCertificate", payload["action"],
                       UNREACHABLE, str(error)) | NO_EXI
    if result.status != ACCEPTED:
        return _failed(station, pki.name, "Get15118EVCertificate", payload["action"],
                       REFUSED, result.reason) | NO_EXI
    pki_request_record(station=station, action="Get15118EVCertificate", backend=pki.name,
                       detail=payload["action"], status=ACCEPTED)
    return {"status": ACCEPTED, "exiResponse": result.exi_response}


def certificate_status_answer(*, station: Station, payload: dict) -> dict:
    """GetCertificateStatusResponse: Accepted with the OCSP response, or Failed."""
    data = payload["ocspRequestData"]
    detail = f"serial {data['serialNumber']}"
    pki = backend()
    try:
        result = _asked(pki.get_certificate_status, tenant_id=station.tenant_id,
                        ocsp_request_data=data)
    except PkiError as error:
        return _failed(station, pki.name, "GetCertificateStatus", detail, UNREACHABLE, str(error))
    if result.status != ACCEPTED:
        return _failed(station, pki.name, "GetCertificateStatus", detail, REFUSED, result.reason)
    pki_request_record(station=station, action="GetCertificateStatus", backend=pki.name,
                       detail=detail, status=ACCEPTED)
    return {"status": ACCEPTED, "ocspResult": result.ocsp_result}


def contract_authorize_answer(*, station: Station, payload: dict) -> dict:
    """AuthorizeResponse for a contract certificate (C07; OCA C_50-C_52): the PKI's verdict is
    certificateStatus, and idTokenInfo is the eMAID's by the tenant's token rules (a blocked
    eMAID is Blocked, an unknown one Unknown), Invalid when the verdict is not Accepted. A PKI
    that cannot answer leaves certificateStatus out and the token Invalid: no charging on a
    contract nobody vouched for."""
    id_token = payload["idToken"]
    pki, reason = backend(), ""
    try:
        verdict = _asked(
            pki.authorize_contract, tenant_id=station.tenant_id, emaid=id_token["idToken"],
            certificate=payload.get("certificate"),
            hash_data=payload.get("iso15118CertificateHashData"))
    except PkiError as error:
        verdict, reason = None, str(error)
    info = station_id_token_info(station=station, id_token=id_token)
    if verdict != ACCEPTED and info["status"] == ACCEPTED:
        info = info | {"status": "Invalid"}
    pki_request_record(station=station, action="Authorize", backend=pki.name,
                       detail=id_token["idToken"], status=verdict or FAILED, reason=reason)
    answer: dict = {"idTokenInfo": info}
    if verdict is not None:
        answer["certificateStatus"] = verdict
    return answer


def _asked(question, **arguments):
    """The backend's answer; any failure of it (a defect too, logged with its traceback) is a
    PkiError, so that the station gets an answer whatever happens."""
    try:
        return question(**arguments)
    except PkiError:
        raise
    except Exception as error:
        log.exception("The PKI failed on %s", question.__name__)
        raise PkiError(f"The PKI failed: {type(error).__name__}") from error


def _failed(station: Station, backend_name: str, action: str, detail: str, code: str,
            reason: str) -> dict:
    log.warning("%s for %s failed (%s): %s", action, station.identity, backend_name, reason)
    pki_request_record(station=station, action=action, backend=backend_name, detail=detail,
                       status=FAILED, reason=reason)
    return {"status": FAILED, "statusInfo": {"reasonCode": code, "additionalInfo": reason[:512]}}


def pki_request_record(*, station: Station, action: str, backend: str, detail: str, status: str,
                       reason: str = "") -> PkiRequest:
    return PkiRequest.objects.create(tenant_id=station.tenant_id, station_id=station.pk,
                                     action=action, backend=backend, detail=detail[:200],
                                     status=status[:40], reason=reason[:200])
