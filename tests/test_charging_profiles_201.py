"""Smart charging through the API for an OCPP 2.0.1 station (docs/smart-charging.md, "OCPP
2.0.1"), against the bundled 2.0.1 simulator that stores its profiles per EVSE: profiles are
given in the stored (1.6) shape, or with 2.0.1's purpose name, and reach the station in 2.0.1's
words; a TxProfile is bound to the station's string transactionId; clearing by id and by
criteria, the composite schedule of an EVSE, and GetChargingProfiles with the profiles its
ReportChargingProfiles parts carried."""

from datetime import UTC, datetime

from stations.smartcharging.models import ChargingProfile, ProfileClearing, ProfileReport
from tests.factories import (
    api_client,
    charge_point,
    charge_point_201,
    eventually,
    make_id_tag,
    make_station,
    make_tenant,
)


def profile(profile_id: int = 1, *, stack: int = 0, purpose: str = "TxDefaultProfile",
            limit: float = 16.0, unit: str = "A", **extra) -> dict:
    return {
        "chargingProfileId": profile_id, "stackLevel": stack, "chargingProfilePurpose": purpose,
        "chargingProfileKind": "Absolute",
        "chargingSchedule": {
            "startSchedule": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "chargingRateUnit": unit, "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]},
        **extra,
    }


def url(station, rest: str = "charging-profiles/") -> str:
    return f"/api/v1/stations/{station.identity}/{rest}"


async def test_profiles_reach_a_201_station_in_its_words_and_are_read_back(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(server, tenant) as api, \
            charge_point_201(server, tenant, station, password, evses=2) as cp:
        # The station's overall limit, by 2.0.1's name, on EVSE 0
        response = await api.post(url(station), json={
            "connector_id": 0, "charging_profile": profile(
                1, purpose="ChargingStationMaxProfile", limit=20000.0, unit="W")})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "Accepted" and body["installed"] is True
        assert body["purpose"] == "ChargePointMaxProfile" and body["evse_id"] == 0
        [(_, sent)] = [r for r in cp.received if r[0] == "SetChargingProfile"]
        assert sent["evse_id"] == 0 and sent["charging_profile_purpose"] == "ChargingStationMaxProfile"
        assert sent["charging_schedule"][0]["id"] == 1
        # A max profile on an EVSE is refused before it is sent, as for 1.6
        response = await api.post(url(station), json={
            "connector_id": 1, "charging_profile": profile(2, purpose="ChargingStationMaxProfile")})
        assert response.status_code == 400
        # A TxProfile needs the EVSE's running transaction, and is bound to the station's id
        response = await api.post(url(station), json={
            "connector_id": 1, "charging_profile": profile(3, purpose="TxProfile", stack=2, limit=10.0)})
        assert response.status_code == 400
        await cp.start_transaction(1, tag.id_tag)
        transaction_id = cp.evses[1].transaction_id
        response = await api.post(url(station), json={
            "connector_id": 1, "charging_profile": profile(3, purpose="TxProfile", stack=2, limit=10.0)})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "Accepted"
        assert body["station_transaction_id"] == transaction_id and body["transaction_id"] is None
        assert body["charging_profile"]["transactionId"] == transaction_id
        assert cp.received[-1][1]["transaction_id"] == transaction_id
        # The composite schedule of EVSE 1: the lower of the max profile and the TxProfile
        response = await api.get(url(station, "composite-schedule/"),
                                 params={"connector_id": 1, "duration": 300, "unit": "A"})
        assert response.status_code == 200, response.text
        schedule = response.json()
        assert schedule["status"] == "Accepted" and schedule["schedule"]["evseId"] == 1
        assert schedule["schedule"]["chargingSchedulePeriod"][0]["limit"] == 10.0
        # GetChargingProfiles: the answer, then the profiles in ReportChargingProfiles parts
        response = await api.post(url(station, "charging-profiles/reports/"), json={})
        assert response.status_code == 201, response.text
        report = response.json()
        assert report["status"] == "Accepted" and report["request_id"] == report["id"]

        async def complete():
            body = (await api.get(url(station, f"charging-profiles/reports/{report['id']}/"))).json()
            return body if body["completed_at"] else None

        report = await eventually(complete)
        assert report["parts"] == 2  # EVSE 0 and EVSE 1, one part each
        assert {(p["evseId"], p["chargingProfile"]["id"]) for p in report["profiles"]} == {(0, 1), (1, 3)}
        assert all(p["chargingLimitSource"] == "CSO" for p in report["profiles"])
        # By criteria: only the max profile; nothing for a stack level no profile has
        response = await api.post(url(station, "charging-profiles/reports/"),
                                  json={"purpose": "ChargingStationMaxProfile"})
        report = await eventually(lambda: _completed(station, response.json()["id"]))
        assert [p["chargingProfile"]["id"] for p in report.profiles] == [1]
        response = await api.post(url(station, "charging-profiles/reports/"), json={"stack_level": 9})
        assert response.json()["status"] == "NoProfiles" and response.json()["completed_at"]
        # Clearing by criteria (2.0.1's chargingProfileCriteria), then by id
        response = await api.post(url(station, "charging-profiles/clear/"),
                                  json={"connector_id": 1, "purpose": "TxProfile"})
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "Accepted"
        clear = [p for name, p in cp.received if name == "ClearChargingProfile"][-1]
        assert clear["evse_id"] == 1 and clear["charging_profile_purpose"] == "TxProfile"
        max_row = await ChargingProfile.objects.aget(station=station, charging_profile_id=1)
        response = await api.delete(url(station, f"charging-profiles/{max_row.pk}/"))
        assert response.json()["status"] == "Accepted"
        assert cp.charging_profiles == {0: [], 1: [], 2: []}
        listed = (await api.get(url(station), params={"installed": "true"})).json()
    assert listed["count"] == 0
    assert await ProfileClearing.objects.filter(station=station).acount() == 2


async def _completed(station, report_id: int):
    report = await ProfileReport.objects.aget(pk=report_id)
    return report if report.completed_at else None


async def test_a_16_station_has_no_get_charging_profiles(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    async with api_client(server, tenant) as api, charge_point(server, tenant, station, password):
        response = await api.post(url(station, "charging-profiles/reports/"), json={})
        assert response.status_code == 400, response.text
        assert (await api.get(url(station, "charging-profiles/reports/"))).json()["count"] == 0
