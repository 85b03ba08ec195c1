"""What the OCA tool's run is set up with: a tenant, a station (identity and password) and id tags.

By default every scenario gets its own (fresh mode). With `CONFORMANCE_SHARED=1` (or
`manage.py conformance --shared`) the scenarios run the way the OCA tool runs its cases: back to
back in the catalogue's order, against one tenant, ONE station (it reconnects for each case, as
the tool's charge point does) and ONE valid card; the invalid, blocked and expired cards of the
negative cases are made once too. Nothing is reset between cases: a transaction an earlier case
left running, a connector's last status, a local list version, stored charging profiles are all
still there for the next case. A scenario may set what the tool's operator would configure on the
system under test (`octt.configure(security_profile=2)`), never clean up sessions or connectors.

So a scenario checks its own effect: the sessions made since it began (`octt.sessions`), the
frames and events logged since it began (`octt.began`), never "the station's only session".
"""

import os
from collections.abc import Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from cpms import conformance
from stations.models import ChargingSession, IdTag, Station
from tenants.models import Tenant
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant

SHARED = os.environ.get(conformance.SHARED_ENV, "") not in ("", "0")


@dataclass
class Octt:
    """The system under test for one case: the station and cards to use, and where the case began
    (sessions after `session_mark`, frames and events from `began`, are the case's own)."""

    tenant: Tenant
    station: Station
    password: str
    valid: str  # the one valid card (Accepted)
    blocked: str
    expired: str
    invalid: str  # unknown to the central system
    shared: bool
    began: datetime = field(default_factory=lambda: datetime.now(UTC))
    session_mark: int = 0
    _serial: int = 0

    def begin(self) -> "Octt":
        self.station = Station.objects.get(pk=self.station.pk)
        self.began = datetime.now(UTC)
        self.session_mark = ChargingSession.objects.order_by("-pk").values_list(
            "pk", flat=True).first() or 0
        return self

    @asynccontextmanager
    async def charge_point(self, server, connectors: int = 1, boot: bool = True, **kwargs):
        """The station connects (again) to `server` with its current password. After its boot it
        reports its connectors idle, as a station does after a boot and as the OCA tool's charge
        point does at the start of a case (whatever an earlier case left running is not the tool's
        state any more: only the central system may still hold it)."""
        async with charge_point(server, self.tenant, self.station, self.password,
                                connectors=connectors, boot=boot, **kwargs) as cp:
            if boot:
                for connector_id in range(connectors + 1):
                    await cp.status(connector_id, "Available")
            yield cp

    def api(self, server):
        return api_client(server, self.tenant)

    def configure(self, **fields) -> Station:
        """Set the station as the tool's operator would before a case (a security profile...)."""
        Station.objects.filter(pk=self.station.pk).update(**fields)
        self.station = Station.objects.get(pk=self.station.pk)
        return self.station

    def new_tag(self, status: str = "Blocked", **fields) -> str:
        """A card of this case's own (never a second valid card: pass a refusing status)."""
        self._serial += 1
        name = f"C{datetime.now(UTC):%H%M%S%f}{self._serial}"[:20]
        return make_id_tag(self.tenant, name, status=status, **fields).id_tag

    def own_sessions(self):
        """The station's sessions made since the case began."""
        return ChargingSession.objects.filter(station=self.station, pk__gt=self.session_mark)

    def no_session(self) -> bool:
        return not self.own_sessions().exists()

    async def sessions(self, api) -> list[dict]:
        """The station's sessions made since the case began, as the API shows them (oldest first)."""
        found, url, params = [], "/api/v1/sessions/", {"station": self.station.identity,
                                                       "limit": 200}
        while url:
            body = (await api.get(url, params=params)).json()
            found += [s for s in body["results"] if s["id"] > self.session_mark]
            url, params = body["next"], None
        return sorted(found, key=lambda s: s["id"])


def _system(identity: str | None = None, shared: bool = False) -> Octt:
    tenant = make_tenant("OCTT")
    station, password = make_station(tenant, identity)
    valid = make_id_tag(tenant, "OCTT-VALID").id_tag
    blocked = make_id_tag(tenant, "OCTT-BLOCKED", status="Blocked").id_tag
    expired = make_id_tag(tenant, "OCTT-EXPIRED",
                          expiry_date=datetime.now(UTC) - timedelta(days=1)).id_tag
    return Octt(tenant=tenant, station=station, password=password, valid=valid, blocked=blocked,
                expired=expired, invalid="OCTT-INVALID", shared=shared)


@pytest.fixture(scope="session")
def shared_octt(database) -> Octt:
    return _system("OCTT-CP1", shared=True)


@pytest.fixture
def octt(request, database) -> Iterator[Octt]:
    """The case's system under test: shared by every case with CONFORMANCE_SHARED=1, else its own."""
    system = request.getfixturevalue("shared_octt") if SHARED else _system()
    yield system.begin()
    valid_cards = IdTag.objects.filter(tenant=system.tenant, status="Accepted",
                                       expiry_date__isnull=True)
    assert [tag.id_tag for tag in valid_cards] == [system.valid], "a case made another valid card"


def pytest_collection_modifyitems(config, items):
    """Shared mode runs the conformance scenarios in the catalogue's order, as the OCA tool does
    (a case's several scenarios keep their order); other tests keep their places."""
    if not SHARED:
        return
    order = conformance.catalogue_order([item.name for item in items])
    ranked = [items[n] for n in order]
    for slot, item in zip(sorted(order), ranked, strict=True):
        items[slot] = item

