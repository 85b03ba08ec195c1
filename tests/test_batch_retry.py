"""A batch of station traffic that fails is written again in parts: one row the database
refuses never takes other stations' rows or last-seen marks with it."""

from datetime import UTC, datetime

from django.test import override_settings

from stations.models import OcppMessage, Station
from stations.ocpp.frames import Call
from stations.services.batch import Batch, batch_write_each
from stations.services.message_log import message_row
from tests.factories import make_station, make_tenant

AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _row(station, unique_id: str) -> dict:
    return message_row(station=station, direction="in", at=AT,
                       frame=Call(unique_id, "DataTransfer", {"vendorId": "V"}))


def test_an_unstorable_row_loses_only_itself_and_no_last_seen_mark():
    hostile, _ = make_station(make_tenant())
    station, _ = make_station(make_tenant())
    bad = _row(hostile, "bad") | {"raw": "lone \ud800 surrogate"}  # as no message_row makes it
    rows = [_row(station, f"ok-{i}") for i in range(20)]
    rows[7:7] = [bad, bad | {"unique_id": "bad-2"}]
    batch_write_each(Batch(messages=rows, seen={station.pk: AT, hostile.pk: AT}))
    stored = OcppMessage.objects.filter(station=station).values_list("unique_id", flat=True)
    assert sorted(stored) == sorted(f"ok-{i}" for i in range(20))
    assert not OcppMessage.objects.filter(station=hostile).exists()
    assert Station.objects.get(pk=station.pk).last_seen == AT
    assert Station.objects.get(pk=hostile.pk).last_seen == AT


def test_the_log_row_of_unstorable_text_is_storable():
    station, _ = make_station(make_tenant())
    row = message_row(station=station, direction="in", at=AT, raw="a\x00b",
                      frame=Call("id\x00", "DataTransfer\ud800",
                                 {"vendorId": "V\x00", "data": ["\ud800", {"k\x00": "\udfff"}]}))
    batch_write_each(Batch(messages=[row]))
    stored = OcppMessage.objects.get(station=station)
    assert stored.raw == "a\ufffdb" and stored.unique_id == "id\ufffd"
    assert stored.action == "DataTransfer\ufffd"
    assert stored.payload == {"vendorId": "V\ufffd", "data": ["\ufffd", {"k\ufffd": "\ufffd"}]}


@override_settings(OCPP_MESSAGE_LOG_MAX_BYTES=1000)
def test_an_oversized_payload_is_stored_as_json_with_its_size_and_head():
    station, _ = make_station(make_tenant())
    payload = {"vendorId": "V", "data": "é" * 2000}
    small = message_row(station=station, direction="out", at=AT,
                        frame=Call("small", "DataTransfer", {"vendorId": "V", "data": "x"}))
    big = message_row(station=station, direction="out", at=AT,
                      frame=Call("big", "DataTransfer", payload))
    assert small["payload"] == {"vendorId": "V", "data": "x"}
    assert big["payload"]["_truncated"] is True and big["payload"]["bytes"] > 4000
    assert big["payload"]["head"].startswith('{"vendorId": "V", "data": "éé')
