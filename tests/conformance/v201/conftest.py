"""What the OCA tool's OCPP 2.0.1 run is set up with: a tenant, a 2.0.1 charging station (identity
and password) and id tokens, as `tests/conformance/conftest.py` does for 1.6 (read it: the fresh
and shared modes are the same here).

A scenario is named `test_tc_<block>_<nn>_<slug>` (B_01 -> `test_tc_b_01_cold_boot_accepted`) and
lives in the file of its block (`test_b_provisioning.py`, `test_e_transactions.py`...). It takes
`server` and `octt201`, connects the station (the bundled 2.0.1 simulator, or a subclass) with
`octt201.charge_point(server, ...)` and makes the central system act through the API
(`octt201.api(server)`, `steps.command`). With
`CONFORMANCE_SHARED=1` every case runs against ONE station and ONE valid card, back to back in
the catalogue's order, nothing reset between cases: so a scenario checks only its own effect (the
sessions since `octt201.session_mark`, frames and events since `octt201.began`).
"""

from collections.abc import Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest

from stations.models import IdTag
from stations.simulator.v201 import SimulatedChargePoint201
from tests.conformance.conftest import SHARED, Octt
from tests.factories import charge_point_201, make_id_tag, make_station, make_tenant


class Octt201(Octt):
    """The system under test for one 2.0.1 case (the 1.6 `Octt`'s cards, marks and API helpers)."""

    @asynccontextmanager
    async def charge_point(self, server, evses: int = 1, connectors_per_evse: int = 1,
                           boot: bool = True, cls=SimulatedChargePoint201, **kwargs):
        """The station connects (again) over `ocpp2.0.1` with its current password. After an
        accepted boot it reports every connector Available, as the OCA tool's station does at the
        start of a case (whatever an earlier case left running is only the central system's)."""
        async with charge_point_201(server, self.tenant, self.station, self.password,
                                    evses=evses, connectors_per_evse=connectors_per_evse,
                                    boot=boot, cls=cls, **kwargs) as cp:
            yield cp


def _system(identity: str | None = None, shared: bool = False) -> Octt201:
    tenant = make_tenant("OCTT201")
    station, password = make_station(tenant, identity)
    valid = make_id_tag(tenant, "OCTT201-VALID").id_tag
    blocked = make_id_tag(tenant, "OCTT201-BLOCKED", status="Blocked").id_tag
    expired = make_id_tag(tenant, "OCTT201-EXPIRED",
                          expiry_date=datetime.now(UTC) - timedelta(days=1)).id_tag
    return Octt201(tenant=tenant, station=station, password=password, valid=valid,
                   blocked=blocked, expired=expired, invalid="OCTT201-INVALID", shared=shared)


@pytest.fixture(scope="session")
def shared_octt201(database) -> Octt201:
    return _system("OCTT-CS201", shared=True)


@pytest.fixture
def octt201(request, database) -> Iterator[Octt201]:
    """The case's system under test: shared by every 2.0.1 case with CONFORMANCE_SHARED=1, else
    its own."""
    system = request.getfixturevalue("shared_octt201") if SHARED else _system()
    yield system.begin()
    valid_cards = IdTag.objects.filter(tenant=system.tenant, status="Accepted",
                                       expiry_date__isnull=True)
    assert [tag.id_tag for tag in valid_cards] == [system.valid], "a case made another valid card"
