"""A report table sorted by one of its figures, at fleet size (docs/reports.md, "Rollups").

Joining every station to its days and grouping the wide rows took 2-6 s at 10,000 stations
(EXPLAIN ANALYZE in bench/README.md). Here the period's days are summed per station alone (a
hash aggregate over the (tenant, day) index), sorted by the figure in SQL with LIMIT, and only
the page's stations are read. The order is the listing's (cpms.listing): the figure, blanks
last, then the primary key in the same direction; a station without days in the period, or
whose figure is blank, is in the blank group, ordered by its key."""

from django.db.models import F, QuerySet

from reports.models import SiteDay, StationDay
from reports.periods import Period
from tenants.models import Tenant


class Ranked:
    """The rows of `items` (a searched, unordered queryset of stations or sites) sorted by
    `key`, as a sequence django's Paginator takes: `count()` and slices of model instances,
    each with the period's figures set (reports.selectors.figures_into)."""

    def __init__(self, items: QuerySet, period: Period, key: str, *, descending: bool, of: str,
                 tenant: Tenant):
        self.items, self.period, self.key, self.descending, self.of = (
            items.order_by(), period, key, descending, of)
        self.tenant = tenant
        self.field, self.model = ("station_id", StationDay) if of == "station" else ("location_id",
                                                                                     SiteDay)

    def count(self) -> int:
        return self.items.count()

    def __len__(self) -> int:
        return self.count()

    def _valued(self) -> QuerySet:
        """The ids of the items with a figure, best first, in one grouped query."""
        from reports.selectors import SHARES, _sums

        value = F(self.key)
        return (self.model.objects.filter(tenant=self.tenant, day__gte=self.period.start,
                                          day__lte=self.period.end,
                                          **{f"{self.field}__in": self.items.values("pk")})
                .values(self.field).annotate(**_sums("")).annotate(**SHARES)
                .filter(**{f"{self.key}__isnull": False})
                .order_by(value.desc() if self.descending else value.asc(),
                          f"-{self.field}" if self.descending else self.field)
                .values_list(self.field, flat=True))

    def _blank(self) -> QuerySet:
        """The ids of the items without the figure, by key."""
        return (self.items.exclude(pk__in=self._valued().order_by())
                .order_by("-pk" if self.descending else "pk").values_list("pk", flat=True))

    def ids(self, start: int, stop: int | None) -> list[int]:
        valued = self._valued()
        found = list(valued[start:stop])
        if stop is not None and len(found) == stop - start:
            return found
        skipped = max(0, start - valued.count()) if not found else 0
        rest = None if stop is None else stop - start - len(found)
        blank = self._blank()
        return found + list(blank[skipped:] if rest is None else blank[skipped:skipped + rest])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        return self.rows(self.ids(index.start or 0, index.stop))

    def rows(self, ids: list[int]) -> list:
        from reports.selectors import figures_into

        by_pk = self.items.in_bulk(ids)
        return figures_into([by_pk[pk] for pk in ids], self.period, of=self.of)

    def iterator(self, chunk_size: int = 500):
        """Every row in order (the CSV): the order once, then the rows a chunk at a time."""
        ids = self.ids(0, None)
        for at in range(0, len(ids), chunk_size):
            yield from self.rows(ids[at:at + chunk_size])
