"""The alerts dashboard pages."""

urlpatterns: list = []
