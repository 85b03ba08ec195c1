"""Billing's dependencies run one way: models <- the pricing engine <- selectors <- services <-
tasks <- api and views (docs/architecture.md). Read from the source with grimp, imports inside
functions included. And the task names that beat schedules and queued tasks refer to stay what
they were when the tasks moved."""

import grimp
import pytest
from celery.utils.imports import symbol_by_name
from django.conf import settings

from cpms.celery import app

# What translates for the outside world: the web, the API, the forms, the event subscriptions.
EDGES = ("billing.admin", "billing.api", "billing.dashboard_urls", "billing.forms", "billing.serializers",
         "billing.subscriptions", "billing.urls", "billing.views", "billing.exports.api",
         "billing.exports.urls", "billing.exports.views", "billing.invoices.api",
         "billing.invoices.serializers", "billing.invoices.views", "billing.sessions.views")
# Reads and writes below the edges.
INNER = ("billing.selectors", "billing.services", "billing.invoices.pdf", "billing.invoices.selectors",
         "billing.invoices.services", "billing.sessions.selectors")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("billing", "stations", "loadmgmt", "tenants", "cpms",
                             include_external_packages=True, cache_dir=None)


def _imports(graph: grimp.ImportGraph, module: str) -> set[str]:
    return graph.find_modules_directly_imported_by(module)


def _package(graph: grimp.ImportGraph, package: str) -> set[str]:
    return {m for m in graph.modules if m == package or m.startswith(f"{package}.")}


@pytest.mark.parametrize("module", INNER + ("billing.tasks", "billing.invoices.tasks"))
def test_selectors_services_and_tasks_import_no_edge(graph, module):
    assert not _imports(graph, module) & set(EDGES)


@pytest.mark.parametrize("module", INNER)
def test_selectors_and_services_never_import_the_task_module_that_imports_them(graph, module):
    assert "billing.tasks" not in _imports(graph, module)


def test_the_invoice_pdf_task_imports_only_the_pdf_rendering(graph):
    """The invoice services queue it after their commit: it must not lead back to them."""
    assert not graph.chain_exists(importer="billing.invoices.tasks", imported="billing.invoices.services")


def test_the_pricing_engine_is_pure(graph):
    """No Django, no models, no other billing module: plain inputs, plain outputs."""
    engine = _package(graph, "billing.pricing")
    reached = {imported for module in engine for imported in _imports(graph, module)} - engine
    assert not {m for m in reached if m.split(".")[0] in {"django", "rest_framework", "billing", "stations",
                                                          "loadmgmt", "tenants", "cpms"}}


def test_the_models_import_no_other_billing_module(graph):
    models = _package(graph, "billing.models")
    reached = {imported for module in models for imported in _imports(graph, module)}
    assert not {m for m in reached if m.startswith("billing.")} - models


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_beat_task_is_found_by_its_dotted_path_and_registered_under_it(entry):
    name = settings.CELERY_BEAT_SCHEDULE[entry]["task"]
    app.loader.import_default_modules()

    assert symbol_by_name(name).name == name  # the embedded beat imports it by this path
    assert name in app.tasks


def test_the_invoice_pdf_task_keeps_its_name_from_before_the_move():
    from billing.invoices.tasks import render_invoice_pdf_task

    app.loader.import_default_modules()

    assert render_invoice_pdf_task.name == "billing.tasks.render_invoice_pdf_task"
    assert "billing.tasks.render_invoice_pdf_task" in app.tasks
