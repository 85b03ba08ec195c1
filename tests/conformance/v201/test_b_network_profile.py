"""OCA OCPP 2.0.1 conformance scenarios of block B, network connection profiles: the central
system stores a connection profile on the station (SetNetworkProfile) as its security profile
upgrade does (docs/api.md, security), accepted or failed. The station is the bundled 2.0.1
simulator over the real WebSocket (docs/conformance.md)."""

from ocpp.routing import on
from ocpp.v201 import call_result
from ocpp.v201.enums import Action

from stations.models import Station
from stations.security.models import SecurityCommand
from stations.simulator.v201 import SimulatedChargePoint201


async def test_tc_b_42_set_new_networkconnectionprofile_accepted(server, octt201):
    """Set new NetworkConnectionProfile – Accepted

    SetNetworkProfile with the CSMS's wss URL and profile 2 into slot 2, then
    NetworkConfigurationPriority "2,1" and a Reset; the station stores the profile."""
    octt201.configure(security_profile=1)
    station = octt201.station
    try:
        async with octt201.charge_point(server) as cp, octt201.api(server) as api:
            response = await api.post(f"/api/v1/stations/{station.identity}/security-profile/",
                                      json={"profile": 2})
            assert response.json() == {"status": "Accepted"}, response.text
        sent = [data for name, data in cp.received if name == "SetNetworkProfile"]
        assert sent[-1]["configuration_slot"] == 2
        data = sent[-1]["connection_data"]
        assert (data["ocpp_version"], data["ocpp_transport"], data["security_profile"]) == (
            "OCPP20", "JSON", 2)
        assert data["ocpp_csms_url"].endswith(f"/ocpp/{octt201.tenant.slug}")
        assert cp.network_profiles[2] == data
    finally:
        octt201.configure(security_profile=1)


async def test_tc_b_44_set_new_networkconnectionprofile_failed(server, octt201):
    """Set new NetworkConnectionProfile – Failed

    The station rejects the profile: nothing else is sent, the station's profile is unchanged
    and the refusal is in the station's security command log."""
    class Refusing(SimulatedChargePoint201):
        @on(Action.set_network_profile)
        async def on_set_network_profile(self, configuration_slot, connection_data, **kwargs):
            self.received.append(("SetNetworkProfile", {"configuration_slot": configuration_slot}))
            return call_result.SetNetworkProfile(status="Failed")

    octt201.configure(security_profile=1)
    station = octt201.station
    async with octt201.charge_point(server, cls=Refusing) as cp, octt201.api(server) as api:
        response = await api.post(f"/api/v1/stations/{station.identity}/security-profile/",
                                  json={"profile": 2})
    assert response.json() == {"status": "Failed"}
    assert not [name for name, _ in cp.received if name in ("SetVariables", "Reset")]
    assert Station.objects.get(pk=station.pk).security_profile == 1
    assert SecurityCommand.objects.filter(station=station, action="SetNetworkProfile",
                                          status="Failed", created_at__gte=octt201.began).exists()

