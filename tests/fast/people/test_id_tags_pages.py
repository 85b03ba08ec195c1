"""The id tags and customers pages (billing/people_views.py, docs/dashboard.md "People"): list,
edit, block, delete, CSV import and export, per role and across tenants. In process."""

import csv
import html
import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from billing.invoices.services import invoice_run
from billing.models import Customer
from stations.models import IdTag
from tenants.models import Role
from tests.browser import member
from tests.factories import make_id_tag, make_station
from tests.fast.clients import signed_in
from tests.test_dashboard_money import charged, make_tariff

pytestmark = pytest.mark.django_db

HEADER = "id_tag,name,status,expiry_date,parent_id_tag,max_sessions,customer,internal"


def upload(http, text: str, update: bool = False):
    data = {"file": SimpleUploadedFile("tags.csv", text.encode(), "text/csv")}
    if update:
        data["update_existing"] = "on"
    return http.post("/id-tags/import/", data)


def streamed(response) -> str:
    """The CSV (the fast tier's client reads a streamed answer whole: tests/fast/clients.py)."""
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return response.content.decode()


# ---- The list -----------------------------------------------------------------------------------


def test_the_list_sorts_searches_filters_and_pages(tenant, owner_web):
    for n in range(60):
        status = "Blocked" if n % 10 == 0 else "Accepted"
        make_id_tag(tenant, f"CARD{n:03}", name=f"Driver {n}", status=status)
    first = owner_web.get("/id-tags/")
    assert first.status_code == 200 and "CARD000" in first.text and "CARD059" not in first.text  # 50 a page
    assert "CARD059" in owner_web.get("/id-tags/?sort=-id_tag").text.split("CARD000")[0]
    found = owner_web.get("/id-tags/?q=driver 42")
    assert "CARD042" in found.text and "CARD041" not in found.text
    blocked = owner_web.get("/id-tags/?status=Blocked")
    assert "CARD010" in blocked.text and "CARD011" not in blocked.text


def test_the_list_is_one_query_per_page_whatever_its_length(tenant, owner_web, django_assert_max_num_queries):
    customer = Customer.objects.create(tenant=tenant, name="Acme")
    for n in range(40):
        make_id_tag(tenant, f"Q{n}", customer=customer)
    with django_assert_max_num_queries(12):  # session, user, membership, tenants, count, page
        assert owner_web.get("/id-tags/").status_code == 200


# ---- Edit, block, delete ------------------------------------------------------------------------


def test_block_and_unblock_in_one_click_each(tenant, owner_web):
    tag = make_id_tag(tenant, "CLICK")
    blocked = owner_web.post(f"/id-tags/{tag.pk}/block/", {"next": "/id-tags/?q=CL"})
    assert blocked.headers["location"] == "/id-tags/?q=CL"
    tag.refresh_from_db()
    assert tag.status == "Blocked"
    owner_web.post(f"/id-tags/{tag.pk}/block/", {"next": "https://evil.example/"})
    tag.refresh_from_db()
    assert tag.status == "Accepted"
    assert owner_web.get(f"/id-tags/{tag.pk}/block/").status_code == 405


def test_delete_asks_first_then_deletes(tenant, owner_web):
    tag = make_id_tag(tenant, "GONE")
    assert "Delete id tag GONE?" in owner_web.get(f"/id-tags/{tag.pk}/delete/").text
    assert IdTag.objects.filter(pk=tag.pk).exists()
    assert owner_web.post(f"/id-tags/{tag.pk}/delete/").status_code == 302
    assert not IdTag.objects.filter(pk=tag.pk).exists()
    assert AuditEntry.objects.filter(tenant=tenant, action="delete", object_type="stations.idtag").exists()


def test_an_installer_edits_tags_without_the_money_fields(tenant, member_web):
    customer = Customer.objects.create(tenant=tenant, name="Acme")
    tag = make_id_tag(tenant, "INST", customer=customer, internal=True)
    form = member_web.get(f"/id-tags/{tag.pk}/")
    assert form.status_code == 200 and 'name="customer"' not in form.text and "Acme" not in form.text
    saved = member_web.post(f"/id-tags/{tag.pk}/", {"id_tag": "INST", "status": "Blocked", "priority": "0",
                                                   "customer": "", "internal": ""})
    assert saved.status_code == 302
    tag.refresh_from_db()
    assert (tag.status, tag.customer_id, tag.internal) == ("Blocked", customer.pk, True)  # money kept
    assert "Acme" not in member_web.get("/id-tags/").text


