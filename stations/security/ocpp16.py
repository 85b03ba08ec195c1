"""The OCPP 1.6 Security extension's station messages: security events, and the CSR a station
sends to have its certificate signed. Registered in SecurityConfig.ready()
(docs/architecture.md, path 1)."""

from datetime import datetime

from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import after_answer, handles
from stations.security import actions, services

V16 = "1.6"


@handles(V16, "SecurityEventNotification")
async def security_event_notification(link: Link, payload: dict,
                                      received_at: datetime) -> dict:
    await db(services.security_event_record, station=link.station, payload=payload,
             received_at=received_at)
    return {}


@handles(V16, "SignCertificate")
async def sign_certificate(link: Link, payload: dict, received_at: datetime) -> dict:
    """Accepted or refused now; the signed certificate follows the answer (the station would
    not expect it before)."""
    station = link.station
    refusal = await db(services.csr_check, identity=station.identity, csr_pem=payload["csr"])
    if refusal:
        return {"status": "Rejected"}
    after_answer(lambda: actions.certificate_sign_and_send(station.pk, payload["csr"]))
    return {"status": "Accepted"}
