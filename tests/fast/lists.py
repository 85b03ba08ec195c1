"""Shared checks for the dashboard lists of cpms/listing.py (docs/dashboard.md): pages made small
so a test pages through a few rows, and the order in which rows appear in a page's HTML."""

from cpms import listing


def small_pages(monkeypatch, size: int = 2) -> None:
    """Every list of the test pages `size` rows at a time."""
    monkeypatch.setattr(listing.listing, "__kwdefaults__", {**listing.listing.__kwdefaults__, "size": size})


def order(html: str, *marks: str) -> list[str]:
    """`marks` found in `html`, in the order they appear (those missing are left out)."""
    found = [(html.find(mark), mark) for mark in marks if mark in html]
    return [mark for _, mark in sorted(found)]