def test_an_accountant_reads_tags_but_changes_none(tenant):
    http = signed_in(member(tenant, Role.ACCOUNTANT))
    tag = make_id_tag(tenant, "ACC")
    assert http.get("/id-tags/").status_code == 200
    assert http.get("/id-tags/export.csv").status_code == 200
    for url in (f"/id-tags/{tag.pk}/", f"/id-tags/{tag.pk}/block/", f"/id-tags/{tag.pk}/delete/",
                "/id-tags/import/", "/id-tags/new/"):
        assert http.post(url, {}).status_code == 403, url
    tag.refresh_from_db()
    assert tag.status == "Accepted"


def test_another_tenants_tags_and_customers_are_not_found(tenant, outsider_web):
    tag = make_id_tag(tenant, "SECRET-TAG")
    customer = Customer.objects.create(tenant=tenant, name="Secret customer")
    for url in (f"/id-tags/{tag.pk}/", f"/id-tags/{tag.pk}/block/", f"/id-tags/{tag.pk}/delete/",
                f"/customers/{customer.pk}/", f"/customers/{customer.pk}/delete/"):
        assert outsider_web.post(url, {}).status_code == 404, url
    urls = ("/id-tags/", "/customers/", f"/id-tags/?customer={customer.pk}")
    texts = [outsider_web.get(url).text for url in urls]
    texts.append(streamed(outsider_web.get("/id-tags/export.csv")))
    assert not any("SECRET" in text or "Secret" in text for text in texts)
    assert IdTag.objects.filter(pk=tag.pk, status="Accepted").exists()
    assert Customer.objects.filter(pk=customer.pk).exists()


# ---- CSV import and export ----------------------------------------------------------------------


def test_a_bad_file_names_every_bad_row_and_imports_nothing(tenant, owner_web):
    make_id_tag(tenant, "EXISTS")
    text = (f"{HEADER}\n"
            "GOOD1,Fine,Accepted,,,,,\n"
            "BAD-STATUS,x,Lost,,,,,\n"
            ",no id,Accepted,,,,,\n"
            "BAD-DATE,x,Accepted,31.12.2027,,,,\n"
            "BAD-MAX,x,Accepted,,,lots,,\n"
            "exists,x,Accepted,,,,,\n"
            "GOOD1,twice,Accepted,,,,,\n"
            "BAD-CUST,x,Accepted,,,,Nobody,maybe\n")
    answer = upload(owner_web, text)
    assert answer.status_code == 400
    body = html.unescape(answer.text)
    for expected in ("Line 3: status", "Line 4: id_tag: required", "Line 5: expiry_date",
                     "Line 6: max_sessions", 'Line 7: The id tag exists already as "EXISTS"',
                     'Line 8: "GOOD1" is on line 2 already', "Line 9: customer", "Line 9: internal"):
        assert expected in body, expected
    assert "Nothing was imported" in body
    assert not IdTag.objects.filter(tenant=tenant, id_tag="GOOD1").exists()


def test_a_bad_header_is_one_clear_error(tenant, owner_web):
    answer = upload(owner_web, "card,holder\nX,Y\n")
    assert answer.status_code == 400 and "Line 1: Unknown columns: card, holder" in html.unescape(answer.text)


def test_an_installer_may_not_import_money_columns(tenant, member_web):
    answer = upload(member_web, f"{HEADER}\nX1,,,,,,,true\n")
    assert answer.status_code == 400 and "leave out the columns customer, internal" in answer.text
    assert upload(member_web, "id_tag,name\nX1,Mine\n").status_code == 302
    assert IdTag.objects.get(tenant=tenant, id_tag="X1").name == "Mine"


def test_existing_tags_change_only_when_asked_and_export_round_trips(tenant, owner_web):
    acme = Customer.objects.create(tenant=tenant, name="Acme")
    make_id_tag(tenant, "OLD1", name="Before")
    text = (f"{HEADER}\n"
            "old1,After,Blocked,2027-12-31T23:00:00+00:00,GROUP,2,Acme,yes\n"
            f"NEW1,New one,Accepted,2027-06-01,,0,{acme.pk},false\n")
    assert upload(owner_web, text).status_code == 400  # OLD1 exists
    assert upload(owner_web, text, update=True).status_code == 302
    old = IdTag.objects.get(tenant=tenant, id_tag="OLD1")  # never renamed to "old1"
    assert (old.name, old.status, old.parent_id_tag, old.max_sessions, old.customer, old.internal) == (
        "After", "Blocked", "GROUP", 2, acme, True)
    assert old.expiry_date == datetime(2027, 12, 31, 23, tzinfo=UTC)
    entries = AuditEntry.objects.filter(tenant=tenant, object_type="stations.idtag")
    assert {(e.action, e.object_repr) for e in entries} == {("create", "NEW1"), ("update", "OLD1")}
    assert entries.get(action="update").changes["name"] == ["Before", "After"]

    exported = streamed(owner_web.get("/id-tags/export.csv"))
    assert exported.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {r["id_tag"] for r in rows} == {"OLD1", "NEW1"}
    before = list(IdTag.objects.filter(tenant=tenant).order_by("id_tag").values())
    assert upload(owner_web, exported, update=True).status_code == 302  # round trip: nothing changes
    after = list(IdTag.objects.filter(tenant=tenant).order_by("id_tag").values())
    assert after == before


