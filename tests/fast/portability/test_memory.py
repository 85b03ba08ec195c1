"""The archive is made in constant memory: 200,000 meter values exported with a peak far below
what the rows would take if held (docs/portability.md, "Size and memory")."""

import tracemalloc
from datetime import UTC, datetime

import pytest
from django.db import connection

from portability.export import export_archive
from stations.models import ChargingSession, MeterSample
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db

SAMPLES = 200_000
PEAK_LIMIT = 50 * 1024 * 1024


def samples_of(session, count: int) -> None:
    """`count` meter values in one INSERT … SELECT (a Python loop would take minutes here)."""
    table = MeterSample._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (station_id, session_id, connector_id, evse_id, timestamp, received_at, "
            "measurand, phase, location, context, format, unit, value, raw) "
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
            "SELECT %s, %s, i, NULL, %s, %s, 'Power.Active.Import', '', '', '', '', 'W', i %% 11000, '' "
            "FROM n",
            [count, session.station_id, session.pk, session.started_at, session.started_at])


@pytest.mark.timeout(900)
def test_exporting_200000_meter_values_keeps_the_peak_low():
    tenant = make_tenant("Large")
    station, _ = make_station(tenant, "BIG-1")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    session = ChargingSession.objects.create(tenant=tenant, station=station, connector_id=1, transaction_id=1,
                                             id_tag="T", meter_start=0, started_at=start)
    samples_of(session, SAMPLES)

    tracemalloc.start()
    try:
        size, last = 0, b""
        chunks = export_archive(tenant=tenant)
        for chunk in chunks:
            size += len(chunk)
            last = (last + chunk)[-200_000:]  # keep the zip's central directory
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    print(f"archive {size / 1e6:.1f} MB, peak traced memory {peak / 1e6:.1f} MB")
    assert peak < PEAK_LIMIT
    assert size > 1_000_000
    assert b"meter_values.jsonl" in last and b"manifest.json" in last  # the central directory
