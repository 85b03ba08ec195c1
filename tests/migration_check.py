"""Run by tests/test_migrations.py in a process of its own whose default database is a fresh,
empty one: migrate to the schema before the version-neutral domain, write OCPP 1.6 data with
the historical models, migrate to the latest and print what is there as JSON.

A process of its own because data migrations use the default database (as Django's own
examples do): on a second alias in the test process they would write to the wrong one."""

import json
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tests.migration_runs import migrated, migration_steps, new_executor

# Every app as it was before the version-neutral domain (issue 17); Django's own apps at theirs.
BEFORE = {
    "tenants": "0004_session_lifecycle",
    "stations": "0011_session_freed_at",
    "billing": "0005_seller_logo_raster_only",
    "loadmgmt": "0003_connector_limit_held",
    "smartcharging": "0001_initial",
    "firmware": "0003_token_hash",
    "authlist": "0001_initial",
    "reservations": "0001_initial",
    "security": "0001_initial",
}
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def write_1_6_data(apps) -> None:
    model = apps.get_model
    tenant = model("tenants", "Tenant").objects.create(slug="old", name="Old operator")
    tariff = model("billing", "Tariff").objects.create(
        tenant=tenant, name="AC", family="6f1c8a9e-2b1d-4c5e-9f00-000000000001",
        elements=[{"price_components": [{"type": "ENERGY", "price": "0.30", "step_size": 1}]}],
        vat_rate=Decimal("19.00"))
    group = model("loadmgmt", "LoadGroup").objects.create(tenant=tenant, name="Garage",
                                                          max_current=Decimal(63))
    station = model("stations", "Station").objects.create(
        tenant=tenant, identity="CP-OLD", password_hash="x", tariff=tariff, load_group=group)
    for connector_id, status in ((0, "Available"), (1, "Charging"), (2, "Available")):
        model("stations", "Connector").objects.create(station=station, connector_id=connector_id,
                                                      status=status)
        model("stations", "StatusEvent").objects.create(
            station=station, connector_id=connector_id, status=status, error_code="NoError",
            received_at=T0)
    model("stations", "IdTag").objects.create(tenant=tenant, id_tag="04A2B3C4", name="Card")
    customer = model("billing", "Customer").objects.create(tenant=tenant, name="Fleet Ltd")
    invoice = model("billing", "Invoice").objects.create(
        tenant=tenant, number="INV-0001", customer=customer, buyer_name="Fleet Ltd",
        seller_name="Old operator", issued_at=T0 + timedelta(days=1), period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31), currency="EUR", net=Decimal("3.0000"),
        vat=Decimal("0.5700"), gross=Decimal("3.5700"))
    for n, (connector_id, tx) in enumerate(((1, 17), (2, 18), (1, None))):
        _session(model, tenant, station, tariff, invoice, n, connector_id, tx)
    for connector_id, tx in ((1, 17), (0, None)):
        model("smartcharging", "ChargingProfile").objects.create(
            tenant=tenant, station=station, connector_id=connector_id, payload={},
            charging_profile_id=connector_id + 1, stack_level=0, transaction_id=tx,
            purpose="TxProfile" if tx else "ChargePointMaxProfile", kind="Absolute",
            charging_rate_unit="A")
    for certificate_type in ("CentralSystemRootCertificate", "ManufacturerRootCertificate"):
        model("security", "InstalledCertificate").objects.create(
            tenant=tenant, station=station, certificate_type=certificate_type,
            issuer_name_hash="aa", issuer_key_hash="bb", serial_number=certificate_type[:2],
            install_status="Accepted", installed=True)
    model("stations", "ChargingSession").objects.create(  # a stop whose start we never saw
        tenant=tenant, station=station, connector_id=0, transaction_id=99, start_missing=True,
        meter_start=0, meter_stop=500, started_at=T0, stopped_at=T0)


