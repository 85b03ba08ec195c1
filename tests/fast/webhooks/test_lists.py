"""The webhooks lists through cpms/listing.py (docs/dashboard.md): endpoints and deliveries sort by
their columns, search, page, keep the delivery filters, never show another tenant's rows and fall
back quietly on a bad sort or page; a page reads in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fast.lists import order, small_pages
from tests.fast.webhooks.test_dashboard import make_delivery, make_endpoint, text
from webhooks.models import DeliveryState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True


def test_endpoints_sort_search_and_page(owner_web, tenant, other_tenant, monkeypatch):
    for name in ("charlie", "alpha", "bravo"):
        make_endpoint(tenant, url=f"http://127.0.0.1:9/{name}")
    make_endpoint(other_tenant, url="http://127.0.0.1:9/alien")
    marks = ("/alpha", "/bravo", "/charlie", "/alien")

    assert order(text(owner_web.get("/webhooks/")), *marks) == ["/alpha", "/bravo", "/charlie"]
    assert order(text(owner_web.get("/webhooks/?sort=-url")), *marks) == ["/charlie", "/bravo", "/alpha"]
    assert order(text(owner_web.get("/webhooks/?q=BRAV")), *marks) == ["/bravo"]
    assert order(text(owner_web.get("/webhooks/?q=alien")), *marks) == []
    small_pages(monkeypatch)
    assert order(text(owner_web.get("/webhooks/?page=2")), *marks) == ["/charlie"]
    fallback = owner_web.get("/webhooks/?sort=secret_encrypted&page=zz")
    assert fallback.status_code == 200
    assert order(text(fallback), *marks) == ["/alpha", "/bravo"]


def test_deliveries_sort_search_page_and_keep_the_filters(owner_web, tenant, other_tenant, monkeypatch):
    first = make_endpoint(tenant, "station.connected", "session.started", url="http://127.0.0.1:9/first")
    second = make_endpoint(tenant, "station.disconnected", url="http://127.0.0.1:9/second")
    ours = [make_delivery(first, attempts=3), make_delivery(second, "station.disconnected", attempts=1),
            make_delivery(first, "session.started", attempts=2, state=DeliveryState.DEAD)]
    theirs = make_delivery(make_endpoint(other_tenant, url="http://127.0.0.1:9/alien"))
    marks = [f'data-delivery="{d.pk}"' for d in (*ours, theirs)]

    newest_first = order(text(owner_web.get("/webhooks/deliveries/")), *marks)
    assert newest_first == marks[2::-1]
    by_attempts = order(text(owner_web.get("/webhooks/deliveries/?sort=attempts")), *marks)
    assert by_attempts == [marks[1], marks[2], marks[0]]
    assert order(text(owner_web.get("/webhooks/deliveries/?q=second")), *marks) == [marks[1]]
    filtered = text(owner_web.get(f"/webhooks/deliveries/?endpoint={first.pk}&sort=attempts"))
    assert order(filtered, *marks) == [marks[2], marks[0]]
    assert f'href="?endpoint={first.pk}&amp;sort=-attempts"' in filtered  # the sort link keeps the filter
    small_pages(monkeypatch)
    assert order(text(owner_web.get("/webhooks/deliveries/?page=2")), *marks) == [marks[0]]
    fallback = owner_web.get("/webhooks/deliveries/?sort=-nope&page=99")
    assert fallback.status_code == 200
    assert order(text(fallback), *marks) == [marks[0]]


def test_the_delivery_log_reads_a_page_in_fixed_queries(owner_web, tenant):
    endpoint = make_endpoint(tenant)
    make_delivery(endpoint)
    with CaptureQueriesContext(connection) as one:
        owner_web.get("/webhooks/deliveries/")
    for _ in range(5):
        make_delivery(endpoint)
    with CaptureQueriesContext(connection) as six:
        owner_web.get("/webhooks/deliveries/")
    assert len(six) == len(one)
