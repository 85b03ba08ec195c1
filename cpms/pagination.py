"""`?limit=&offset=` pagination with a cap on `limit`: an unbounded one reached the database as
a LIMIT beyond its integers (a 500, issue 16, finding 13) and asked it for every row at once. An
offset past the end is an empty page, as before."""

from rest_framework.pagination import LimitOffsetPagination


class CappedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = 1000
