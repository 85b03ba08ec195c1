"""OCPP 1.6's IdToken is case-insensitive: "04a2b3c4" and "04A2B3C4" are one card everywhere
outside Authorize and the transactions too, in process: the id-tags API, local lists, the sessions
filter, free tags and customers in billing (the admin, the dashboard form and reservations:
tests/test_id_tags_any_case.py)."""

from datetime import UTC, date, datetime

import pytest

from billing.invoices.selectors import prices_to_invoice
from billing.selectors import session_is_free
from billing.sessions.selectors import SessionQuery, session_csv_rows, sessions_filtered
from stations.authlist.selectors import group_entries, id_tag_infos
from stations.authlist.services import list_difference
from stations.models import ChargingSession, IdTag
from tests.factories import make_id_tag, make_station, make_tenant
from tests.fast.billing.invoices.test_invoices import make_customer, priced_session
from tests.fast.clients import api_client

pytestmark = pytest.mark.django_db

STOPPED = datetime(2026, 3, 10, 12, tzinfo=UTC)


def _session(station, id_tag: str) -> ChargingSession:
    return priced_session(station, id_tag, stopped_at=STOPPED, nets={"19": "1.00"})


# The id-tags API -----------------------------------------------------------------------------
def test_creating_a_tag_that_exists_in_another_case_is_a_400_that_says_so():
    tenant = make_tenant()
    make_id_tag(tenant, "04A2B3C4")
    with api_client(tenant) as api:
        response = api.post("/api/v1/id-tags/", json={"id_tag": "04a2b3c4"})
    assert response.status_code == 400
    assert response.json()["id_tag"] == [
        'This id tag exists already as "04A2B3C4": id tags are the same in any case.']
    assert IdTag.objects.filter(tenant=tenant).count() == 1


def test_a_tag_is_found_in_the_url_in_any_case_and_keeps_its_spelling():
    tenant = make_tenant()
    make_id_tag(tenant, "04A2B3C4")
    with api_client(tenant) as api:
        fetched = api.get("/api/v1/id-tags/04a2b3c4/")
        patched = api.patch("/api/v1/id-tags/04a2B3c4/",
                            json={"id_tag": "04a2b3c4", "max_sessions": 3})
    assert fetched.status_code == 200 and fetched.json()["id_tag"] == "04A2B3C4"
    assert patched.status_code == 200, patched.text
    assert (patched.json()["id_tag"], patched.json()["max_sessions"]) == ("04A2B3C4", 3)


def test_max_sessions_is_on_the_id_tags_api_blank_meaning_the_tenants_default():
    tenant = make_tenant()
    with api_client(tenant) as api:
        unlimited = (api.post("/api/v1/id-tags/", json={"id_tag": "FLEET-1",
                                                         "max_sessions": 0})).json()
        default = (api.post("/api/v1/id-tags/", json={"id_tag": "DRIVER-1"})).json()
    assert (unlimited["max_sessions"], default["max_sessions"]) == (0, None)


def test_the_parent_filter_matches_in_any_case():
    tenant = make_tenant()
    make_id_tag(tenant, "FLEET")
    make_id_tag(tenant, "ALICE", parent_id_tag="Fleet")
    make_id_tag(tenant, "BOB")
    with api_client(tenant) as api:
        body = (api.get("/api/v1/id-tags/?parent_id_tag=fleet")).json()
    assert [tag["id_tag"] for tag in body["results"]] == ["ALICE"]


def test_the_sessions_filter_matches_the_id_tag_in_any_case():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    anna, _bob = _session(station, "ANNA"), _session(station, "BOB")
    with api_client(tenant) as api:
        body = (api.get("/api/v1/sessions/?id_tag=anna")).json()
    assert [s["id"] for s in body["results"]] == [anna.pk]


# Local lists ---------------------------------------------------------------------------------
def test_a_local_list_entry_takes_its_parents_status_whatever_the_parents_case():
    tenant = make_tenant()
    tags = [make_id_tag(tenant, "FLEET", status="Blocked"),
            make_id_tag(tenant, "ALICE", parent_id_tag="fleet")]
    infos = id_tag_infos(tags, datetime.now(UTC))
    assert infos["ALICE"] == {"status": "Blocked", "parentIdTag": "fleet"}
    assert list(group_entries(infos, "Fleet")) == ["ALICE"]


def test_a_differential_list_updates_a_tag_now_spelt_otherwise_and_never_removes_it():
    accepted = {"status": "Accepted"}
    held = {"04a2b3c4": accepted, "GONE": accepted, "SAME": accepted}
    desired = {"04A2B3C4": accepted, "SAME": accepted}
    assert list_difference(held, desired) == [
        {"idTag": "04A2B3C4", "idTagInfo": accepted}, {"idTag": "GONE"}]


# Billing -----------------------------------------------------------------------------------------
def test_an_internal_group_makes_its_members_sessions_free_in_any_case():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    make_id_tag(tenant, "STAFF", internal=True)
    make_id_tag(tenant, "STAFF1", parent_id_tag="staff")
    make_id_tag(tenant, "GUEST")
    assert session_is_free(_session(station, "Staff1"))
    assert not session_is_free(_session(station, "guest"))


def test_a_customers_sessions_in_another_case_are_invoiced_filtered_and_exported_as_theirs():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    dora = make_customer(tenant, "Dora")
    make_id_tag(tenant, "04A2B3C4", customer=dora)
    session = _session(station, "04a2b3c4")
    due = prices_to_invoice(tenant, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
    assert [(price.session_id, price.customer_id) for price in due] == [(session.pk, dora.pk)]
    query = SessionQuery(since=date(2026, 3, 1), until=date(2026, 3, 31), customer_id=dora.pk)
    assert list(sessions_filtered(tenant, query)) == [session]
    assert [row["customer"] for row in session_csv_rows(tenant, query)] == ["Dora"]
