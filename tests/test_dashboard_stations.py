"""The stations pages in a real browser: live status without reload, remote start and stop with
the station's answers, onboarding that shows the password once and turns to connected live;
and over HTTP the configuration, the message log and the actions' errors."""

import re

from stations.models import ChargingSession
from tenants.models import Role
from tests.browser import browser, member, needs_chromium, signed_in
from tests.dashboard_helpers import logged_in, post
from tests.factories import charge_point, eventually, make_id_tag, make_station, make_tenant

pytestmark = needs_chromium


async def _live(page) -> None:
    await page.wait_for_function("() => document.documentElement.dataset.live === 'open'")


async def test_a_station_comes_online_and_changes_status_on_the_stations_page_without_reload(server):
    tenant = make_tenant("Live")
    station, password = make_station(tenant, identity="LIVE-1")
    user = member(tenant, Role.ACCOUNTANT)  # read-only roles see live state too
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/stations/")
        await _live(page)
        await page.evaluate("window.notReloaded = true")
        link = page.locator('[data-link="LIVE-1"]')
        assert await link.text_content() == "offline"
        async with charge_point(server, tenant, station, password) as cp:
            await page.wait_for_function(  # a function: the CSP forbids eval
                "() => document.querySelector('[data-link=\"LIVE-1\"]').textContent === 'online'",
                timeout=2000)
            await cp.status(1, "Charging")
            connector = page.locator('[data-station="LIVE-1"][data-connector="1"] .cstatus')
            await connector.wait_for(timeout=2000)
            await page.wait_for_function(  # a function: the CSP forbids eval
                "() => document.querySelector('[data-station=\"LIVE-1\"][data-connector=\"1\"] .cstatus')"
                ".textContent === 'Charging'", timeout=2000)
            await cp.status(1, "Faulted", error_code="GroundFailure")
            await page.wait_for_function(  # a function: the CSP forbids eval
                "() => document.querySelector('[data-station=\"LIVE-1\"][data-connector=\"1\"]')"
                ".textContent.includes('Faulted (GroundFailure)')", timeout=2000)
        await page.wait_for_function(  # a function: the CSP forbids eval
            "() => document.querySelector('[data-link=\"LIVE-1\"]').textContent === 'offline'", timeout=2000)
        assert await page.evaluate("window.notReloaded") is True


