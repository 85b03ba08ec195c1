"""The station page's "Logs and customer data" card over a real server and a real 2.0.1 station:
an installer requests a security log and downloads what the station uploaded, asks what the
station keeps of a driver and reads the report; an accountant sees the card but no form and
cannot act; another tenant's member gets 404 (stations/customerinfo/views.py)."""

from stations.firmware.models import UploadRequest
from stations.models import CustomerInformation
from stations.simulator.v201.customer_information import customer_key
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import charge_point_201, eventually, make_station, make_tenant


async def test_an_installer_requests_a_log_downloads_it_and_reads_a_drivers_data(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    page = f"/stations/{station.identity}/"
    async with charge_point_201(server, tenant, station, password) as cp:
        http = await logged_in(server, member(tenant, Role.INSTALLER))
        await http.get(page)  # the CSRF cookie
        asked = await post(http, f"{page}logs/", {"log_type": "SecurityLog"})
        upload = await eventually(lambda: UploadRequest.objects.filter(station=station).first())
        await cp.log_status("Uploading", upload.request_id)
        assert await cp.upload(upload.location, b"security events\n", "security.log") == 201
        cp.customer_data[customer_key(id_token="ALICE")] = "3 sessions in November"
        customer = await post(http, f"{page}customer-information/", {"report": "on", "id_token": "ALICE"})
        await eventually(lambda: CustomerInformation.objects.filter(
            station=station, completed_at__isnull=False).exists())
        shown = await http.get(page)
        file = await http.get(f"{page}logs/{upload.pk}/file/")
        await http.aclose()
    assert asked.status_code == 200 and "GetLog:" in asked.text and "Accepted" in asked.text
    assert customer.status_code == 200 and "CustomerInformation:" in customer.text
    assert "SecurityLog" in shown.text and "3 sessions in November" in shown.text
    assert 'data-customer-request="' in shown.text and "Ask the station" in shown.text
    assert file.status_code == 200 and file.content == b"security events\n"


async def test_bad_input_shows_its_reason_and_sends_nothing(server):
    tenant = make_tenant()
    station, password = make_station(tenant)
    page = f"/stations/{station.identity}/"
    async with charge_point_201(server, tenant, station, password) as cp:
        http = await logged_in(server, member(tenant, Role.MANAGER))
        await http.get(page)
        nobody = await post(http, f"{page}customer-information/", {"report": "on"})
        backwards = await post(http, f"{page}logs/", {"log_type": "SecurityLog",
                                                      "oldest": "2026-12-02T00:00",
                                                      "latest": "2026-12-01T00:00"})
        await http.aclose()
    assert nobody.status_code == 400 and "exactly one of" in nobody.text
    assert backwards.status_code == 400 and "Must not be before oldest" in backwards.text
    assert not [a for a, _ in cp.received if a in ("GetLog", "CustomerInformation")]


async def test_an_accountant_sees_the_card_but_cannot_act_and_another_tenant_gets_404(server):
    tenant, other = make_tenant(), make_tenant()
    station, password = make_station(tenant, ocpp_version="2.0.1")
    page = f"/stations/{station.identity}/"
    accountant = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    shown = await accountant.get(page)
    refused = await post(accountant, f"{page}customer-information/", {"customer_identifier": "x"})
    outsider = await logged_in(server, member(other, Role.MANAGER))
    await outsider.get("/")
    answers = [await post(outsider, f"{page}logs/", {"log_type": "SecurityLog"}),
               await outsider.get(f"{page}logs/1/file/")]
    await accountant.aclose()
    await outsider.aclose()
    assert shown.status_code == 200 and "Customer data" in shown.text
    assert "Ask the station" not in shown.text and "Request the log" not in shown.text
    assert refused.status_code == 403
    assert [a.status_code for a in answers] == [404, 404]
    assert not CustomerInformation.objects.filter(station=station).exists()
