"""The audit dashboard pages."""

urlpatterns: list = []
