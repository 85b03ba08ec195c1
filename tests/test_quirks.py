"""Vendor quirks: known deviations configured per station model, applied in one place.
(In process, without a station: tests/fast/stations/test_quirks.py.)"""

from stations.models import ChargingSession, ModelQuirks
from tests.factories import charge_point, make_id_tag, make_station, make_tenant


async def test_an_id_tag_with_a_serial_suffix_is_authorized_and_stored_as_issued(server):
    # Seen on stations that append "#<serial>" to the RFID uid they read.
    ModelQuirks.objects.create(vendor="QuirkyCo", model_prefix="QX", id_tag_suffix_separator="#")
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD42")
    async with charge_point(server, tenant, station, password, boot=False) as cp:
        await cp.boot(vendor="QuirkyCo", model="QX-200")
        assert await cp.authorize("CARD42#SN0815") == "Accepted"
        started = await cp.start_transaction(1, "CARD42#SN0815")
        assert started.id_tag_info["status"] == "Accepted"
    session = ChargingSession.objects.get(station=station)
    assert session.id_tag == "CARD42"


async def test_a_station_without_the_quirk_gets_its_tag_taken_literally(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD43")
    async with charge_point(server, tenant, station, password, boot=False) as cp:
        await cp.boot(vendor="PlainCo", model="P1")
        assert await cp.authorize("CARD43#SN0815") == "Invalid"
        assert await cp.authorize("CARD43") == "Accepted"
