"""The mixed fleet, issue 18's acceptance: a 1.6 and a 2.0.1 station in one tenant, one load
group, one tariff, one invoice and one CSV (docs/smart-charging.md, "OCPP 2.0.1").

Both real chargers (the bundled 1.6 `SimulatedChargePoint` and 2.0.1 `SimulatedChargePoint201`)
charge under the group's cap at once: each is limited (a TxProfile in its version's words: the
1.6 one bound to our integer transactionId on its connector, the 2.0.1 one to the station's
string on its EVSE) and the limits' sum stays within the cap. Both sessions are priced by the
group's tariff, land on one invoice for the customer whose cards charged on both, and appear
in one sessions CSV export."""

from contextlib import AsyncExitStack
from datetime import timedelta
from decimal import Decimal

from billing.models import Customer
from stations.models import ChargingSession
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)
from tests.fast.billing.exports.test_exports import rows_of
from tests.fast.billing.invoices.test_invoices import today
from tests.test_session_pricing import make_tariff, priced


def limit_of(cp) -> float | None:
    """The limit in force on connector (1.6) or EVSE (2.0.1) 1, as the simulator computes it:
    both simulators answer `composite_schedule` alike."""
    schedule = cp.composite_schedule(1, 60, "A")
    return schedule["charging_schedule_period"][0]["limit"] if schedule else None


async def test_a_16_and_a_201_station_share_one_group_one_tariff_one_invoice_one_csv(
        server, celery_worker):
    tenant = make_tenant()
    station_16, password_16 = make_station(tenant, name="Garage 1.6")
    station_201, password_201 = make_station(tenant, name="Garage 2.0.1")
    tariff = make_tariff(tenant, name="Car park")  # 0.30/kWh net, 19 % VAT; nobody's default
    customer = Customer.objects.create(tenant=tenant, name="Fleet GmbH",
                                       address="Fleet Street 1\n10115 Berlin",
                                       email="billing@example.com")
    make_id_tag(tenant, "FLEET16", customer=customer)
    make_id_tag(tenant, "FLEET201", customer=customer)
    async with api_client(server, tenant) as api, AsyncExitStack() as stack:
        response = await api.post("/api/v1/load-groups/", json={
            "name": "Car park", "max_current": "20", "tariff": tariff.pk,
            "stations": [station_16.identity, station_201.identity]})
        assert response.status_code == 201, response.text
        group = response.json()
        cp16 = await stack.enter_async_context(
            charge_point(server, tenant, station_16, password_16))
        cp201 = await stack.enter_async_context(
            charge_point_201(server, tenant, station_201, password_201))
        # The failsafe default at boot, each in its version's words
        await eventually(lambda: limit_of(cp16) == 6.0 and limit_of(cp201) == 6.0, 15)
        await cp16.start_transaction(1, "FLEET16")
        await cp201.start_transaction(1, "FLEET201")
        # One cap, shared: 10 A each, whatever the version
        await eventually(lambda: limit_of(cp16) == 10.0 and limit_of(cp201) == 10.0, 15)
        allocation = (await api.get(f"/api/v1/load-groups/{group['id']}/allocation/")).json()
        await cp16.meter_values(1, 5_000)
        await cp201.meter_values(1, 7_000)
        await cp16.stop_transaction(1)
        await cp201.stop_transaction(1)

        sessions = {s.station_id: s async for s in ChargingSession.objects.filter(tenant=tenant)}
        session_16, session_201 = sessions[station_16.pk], sessions[station_201.pk]
        for session in (session_16, session_201):
            await priced(session.pk)
        issued = await api.post("/api/v1/invoices/run/", json={
            "period_start": (today() - timedelta(days=1)).isoformat(),
            "period_end": today().isoformat()})
        csv = await api.get("/api/v1/exports/sessions.csv")

    # The cap held with both versions steered
    limits = {e["station"]: Decimal(e["limit"]) for e in allocation["connectors"]
              if e["limit"] is not None}
    assert limits == {station_16.identity: Decimal("10.0"), station_201.identity: Decimal("10.0")}
    assert sum(limits.values()) <= Decimal("20") and allocation["allocated_current"] == "20.0"
    tx16 = [p for name, p in cp16.received if name == "SetChargingProfile"
            and p["charging_profile_purpose"] == "TxProfile"][-1]
    assert tx16["transaction_id"] == session_16.transaction_id  # our integer
    tx201 = [p for name, p in cp201.received if name == "SetChargingProfile"
             and p["charging_profile_purpose"] == "TxProfile"][-1]
    assert tx201["transaction_id"] == session_201.station_transaction_id  # the station's string
    assert session_201.transaction_id is None and session_201.evse_id == 1

    # One invoice for the customer, one line per session, both priced by the group's tariff
    assert issued.status_code == 201, issued.text
    [invoice] = issued.json()
    assert invoice["customer"] == customer.pk
    lines = {line["session"]: line for line in invoice["lines"]}
    assert set(lines) == {session_16.pk, session_201.pk}
    assert (lines[session_16.pk]["quantity"], lines[session_16.pk]["net"]) == ("5.000", "1.50")
    assert (lines[session_201.pk]["quantity"], lines[session_201.pk]["net"]) == ("7.000", "2.10")
    assert all(line["unit_price"] == "0.30" for line in lines.values())
    assert invoice["net"] == "3.60"
    assert Decimal(invoice["gross"]) == Decimal(invoice["net"]) + Decimal(invoice["vat"])

    # One CSV with both sessions, each under the group's tariff
    rows = {row["session_id"]: row for row in rows_of(csv)}
    assert set(rows) == {str(session_16.pk), str(session_201.pk)}
    row_16, row_201 = rows[str(session_16.pk)], rows[str(session_201.pk)]
    assert (row_16["station"], row_16["id_tag"], row_16["energy_kwh"], row_16["net"]) == (
        station_16.identity, "FLEET16", "5.000", "1.50")
    assert (row_201["station"], row_201["id_tag"], row_201["energy_kwh"], row_201["net"]) == (
        station_201.identity, "FLEET201", "7.000", "2.10")
    assert row_16["tariff"] == row_201["tariff"] and row_16["tariff"].startswith("Car park")
    assert row_16["customer"] == row_201["customer"] == "Fleet GmbH"