def _session(model, tenant, station, tariff, invoice, n, connector_id, tx) -> None:
    start = T0 + timedelta(hours=n)
    session = model("stations", "ChargingSession").objects.create(
        tenant=tenant, station=station, connector_id=connector_id, transaction_id=tx,
        id_tag="04A2B3C4" if tx else "", id_tag_status="Accepted" if tx else "",
        meter_start=1000 * n, meter_stop=1000 * n + 10_000, meter_last=1000 * n + 10_000,
        started_at=start, stopped_at=start + timedelta(minutes=50), stop_reason="Local")
    for minute, reading in ((0, 1000 * n), (50, 1000 * n + 10_000)):
        model("stations", "MeterSample").objects.create(
            station=station, session=session, connector_id=connector_id,
            timestamp=start + timedelta(minutes=minute), received_at=start + timedelta(minutes=minute),
            measurand="Energy.Active.Import.Register", unit="Wh", value=Decimal(reading),
            context="Sample.Periodic", location="Outlet")
    model("billing", "SessionPrice").objects.create(
        session=session, tenant=tenant, tariff=tariff, currency="EUR", net=Decimal("3.0000"),
        vat=Decimal("0.5700"), gross=Decimal("3.5700"), energy_wh=Decimal(10_000),
        lines=[{"type": "ENERGY", "net": "3.0000"}], priced_at=start, final=True)
    model("billing", "InvoiceLine").objects.create(
        invoice=invoice, position=n + 1, session=session, description=f"Session {n}",
        started_at=start, quantity=Decimal("10.000"), net=Decimal("3.0000"),
        vat=Decimal("0.5700"), gross=Decimal("3.5700"), vat_rate=Decimal("19.00"))


def read_back(apps) -> dict:
    model = apps.get_model
    rows = lambda name, *fields: sorted(  # noqa: E731
        [list(r) for r in model(*name.split(".")).objects.values_list(*fields)], key=str)
    found = {
        "connectors": rows("stations.Connector", "connector_id", "status", "evse_id",
                           "evse_connector_id"),
        "evses": rows("stations.Evse", "evse_id"),
        "status_events": rows("stations.StatusEvent", "connector_id", "status", "evse_id"),
        "id_tags": rows("stations.IdTag", "id_tag", "token_type"),
        "sessions": rows("stations.ChargingSession", "transaction_id", "station_transaction_id",
                         "connector_id", "evse_id", "id_tag", "id_token_type", "meter_start",
                         "meter_stop", "started_at", "stopped_at"),
        "samples": rows("stations.MeterSample", "session__transaction_id", "connector_id",
                        "evse_id", "timestamp", "value"),
        "prices": rows("billing.SessionPrice", "session__transaction_id", "tariff__name", "net",
                       "vat", "gross", "energy_wh", "lines", "final"),
        "profiles": rows("smartcharging.ChargingProfile", "connector_id", "transaction_id",
                         "evse_id", "station_transaction_id"),
        "certificates": rows("security.InstalledCertificate", "serial_number", "certificate_type"),
        "invoices": rows("billing.Invoice", "number", "net", "vat", "gross"),
        "invoice_lines": rows("billing.InvoiceLine", "invoice__number", "position",
                              "session__transaction_id", "quantity", "net", "gross"),
        "station_tariff": _station_link(apps, "tariff", "billing.StationTariff", "tariff"),
        "station_group": _station_link(apps, "load_group", "loadmgmt.LoadGroupMember", "group"),
    }
    return json.loads(json.dumps(found, default=str))


def _station_link(apps, field: str, owner: str, key: str) -> str | None:
    """The name of the station's tariff or load group, where the schema keeps the link: on the
    station, or in a row of billing or load management (`owner`, its foreign key `key`)."""
    station = apps.get_model("stations", "Station")
    if any(f.name == field for f in station._meta.get_fields()):
        return station.objects.values_list(f"{field}__name", flat=True).get()
    return apps.get_model(*owner.split(".")).objects.values_list(f"{key}__name", flat=True).get()


def main() -> None:
    executor, before, latest = migration_steps(BEFORE)
    write_1_6_data(migrated(executor, before))
    json.dump(read_back(migrated(new_executor(), latest)), sys.stdout)


if __name__ == "__main__":
    main()
