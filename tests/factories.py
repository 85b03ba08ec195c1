"""Test data, made with the project's own services."""

import asyncio
import inspect
import itertools
import time
from contextlib import asynccontextmanager

import httpx

from billing.models import LoadGroupTariff, StationTariff
from loadmgmt.models import LoadGroupMember
from stations.models import IdTag
from stations.services.stations import station_create
from stations.simulator import SimulatedChargePoint, connect
from stations.simulator.v201 import SimulatedChargePoint201
from stations.simulator.v201 import connect as connect_201
from tenants.services import api_token_create, tenant_create

_seq = itertools.count(1)


def make_tenant(name: str = "Operator", *, seller: bool = True):
    """A tenant; with `seller`, its seller's details complete (invoices can be issued only then,
    billing.invoices.services.seller_ready) and a default VAT rate of 0 for new tariffs."""
    n = next(_seq)
    tenant = tenant_create(slug=f"t{n}-{name.lower().replace(' ', '-')}"[:60], name=f"{name} {n}")
    if seller:
        seller_complete(tenant)
    return tenant


def seller_complete(tenant, **fields):
    """Fill the seller's legal name (the tenant's name), address and VAT id, so that invoices
    can be issued; `fields` overrides any of them (and other seller fields)."""
    from billing.invoices.services import seller_update

    details = {"legal_name": tenant.name, "address": "Teststraße 1\n10115 Berlin",
               "vat_id": "DE123456789", "default_vat_rate": 0} | fields
    return seller_update(tenant=tenant, **details)


def make_station(tenant, identity: str | None = None, *, tariff=None, load_group=None, **fields):
    """A station (and its password); a tariff or load group given is put in place as data, with
    no follow-up (no snapshot, no profiles sent), as a test's starting point."""
    station, password = station_create(tenant=tenant, identity=identity or f"CP-{next(_seq)}", **fields)
    set_station_tariff(station, tariff)
    set_station_group(station, load_group)
    return station, password


def set_station_tariff(station, tariff) -> None:
    """The station's own tariff is `tariff` (None: none), as data only: what a test starts
    from. (Operators go through billing's station_tariff_set, which snapshots running sessions.)"""
    StationTariff.objects.filter(station_id=station.pk).delete()
    if tariff is not None:
        StationTariff.objects.create(station_id=station.pk, tariff=tariff)


def set_station_group(station, group) -> None:
    """The station is in `group` (None: in none), as data only. (Operators go through
    loadmgmt's station_group_set, which moves its load profiles.)"""
    LoadGroupMember.objects.filter(station_id=station.pk).delete()
    if group is not None:
        LoadGroupMember.objects.create(station_id=station.pk, group=group)


def set_group_tariff(group, tariff) -> None:
    """The load group's tariff is `tariff` (None: none), as data only. (Operators go through
    billing's group_tariff_set, which snapshots the running sessions of its stations.)"""
    LoadGroupTariff.objects.filter(group_id=group.pk).delete()
    if tariff is not None:
        LoadGroupTariff.objects.create(group_id=group.pk, tariff=tariff)


def make_id_tag(tenant, id_tag: str | None = None, **fields) -> IdTag:
    return IdTag.objects.create(tenant=tenant, id_tag=id_tag or f"TAG{next(_seq)}", **fields)


def api_client(server, tenant, role: str = "manager") -> httpx.AsyncClient:
    _, key = api_token_create(tenant=tenant, role=role)
    return httpx.AsyncClient(base_url=server.http, headers={"Authorization": f"Token {key}"},
                             timeout=20)


@asynccontextmanager
async def charge_point(server, tenant, station, password, connectors: int = 1,
                       boot: bool = True, cls=SimulatedChargePoint):
    """A real charge point connected to `server`, answering the backend's CALLs."""
    connection = await connect(f"{server.ws}/ocpp/{tenant.slug}", station.identity, password)
    cp = cls(station.identity, connection, connectors=connectors)
    runner = asyncio.create_task(cp.start())
    try:
        if boot:
            await cp.boot()
        yield cp
    finally:
        runner.cancel()
        await connection.close()


@asynccontextmanager
async def charge_point_201(server, tenant, station, password, evses: int = 1,
                           connectors_per_evse: int = 1, boot: bool = True,
                           cls=SimulatedChargePoint201, subprotocols: list[str] | None = None):
    """A real OCPP 2.0.1 charging station connected to `server`, answering the backend's CALLs;
    booted (and every connector reported Available) unless `boot` is False. `cp.reconnect()`
    (and a reset, with `cp.reconnect_on_reset = True`) opens a new link with its password now."""
    url = f"{server.ws}/ocpp/{tenant.slug}"
    connection = await connect_201(url, station.identity, password, subprotocols=subprotocols)
    cp = cls(station.identity, connection, evses=evses, connectors_per_evse=connectors_per_evse,
             password=password)
    cp.reconnect_with = lambda: connect_201(url, station.identity, cp.password,
                                            subprotocols=subprotocols)
    runner = asyncio.create_task(cp.start())
    try:
        if boot and (await cp.boot()).status == "Accepted":
            await cp.status_all()
        yield cp
    finally:
        for task in (runner, cp.runner):
            if task is not None:
                task.cancel()
        await cp._connection.close()
        await connection.close()


async def eventually(check, timeout: float = 10.0, interval: float = 0.1):
    """Poll `check` (sync or async) until it returns a truthy value; return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check}")
        await asyncio.sleep(interval)
