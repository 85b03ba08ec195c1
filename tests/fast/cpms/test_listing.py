"""cpms/listing.py: a page reads its keys first, then its rows whole, in the list's order."""

import pytest
from django.db.models import F, Q, Value
from django.test import RequestFactory

from cpms.listing import listing
from stations.models import Station
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db


def _listed(query: str, size: int = 3):
    tenant = make_tenant()
    for n in range(8):
        make_station(tenant, f"LIST-{n:02}", vendor="Acme" if n % 2 else "Other")
    stations = Station.objects.filter(tenant=tenant).select_related("tenant").annotate(
        doubled=F("id") * Value(2))
    return listing(RequestFactory().get(f"/stations/?{query}"), stations,
                   sorts={"identity": "identity", "vendor": ("vendor", "identity")}, default="identity",
                   search=("identity", "vendor"), size=size)


def test_a_deep_page_is_the_plain_slice_with_its_annotations_and_relations():
    listed = _listed("sort=-vendor&page=2")
    rows = list(listed.page)
    plain = list(listed.queryset[3:6])
    assert [s.identity for s in rows] == [s.identity for s in plain] == ["LIST-00", "LIST-07", "LIST-05"]
    assert all(s.doubled == 2 * s.id and s.tenant.pk == s.tenant_id for s in rows)
    assert listed.page.paginator.count == 8 and listed.page.has_next()


def test_the_last_page_and_a_search_page_as_before():
    assert [s.identity for s in _listed("page=99").page] == ["LIST-06", "LIST-07"]  # past the end: the last
    searched = _listed("q=acme&sort=identity")
    assert [s.identity for s in searched.page] == ["LIST-01", "LIST-03", "LIST-05"]
    assert searched.page.paginator.count == 4


def test_a_search_across_a_foreign_key_finds_what_the_join_finds():
    from stations.models import Location

    tenant = make_tenant()
    harbour = Location.objects.create(tenant=tenant, name="Harbour car park")
    for n in range(4):
        make_station(tenant, f"SITE-{n}", location=harbour if n % 2 else None,
                     vendor="harbourtech" if n == 2 else "")
    stations = Station.objects.filter(tenant=tenant)
    listed = listing(RequestFactory().get("/stations/?q=HARBOUR"), stations, sorts={"identity": "identity"},
                     default="identity", search=("vendor", "location__name"))
    joined = stations.filter(Q(vendor__icontains="harbour") | Q(location__name__icontains="harbour"))
    assert [s.identity for s in listed.page] == sorted(joined.values_list("identity", flat=True)) == [
        "SITE-1", "SITE-2", "SITE-3"]
    assert "IN (SELECT" in str(listed.queryset.query)  # the site matched in its own table