async def test_a_manager_starts_and_stops_a_session_from_the_station_page(server):
    tenant = make_tenant("Remote")
    station, password = make_station(tenant, identity="REMOTE-1")
    make_id_tag(tenant, "CARD-42")
    user = member(tenant, Role.MANAGER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        async with charge_point(server, tenant, station, password) as cp:
            await cp.status(1, "Available")
            await page.goto("/stations/REMOTE-1/")
            await page.get_by_label("Id tag", exact=True).fill("CARD-42")  # a search field (cpms/pickers.py)
            await page.get_by_role("button", name="Start charging").click()
            answer = page.locator("#answer-remote-start")
            await answer.get_by_text("Accepted", exact=True).wait_for()
            assert ("RemoteStartTransaction", {"id_tag": "CARD-42"}) in cp.received
            session = await eventually(lambda: ChargingSession.objects.filter(
                station=station, stopped_at__isnull=True, transaction_id__isnull=False).first())
            await page.reload()
            await page.get_by_label("Transaction").select_option(str(session.transaction_id))
            await page.get_by_role("button", name="Stop charging").click()
            await page.locator("#answer-remote-stop").get_by_text("Accepted", exact=True).wait_for()
            assert ("RemoteStopTransaction", {"transaction_id": session.transaction_id}) in cp.received
            await eventually(lambda: ChargingSession.objects.get(pk=session.pk).stopped_at is not None)


async def test_onboarding_shows_the_password_once_and_turns_to_connected_when_the_station_boots(server):
    tenant = make_tenant("Onboard")
    user = member(tenant, Role.INSTALLER)
    async with browser() as chromium, signed_in(chromium, server, user) as page:
        await page.goto("/stations/new/")
        await page.get_by_label("Identity").fill("NEW-CP-1")
        await page.get_by_label("Name").fill("Car park, bay 3")
        await page.get_by_role("button", name="Add station").click()
        password = (await page.locator("#ocpp-password").text_content()).strip()
        url = await page.locator("#ocpp-url").text_content()
        assert url.endswith(f"/ocpp/{tenant.slug}/NEW-CP-1") and len(password) >= 16
        await page.get_by_text("waiting for first connection").wait_for()
        await _live(page)
        station = tenant.stations.get(identity="NEW-CP-1")
        async with charge_point(server, tenant, station, password):
            await page.get_by_text("connected: Simulator SIM-1").wait_for(timeout=3000)
        await page.goto("/stations/NEW-CP-1/")
        assert password not in await page.content()  # shown once


async def test_onboarding_says_what_is_wrong_next_to_the_field(server):
    tenant = make_tenant("Onboard bad")
    make_station(tenant, identity="TAKEN")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    try:
        taken = await post(http, "/stations/new/", {"identity": "TAKEN", "max_current": "32"}, htmx=False)
        bad = await post(http, "/stations/new/", {"identity": "a/b", "max_current": "-1"}, htmx=False)
    finally:
        await http.aclose()
    assert taken.status_code == 400 and "exists already" in taken.text
    assert "Must not contain" in bad.text and "greater than or equal to 0" in bad.text


async def test_the_configuration_is_read_and_a_key_changed_with_the_stations_answer(server):
    tenant = make_tenant("Config")
    station, password = make_station(tenant, identity="CFG-1")
    http = await logged_in(server, member(tenant, Role.INSTALLER))
    try:
        async with charge_point(server, tenant, station, password) as cp:
            table = await http.get("/stations/CFG-1/configuration/", headers={"HX-Request": "true"})
            changed = await post(http, "/stations/CFG-1/configuration/change/",
                                 {"key": "MeterValueSampleInterval", "value": "15"})
            refused = await post(http, "/stations/CFG-1/configuration/change/",
                                 {"key": "HeartbeatInterval", "value": "soon"})
            assert cp.configuration["MeterValueSampleInterval"] == "15"
        offline = await http.get("/stations/CFG-1/configuration/")
    finally:
        await http.aclose()
    assert "HeartbeatInterval" in table.text and 'name="value" value="60"' in table.text
    assert "Accepted" in changed.text and "Rejected" in refused.text
    assert offline.status_code == 200 and "Not connected" in offline.text


async def test_each_action_shows_the_stations_answer_or_why_there_is_none(server):
    tenant = make_tenant("Actions")
    station, password = make_station(tenant, identity="ACT-1")
    http = await logged_in(server, member(tenant, Role.MANAGER))
    base = "/stations/ACT-1"
    try:
        async with charge_point(server, tenant, station, password) as cp:
            cp.fixed_cable = True
            reset = await post(http, f"{base}/reset/", {"type": "Soft"})
            unlock = await post(http, f"{base}/unlock/", {"connector_id": "1"})
            availability = await post(http, f"{base}/availability/", {"connector_id": "0",
                                                                      "type": "Inoperative"})
            trigger = await post(http, f"{base}/trigger/", {"requested_message": "Heartbeat"})
            invalid = await post(http, f"{base}/reset/", {"type": "Gentle"})
            plain = await post(http, f"{base}/reset/", {"type": "Hard"}, htmx=False)
            assert ("Reset", {"type": "Soft"}) in cp.received and "Heartbeat" in cp.triggered
        offline = await post(http, f"{base}/reset/", {"type": "Soft"})
        followed = await http.get(plain.headers["location"])
    finally:
        await http.aclose()
    assert "Reset:" in reset.text and "Accepted" in reset.text
    assert "NotSupported" in unlock.text and "Accepted" in availability.text
    assert "TriggerMessage" in trigger.text and "Accepted" in trigger.text
    assert invalid.status_code == 400 and "type: Select a valid choice" in invalid.text
    assert plain.status_code == 302 and "Reset: the station answered Accepted" in followed.text
    assert "Not connected" in offline.text


async def test_the_message_log_is_paged_and_filtered(server):
    tenant = make_tenant("Log")
    station, password = make_station(tenant, identity="LOG-1")
    http = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    try:
        async with charge_point(server, tenant, station, password) as cp:
            for _ in range(15):
                await cp.status(1, "Available")
        await eventually(lambda: station.messages.count() >= 32)
        first = (await http.get("/stations/LOG-1/")).text
        boots = (await http.get("/stations/LOG-1/?action=BootNotification&direction=in")).text
        second = await http.get("/stations/LOG-1/?page=2", headers={"HX-Request": "true",
                                                                    "HX-Target": "message-log"})
    finally:
        await http.aclose()
    # accountants: no actions
    assert 'rel="next"' in first.split('id="message-log"')[1] and "Start charging" not in first
    assert len(re.findall("<td data-label=\"Action\">BootNotification", boots)) == 1
    assert "StatusNotification" not in boots.split('id="message-log"')[1]
    assert second.text.startswith('<div id="message-log"') and "26–" in second.text
    assert 'rel="prev"' in second.text


async def test_a_page_served_by_another_process_sees_the_station_live(server, second_server):
    tenant = make_tenant("Fleet")
    station, password = make_station(tenant, identity="FAR-1")
    user = member(tenant, Role.INSTALLER)
    async with browser() as chromium, signed_in(chromium, second_server, user) as page:
        await page.goto("/stations/")
        await _live(page)
        async with charge_point(server, tenant, station, password) as cp:  # on the other process
            await cp.status(1, "Charging")
            await page.wait_for_function(  # a function: the CSP forbids eval
                "() => document.querySelector('[data-station=\"FAR-1\"][data-connector=\"1\"] .cstatus')"
                "?.textContent === 'Charging'", timeout=2000)
            assert await page.locator('[data-link="FAR-1"]').text_content() == "online"
