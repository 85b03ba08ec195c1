"""What the central system asks of a station in the Security extension: send the CALL, record
the answer. Async, for the API views and the consumer's process; the writes are services."""

import asyncio
import logging

from asgiref.sync import sync_to_async

from stations.commands import CommandFailed, StationNotConnected, station_call
from stations.models import Station
from stations.security import services
from stations.security.models import InstalledCertificate
from tenants.secrets import new_station_password

log = logging.getLogger(__name__)


async def _call(station: Station, action: str, payload: dict, detail: str) -> dict:
    """station_call, recording what was asked (`detail`, never a secret) and the outcome."""
    try:
        response = await station_call(station, action, payload)
    except CommandFailed as failed:
        await sync_to_async(services.security_command_record)(
            station=station, action=action, detail=detail, status=type(failed).__name__)
        raise
    await sync_to_async(services.security_command_record)(
        station=station, action=action, detail=detail, status=response.get("status", ""))
    return response


async def password_change(station: Station, password: str | None = None) -> tuple[str, str]:
    """ChangeConfiguration AuthorizationKey; on Accepted the new password is pending (see
    stations/ocpp/handshake.py). Returns the station's status and the password."""
    password = password or new_station_password()
    response = await _call(station, "ChangeConfiguration",
                           {"key": "AuthorizationKey", "value": password}, "AuthorizationKey")
    if response["status"] == "Accepted":
        await sync_to_async(services.station_pending_password_set)(station=station,
                                                                    password=password)
    return response["status"], password


async def security_profile_upgrade(station: Station, profile: int) -> str:
    """ChangeConfiguration SecurityProfile; on Accepted the station reconnects at that level."""
    response = await _call(station, "ChangeConfiguration",
                           {"key": "SecurityProfile", "value": str(profile)}, f"SecurityProfile={profile}")
    if response["status"] == "Accepted":
        await sync_to_async(services.station_security_profile_raise)(station=station,
                                                                      profile=profile)
    return response["status"]


async def certificate_install(station: Station, certificate_type: str,
                              certificate_pem: str) -> InstalledCertificate:
    response = await _call(station, "InstallCertificate",
                           {"certificateType": certificate_type, "certificate": certificate_pem},
                           certificate_type)
    return await sync_to_async(services.installed_certificate_record)(
        station=station, certificate_type=certificate_type, certificate_pem=certificate_pem,
        status=response["status"])


async def certificates_refresh(station: Station, certificate_type: str) -> str:
    response = await _call(station, "GetInstalledCertificateIds",
                           {"certificateType": certificate_type}, certificate_type)
    if response["status"] == "Accepted":
        await sync_to_async(services.installed_certificates_reported)(
            station=station, certificate_type=certificate_type,
            hash_data=response.get("certificateHashData", []))
    elif response["status"] == "NotFound":
        await sync_to_async(services.installed_certificates_reported)(
            station=station, certificate_type=certificate_type, hash_data=[])
    return response["status"]


async def certificate_delete(station: Station, certificate: InstalledCertificate) -> str:
    response = await _call(station, "DeleteCertificate",
                           {"certificateHashData": certificate.hash_data()},
                           f"{certificate.certificate_type} {certificate.serial_number}")
    await sync_to_async(services.installed_certificate_deleted)(certificate=certificate,
                                                                status=response["status"])
    return response["status"]


async def certificate_renewal_request(station: Station) -> str:
    """ExtendedTriggerMessage SignChargePointCertificate: the station's SignCertificate follows."""
    response = await _call(station, "ExtendedTriggerMessage",
                           {"requestedMessage": "SignChargePointCertificate"},
                           "SignChargePointCertificate")
    return response["status"]


async def certificate_sign_and_send(station_id: int, csr_pem: str) -> None:
    """After answering SignCertificate: sign the CSR with the tenant's CA and send
    CertificateSigned (run by the consumer once the answer is out, so no worker is needed)."""
    try:
        await _certificate_send(station_id, csr_pem)
    except Exception:
        log.exception("Could not issue a certificate to station %s", station_id)


async def _certificate_send(station_id: int, csr_pem: str) -> None:
    from stations.ocpp.dbthreads import db

    issued = await db(services.station_certificate_issue, station_id=station_id, csr_pem=csr_pem)
    status = "NotDelivered"
    for attempt in range(5):
        station = await db(_fresh_station, station_id)
        try:
            response = await station_call(station, "CertificateSigned",
                                          {"certificateChain": issued.certificate_pem})
            status = response["status"]
            break
        except StationNotConnected:  # presence of a just-connected station is written lazily
            await asyncio.sleep(0.5 * (attempt + 1))
        except CommandFailed as failed:
            status = type(failed).__name__
            break
    log.info("CertificateSigned to station %s: %s", station_id, status)
    await db(services.issued_certificate_delivered, issued_id=issued.pk, status=status)


def _fresh_station(station_id: int) -> Station:
    return Station.objects.select_related("server_process").get(pk=station_id)
