"""A report table sorted by one of its figures, at fleet size (docs/reports.md, "Rollups").

Joining every station to its days and grouping the wide rows took 2-6 s at 10,000 stations
(EXPLAIN ANALYZE in bench/README.md). Here the period's rollup rows are summed per station alone
(a hash aggregate over the (tenant, month) and (tenant, day) indexes: the whole months' rows of
StationMonth and the other days' of StationDay, so a year reads about 12 + 30 rows per station,
not 366), sorted by the figure in SQL with LIMIT, and only the page's stations are read. The
order is the listing's (cpms.listing): the figure, blanks last, then the primary key in the same
direction; a station without rows in the period, or whose figure is blank, is in the blank group,
ordered by its key."""

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from reports.periods import Period
from tenants.models import Tenant

# The rollup fields each sort key reads: a share's part and whole, or the one summed.
READS = {"uptime_pct": ("uptime_s", "seconds"), "occupied_pct": ("occupied_cs", "connector_s"),
         "charging_pct": ("charging_cs", "connector_s"), "total_sessions": ("sessions",),
         "energy_kwh": ("energy_wh",), "total_net": ("revenue_net",), "total_gross": ("revenue_gross",)}


class Ranked:
    """The rows of `items` (a searched, unordered queryset of stations or sites) sorted by
    `key`, as a sequence django's Paginator takes: `count()` and slices of model instances,
    each with the period's figures set (reports.selectors.figures_into)."""

    def __init__(self, items: QuerySet, period: Period, key: str, *, descending: bool, of: str,
                 tenant: Tenant):
        self.items, self.period, self.key, self.descending, self.of = (
            items.order_by(), period, key, descending, of)
        self.tenant = tenant
        self.field = "station_id" if of == "station" else "location_id"

    def count(self) -> int:
        return self.items.count()

    def __len__(self) -> int:
        return self.count()

    def _valued(self) -> tuple[str, list]:
        """SQL selecting `item` (the item's id) and `figure` of every item with a
        figure, unordered: the period's rows (reports.selectors.period_rows) of the items,
        only the fields the figure needs, summed per item in one grouped query."""
        from reports.selectors import period_rows

        parts = [rows.filter(tenant=self.tenant, **{f"{self.field}__in": self.items.values("pk")})
                 .values(self.field, *READS[self.key]) for rows in period_rows(self.period, of=self.of)]
        rows, params = (parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
                        ).query.sql_with_params()
        q = connection.ops.quote_name
        sums = [f"SUM({q(name)})" for name in READS[self.key]]
        if self.key.endswith("_pct"):  # as reports.selectors.SHARES: float, blank where no time
            part, whole = sums
            value = f"CAST({part} AS {connection.data_types['FloatField']}) * 100.0 / NULLIF({whole}, 0)"
        else:  # a sum (energy in Wh: the same order as in kWh)
            value = sums[0]
        return (f"SELECT item, figure FROM (SELECT {q(self.field)} AS item, {value} AS figure "
                f"FROM ({rows}) parts GROUP BY {q(self.field)}) summed WHERE figure IS NOT NULL",
                list(params))

    def _fetch(self, sql: str, params: list) -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _blank(self) -> QuerySet:
        """The ids of the items without the figure, by key."""
        sql, params = self._valued()
        return (self.items.exclude(pk__in=RawSQL(f"SELECT item FROM ({sql}) valued", params))
                .order_by("-pk" if self.descending else "pk").values_list("pk", flat=True))

    def ids(self, start: int, stop: int | None) -> list[int]:
        sql, params = self._valued()
        way = "DESC" if self.descending else "ASC"
        ordered = f"{sql} ORDER BY figure {way}, item {way}"
        if stop is None:
            found = [row[0] for row in self._fetch(ordered, params)][start:]
        else:
            found = [row[0] for row in self._fetch(f"{ordered} LIMIT %s OFFSET %s",
                                                   [*params, stop - start, start])]
        if stop is not None and len(found) == stop - start:
            return found
        valued = self._fetch(f"SELECT COUNT(*) FROM ({sql}) valued", params)[0][0]
        skipped = max(0, start - valued) if not found else 0
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
