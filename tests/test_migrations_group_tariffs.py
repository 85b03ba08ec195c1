"""Every load group's tariff survives its move out of load management (billing 0007 into
billing.LoadGroupTariff, loadmgmt 0006 drops LoadGroup.tariff), in both directions: migrated
forward each group keeps exactly its tariff (or none), across tenants, and a station in a group
without its own tariff is still priced with the group's; migrated back the column is filled again.
On a fresh SQLite file, and on a fresh PostgreSQL database of its own when DATABASE_URL is set.

The migrations run in a process of their own whose default database is the fresh one (data
migrations use the default database, as tests/migration_runs.py explains): this module is that
process's program too (`python -m tests.test_migrations_group_tariffs`)."""

import json
import sys
import uuid
from decimal import Decimal

import pytest

from tests.migration_runs import (
    ADMIN_URL,
    fresh_postgresql,
    fresh_sqlite,
    migrated,
    migration_steps,
    new_executor,
    program_output,
)

BEFORE = {"billing": "0006_stationtariff", "loadmgmt": "0005_loadgroup_stations"}
# group name: its tariff as written before the move (two groups share one, one has none)
GROUPS = {"A garage": "A day", "A yard": "A day", "A depot": None, "B garage": "B night"}
STATION_GROUP = ("A-CP", "A garage")  # a station without a tariff of its own, in a group


def write_groups(apps) -> None:
    model = apps.get_model
    tenants = {t: model("tenants", "Tenant").objects.create(slug=f"t-{t.lower()}", name=t) for t in "AB"}
    tariffs = {}
    for group, tariff in GROUPS.items():
        tenant = tenants[group[0]]
        if tariff and tariff not in tariffs:
            tariffs[tariff] = model("billing", "Tariff").objects.create(
                tenant=tenant, name=tariff, family=uuid.uuid4(), elements=[])
        model("loadmgmt", "LoadGroup").objects.create(tenant=tenant, name=group, max_current=Decimal(63),
                                                      tariff=tariffs.get(tariff))
    identity, group = STATION_GROUP
    station = model("stations", "Station").objects.create(tenant=tenants["A"], identity=identity,
                                                          password_hash="x")
    model("loadmgmt", "LoadGroupMember").objects.create(
        station=station, group=model("loadmgmt", "LoadGroup").objects.get(name=group))


def tariffs_forward(apps) -> dict:
    moved = dict(apps.get_model("billing", "LoadGroupTariff").objects.values_list(
        "group__name", "tariff__name"))
    names = apps.get_model("loadmgmt", "LoadGroup").objects.values_list("name", flat=True)
    return {name: moved.get(name) for name in names}


def tariffs_back(apps) -> dict:
    return dict(apps.get_model("loadmgmt", "LoadGroup").objects.values_list("name", "tariff__name"))


def station_priced_with() -> str | None:
    """What billing resolves the station's tariff to, with the models of the latest schema."""
    from billing.selectors import STATION_TARIFFS, tariff_for_station
    from stations.models import Station

    station = Station.objects.select_related(*STATION_TARIFFS).get(identity=STATION_GROUP[0])
    tariff = tariff_for_station(station)
    return tariff.name if tariff else None


def main() -> None:
    executor, before, latest = migration_steps(BEFORE)
    write_groups(migrated(executor, before))
    forward = tariffs_forward(migrated(new_executor(), latest))
    priced_with = station_priced_with()
    back = tariffs_back(migrated(new_executor(), before))
    json.dump({"forward": forward, "priced_with": priced_with, "back": back}, sys.stdout)


def migrated_tariffs(env: dict) -> dict:
    return program_output("tests.test_migrations_group_tariffs", env)


EXPECTED = {"forward": GROUPS, "priced_with": "A day", "back": GROUPS}


def test_each_groups_tariff_survives_the_move_and_its_undoing_on_sqlite(tmp_path):
    assert migrated_tariffs(fresh_sqlite(tmp_path / "groups.sqlite3")) == EXPECTED


@pytest.mark.skipif(not ADMIN_URL, reason="needs DATABASE_URL: PostgreSQL")
def test_each_groups_tariff_survives_the_move_and_its_undoing_on_postgresql():
    with fresh_postgresql("cpms_group_tariffs") as env:
        moved = migrated_tariffs(env)
    assert moved == EXPECTED


if __name__ == "__main__":
    main()
