"""OCA OCPP 2.0.1 conformance scenarios of block I, Tariff and cost: the running cost told to
the driver while charging (CostUpdated) and the final cost in the answer to the Ended
(totalCost), both from the tariff that prices the session (docs/sessions.md, the cost told to
the station; docs/conformance.md). The station's tariff is put in place for the case only."""

from contextlib import contextmanager
from decimal import Decimal

from tests.factories import eventually, set_station_tariff
from tests.test_session_pricing import make_tariff


@contextmanager
def priced_at_30_cents(octt201):
    """0.30 EUR/kWh net, 19 % VAT, on the case's station only while the case runs."""
    set_station_tariff(octt201.station, make_tariff(octt201.tenant, name="OCTT I"))
    try:
        yield
    finally:
        set_station_tariff(octt201.station, None)


async def test_tc_i_01_show_ev_driver_running_total_cost_during_charging_costupdatedrequest(server, octt201):
    """Show EV Driver running total cost during charging – costUpdatedRequest

    After the transaction's meter values the central system sends CostUpdated with the cost so
    far: 10 kWh x 0.30 EUR + 19 % VAT = 3.57 EUR. Before, the answers to Authorize and to the
    Started tell the driver the price (idTokenInfo.personalMessage)."""
    with priced_at_30_cents(octt201):
        async with octt201.charge_point(server) as cp:
            await cp.authorize(octt201.valid)
            started = await cp.start_transaction(1, octt201.valid)
            tx = cp.evses[1].transaction_id
            await cp.meter_values(1, 10_000)
            cost = await eventually(lambda: cp.costs.get(tx))
            await cp.stop_transaction(1)
    assert cost == 3.57
    told = {"format": "UTF8", "language": "en", "content": "0.357 EUR/kWh, incl. 19% VAT"}
    assert cp.id_token_infos[-1]["personal_message"] == told
    assert started.id_token_info["personal_message"] == told
    assert [name for name, _ in cp.received].count("CostUpdated") == 1  # at most every minute


async def test_tc_i_02_show_ev_driver_final_total_cost_after_charging(server, octt201):
    """Show EV Driver Final Total Cost After Charging

    The answer to the Ended carries the session's final cost, the one it is invoiced at."""
    with priced_at_30_cents(octt201):
        async with octt201.charge_point(server) as cp, octt201.api(server) as api:
            await cp.start_transaction(1, octt201.valid)
            await cp.meter_values(1, 4_000)
            ended = await cp.stop_transaction(1)
            shown = await eventually(lambda: octt201.sessions(api))
    assert ended.total_cost == 1.43  # 4 kWh x 0.30 = 1.20 + 19 % VAT
    assert Decimal(shown[0]["cost"]) == Decimal("1.43")
