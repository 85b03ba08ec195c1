"""The alerts API (/api/v1/)."""

urlpatterns: list = []
