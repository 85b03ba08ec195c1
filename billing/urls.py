from django.urls import path
from rest_framework.routers import DefaultRouter

from billing import api
from billing.invoices import api as invoices_api

router = DefaultRouter()
router.register("tariffs", api.TariffViewSet, basename="tariff")
router.register("customers", api.CustomerViewSet, basename="customer")
# "api-": the dashboard's URLs are named "invoice-*"
router.register("invoices", invoices_api.InvoiceViewSet, basename="api-invoice")

urlpatterns = [
    path("seller/", invoices_api.SellerView.as_view(), name="api-seller"),
    *router.urls,
]
