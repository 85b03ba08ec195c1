"""insert_rows on a new database connection: a rolled-back first insert does not break the next
one (committed, so it stays in the live tier; the rest: tests/fast/stations/services/test_rows.py)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from stations.models import MeterSample
from stations.services.rows import insert_rows
from tests.factories import make_station, make_tenant

AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _samples(station, n: int) -> list[dict]:
    return [{"station_id": station.pk, "session_id": None, "connector_id": 1,
             "timestamp": AT.replace(second=k), "received_at": AT, "measurand": "Voltage",
             "phase": "L1", "location": "", "context": "Sample.Periodic", "format": "Raw",
             "unit": "V", "value": Decimal("230.1") + k, "raw": "tab\there, new\nline, \\"}
            for k in range(n)]


def test_a_rolled_back_first_insert_does_not_break_the_next_one():
    # The staging table of a conflict-ignoring insert is made inside the first transaction
    # that needs it; a rollback takes it back, and the next insert must make it again.
    station, _ = make_station(make_tenant())
    connection.close()  # a new database connection, which has no staging table yet
    with pytest.raises(RuntimeError), transaction.atomic():
        insert_rows(MeterSample, _samples(station, 2), ignore_conflicts=True)
        raise RuntimeError("the batch failed")
    assert not MeterSample.objects.filter(station=station).exists()
    insert_rows(MeterSample, _samples(station, 2), ignore_conflicts=True)
    assert MeterSample.objects.filter(station=station).count() == 2
