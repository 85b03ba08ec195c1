"""On the embedded default the server runs the periodic tasks itself (no `celery beat` there)."""

import os

import pytest

from loadmgmt.models import Allocation
from tests.conftest import _tmp
from tests.factories import api_client, charge_point, eventually, make_id_tag, make_station, make_tenant
from tests.server import server_env, start_server
from tests.test_load_management import limit_of, make_group

pytestmark = pytest.mark.skipif(bool(os.environ.get("REDIS_URL")),
                                reason="with Redis, celery beat runs the schedule")


@pytest.fixture
def beating_server(database):
    srv = start_server(server_env() | {"EMBEDDED_BEAT": "1", "LOAD_REBALANCE_INTERVAL": "1"}, _tmp)
    yield srv
    srv.stop()


async def test_the_server_rebalances_load_groups_on_schedule(beating_server):
    tenant = make_tenant()
    pair = make_station(tenant)
    tag = make_id_tag(tenant)
    async with api_client(beating_server, tenant) as api, \
            charge_point(beating_server, tenant, *pair) as cp:
        group = await make_group(api, [pair[0]])
        await cp.start_transaction(1, tag.id_tag)
        await eventually(lambda: limit_of(cp) == 32.0)
        periodic = Allocation.objects.filter(group_id=group["id"], reason="periodic")
        await eventually(lambda: periodic.count() >= 2, timeout=15)
    assert limit_of(cp) == 32.0
    # every scheduled task runs once at the start (then on schedule), each without an error
    assert "Periodic task" not in beating_server.log()