def test_the_installers_export_has_no_money_columns(tenant, member_web):
    make_id_tag(tenant, "M1", internal=True)
    text = streamed(member_web.get("/id-tags/export.csv"))
    assert text.splitlines() == ["id_tag,name,status,expiry_date,parent_id_tag,max_sessions",
                                 "M1,,Accepted,,,"]


def test_ten_thousand_rows_import_in_a_few_seconds(tenant, owner_web):
    lines = [HEADER] + [f"BULK{n:05},Driver {n},Accepted,2028-01-01,,1,,false" for n in range(10_000)]
    started = time.perf_counter()
    answer = upload(owner_web, "\n".join(lines) + "\n")
    took = time.perf_counter() - started
    print(f"\n10,000-row id tag import: {took:.2f} s")
    assert answer.status_code == 302, answer.text[:2000]
    assert IdTag.objects.filter(tenant=tenant).count() == 10_000
    started = time.perf_counter()
    exported = streamed(owner_web.get("/id-tags/export.csv"))
    print(f"10,000-row id tag export: {time.perf_counter() - started:.2f} s")
    assert len(exported.splitlines()) == 10_001
    assert took < 60  # loose: a shared machine


def test_too_many_rows_are_refused(tenant, owner_web):
    lines = ["id_tag"] + [f"T{n}" for n in range(10_001)]
    answer = upload(owner_web, "\n".join(lines))
    assert answer.status_code == 400 and "At most 10,000 rows" in answer.text
    assert not IdTag.objects.filter(tenant=tenant).exists()


# ---- Customers ----------------------------------------------------------------------------------


def test_customers_list_sorts_searches_and_links_their_tags_and_invoices(tenant, owner_web):
    acme = Customer.objects.create(tenant=tenant, name="Acme", email="billing@acme.example")
    Customer.objects.create(tenant=tenant, name="Zeta")
    make_id_tag(tenant, "ACME-1", customer=acme)
    page = owner_web.get("/customers/?q=acme.example")
    assert "Acme" in page.text and "Zeta" not in page.text and f"/id-tags/?customer={acme.pk}" in page.text
    assert owner_web.get("/customers/?sort=-name").text.index("Zeta") < owner_web.get(
        "/customers/?sort=-name").text.index("Acme")
    detail = owner_web.get(f"/customers/{acme.pk}/")
    assert "ACME-1" in detail.text and "No invoices yet" in detail.text
    tags = owner_web.get(f"/id-tags/?customer={acme.pk}")
    assert "ACME-1" in tags.text


def test_a_customer_with_invoices_is_not_deleted_and_the_page_says_why(tenant, owner_web):
    station, _ = make_station(tenant)
    make_tariff(tenant, is_default=True)
    acme = Customer.objects.create(tenant=tenant, name="Acme")
    tag = make_id_tag(tenant, "PAYS", customer=acme)
    charged(station, id_tag=tag.id_tag, wh=2_000, start=datetime.now(UTC) - timedelta(hours=2))
    today = datetime.now(UTC).date()
    invoice_run(tenant=tenant, period_start=today - timedelta(days=1), period_end=today, render_pdf=False)
    confirm = owner_web.get(f"/customers/{acme.pk}/delete/")
    assert "cannot be deleted" in confirm.text and "<button" not in confirm.text.split("<main")[-1].split(
        "Delete Acme?")[1].split("</form>")[0] or "type=\"submit\" class=\"danger\"" not in confirm.text
    refused = owner_web.post(f"/customers/{acme.pk}/delete/")
    assert refused.status_code == 409 and "a customer with invoices cannot be deleted" in refused.text
    assert Customer.objects.filter(pk=acme.pk).exists()


def test_a_customer_without_invoices_is_deleted_and_its_tags_stay(tenant, owner_web):
    acme = Customer.objects.create(tenant=tenant, name="Acme")
    tag = make_id_tag(tenant, "STAYS", customer=acme)
    assert owner_web.post(f"/customers/{acme.pk}/delete/").status_code == 302
    tag.refresh_from_db()
    assert tag.customer is None


def test_an_installer_has_no_customer_pages(tenant, member_web):
    acme = Customer.objects.create(tenant=tenant, name="Acme")
    for url in ("/customers/", f"/customers/{acme.pk}/", f"/customers/{acme.pk}/delete/"):
        assert member_web.get(url).status_code == 403
    assert member_web.post(f"/customers/{acme.pk}/delete/").status_code == 403
    assert Customer.objects.filter(pk=acme.pk).exists()
