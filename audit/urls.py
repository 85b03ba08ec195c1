"""The audit API (/api/v1/): the log, one entry, and its exports."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from audit import api

router = SimpleRouter()
router.register("audit", api.AuditEntryViewSet, basename="audit-entry")

urlpatterns = [
    *[path(f"audit/export.{fmt}", api.AuditExport.as_view(), {"fmt": fmt}, name=f"audit-export-{fmt}")
      for fmt in ("csv", "json")],
    *router.urls,
]
