"""Dashboard pages of this app (see tenants/access.py for who may see them)."""

urlpatterns: list = []
