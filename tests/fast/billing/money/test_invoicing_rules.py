"""Issue 21's money rules (docs/invoicing.md): the seller gate, paid/unpaid, e-mail with the PDF,
credit notes from the dashboard, the bulk ZIP, per role and per tenant."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from alerts.models import Alert
from billing.invoices import email
from billing.invoices.services import invoice_run, invoice_runs_due
from billing.models import Invoice
from tenants.models import Role
from tests.browser import member
from tests.factories import make_id_tag, make_tenant, seller_complete
from tests.fast.billing.invoices.test_invoices import customers_with_sessions, make_customer, today
from tests.fast.clients import api_client, signed_in

pytestmark = pytest.mark.django_db
HOUR_AGO = datetime.now(UTC) - timedelta(hours=1)
PERIOD = {"period_start": (today() - timedelta(days=1)).isoformat(), "period_end": today().isoformat()}


def issued(tenant, count: int = 1) -> list[Invoice]:
    customers_with_sessions(tenant, count, 1, stopped_at=HOUR_AGO)
    return invoice_run(tenant=tenant, period_start=today() - timedelta(days=1), period_end=today(),
                       render_pdf=False).issued


@pytest.mark.parametrize("missing", ["legal_name", "address", "vat_id"])
def test_no_invoice_is_issued_until_the_seller_is_complete(missing):
    tenant = make_tenant(seller=False)
    seller_complete(tenant, **{missing: ""})
    customers_with_sessions(tenant, 1, 1, stopped_at=HOUR_AGO)
    label = {"legal_name": "legal name", "address": "address", "vat_id": "VAT id"}[missing]
    with api_client(tenant) as api:
        refused = api.post("/api/v1/invoices/run/", json=PERIOD)
    page = signed_in(member(tenant, Role.ACCOUNTANT)).post("/invoices/run/", PERIOD)
    assert refused.status_code == 409 and label in refused.json()["detail"]
    assert page.status_code == 400 and label in page.content.decode()
    assert not Invoice.objects.filter(tenant=tenant).exists()
    seller_complete(tenant)
    with api_client(tenant) as api:
        assert api.post("/api/v1/invoices/run/", json=PERIOD).status_code == 201


def test_the_monthly_task_with_an_incomplete_seller_fails_with_the_reason_as_an_alert():
    tenant = make_tenant(seller=False)
    first = datetime(2026, 12, 1, 9, tzinfo=UTC)
    invoice_runs_due(now=first, tenants=[tenant])
    alert = Alert.objects.get(tenant=tenant)
    assert "legal name, address, VAT id" in str(alert.__dict__)


def test_a_new_tariff_starts_at_the_sellers_default_vat():
    tenant = make_tenant()
    seller_complete(tenant, default_vat_rate="19")
    with api_client(tenant) as api:
        made = api.post("/api/v1/tariffs/", json={"name": "T", "elements": [
            {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]}).json()
        given = api.post("/api/v1/tariffs/", json={"name": "U", "vat_rate": "7", "elements": [
            {"price_components": [{"type": "ENERGY", "price": "0.30"}]}]}).json()
        seller = api.get("/api/v1/seller/").json()
    form = signed_in(member(tenant, Role.MANAGER)).get("/tariffs/new/").content.decode()
    assert made["vat_rate"] == "19.00" and given["vat_rate"] == "7.00"
    assert seller["default_vat_rate"] == "19.00" and seller["ready_for_invoices"] is True
    assert 'name="vat_rate" value="19' in form


def test_paid_and_unpaid_through_the_api_and_the_dashboard_and_the_filter():
    tenant = make_tenant()
    first, second = issued(tenant, 2)
    with api_client(tenant, Role.ACCOUNTANT) as api:
        paid = api.post(f"/api/v1/invoices/{first.pk}/paid/", json={}).json()
        unpaid_list = api.get("/api/v1/invoices/?paid=false").json()
    assert paid["paid_at"] is not None and [i["id"] for i in unpaid_list["results"]] == [second.pk]
    client = signed_in(member(tenant, Role.MANAGER))
    assert client.post(f"/invoices/{second.pk}/paid/", {}).status_code == 302
    assert client.post(f"/invoices/{first.pk}/unpaid/", {}).status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert first.paid_at is None and second.paid_at is not None
    listed = client.get("/invoices/?status=unpaid").content.decode()
    assert f'data-invoice="{first.number}"' in listed and f'data-invoice="{second.number}"' not in listed


def test_an_invoice_is_emailed_to_its_customer_with_its_pdf(settings, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The task runs here, after the commit, as an eager Celery runs it (with Redis a worker would)
    monkeypatch.setattr(email.email_invoice_task, "delay", email.email_invoice_task)
    tenant = make_tenant()
    [invoice] = issued(tenant)
    invoice.customer.email = "carla@example.com"
    invoice.customer.save()
    with api_client(tenant) as api, django_capture_on_commit_callbacks(execute=True):
        answer = api.post(f"/api/v1/invoices/{invoice.pk}/email/")
    assert answer.status_code == 202 and answer.json() == {"emailed_to": "carla@example.com"}
    [sent] = mail.outbox
    name, content, mime = sent.attachments[0]
    assert sent.to == ["carla@example.com"] and invoice.number in sent.subject
    assert mime == "application/pdf" and content.startswith(b"%PDF") and name == f"{invoice.number}.pdf"
    invoice.refresh_from_db()
    assert invoice.emailed_to == "carla@example.com" and invoice.emailed_at is not None


def test_an_invoice_without_a_customer_email_is_a_clear_error():
    tenant = make_tenant()
    [invoice] = issued(tenant)
    invoice.customer.email = ""
    invoice.customer.save()
    with api_client(tenant) as api:
        answer = api.post(f"/api/v1/invoices/{invoice.pk}/email/")
    page = signed_in(member(tenant, Role.MANAGER)).post(f"/invoices/{invoice.pk}/email/", {}, follow=True)
    assert answer.status_code == 400 and "no e-mail address" in answer.json()["detail"]
    assert "no e-mail address" in page.content.decode()


def test_the_bulk_zip_holds_every_selected_pdf():
    tenant = make_tenant()
    invoices = issued(tenant, 3)
    client = signed_in(member(tenant, Role.ACCOUNTANT))
    chosen = invoices[:2]
    response = client.get("/invoices/download.zip", {"ids": [i.pk for i in chosen], "selected": "1"})
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(f"{i.number}.pdf" for i in chosen)
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
    everything = client.get("/invoices/download.zip")
    assert len(zipfile.ZipFile(io.BytesIO(everything.content)).namelist()) == 3


def test_a_credit_note_from_the_dashboard_with_a_reason_and_a_reissue_with_the_current_seller():
    tenant = make_tenant()
    first, second = issued(tenant, 2)
    client = signed_in(member(tenant, Role.ACCOUNTANT))
    assert client.post(f"/invoices/{first.pk}/credit-note/", {"reason": "Wrong customer"}).status_code == 302
    seller_complete(tenant, legal_name="Renamed GmbH")
    assert client.post(f"/invoices/{second.pk}/credit-note/", {"reason": "New name", "reissue": "on"}
                       ).status_code == 302
    note = Invoice.objects.get(credits=first)
    replacement = Invoice.objects.get(replaces=second)
    assert note.reason == "Wrong customer" and note.gross == -first.gross
    assert replacement.seller_name == "Renamed GmbH"
    assert Invoice.objects.get(credits=second).reason == "New name"
    again = client.post(f"/invoices/{first.pk}/credit-note/", {"reason": "twice"})
    assert again.status_code == 400 and "credit note already" in again.content.decode()


def test_roles_and_tenants():
    tenant, other = make_tenant(), make_tenant()
    [invoice] = issued(tenant)
    installer = signed_in(member(tenant, Role.INSTALLER))
    stranger = signed_in(member(other, Role.MANAGER))
    for url in ("/seller/", "/invoices/download.zip"):
        assert installer.get(url).status_code == 403
    for url in (f"/invoices/{invoice.pk}/paid/", f"/invoices/{invoice.pk}/email/",
                f"/invoices/{invoice.pk}/credit-note/"):
        assert installer.post(url, {}).status_code == 403
        assert stranger.post(url, {"reason": "x"}).status_code == 404
    zipped = stranger.get("/invoices/download.zip", {"ids": [invoice.pk], "selected": "1"})
    assert zipfile.ZipFile(io.BytesIO(zipped.content)).namelist() == []  # nothing of theirs
    invoice.refresh_from_db()
    assert invoice.paid_at is None and not Invoice.objects.filter(credits=invoice).exists()


def test_the_seller_page_saves_and_names_what_is_missing():
    tenant = make_tenant(seller=False)
    client = signed_in(member(tenant, Role.ACCOUNTANT))
    assert "legal name, address, VAT id" in client.get("/seller/").content.decode()
    saved = client.post("/seller/", {"legal_name": "Ladepunkt GmbH", "address": "Weg 1", "vat_id": "",
                                     "default_vat_rate": "19"}, follow=True)
    assert "Invoices still need: VAT id" in saved.content.decode()
    bad = client.post("/seller/", {"legal_name": "X", "default_vat_rate": "190"})
    assert bad.status_code == 400
    assert "VAT id" in client.get("/invoices/").content.decode()
    make_customer(tenant, "unused")
    make_id_tag(tenant)


def test_the_seller_page_takes_a_png_logo_and_refuses_an_svg():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from billing.models import Seller

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buffer, "PNG")
    tenant = make_tenant()
    client = signed_in(member(tenant, Role.MANAGER))
    details = {"legal_name": "Logo GmbH", "address": "Weg 1", "vat_id": "DE1", "default_vat_rate": "19"}
    svg = client.post("/seller/", details | {"logo": SimpleUploadedFile("x.svg", b"<svg/>", "image/svg+xml")})
    logo = SimpleUploadedFile("x.png", buffer.getvalue(), "image/png")
    png = client.post("/seller/", details | {"logo": logo})
    assert svg.status_code == 400 and png.status_code == 302
    assert Seller.objects.get(tenant=tenant).logo.name.endswith(".png")
