"""The audit dashboard pages: the log and its exports (audit/views.py)."""

from django.urls import path

from audit import views

urlpatterns = [
    path("audit/", views.audit_page, name="audit-page"),
    *[path(f"audit/export.{fmt}", views.audit_export, {"fmt": fmt}, name=f"audit-page-export-{fmt}")
      for fmt in ("csv", "json")],
]
