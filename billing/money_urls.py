"""The money pages added by issue 21 (seller details, invoice actions, the tariff editor's
scheduled changes), included by billing/dashboard_urls.py."""

from django.urls import path

from billing import tariff_views
from billing.invoices import views as invoice_views

urlpatterns = [
    path("seller/", invoice_views.seller_page, name="seller-page"),
    path("invoices/download.zip", invoice_views.invoices_download, name="invoices-download"),
    path("invoices/<int:pk>/paid/", invoice_views.invoice_paid, {"paid": True}, name="invoice-paid"),
    path("invoices/<int:pk>/unpaid/", invoice_views.invoice_paid, {"paid": False}, name="invoice-unpaid"),
    path("invoices/<int:pk>/email/", invoice_views.invoice_email, name="invoice-email"),
    path("invoices/<int:pk>/credit-note/", invoice_views.invoice_credit_note, name="invoice-credit-note"),
    path("tariffs/<int:pk>/delete/", tariff_views.tariff_delete_page, name="tariff-delete"),
    path("tariffs/<int:pk>/cancel-change/", tariff_views.tariff_cancel_change, name="tariff-cancel-change"),
]
