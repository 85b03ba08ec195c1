"""The driver is told the price at a 2.0.1 station (OCPP 2.0.1 I01; EU AFIR price transparency):
an accepted Authorize, and the TransactionEvent that starts charging, carry the station's tariff
as one line in idTokenInfo.personalMessage (stations/price_text.py, billing/pricing/text.py). A
refused token, a token with the operator's own message, and a station without a tariff get
none of it."""

from tests.factories import (
    charge_point_201,
    make_id_tag,
    make_station,
    make_tenant,
    set_station_tariff,
)
from tests.test_session_pricing import make_tariff

PARKING = [{"price_components": [{"type": "ENERGY", "price": "0.30"},
                                 {"type": "PARKING_TIME", "price": "3.00"}]}]


async def test_an_accepted_token_is_told_the_stations_price(server):
    tenant = make_tenant()
    station, password = make_station(tenant, tariff=make_tariff(tenant, elements=PARKING))
    make_id_tag(tenant, "ALICE")
    make_id_tag(tenant, "BLOCKED", status="Blocked")
    make_id_tag(tenant, "VIP", personal_message="Welcome back", language="de")
    async with charge_point_201(server, tenant, station, password) as cp:
        statuses = [await cp.authorize(token) for token in ("ALICE", "BLOCKED", "VIP")]
        started = await cp.start_transaction(1, "ALICE")
        ended = await cp.stop_transaction(1, id_token="ALICE")
    alice, blocked, vip = cp.id_token_infos[:3]  # the Authorize answers
    assert statuses == ["Accepted", "Blocked", "Accepted"]
    # 0.30 + 19 % = 0.357 per kWh; 3.00 + 19 % = 3.57 per hour parked after the 15 min grace
    line = "0.357 EUR/kWh, 3.57 EUR/h parking after 15 min, incl. 19% VAT"
    assert alice["personal_message"] == {"format": "UTF8", "language": "en", "content": line}
    assert started.id_token_info["personal_message"]["content"] == line
    assert "personal_message" not in blocked
    assert vip["personal_message"] == {"format": "UTF8", "content": "Welcome back"}
    assert ended.id_token_info is None or "personal_message" not in ended.id_token_info


async def test_a_station_without_a_tariff_tells_no_price(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    set_station_tariff(station, None)
    make_id_tag(tenant, "BOB")
    async with charge_point_201(server, tenant, station, password) as cp:
        assert await cp.authorize("BOB") == "Accepted"
    assert "personal_message" not in cp.id_token_infos[0]


async def test_the_operators_own_words_are_told_in_their_language(server):
    tenant = make_tenant()
    words = "0,36 €/kWh inkl. 19 % MwSt., Parken ab 15 min 3,57 €/h"
    tariff = make_tariff(tenant, elements=PARKING, driver_text=words, driver_language="de")
    station, password = make_station(tenant, tariff=tariff)
    make_id_tag(tenant, "ALICE")
    async with charge_point_201(server, tenant, station, password) as cp:
        assert await cp.authorize("ALICE") == "Accepted"
        started = await cp.start_transaction(1, "ALICE")
        await cp.stop_transaction(1, id_token="ALICE")
    told = {"format": "UTF8", "language": "de", "content": words}
    assert cp.id_token_infos[0]["personal_message"] == told
    assert started.id_token_info["personal_message"] == told
