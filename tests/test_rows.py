"""insert_rows on a new database connection: a rolled-back first insert does not break the next
one (committed, so it stays in the live tier; the rest: tests/fast/stations/services/test_rows.py)."""


import pytest
from django.db import connection, transaction

from stations.models import MeterSample
from stations.services.rows import insert_rows
from tests.factories import make_station, make_tenant
from tests.fast.stations.services.test_rows import _samples


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
