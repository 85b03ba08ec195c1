"""The webhooks API (/api/v1/)."""

urlpatterns: list = []
