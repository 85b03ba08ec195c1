"""Every dashboard list the same way at fleet size: paginated, sortable by its columns and
searchable (`?q=&sort=&page=`): a page's keys, then its rows (docs/dashboard.md).

    rows = listing(request, Station.objects.filter(tenant=request.tenant),
                   sorts={"identity": "identity", "seen": "last_seen"}, default="identity",
                   search=("identity", "name", "vendor"))

and in the template `{% load listing %}`: `{% search_box rows "Search stations" %}`,
`{% sort_th rows "identity" "Identity" %}` per sortable column, `{% for s in rows.page %}` and
`{% pager rows %}`. A sort key not offered, or a page past the end, falls back quietly: a list
never fails on its query string."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet

PAGE_SIZE = 50
MAX_SEARCH = 100  # characters of `q` used


class KeysFirst:
    """A sorted queryset as django's Paginator takes it (`count()` and slices), whose slice reads
    the page's primary keys first, then those rows whole. The keys of a deep page come from an
    index or narrow rows; the wide rows, with their joins, are read for the page's 50 only (a
    plain OFFSET reads and joins every row it skips: bench/README.md, pages.py)."""

    ordered = True  # the queryset is sorted (the Paginator warns otherwise)

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        return _PageRows(self.queryset, index)

    def iterator(self, chunk_size: int = 2000):
        """Every row in order (a CSV of the whole list)."""
        return self.queryset.iterator(chunk_size=chunk_size)


class _PageRows(Sequence):
    """One page of KeysFirst, read when first looked at (as a sliced queryset is: a view may
    still put another page in its place, reports.views)."""

    def __init__(self, queryset: QuerySet, window: slice):
        self.queryset, self.window, self.rows = queryset, window, None

    def _read(self) -> list:
        if self.rows is None:
            keys = list(self.queryset.values_list("pk", flat=True)[self.window])
            by_key = {row.pk: row for row in self.queryset.filter(pk__in=keys)}
            self.rows = [by_key[key] for key in keys if key in by_key]
        return self.rows

    def __getitem__(self, index):
        return self._read()[index]

    def __len__(self) -> int:
        return len(self._read())


@dataclass
class Listing:
    page: Page
    sort: str  # the key in force, "-" first when descending
    search: str
    params: dict  # the other query parameters (filters), kept by every link
    queryset: QuerySet | None = None  # searched and sorted, every page

    def __iter__(self):
        return iter(self.page)

    def query(self, **changes) -> str:
        """The query string of this list with `changes` (None drops a parameter)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        merged = {**self.params, "q": self.search, "sort": self.sort, **changes}
        for key, value in merged.items():
            if value not in (None, ""):
                query[key] = value
        return query.urlencode()


def _ordering(expression: str, descending: bool):
    field = F(expression.lstrip("-"))
    flip = expression.startswith("-") != descending
    return field.desc(nulls_last=True) if flip else field.asc(nulls_last=True)


def listing(request, queryset: QuerySet, *, sorts: dict[str, str | tuple[str, ...]], default: str,
            search: tuple[str, ...] = (), size: int = PAGE_SIZE) -> Listing:
    """One page of `queryset`, sorted by `?sort=` (a key of `sorts`, "-key" descending; each maps
    to one or more model fields) and narrowed by `?q=` (any of `search` contains it, any case)."""
    text = (request.GET.get("q") or "").strip()[:MAX_SEARCH]
    if text and search:
        queryset = queryset.filter(reduce(or_, (Q(**{f"{name}__icontains": text}) for name in search)))
    asked = request.GET.get("sort") or default
    key = asked.lstrip("-")
    if key not in sorts:
        asked, key = default, default.lstrip("-")
    fields = sorts[key] if isinstance(sorts[key], tuple) else (sorts[key],)
    descending = asked.startswith("-")
    queryset = queryset.order_by(*(_ordering(f, descending) for f in fields), "-pk" if descending else "pk")
    params = {k: v for k, v in request.GET.items() if k not in ("q", "sort", "page")}
    return Listing(page=Paginator(KeysFirst(queryset), size).get_page(request.GET.get("page")),
                   sort=asked, search=text, params=params, queryset=queryset)
