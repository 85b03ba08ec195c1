"""Dashboard pages of this app (see tenants/access.py for who may see them)."""

from django.urls import path

from billing import views, views_invoices, views_people, views_tariffs

urlpatterns = [
    path("sessions/", views.sessions_page, name="sessions-page"),
    path("sessions/export.csv", views.sessions_csv, name="sessions-csv"),
    path("sessions/<int:pk>/", views.session_page, name="session-page"),
    path("sessions/<int:pk>/close/", views.session_close, name="session-close"),
    path("id-tags/", views_people.idtags_page, name="idtags-page"),
    path("id-tags/new/", views_people.idtag_edit, name="idtag-new"),
    path("id-tags/<int:pk>/", views_people.idtag_edit, name="idtag-edit"),
    path("customers/", views_people.customers_page, name="customers-page"),
    path("customers/new/", views_people.customer_edit, name="customer-new"),
    path("customers/<int:pk>/", views_people.customer_edit, name="customer-edit"),
    path("tariffs/", views_tariffs.tariffs_page, name="tariffs-page"),
    path("tariffs/new/", views_tariffs.tariff_edit, name="tariff-new"),
    path("tariffs/<int:pk>/", views_tariffs.tariff_edit, name="tariff-edit"),
    path("tariffs/preview/", views_tariffs.tariff_preview, name="tariff-preview"),
    path("invoices/", views_invoices.invoices_page, name="invoices-page"),
    path("invoices/run/", views_invoices.invoices_run, name="invoices-run"),
    path("invoices/<int:pk>/pdf/", views_invoices.invoice_pdf, name="invoice-pdf"),
    path("exports/", views_invoices.exports_page, name="exports-page"),
    path("exports/<str:name>.csv", views_invoices.export_csv, name="export-csv"),
]
