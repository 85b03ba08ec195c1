"""The dashboard's live feed ends when what let it in ends (issue 16, finding 10): a removed
membership, a logout or a deactivated user closes an open feed within DASHBOARD_RECHECK_SECONDS,
while a feed whose access holds stays open."""

import asyncio

import pytest
import websockets
from django.contrib.auth import get_user_model
from websockets.exceptions import ConnectionClosed

from tenants.models import Membership, Role
from tests.dashboard_helpers import logged_in
from tests.factories import make_tenant
from tests.server import server_env, start_server
from tests.test_admin import make_user


@pytest.fixture(scope="module")
def quick_server(database, tmp_path_factory):
    srv = start_server(server_env() | {"DASHBOARD_RECHECK_SECONDS": "0.5"},
                       tmp_path_factory.mktemp("feed"))
    yield srv
    srv.stop()


async def open_feed(server, user):
    http = await logged_in(server, user)
    feed = await websockets.connect(
        f"{server.ws}/ws/dashboard/", origin=server.http,
        additional_headers={"Cookie": f"sessionid={http.cookies['sessionid']}"})
    return http, feed


async def closed_with(feed, timeout: float = 5.0) -> int | None:
    try:
        while True:
            await asyncio.wait_for(feed.recv(), timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        return None


async def test_a_removed_membership_closes_the_feed(quick_server):
    tenant = make_tenant()
    user = make_user(tenant=tenant, role=Role.MANAGER)
    http, feed = await open_feed(quick_server, user)

    Membership.objects.filter(user=user, tenant=tenant).delete()

    assert await closed_with(feed) == 4403
    await http.aclose()


async def test_a_logout_closes_the_feed(quick_server):
    user = make_user(tenant=make_tenant(), role=Role.MANAGER)
    http, feed = await open_feed(quick_server, user)

    await http.post("/accounts/logout/", headers={"X-CSRFToken": http.cookies["csrftoken"],
                                                  "Referer": f"{quick_server.http}/"})

    assert await closed_with(feed) == 4403
    await http.aclose()


async def test_a_deactivated_user_loses_the_feed(quick_server):
    user = make_user(tenant=make_tenant(), role=Role.MANAGER)
    http, feed = await open_feed(quick_server, user)

    get_user_model().objects.filter(pk=user.pk).update(is_active=False)

    assert await closed_with(feed) == 4403
    await http.aclose()


async def test_a_feed_whose_access_holds_stays_open(quick_server):
    user = make_user(tenant=make_tenant(), role=Role.MANAGER)
    http, feed = await open_feed(quick_server, user)

    assert await closed_with(feed, timeout=2.0) is None
    await feed.close()
    await http.aclose()
