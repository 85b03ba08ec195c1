from django.urls import path
from rest_framework.routers import DefaultRouter

from billing import api, api_invoices

router = DefaultRouter()
router.register("tariffs", api.TariffViewSet, basename="tariff")
router.register("customers", api.CustomerViewSet, basename="customer")
# "api-": the dashboard's URLs are named "invoice-*"
router.register("invoices", api_invoices.InvoiceViewSet, basename="api-invoice")

urlpatterns = [
    path("seller/", api_invoices.SellerView.as_view(), name="api-seller"),
    *router.urls,
]
