"""A station's password stays between the station and the backend: set outright (station API,
admin) it ends a pending rotation, only the Security endpoints change it on the station, and the
frame log never shows it (generated passwords: tests/fast/stations/test_station_passwords.py)."""

from stations.security.services import station_pending_password_set
from tests.factories import api_client, eventually, make_station, make_tenant
from tests.test_admin import _hidden_fields, admin_session, make_user
from tests.test_security import handshake_status, secure_station


async def test_a_password_set_through_the_station_api_ends_a_pending_rotation(server):
    tenant = make_tenant()
    station, _ = make_station(tenant)
    station_pending_password_set(station=station, password="rotated-password-0123")
    async with api_client(server, tenant) as api:
        response = await api.patch(f"/api/v1/stations/{station.identity}/",
                                   json={"password": "chosen-password-0123"})
    assert response.status_code == 200, response.text
    assert await handshake_status(server, tenant, station.identity, "rotated-password-0123") == 401
    assert await handshake_status(server, tenant, station.identity, "chosen-password-0123") == 101


async def test_a_password_generated_in_the_admin_ends_a_pending_rotation(server):
    tenant = make_tenant()
    station, old = make_station(tenant)
    station_pending_password_set(station=station, password="rotated-password-0123")
    async with admin_session(server, make_user(superuser=True)) as http:
        page = await http.get("/admin/stations/station/")
        response = await http.post("/admin/stations/station/", data={
            "csrfmiddlewaretoken": _hidden_fields(page.text)["csrfmiddlewaretoken"],
            "action": "new_password", "_selected_action": str(station.pk), "index": "0"})
    assert response.status_code == 200 and "shown this once" in response.text
    assert await handshake_status(server, tenant, station.identity, "rotated-password-0123") == 401
    assert await handshake_status(server, tenant, station.identity, old) == 401


async def test_the_raw_command_api_cannot_change_the_password_or_the_profile(server):
    """Only /password/ (which keeps the old password until the new one is used) and
    /security-profile/ (only upward) change these keys; a raw ChangeConfiguration is a 400, in
    any case and with white space around the key (some stations trim it)."""
    tenant = make_tenant()
    station, password = make_station(tenant)
    url = f"/api/v1/stations/{station.identity}/commands/"
    async with secure_station(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        answers = [await api.post(url, json={"action": "ChangeConfiguration",
                                             "payload": {"key": key, "value": value}})
                   for key, value in (("SecurityProfile", "0"), ("securityprofile", "0"),
                                      ("AuthorizationKey", "not-known-to-the-backend"),
                                      ("AuthorizationKey ", "trailing-space-0123456789"),
                                      ("AuthorizationKey\t", "trailing-tab-0123456789"),
                                      ("\tSECURITYPROFILE ", "0"))]
        other = await api.post(url, json={"action": "ChangeConfiguration",
                                          "payload": {"key": "HeartbeatInterval", "value": "60"}})
        configuration = dict(cp.configuration)
    assert [a.status_code for a in answers] == [400] * 6
    assert all("payload" in a.json() for a in answers)
    assert other.status_code == 200
    assert configuration["SecurityProfile"] == "1" and configuration["AuthorizationKey"] == ""
    assert await handshake_status(server, tenant, station.identity, password) == 101


async def test_the_frame_log_never_shows_a_station_password(server):
    """The log of frames is listed through the API: the AuthorizationKey a ChangeConfiguration
    sets, or a station reports in GetConfiguration (it should not), is redacted there."""
    tenant = make_tenant()
    station, old = make_station(tenant)
    base = f"/api/v1/stations/{station.identity}"
    async with secure_station(server, tenant, station, old), api_client(server, tenant) as api:
        new = (await api.post(f"{base}/password/", json={})).json()["password"]
        reported = await api.post(f"{base}/commands/", json={
            "action": "GetConfiguration", "payload": {"key": ["AuthorizationKey"]}})

        async def logged():
            body = (await api.get(f"{base}/messages/", params={"action": "GetConfiguration"})).json()
            return body if len(body["results"]) == 2 else None

        configuration_frames = await eventually(logged)
        change_frames = (await api.get(f"{base}/messages/", params={"action": "ChangeConfiguration"})).json()
    assert new in reported.text  # the operator asked the station itself
    assert new not in str(configuration_frames) and new not in str(change_frames)
    assert [f["payload"] for f in change_frames["results"] if f["direction"] == "out"] == [
        {"key": "AuthorizationKey", "value": "(redacted)"}]
