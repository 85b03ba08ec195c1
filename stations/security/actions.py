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
from stations.security.models import InstalledCertificate, IssuedCertificate
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


V201 = "2.0.1"
# A station's answers that mean it will use the new password (2.0.1 may want a reboot first).
PASSWORD_TAKEN = frozenset({"Accepted", "RebootRequired"})


def _password_word(station: Station) -> str:
    """What carries the password, in the station's version's words (the log's detail)."""
    return ("SecurityCtrlr.BasicAuthPassword" if station.ocpp_version == V201
            else "AuthorizationKey")


async def password_change(station: Station, password: str | None = None) -> tuple[str, str]:
    """The station's new Basic-auth password (1.6: ChangeConfiguration AuthorizationKey; 2.0.1:
    SetVariables SecurityCtrlr.BasicAuthPassword); on Accepted the new password is pending (see
    stations/ocpp/handshake.py). Returns the station's status and the password."""
    password = password or new_station_password()
    result = await _call(station, req.PasswordSet(password=password), _password_word(station))
    if result.status in PASSWORD_TAKEN:
        await sync_to_async(services.station_pending_password_set)(station=station,
                                                                    password=password)
    return result.status, password


# The connection profile slots of a 2.0.1 station's profile upgrade: the backend's profile goes
# into a slot of its own and is put first in NetworkConfigurationPriority, the slot the station
# connected with (by convention 1, where its installer put it) stays as the fallback.
UPGRADE_SLOT, INSTALLED_SLOT = 2, 1


async def security_profile_upgrade(station: Station, profile: int, csms_url: str = "") -> str:
    """Raise the station's security profile; on Accepted it reconnects at that level.

    1.6: ChangeConfiguration SecurityProfile. 2.0.1 (A05): SetNetworkProfile with the new
    profile and `csms_url` into a slot, SetVariables NetworkConfigurationPriority putting that
    slot first, and a Reset when idle; the first refusal ends it and is the answer."""
    if station.ocpp_version != V201:
        result = await _call(station, req.ConfigurationSet(key="SecurityProfile",
                                                           value=str(profile)),
                             f"SecurityProfile={profile}")
        status = result.status
    else:
        status = await _network_profile_upgrade(station, profile, csms_url)
    if status == "Accepted":
        await sync_to_async(services.station_security_profile_raise)(station=station,
                                                                      profile=profile)
    return status


async def _network_profile_upgrade(station: Station, profile: int, csms_url: str) -> str:
    steps = [
        (req.NetworkProfileSet(slot=UPGRADE_SLOT, csms_url=csms_url, security_profile=profile),
         f"slot {UPGRADE_SLOT}: securityProfile={profile} {csms_url}"[:200]),
        (req.NetworkPrioritySet(slots=(UPGRADE_SLOT, INSTALLED_SLOT)),
         f"OCPPCommCtrlr.NetworkConfigurationPriority={UPGRADE_SLOT},{INSTALLED_SLOT}"),
    ]
    for request, detail in steps:
        result = await _call(station, request, detail)
        if result.status not in ("Accepted", "RebootRequired"):
            return result.status
    reset = await _call(station, req.StationReset(hard=False, on_idle=True), "OnIdle")
    return "Accepted" if reset.status in ("Accepted", "Scheduled") else reset.status


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


async def certificates_refresh(station: Station, certificate_types: list[str]) -> str:
    """GetInstalledCertificateIds: what the station reports of each type asked (none asked: of
    every type, 2.0.1 only) replaces what we know of it. One type goes as 1.6 asks too."""
    if len(certificate_types) == 1:
        return await _certificates_refresh_one(station, certificate_types[0])
    asked = certificate_types or [name for name, _ in InstalledCertificate.TYPES]
    report = await _call(station, req.CertificateIdsGetMany(certificate_types=tuple(certificate_types)),
                         ", ".join(certificate_types) or "every type")
    if report.status in ("Accepted", "NotFound"):
        for certificate_type in asked:
            await sync_to_async(services.installed_certificates_reported)(
                station=station, certificate_type=certificate_type,
                hash_data=[data for data in report.hash_data
                           if data.get("certificateType") == certificate_type])
    return report.status


async def _certificates_refresh_one(station: Station, certificate_type: str) -> str:
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


# What a station is asked to send a new CSR for, by the certificate's (2.0.1) type.
RENEWAL_MESSAGES_201 = {IssuedCertificate.CHARGING_STATION: "SignChargingStationCertificate",
                        IssuedCertificate.V2G: "SignV2GCertificate"}


async def certificate_renewal_request(
        station: Station, certificate_type: str = IssuedCertificate.CHARGING_STATION) -> str:
    """The station's SignCertificate follows: 1.6's ExtendedTriggerMessage
    SignChargePointCertificate, 2.0.1's TriggerMessage SignChargingStationCertificate or
    SignV2GCertificate (A02, A03). The caller checks that 1.6 is asked for no V2G certificate."""
    message = (RENEWAL_MESSAGES_201[certificate_type] if station.ocpp_version == V201
               else "SignChargePointCertificate")
    result = await _call(station, req.MessageTrigger(requested_message=message, extended=True),
                         message)
    return result.status


async def certificate_sign_and_send(station_id: int, csr_pem: str,
                                    certificate_type: str | None = None) -> None:
    """After answering SignCertificate: sign the CSR with the tenant's CA and send
    CertificateSigned (run by the consumer once the answer is out, so no worker is needed)."""
    try:
        await _certificate_send(station_id, csr_pem, certificate_type)
    except Exception:
        log.exception("Could not issue a certificate to station %s", station_id)


async def _certificate_send(station_id: int, csr_pem: str, certificate_type: str | None) -> None:
    """`certificate_type` as the station asked (None: it did not say, and 1.6 never does)."""
    from stations.ocpp.dbthreads import db

    issued = await db(services.station_certificate_issue, station_id=station_id, csr_pem=csr_pem,
                      certificate_type=certificate_type or IssuedCertificate.CHARGING_STATION)
    status = "NotDelivered"
    for attempt in range(5):
        station = await db(_fresh_station, station_id)
        try:
            result = await command_run(station, req.CertificateSend(
                chain_pem=issued.certificate_pem, certificate_type=certificate_type))
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
