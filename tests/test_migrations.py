"""A database with OCPP 1.6 data from before the version-neutral domain, taken through every
migration since: each session, meter value, price and invoice is intact and the new fields are
filled as a 1.6 station would have filled them (docs/domain-model.md). On a fresh SQLite file,
and on a fresh PostgreSQL database of its own when DATABASE_URL is set."""


import pytest

from tests.migration_runs import ADMIN_URL, fresh_postgresql, fresh_sqlite, program_output


def migrated_data(env: dict) -> dict:
    return program_output("tests.migration_check", env)


def check_1_6_data_intact(data: dict) -> None:
    assert data["connectors"] == [[0, "Available", 0, 0], [1, "Charging", 1, 1],
                                  [2, "Available", 2, 1]]
    assert data["evses"] == [[0], [1], [2]]
    assert data["status_events"] == [[0, "Available", 0], [1, "Charging", 1], [2, "Available", 2]]
    assert data["id_tags"] == [["04A2B3C4", "ISO14443"]]
    sessions = {tuple(row[:6]): row[6:] for row in data["sessions"]}
    assert set(sessions) == {
        (17, "17", 1, 1, "04A2B3C4", "ISO14443"), (18, "18", 2, 2, "04A2B3C4", "ISO14443"),
        (None, "", 1, 1, "", ""), (99, "99", 0, 0, "", "")}
    assert sessions[(17, "17", 1, 1, "04A2B3C4", "ISO14443")][:2] == [0, 10_000]
    assert sessions[(18, "18", 2, 2, "04A2B3C4", "ISO14443")][:2] == [1000, 11_000]
    assert [(tx, connector, evse) for tx, connector, evse, *_ in data["samples"]] == [
        (17, 1, 1), (17, 1, 1), (18, 2, 2), (18, 2, 2), (None, 1, 1), (None, 1, 1)]
    assert {row[4] for row in data["samples"]} == {
        "0.0000", "10000.0000", "1000.0000", "11000.0000", "2000.0000", "12000.0000"}
    assert len(data["prices"]) == 3
    for price in data["prices"]:
        assert price[1:6] == ["AC", "3.0000", "0.5700", "3.5700", "10000.0000"]
        assert price[6:] == [[{"type": "ENERGY", "net": "3.0000"}], True]
    assert data["profiles"] == [[0, None, 0, ""], [1, 17, 1, "17"]]
    assert sorted(data["certificates"]) == [["Ce", "CSMSRootCertificate"],
                                            ["Ma", "ManufacturerRootCertificate"]]
    assert data["invoices"] == [["INV-0001", "3.0000", "0.5700", "3.5700"]]
    assert sorted(row[1:] for row in data["invoice_lines"]) == [
        [1, 17, "10.000", "3.0000", "3.5700"], [2, 18, "10.000", "3.0000", "3.5700"],
        [3, None, "10.000", "3.0000", "3.5700"]]
    assert (data["station_tariff"], data["station_group"]) == ("AC", "Garage")


def test_1_6_data_survives_every_migration_on_sqlite(tmp_path):
    check_1_6_data_intact(migrated_data(fresh_sqlite(tmp_path / "old.sqlite3")))


@pytest.mark.skipif(not ADMIN_URL, reason="needs DATABASE_URL: PostgreSQL")
def test_1_6_data_survives_every_migration_on_postgresql():
    with fresh_postgresql("cpms_migrations") as env:
        check_1_6_data_intact(migrated_data(env))
