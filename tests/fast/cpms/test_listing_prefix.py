"""cpms/listing.py with a prefix: two lists on one page, each paged, sorted and searched by its own
`?<prefix>q=&<prefix>sort=&<prefix>page=`, each list's links keeping the other's; a list without
a prefix reads and writes the plain names as before."""

from urllib.parse import parse_qs

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from cpms.listing import listing
from stations.models import Station
from tests.factories import make_station, make_tenant

pytestmark = pytest.mark.django_db
SORTS = {"identity": "identity", "vendor": ("vendor", "identity")}


def _two(query: str):
    tenant = make_tenant()
    for n in range(5):
        make_station(tenant, f"TWO-{n}", vendor="Acme" if n % 2 else "Other")
    request = RequestFactory().get(f"/page/?{query}")
    stations = Station.objects.filter(tenant=tenant)
    plain = listing(request, stations, sorts=SORTS, default="identity", search=("identity", "vendor"), size=2)
    other = listing(request, stations, sorts=SORTS, default="identity", search=("identity", "vendor"), size=2,
                    prefix="b-")
    return plain, other


def _names(rows) -> list[str]:
    return [s.identity for s in rows.page]


def test_each_list_reads_its_own_parameters():
    plain, other = _two("page=2&b-sort=-identity&b-q=acme&site=7")
    assert _names(plain) == ["TWO-2", "TWO-3"] and plain.sort == "identity" and plain.search == ""
    assert _names(other) == ["TWO-3", "TWO-1"] and other.sort == "-identity" and other.search == "acme"
    assert plain.params == {"b-sort": "-identity", "b-q": "acme", "site": "7"}
    assert other.params == {"page": "2", "site": "7"}


def test_each_lists_links_keep_the_other_lists_parameters():
    plain, other = _two("page=2&b-sort=-identity&b-page=2")
    assert parse_qs(other.query(page=None)) == {"page": ["2"], "b-sort": ["-identity"]}
    assert parse_qs(other.query(sort="vendor")) == {"page": ["2"], "b-sort": ["vendor"]}  # its own page: not
    assert parse_qs(plain.query(page=3)) == {"page": ["3"], "sort": ["identity"], "b-sort": ["-identity"],
                                             "b-page": ["2"]}
    assert plain.query(site="1").endswith("site=1")  # a filter is named as given, prefix or not
    assert "site=1" in other.query(site="1")


def test_the_tags_name_the_prefixed_parameters():
    plain, other = _two("b-q=acme&page=2")
    html = Template('{% load listing %}{% search_box rows "Find" %}{% sort_th rows "vendor" "Vendor" %}'
                    '{% pager rows %}').render(Context({"rows": other}))
    assert 'name="b-q" value="acme"' in html and 'id="b-list-search"' in html
    assert '<input type="hidden" name="page" value="2">' in html
    assert '<input type="hidden" name="b-sort" value="identity">' in html
    assert 'href="?page=2&amp;b-q=acme&amp;b-sort=vendor"' in html
    html = Template('{% load listing %}{% search_box rows "Find" %}').render(Context({"rows": plain}))
    assert 'name="q"' in html and 'id="list-search"' in html and 'name="b-q" value="acme"' in html
