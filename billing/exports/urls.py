from django.urls import path

from billing.exports import api

urlpatterns = [
    path(f"exports/{name}.{fmt}", view.as_view(), {"fmt": fmt}, name=f"export-{name}-{fmt}")
    for name, view in [("sessions", api.SessionsExport), ("energy", api.EnergyExport),
                       ("revenue", api.RevenueExport)]
    for fmt in ("csv", "json")
]
