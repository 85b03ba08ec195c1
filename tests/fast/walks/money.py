"""The money writes of issue 21 (billing/money_urls.py, billing/invoices/api.py, billing/api.py):
invoices paid/unpaid/e-mailed, credit notes from the dashboard, the seller page, a scheduled
tariff change cancelled, the ZIP of PDFs."""

from tests.fast.walks.calls import api, page

ON_AN_OBJECT_OF_A = {
    "api-invoice-paid": lambda o: {"pk": o["invoice"].pk},
    "api-invoice-unpaid": lambda o: {"pk": o["invoice"].pk},
    "api-invoice-email": lambda o: {"pk": o["invoice"].pk},
    "tariff-cancel-change": lambda o: {"pk": o["tariff"].pk},
}

EXAMPLES = {
    "POST api/v1/invoices/<pk>/paid/": api(lambda o: f"/api/v1/invoices/{o['invoice'].pk}/paid/", {}, 200),
    "POST api/v1/invoices/<pk>/unpaid/": api(lambda o: f"/api/v1/invoices/{o['invoice'].pk}/unpaid/", None,
                                             200),
    # 202 queued (the request itself is recorded), or 400 when the customer has no e-mail
    "POST api/v1/invoices/<pk>/email/": api(lambda o: f"/api/v1/invoices/{o['invoice'].pk}/email/", None,
                                            202, 400),
    # no change is pending on the walk's tariff: refused, nothing written
    "POST api/v1/tariffs/<pk>/cancel-change/": api(
        lambda o: f"/api/v1/tariffs/{o['tariff'].pk}/cancel-change/", None, 409),
    "POST seller/": page(lambda o: "/seller/", {"legal_name": "Walk GmbH", "address": "Weg 1",
                                                "vat_id": "DE1", "default_vat_rate": "19"}),
    "POST invoices/<pk>/paid/": page(lambda o: f"/invoices/{o['invoice'].pk}/paid/"),
    "POST invoices/<pk>/unpaid/": page(lambda o: f"/invoices/{o['invoice'].pk}/unpaid/"),
    "POST invoices/<pk>/email/": page(lambda o: f"/invoices/{o['invoice'].pk}/email/"),
    "POST invoices/<pk>/credit-note/": page(lambda o: f"/invoices/{o['invoice'].pk}/credit-note/",
                                            {"reason": "Walk"}),
    "POST tariffs/<pk>/cancel-change/": page(lambda o: f"/tariffs/{o['tariff'].pk}/cancel-change/"),
    "POST tariffs/<pk>/delete/": page(lambda o: f"/tariffs/{o['spare_tariff'].pk}/delete/"),
}


def objects_of_a(tenant, objects: dict) -> dict:
    """A tariff nothing uses, for the dashboard's delete (once: both walks call this)."""
    if "spare_tariff" in objects:
        return {}
    from decimal import Decimal

    from billing.services import tariff_create

    return {"spare_tariff": tariff_create(tenant=tenant, name="Walk spare tariff", currency="EUR",
                                          vat_rate=Decimal("19"), elements=[
                                              {"price_components": [{"type": "ENERGY", "price": "0.10"}]}])}

PAGES = {"invoices/download.zip"}
