"""The webhooks dashboard pages."""

urlpatterns: list = []
