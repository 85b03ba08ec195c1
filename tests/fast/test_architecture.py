"""The import graph the design asks for (docs/architecture.md): the core tells billing and load
management what happened through domain events (stations/events.py) and never imports them, nor the
stations app's own edges (STATIONS_EDGES: the API, pages, forms, admin, the dashboard package), and
no package's modules import each other in a circle. Read from the source with grimp, imports inside
functions included, so a late import cannot hide an arrow.

Between the two apps above the core the arrow runs from billing to load management only: pricing
reads the limits load management sent (no idle fee while it paused a car) and a station's group
(for the group's tariff, billing.LoadGroupTariff). Load management's own modules import nothing of
billing; only its edges (LOADMGMT_EDGES: the API, its serializers, the dashboard's views and form,
the admin, and loadmgmt/group_tariff.py that composes the two apps for them) show and set a
group's tariff through billing. Billing tells load management's events apart (loadmgmt/events.py),
and its own core never imports load management's edges."""

from collections import deque

import grimp
import pytest

PACKAGES = ("stations", "billing", "loadmgmt", "tenants", "cpms", "alerts", "webhooks", "audit",
            "locations", "reports", "portability")
CORE = ("stations.models", "stations.services", "stations.ocpp", "stations.events", "stations.selectors",
        "stations.commands", "tenants")
# The stations app's edges: requests, pages, forms, the admin and the dashboard's socket. The core
# publishes to the dashboard's live feed through stations/live.py, which imports none of them.
STATIONS_EDGES = ("stations.api", "stations.api_base", "stations.serializers", "stations.filters",
                  "stations.views", "stations.forms", "stations.dashboard", "stations.admin",
                  "stations.urls", "stations.dashboard_urls", "stations.triggers.api",
                  "stations.triggers.urls", "stations.tariff_and_group", "stations.devicemodel.api",
                  "stations.devicemodel.urls", "stations.devicemodel.views",
                  "stations.devicemodel.dashboard_urls")
ABOVE_THE_CORE = ("billing", "loadmgmt", "alerts", "webhooks", "audit", "locations", "reports",
                  "portability")
# The operations apps sit above billing and load management, which never import them; among
# them webhooks may raise alerts (a failing endpoint) and tell of them, never the other way.
OPERATIONS = ("alerts", "webhooks", "audit")
LOADMGMT_EDGES = ("loadmgmt.api", "loadmgmt.serializers", "loadmgmt.views", "loadmgmt.forms",
                  "loadmgmt.admin", "loadmgmt.group_tariff", "loadmgmt.urls", "loadmgmt.dashboard_urls")
# A billing module named so is an edge (requests, pages, the admin); any other is billing's core.
BILLING_EDGE_NAMES = {"api", "views", "admin", "urls", "dashboard_urls", "forms", "serializers",
                      "templatetags"}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


@pytest.mark.parametrize("core", CORE)
def test_the_core_imports_neither_billing_nor_load_management(graph, core):
    chains = sorted(" -> ".join(chain) for above in ABOVE_THE_CORE
                    for chain in graph.find_shortest_chains(importer=core, imported=above, as_packages=True))

    assert not chains, f"{core} reaches above the core:\n" + "\n".join(chains)


@pytest.mark.parametrize("core", [c for c in CORE if c.startswith("stations.")] + ["stations.live"])
def test_the_core_imports_none_of_the_stations_apps_edges(graph, core):
    chains = sorted(" -> ".join(chain) for edge in STATIONS_EDGES
                    for chain in graph.find_shortest_chains(importer=core, imported=edge, as_packages=True))

    assert not chains, f"{core} reaches an edge of the stations app:\n" + "\n".join(chains)


def test_load_managements_own_modules_import_nothing_of_billing(graph):
    own = [m for m in _modules(graph, "loadmgmt")
           if m not in LOADMGMT_EDGES and not m.startswith("loadmgmt.migrations")]
    chains = sorted(" -> ".join(chain) for module in own
                    for chain in graph.find_shortest_chains(importer=module, imported="billing"))

    assert {"loadmgmt.models", "loadmgmt.services", "loadmgmt.allocation_feed",
            "loadmgmt.subscriptions"} <= set(own)
    assert not chains, "load management reaches billing outside its edges:\n" + "\n".join(chains)


def test_billings_core_imports_no_edge_of_load_management(graph):
    core = [m for m in _modules(graph, "billing") if not m.startswith("billing.migrations")
            and not set(m.split(".")[1:]) & BILLING_EDGE_NAMES and m != "billing.apps"]
    chains = sorted(" -> ".join(chain) for module in core for edge in LOADMGMT_EDGES
                    for chain in graph.find_shortest_chains(importer=module, imported=edge,
                                                            as_packages=False))

    assert "billing.services" in core and "billing.subscriptions" in core
    assert not chains, "billing's core reaches load management's edges:\n" + "\n".join(chains)


