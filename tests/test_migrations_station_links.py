"""Every station's tariff and load group survive their move out of the station core (stations
0013: into billing.StationTariff and loadmgmt.LoadGroupMember), in both directions: migrated
forward each station keeps exactly its tariff and group (or none), across tenants; migrated back
the columns are filled again. On a fresh SQLite file, and on a fresh PostgreSQL database of its
own when DATABASE_URL is set.

The migrations run in a process of their own whose default database is the fresh one (data
migrations use the default database, as tests/migration_runs.py explains): this module is that
process's program too (`python -m tests.test_migrations_station_links`)."""

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

BEFORE = {"stations": "0012_version_neutral_domain", "billing": "0005_seller_logo_raster_only",
          "loadmgmt": "0003_connector_limit_held",
          "smartcharging": "0002_version_neutral_profiles"}  # its later ones need later stations
# identity: (tariff, load group) as written before the move
STATIONS = {"A-BOTH": ("A day", "A garage"), "A-TARIFF": ("A night", None),
            "A-GROUP": (None, "A yard"), "A-NONE": (None, None), "B-BOTH": ("B day", "B garage")}
EXPECTED = {identity: list(links) for identity, links in STATIONS.items()}


def write_stations(apps) -> None:
    model = apps.get_model
    tenants = {t: model("tenants", "Tenant").objects.create(slug=f"t-{t.lower()}", name=t)
               for t in ("A", "B")}
    for identity, (tariff, group) in STATIONS.items():
        tenant = tenants[identity[0]]
        model("stations", "Station").objects.create(
            tenant=tenant, identity=identity, password_hash="x",
            tariff=tariff and model("billing", "Tariff").objects.create(
                tenant=tenant, name=tariff, family=uuid.uuid4(), elements=[]),
            load_group=group and model("loadmgmt", "LoadGroup").objects.create(
                tenant=tenant, name=group, max_current=Decimal(63)))


def links_forward(apps) -> dict:
    own = dict(apps.get_model("billing", "StationTariff").objects.values_list(
        "station__identity", "tariff__name"))
    groups = dict(apps.get_model("loadmgmt", "LoadGroupMember").objects.values_list(
        "station__identity", "group__name"))
    identities = apps.get_model("stations", "Station").objects.values_list("identity", flat=True)
    return {identity: [own.get(identity), groups.get(identity)] for identity in identities}


def links_back(apps) -> dict:
    rows = apps.get_model("stations", "Station").objects.values_list(
        "identity", "tariff__name", "load_group__name")
    return {identity: [tariff, group] for identity, tariff, group in rows}


def main() -> None:
    executor, before, latest = migration_steps(BEFORE)
    write_stations(migrated(executor, before))
    forward = links_forward(migrated(new_executor(), latest))
    back = links_back(migrated(new_executor(), before))
    json.dump({"forward": forward, "back": back}, sys.stdout)


def migrated_links(env: dict) -> dict:
    return program_output("tests.test_migrations_station_links", env)


def test_each_stations_tariff_and_group_survive_the_move_and_its_undoing_on_sqlite(tmp_path):
    links = migrated_links(fresh_sqlite(tmp_path / "links.sqlite3"))
    assert links == {"forward": EXPECTED, "back": EXPECTED}


@pytest.mark.skipif(not ADMIN_URL, reason="needs DATABASE_URL: PostgreSQL")
def test_each_stations_tariff_and_group_survive_the_move_and_its_undoing_on_postgresql():
    with fresh_postgresql("cpms_links") as env:
        links = migrated_links(env)
    assert links == {"forward": EXPECTED, "back": EXPECTED}


if __name__ == "__main__":
    main()
