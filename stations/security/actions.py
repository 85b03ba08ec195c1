"""What the central system asks of a station in the Security extension: send the request (in
no version's words: stations/commands/requests.py), record the answer. Async, for the API views
and the consumer's process; the writes are services."""

import asyncio
import logging

from asgiref.sync import sync_to_async

from stations.commands import requests as req
from stations.commands.sending import (
    CommandFailed,
    StationNotConnected,
    command_run,
    translator_for,
)
from stations.models import Station
from stations.security import services
from stations.security.models import InstalledCertificate
from tenants.secrets import new_station_password

log = logging.getLogger(__name__)


async def _call(station: Station, request, detail: str) -> req.CommandResult:
    """command_run, recording the message sent, what was asked (`detail`, never a secret) and
    the outcome."""
    try:
        result = await command_run(station, request)
    except CommandFailed as failed:
        await sync_to_async(services.security_command_record)(
            station=station, action=failed.action, detail=detail, status=type(failed).__name__)
        raise
    await sync_to_async(services.security_command_record)(
        station=station, action=result.action, detail=detail, status=result.status)
    return result


async def password_change(station: Station, password: str | None = None) -> tuple[str, str]:
    """ChangeConfiguration AuthorizationKey; on Accepted the new password is pending (see
    stations/ocpp/handshake.py). Returns the station's status and the password."""
    password = password or new_station_password()
    result = await _call(station, req.ConfigurationSet(key="AuthorizationKey", value=password),
                         "AuthorizationKey")
    if result.status == "Accepted":
        await sync_to_async(services.station_pending_password_set)(station=station,
                                                                    password=password)
    return result.status, password


async def security_profile_upgrade(station: Station, profile: int) -> str:
    """ChangeConfiguration SecurityProfile; on Accepted the station reconnects at that level."""
    result = await _call(station, req.ConfigurationSet(key="SecurityProfile", value=str(profile)),
                         f"SecurityProfile={profile}")
    if result.status == "Accepted":
        await sync_to_async(services.station_security_profile_raise)(station=station,
                                                                      profile=profile)
    return result.status


def _type_word(station: Station, certificate_type: str) -> str:
    """How the log names a certificate type: in the words of the station's version."""
    try:
        return translator_for(station).certificate_type_word(certificate_type)
    except ValueError:
        return certificate_type


async def certificate_install(station: Station, certificate_type: str,
                              certificate_pem: str) -> InstalledCertificate:
    result = await _call(station, req.CertificateInstall(certificate_type=certificate_type,
                                                         certificate_pem=certificate_pem),
                         _type_word(station, certificate_type))
    return await sync_to_async(services.installed_certificate_record)(
        station=station, certificate_type=certificate_type, certificate_pem=certificate_pem,
        status=result.status)


async def certificates_refresh(station: Station, certificate_type: str) -> str:
    report = await _call(station, req.CertificateIdsGet(certificate_type=certificate_type),
                         _type_word(station, certificate_type))
    if report.status == "Accepted":
        await sync_to_async(services.installed_certificates_reported)(
            station=station, certificate_type=certificate_type, hash_data=list(report.hash_data))
    elif report.status == "NotFound":
        await sync_to_async(services.installed_certificates_reported)(
            station=station, certificate_type=certificate_type, hash_data=[])
    return report.status


async def certificate_delete(station: Station, certificate: InstalledCertificate) -> str:
    result = await _call(station, req.CertificateDelete(hash_data=certificate.hash_data()),
                         f"{_type_word(station, certificate.certificate_type)} "
                         f"{certificate.serial_number}")
    await sync_to_async(services.installed_certificate_deleted)(certificate=certificate,
                                                                status=result.status)
    return result.status


async def certificate_renewal_request(station: Station) -> str:
    """ExtendedTriggerMessage SignChargePointCertificate: the station's SignCertificate follows."""
    result = await _call(station, req.MessageTrigger(requested_message="SignChargePointCertificate",
                                                     extended=True),
                         "SignChargePointCertificate")
    return result.status


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
            result = await command_run(station, req.CertificateSend(chain_pem=issued.certificate_pem))
            status = result.status
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
