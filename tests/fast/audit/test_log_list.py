"""The audit log page through cpms/listing.py (docs/dashboard.md): sorted by its columns, searched
by the filter set's `q`, paged, its filters and exports kept in every link, another tenant's
entries never shown, a bad sort or page falling back quietly."""

from datetime import UTC, datetime

import pytest

from tests.fast.audit.test_api import entry
from tests.fast.lists import order, small_pages

pytestmark = pytest.mark.django_db


def _entries(tenant, other_tenant):
    entry(tenant, actor="bob", object_repr="Bravo", at=datetime(2026, 3, 2, tzinfo=UTC))
    entry(tenant, actor="carol", object_repr="Charlie", at=datetime(2026, 3, 1, tzinfo=UTC))
    entry(tenant, actor="alice", object_repr="Alpha", at=datetime(2026, 3, 3, tzinfo=UTC))
    entry(other_tenant, actor="mallory", object_repr="Mallory", at=datetime(2026, 3, 4, tzinfo=UTC))


ACTORS = ("alice", "bob", "carol", "mallory")


def test_the_log_sorts_searches_and_pages(tenant, other_tenant, owner_web, monkeypatch):
    _entries(tenant, other_tenant)

    def actors(url):
        response = owner_web.get(url)
        assert response.status_code == 200
        return order(response.content.decode(), *(f"{a} <small" for a in ACTORS))

    assert actors("/audit/") == ["alice <small", "bob <small", "carol <small"]  # newest first
    assert actors("/audit/?sort=who") == ["alice <small", "bob <small", "carol <small"]
    assert actors("/audit/?sort=-who") == ["carol <small", "bob <small", "alice <small"]
    assert actors("/audit/?sort=when") == ["carol <small", "bob <small", "alice <small"]
    assert actors("/audit/?q=charl") == ["carol <small"]
    assert actors("/audit/?q=mallory") == []
    assert actors("/audit/?actor=b&sort=who") == ["bob <small"]
    small_pages(monkeypatch)
    assert actors("/audit/?sort=who&page=2") == ["carol <small"]
    assert actors("/audit/?sort=changes&page=zz") == ["alice <small", "bob <small"]
    assert actors("/audit/?page=99") == ["carol <small"]  # past the end: the last page


def test_sort_links_keep_the_filters_and_the_exports_keep_working(tenant, other_tenant, owner_web):
    _entries(tenant, other_tenant)

    page = owner_web.get("/audit/?actor=o&sort=who").content.decode()

    assert 'href="?actor=o&amp;sort=-who"' in page
    assert "export.csv?actor=o&amp;sort=who" in page
    response = owner_web.get("/audit/export.csv?actor=o&sort=who")
    export = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    assert "bob" in export and "carol" in export and "alice" not in export and "mallory" not in export
