"""The authorization cache and local list settings of a 2.0.1 station (AuthCacheCtrlr.*,
LocalAuthListCtrlr.*) are read and set through the device model endpoints and page like any
variable: the cache turned off or its lifetime shortened, the local list disabled, each with the
station's verdict; read-only ones (the list's size limits) are refused (docs/ocpp201.md, local
authorization list)."""

from tests.factories import api_client, charge_point_201, make_station, make_tenant


def _url(station, tail: str) -> str:
    return f"/api/v1/stations/{station.identity}/device-model/{tail}"


async def test_the_cache_and_local_list_settings_are_read_and_set(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with charge_point_201(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        read = await api.post(_url(station, "get/"), json={"variables": [
            {"component": "AuthCacheCtrlr", "variable": "LifeTime"},
            {"component": "LocalAuthListCtrlr", "variable": "ItemsPerMessage"}]})
        changed = await api.post(_url(station, "set/"), json={"variables": [
            {"component": "AuthCacheCtrlr", "variable": "Enabled", "value": "false"},
            {"component": "AuthCacheCtrlr", "variable": "LifeTime", "value": "3600"},
            {"component": "LocalAuthListCtrlr", "variable": "Enabled", "value": "false"},
            {"component": "LocalAuthListCtrlr", "variable": "ItemsPerMessage", "value": "5"}]})
    assert [(r["status"], r["value"]) for r in read.json()["results"]] == [
        ("Accepted", "86400"), ("Accepted", "50")]
    assert [(r["variable"], r["status"]) for r in changed.json()["results"]] == [
        ("Enabled", "Accepted"), ("LifeTime", "Accepted"), ("Enabled", "Accepted"),
        ("ItemsPerMessage", "Rejected")]
    assert (cp.variable("AuthCacheCtrlr", "Enabled"), cp.variable("AuthCacheCtrlr", "LifeTime"),
            cp.variable("LocalAuthListCtrlr", "Enabled")) == ("false", "3600", "false")
