import logging

from django.db import transaction
from django.utils import timezone

from stations.models import Station
from stations.services.admission import ADMISSIONS, initial_admission
from stations.tasks import station_admission_changed
from tenants.models import Tenant
from tenants.secrets import hash_password, new_station_password

log = logging.getLogger(__name__)


@transaction.atomic
def station_create(*, tenant: Tenant, identity: str, password: str | None = None,
                   **fields) -> tuple[Station, str]:
    """Create a station; returns it with its password (generated when not given), shown once.
    Its admission is the tenant's choice for new stations unless given (docs/ocpp201.md)."""
    password = password or new_station_password()
    fields.setdefault("admission", initial_admission(tenant))
    station = Station(tenant=tenant, identity=identity, password_hash=hash_password(password),
                      **fields)
    station.full_clean()
    station.save()
    return station, password


def station_set_password(*, station: Station, password: str | None = None) -> str:
    """Set the station's password (generated when not given); a rotated password still pending
    (stations/security) stops working too: only this one opens the link."""
    password = password or new_station_password()
    station.password_hash = hash_password(password)
    station.pending_password_hash = ""
    station.save(update_fields=["password_hash", "pending_password_hash"])
    return password


def boot_fields(payload: dict) -> dict:
    """The station fields a BootNotification sets."""
    return {
        "vendor": payload.get("chargePointVendor", ""),
        "model": payload.get("chargePointModel", ""),
        "serial_number": payload.get("chargePointSerialNumber")
        or payload.get("chargeBoxSerialNumber", ""),
        "firmware_version": payload.get("firmwareVersion", ""),
        "iccid": payload.get("iccid", ""),
        "imsi": payload.get("imsi", ""),
        "meter_type": payload.get("meterType", ""),
        "meter_serial_number": payload.get("meterSerialNumber", ""),
        "boot_reason": "",  # 1.6 gives none (a 2.0.1 boot's would be stale)
        "last_boot_at": timezone.now(),
    }


@transaction.atomic
def station_update(*, station: Station, password: str | None = None, **fields) -> Station:
    """Change the station's own fields (what the API's PATCH and PUT take); a new password is
    set as `station_set_password` does, the old one no longer opening the link; a new
    admission as `station_admission_set` sets it."""
    admission = fields.pop("admission", None)
    for name, value in fields.items():
        setattr(station, name, value)
    station.save()
    if fields.get("enabled") is False:  # its open link closes too
        _link_recheck_on_commit(station)
    if password:
        station_set_password(station=station, password=password)
    if admission is not None:
        station_admission_set(station=station, admission=admission)
    return station


@transaction.atomic
def station_admission_set(*, station: Station, admission: str) -> Station:
    """Accept, hold or reject the station (stations/services/admission.py). Its live link
    learns at once, and a station accepted now is asked to boot again, by a task after the
    commit."""
    if admission not in ADMISSIONS:
        raise ValueError(f"Unknown admission {admission!r}")
    before = (Station.objects.select_for_update().filter(pk=station.pk)
              .values_list("admission", flat=True).get())
    station.admission = admission
    if before != admission:
        station.save(update_fields=["admission"])  # a save: the audit log sees before and after
        station_admission_changed.delay_on_commit(station.pk, before)
    return station


class StationConnected(Exception):
    """A connected station's password is rotated through the station (security actions), not
    set here: the station would keep the old one and be refused at its next connect."""


@transaction.atomic
def station_enabled_set(*, station: Station, enabled: bool) -> Station:
    """Enable or disable the station: a disabled one is refused at the handshake
    (stations/ocpp/handshake.py) until it is enabled again (docs/dashboard.md, "Stations")."""
    station.enabled = enabled
    station.save(update_fields=["enabled"])
    if not enabled:
        _link_recheck_on_commit(station)
    return station


@transaction.atomic
def station_remove(*, station: Station) -> Station:
    """Remove the station with its data kept (docs/dashboard.md, "Stations"): it leaves every
    list and picker (`selectors.stations_of`) and is refused at connect (disabled, no password),
    while its sessions, invoices, messages and history stay. `station_restore` undoes it."""
    station.removed_at = timezone.now()
    station.enabled = False
    station.password_hash = ""
    station.pending_password_hash = ""
    station.save(update_fields=["removed_at", "enabled", "password_hash", "pending_password_hash"])
    _link_recheck_on_commit(station)
    return station


@transaction.atomic
def station_restore(*, station: Station) -> tuple[Station, str]:
    """Bring a removed station back, enabled, with a new password (its old one was cleared at
    removal): returned, to be shown once as at onboarding."""
    station.removed_at = None
    station.enabled = True
    station.save(update_fields=["removed_at", "enabled"])
    return station, station_set_password(station=station)


def station_password_reset(*, station: Station) -> str:
    """A new password for a station that is not connected, shown once. A connected one is asked
    to change it (security actions' `password_change`, AuthorizationKey): StationConnected."""
    if station.connected:
        raise StationConnected(station.identity)
    return station_set_password(station=station)


def identity_taken(existing: Station) -> str:
    """Why a new station cannot have `existing`'s identity (a removed one is restored instead)."""
    if existing.removed_at is not None:
        return "A removed station has this identity: restore it (Removed stations) instead."
    return "A station with this identity exists already."


def _link_recheck_on_commit(station: Station) -> None:
    """A connected station's live link checks its station again once this commits, and closes
    when it is disabled or removed (`link_still_trusted`, the consumer's `station.trust_changed`):
    it is refused when it reconnects."""
    address = station.channel_name

    def tell() -> None:
        from asgiref.sync import async_to_sync

        from stations.ocpp import links

        try:
            async_to_sync(links.send)(address, {"type": "station.trust_changed"})
        except Exception:  # that process is gone, and its sockets with it
            log.warning("Could not reach the link of %s at %s", station.identity, address)

    if address:
        transaction.on_commit(tell)
