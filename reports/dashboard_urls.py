"""The reports dashboard pages."""

from django.urls import path  # noqa: F401

urlpatterns = []
