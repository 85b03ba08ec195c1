"""The portability API routes (under /api/v1/)."""

from django.urls import path

from portability import api

urlpatterns = [
    path("tenant/export/", api.TenantExport.as_view(), name="tenant-export"),
    path("exports/meter-values.csv", api.MeterValuesExport.as_view(), name="export-meter-values-csv"),
]
