"""The tenant's own dashboard pages: users and roles, tenant settings."""

from django.urls import path  # noqa: F401

urlpatterns = []
