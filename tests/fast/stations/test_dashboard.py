"""The dashboard's tenant switcher lists only the user's tenants and switches; a user of no tenant
is told why they see nothing (sign-in, password reset and the overview: tests/test_dashboard.py)."""


import pytest

from tenants.models import Membership, Role
from tests.browser import member
from tests.factories import make_station, make_tenant
from tests.fast.clients import post, signed_in

pytestmark = pytest.mark.django_db


def test_the_tenant_switcher_lists_only_the_users_tenants_and_switches():
    first, second, foreign = make_tenant("First"), make_tenant("Second"), make_tenant("Foreign")
    make_station(second, identity="SW-SECOND")
    user = member(first, Role.MANAGER)
    Membership.objects.create(user=user, tenant=second, role=Role.ACCOUNTANT)
    http = signed_in(user)
    before = (http.get("/stations/")).text
    switched = post(http, "/tenant/", {"tenant": second.pk, "next": "/stations/"}, htmx=False)
    after = (http.get("/stations/")).text
    detail_switch = post(http, "/tenant/", {"tenant": first.pk,
                                            "next": "/stations/SW-SECOND/"}, htmx=False)
    refused = post(http, "/tenant/", {"tenant": foreign.pk, "next": "/"}, htmx=False)
    assert first.name in before and second.name in before and foreign.name not in before
    assert "SW-SECOND" not in before
    assert switched.status_code == 302 and switched.headers["location"] == "/stations/"
    assert "SW-SECOND" in after and "· accountant" in after
    assert detail_switch.headers["location"] == "/"  # not another tenant's station page
    assert refused.status_code == 404


def test_a_user_of_no_tenant_is_told_why_they_see_nothing():
    from tests.test_admin import make_user

    user = make_user()
    http = signed_in(user)
    response = http.get("/")
    assert response.status_code == 403 and "not a member of any tenant" in response.text