@pytest.mark.parametrize("below", ["billing", "loadmgmt"])
def test_billing_and_load_management_import_none_of_the_operations_apps(graph, below):
    chains = sorted(" -> ".join(chain) for above in OPERATIONS
                    for chain in graph.find_shortest_chains(importer=below, imported=above, as_packages=True))

    assert not chains, f"{below} reaches an operations app:\n" + "\n".join(chains)


@pytest.mark.parametrize(("importer", "imported"), [("alerts", "webhooks"), ("audit", "alerts"),
                                                    ("audit", "webhooks")])
def test_the_operations_apps_arrows_run_one_way(graph, importer, imported):
    chains = graph.find_shortest_chains(importer=importer, imported=imported, as_packages=True)

    assert not chains, f"{importer} reaches {imported}:\n" + "\n".join(" -> ".join(c) for c in sorted(chains))


# Issue 21's apps: sites (locations) sit on the core; reports read the core, billing's prices and
# the sites; the tenant export (portability) reads every app, and no app imports it.
@pytest.mark.parametrize(("importer", "imported"), [
    *[(below, "reports") for below in ("billing", "loadmgmt", "alerts", "webhooks", "audit", "locations")],
    *[(other, "portability") for other in ("stations", "billing", "loadmgmt", "alerts", "webhooks",
                                           "audit", "locations", "reports", "tenants")],
    *[(below, "locations") for below in ("billing", "loadmgmt", "alerts", "webhooks", "audit")],
])
def test_the_new_apps_arrows_run_one_way(graph, importer, imported):
    chains = graph.find_shortest_chains(importer=importer, imported=imported, as_packages=True)

    assert not chains, f"{importer} reaches {imported}:\n" + "\n".join(" -> ".join(c) for c in sorted(chains))


def _modules(graph: grimp.ImportGraph, package: str) -> list[str]:
    """The package's modules (not the package itself: with as_packages it would stand for all)."""
    return sorted(m for m in graph.modules if m.startswith(f"{package}."))


@pytest.mark.parametrize("package", PACKAGES)
def test_no_modules_of_a_package_import_each_other_in_a_circle(graph, package):
    modules = {m for m in graph.modules if m == package or m.startswith(f"{package}.")}
    imports = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    circles = [_circle(imports, group) for group in _circular_groups(imports)]

    assert not circles, f"import circles in {package}:\n" + "\n".join(
        _described(graph, circle) for circle in circles)


def test_a_circle_is_found_and_told_with_its_import_lines():
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b", line_number=3, line_contents="from p import b")
    graph.add_import(importer="p.b", imported="p.a", line_number=7, line_contents="from p import a")
    graph.add_import(importer="p.b", imported="p.c", line_number=8, line_contents="from p import c")
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}

    assert _circular_groups(imports) == [["p.a", "p.b"]]
    assert _described(graph, _circle(imports, ["p.a", "p.b"])) == (
        "p.a -> p.b (p.a:3 from p import b) -> p.a (p.b:7 from p import a)")


def _circular_groups(imports: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, without recursion)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for root in sorted(imports):
        if root in order:
            continue
        work = [(root, iter(sorted(imports[root])))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == order[module]:
                    group = []
                    while (member := stack.pop()) != module:
                        on_stack.discard(member)
                        group.append(member)
                    on_stack.discard(module)
                    if group:
                        groups.append(sorted([*group, module]))
            elif target not in order:
                order[target] = low[target] = len(order)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(sorted(imports[target]))))
            elif target in on_stack:
                low[module] = min(low[module], order[target])
    return sorted(groups)


def _circle(imports: dict[str, set[str]], group: list[str]) -> list[str]:
    """One shortest way from the group's first module back to itself, inside the group."""
    start = group[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for target in sorted(imports[module] & set(group)):
            if target == start:
                path = [module]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if target not in came_from:
                came_from[target] = module
                queue.append(target)
    raise AssertionError(f"no circle through {start}")


def _described(graph: grimp.ImportGraph, circle: list[str]) -> str:
    steps = [circle[0]]
    for importer, imported in zip(circle, circle[1:], strict=False):
        detail = graph.get_import_details(importer=importer, imported=imported)[:1]
        where = f" ({importer}:{detail[0]['line_number']} {detail[0]['line_contents']})" if detail else ""
        steps.append(f"{imported}{where}")
    return " -> ".join(steps)
