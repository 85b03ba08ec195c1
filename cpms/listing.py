"""Every dashboard list the same way at fleet size: paginated, sortable by its columns and
searchable (`?q=&sort=&page=`): a page's keys, then its rows (docs/dashboard.md).

    rows = listing(request, Station.objects.filter(tenant=request.tenant),
                   sorts={"identity": "identity", "seen": "last_seen"}, default="identity",
                   search=("identity", "name", "vendor"))

and in the template `{% load listing %}`: `{% search_box rows "Search stations" %}`,
`{% sort_th rows "identity" "Identity" %}` per sortable column, `{% for s in rows.page %}` and
`{% pager rows %}`. A sort key not offered, or a page past the end, falls back quietly: a list
never fails on its query string. Two lists on one page: `prefix="ca-"` gives the second its own
`?ca-q=&ca-sort=&ca-page=`, and each list's links keep the other's parameters."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet

PAGE_SIZE = 50
MAX_SEARCH = 100  # characters of `q` used
OWN = ("q", "sort", "page")  # a list's own query parameters (with its prefix)


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


def _matching(model, search: tuple[str, ...], text: str) -> Q:
    """Any of `search` contains `text`, any case. A field across a foreign key
    (`station__identity`) is matched in its own table first (`station IN (stations whose
    identity …)`): a few thousand rows searched once, not a join filtered row by row over
    100,000 sessions (bench/README.md, pages.py)."""
    own, across = [], {}
    for name in search:
        relation, _, rest = name.partition("__")
        try:
            field = model._meta.get_field(relation) if rest else None
        except FieldDoesNotExist:
            field = None
        if field is not None and field.many_to_one:
            across.setdefault(relation, []).append(rest)
        else:
            own.append(name)
    found = [Q(**{f"{name}__icontains": text}) for name in own]
    for relation, names in across.items():
        target = model._meta.get_field(relation).related_model._base_manager
        found.append(Q(**{f"{relation}__in": target.filter(
            reduce(or_, (Q(**{f"{name}__icontains": text}) for name in names))).values("pk")}))
    return reduce(or_, found)


@dataclass
class Listing:
    page: Page
    sort: str  # the key in force, "-" first when descending
    search: str
    params: dict  # the other query parameters (filters, other lists'), kept by every link
    queryset: QuerySet | None = None  # searched and sorted, every page
    prefix: str = ""  # of this list's own parameters: `<prefix>q`, `<prefix>sort`, `<prefix>page`

    def __iter__(self):
        return iter(self.page)

    def query(self, **changes) -> str:
        """The query string of this list with `changes` (None drops a parameter; `q`, `sort`
        and `page` are this list's, prefixed)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        own = {self.name(key): value for key, value in {"q": self.search, "sort": self.sort,
                                                         **changes}.items()}
        merged = {**self.params, **own}
        for key, value in merged.items():
            if value not in (None, ""):
                query[key] = value
        return query.urlencode()

    def name(self, key: str) -> str:
        """The query parameter of this list's `key` (`q`, `sort`, `page`); another is as named."""
        return f"{self.prefix}{key}" if key in OWN else key


def _ordering(expression: str, descending: bool):
    field = F(expression.lstrip("-"))
    flip = expression.startswith("-") != descending
    return field.desc(nulls_last=True) if flip else field.asc(nulls_last=True)


def listing(request, queryset: QuerySet, *, sorts: dict[str, str | tuple[str, ...]], default: str,
            search: tuple[str, ...] = (), size: int = PAGE_SIZE, prefix: str = "") -> Listing:
    """One page of `queryset`, sorted by `?sort=` (a key of `sorts`, "-key" descending; each maps
    to one or more model fields) and narrowed by `?q=` (any of `search` contains it, any case);
    with a `prefix`, `?<prefix>sort=`, `?<prefix>q=` and `?<prefix>page=`."""
    text = (request.GET.get(f"{prefix}q") or "").strip()[:MAX_SEARCH]
    if text and search:
        queryset = queryset.filter(_matching(queryset.model, search, text))
    asked = request.GET.get(f"{prefix}sort") or default
    key = asked.lstrip("-")
    if key not in sorts:
        asked, key = default, default.lstrip("-")
    fields = sorts[key] if isinstance(sorts[key], tuple) else (sorts[key],)
    descending = asked.startswith("-")
    queryset = queryset.order_by(*(_ordering(f, descending) for f in fields), "-pk" if descending else "pk")
    own = [f"{prefix}{key}" for key in OWN]
    params = {k: v for k, v in request.GET.items() if k not in own}
    return Listing(page=Paginator(KeysFirst(queryset), size).get_page(request.GET.get(f"{prefix}page")),
                   sort=asked, search=text, params=params, queryset=queryset, prefix=prefix)
