"""insert_rows: the bulk path of the station link's frame log and meter samples (a new
connection's first insert rolled back: tests/test_rows.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from stations.models import MeterSample, OcppMessage
from stations.services.rows import insert_rows
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _samples(station, n: int) -> list[dict]:
    return [{"station_id": station.pk, "session_id": None, "connector_id": 1,
             "timestamp": AT.replace(second=k), "received_at": AT, "measurand": "Voltage",
             "phase": "L1", "location": "", "context": "Sample.Periodic", "format": "Raw",
             "unit": "V", "value": Decimal("230.1") + k, "raw": "tab\there, new\nline, \\"}
            for k in range(n)]


def test_rows_are_written_with_their_values_and_a_repeat_changes_nothing():
    station, _ = make_station(make_tenant())
    insert_rows(MeterSample, _samples(station, 3), ignore_conflicts=True)
    insert_rows(MeterSample, _samples(station, 5), ignore_conflicts=True)  # 3 of them again
    stored = list(MeterSample.objects.filter(station=station).order_by("timestamp"))
    assert [s.value for s in stored] == [Decimal("230.1") + k for k in range(5)]
    assert stored[0].raw == "tab\there, new\nline, \\"
    assert stored[4].timestamp == AT.replace(second=4)


def test_json_columns_are_stored_as_json():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    insert_rows(OcppMessage, [{"tenant_id": tenant.pk, "station_id": station.pk, "direction": "in",
                               "message_type": 2, "action": "DataTransfer", "unique_id": "u1",
                               "payload": {"data": "ä\t\"quoted\"", "n": [1, 2.5]}, "raw": "",
                               "created_at": AT}])
    message = OcppMessage.objects.get(station=station, unique_id="u1")
    assert message.payload == {"data": "ä\t\"quoted\"", "n": [1, 2.5]}
