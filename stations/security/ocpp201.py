"""OCPP 2.0.1's security messages from a station (blocks A and M): security events, and the CSR a
station sends to have its certificate signed. The same services as 1.6's (ocpp16.py); only the
words differ: 2.0.1 names what the certificate is for (ChargingStationCertificate or
V2GCertificate; none: both) and answers SignCertificate with a status as 1.6 does. Registered in
SecurityConfig.ready() (docs/architecture.md, path 1; docs/ocpp201.md, security)."""

from datetime import datetime

from stations.ocpp.dbthreads import db
from stations.ocpp.link import Link
from stations.ocpp.registry import after_answer, handles
from stations.security import actions, iso15118, services
from stations.security.models import IssuedCertificate

V201 = "2.0.1"


@handles(V201, "SecurityEventNotification")
async def security_event_notification(link: Link, payload: dict,
                                      received_at: datetime) -> dict:
    await db(services.security_event_record, station=link.station, payload=payload,
             received_at=received_at)
    return {}


@handles(V201, "SignCertificate")
async def sign_certificate(link: Link, payload: dict, received_at: datetime) -> dict:
    """Accepted or Rejected now (A02/A03); CertificateSigned follows the answer, signed by the
    tenant's CA, with the type the station asked for; when it named none, the certificate is for
    both uses and CertificateSigned names none either (kept as a charging station certificate)."""
    station = link.station
    certificate_type = payload.get("certificateType")  # None: for both uses (A_13)
    refusal = await db(services.csr_check, identity=station.identity, csr_pem=payload["csr"],
                       certificate_type=certificate_type or IssuedCertificate.CHARGING_STATION)
    if refusal:
        return {"status": "Rejected", "statusInfo": {"reasonCode": "InvalidCSR",
                                                     "additionalInfo": refusal[:512]}}
    after_answer(lambda: actions.certificate_sign_and_send(station.pk, payload["csr"],
                                                           certificate_type))
    return {"status": "Accepted"}


@handles(V201, "Get15118EVCertificate")
async def get_15118_ev_certificate(link: Link, payload: dict, received_at: datetime) -> dict:
    """The EV's contract certificate, from the PKI (M02; docs/pki.md)."""
    return await db(iso15118.ev_certificate_answer, station=link.station, payload=payload)


@handles(V201, "GetCertificateStatus")
async def get_certificate_status(link: Link, payload: dict, received_at: datetime) -> dict:
    """A certificate's OCSP status, from the PKI (M06; docs/pki.md)."""
    return await db(iso15118.certificate_status_answer, station=link.station, payload=payload)
