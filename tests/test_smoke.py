from tests.factories import api_client, charge_point, make_station, make_tenant


async def test_a_station_boots_and_the_api_shows_it(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp:
        await cp.status(1, "Available")
        async with api_client(server, tenant) as api:
            body = (await api.get(f"/api/v1/stations/{station.identity}/")).json()
    assert body["vendor"] == "Simulator"
    assert body["connected"] is True
