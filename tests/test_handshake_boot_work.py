"""The handshake learns what a BootNotification must check, so that a boot with nothing due
(nearly every boot of a reconnect storm) makes no database round trip of its own."""

from django.utils import timezone

from stations.authlist.models import LocalList
from stations.firmware.models import FirmwareFile, FirmwareJob
from stations.ocpp.frames import Call
from stations.ocpp.handshake import station_authenticate
from stations.ocpp.link import FIRMWARE, LOCAL_LIST, Link
from stations.ocpp.v16 import router
from tests.factories import make_station, make_tenant


def _authenticate(tenant, station, password) -> Link:
    handshake = station_authenticate(tenant_slug=tenant.slug, identity=station.identity,
                                     password=password)
    return Link(handshake.station, due=set(handshake.due))


def _due(link: Link) -> tuple[bool, bool]:
    """(firmware_due, local_list_due) of the link."""
    return FIRMWARE in link.due, LOCAL_LIST in link.due


def test_a_station_with_nothing_due_boots_without_checks():
    tenant = make_tenant()
    station, password = make_station(tenant)
    linked = _authenticate(tenant, station, password)
    assert _due(linked) == (False, False)


def test_a_pending_firmware_job_and_a_due_local_list_are_known_at_the_handshake():
    tenant = make_tenant()
    station, password = make_station(tenant)
    image = FirmwareFile.objects.create(tenant=tenant, name="fw", version="2.0", file="fw.bin")
    FirmwareJob.objects.create(tenant=tenant, station=station, firmware=image, location="x",
                               retrieve_date=timezone.now())
    LocalList.objects.create(tenant=tenant, station=station, sync_due=True)
    linked = _authenticate(tenant, station, password)
    assert _due(linked) == (True, True)


def test_a_firmware_update_sent_on_the_link_makes_the_next_boot_check():
    tenant = make_tenant()
    station, password = make_station(tenant)
    linked = _authenticate(tenant, station, password)
    router.sent(linked, Call("1", "UpdateFirmware", {}))
    router.sent(linked, Call("2", "SendLocalList", {}))
    assert _due(linked) == (True, True)
