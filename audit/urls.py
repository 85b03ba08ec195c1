"""The audit API (/api/v1/)."""

urlpatterns: list = []
