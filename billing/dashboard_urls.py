"""Dashboard pages of this app (see tenants/access.py for who may see them)."""

from django.urls import include, path

from billing import tariff_views, views
from billing.exports import views as export_views
from billing.invoices import views as invoice_views
from billing.people import views as people_views
from billing.sessions import views as session_views

urlpatterns = [
    path("sessions/", session_views.sessions_page, name="sessions-page"),
    path("sessions/export.csv", session_views.sessions_csv, name="sessions-csv"),
    path("sessions/<int:pk>/", session_views.session_page, name="session-page"),
    path("sessions/<int:pk>/close/", session_views.session_close, name="session-close"),
    # -- people: id tags and customers (billing/people/views.py)
    path("id-tags/", people_views.idtags_page, name="idtags-page"),
    path("id-tags/new/", people_views.idtag_edit, name="idtag-new"),
    path("id-tags/import/", people_views.idtags_import, name="idtags-import"),
    path("id-tags/export.csv", people_views.idtags_export, name="idtags-export"),
    path("id-tags/<int:pk>/", people_views.idtag_edit, name="idtag-edit"),
    path("id-tags/<int:pk>/block/", people_views.idtag_block, name="idtag-block"),
    path("id-tags/<int:pk>/delete/", people_views.idtag_delete, name="idtag-delete"),
    path("customers/", people_views.customers_page, name="customers-page"),
    path("customers/new/", people_views.customer_edit, name="customer-new"),
    path("customers/<int:pk>/", people_views.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/delete/", people_views.customer_delete, name="customer-delete"),
    path("tariffs/", views.tariffs_page, name="tariffs-page"),
    path("tariffs/new/", tariff_views.tariff_edit, name="tariff-new"),
    path("tariffs/<int:pk>/", tariff_views.tariff_edit, name="tariff-edit"),
    path("tariffs/preview/", views.tariff_preview, name="tariff-preview"),
    path("invoices/", invoice_views.invoices_page, name="invoices-page"),
    path("invoices/run/", invoice_views.invoices_run, name="invoices-run"),
    path("invoices/<int:pk>/pdf/", invoice_views.invoice_pdf, name="invoice-pdf"),
    path("exports/", export_views.exports_page, name="exports-page"),
    path("exports/<str:name>.csv", export_views.export_csv, name="export-csv"),
    path("", include("billing.money_urls")),  # seller, invoice actions, tariff changes (H5)
]
