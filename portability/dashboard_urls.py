"""The portability dashboard pages (`exports/…` is billing's: these live under `export/`)."""

from django.urls import path

from portability import views

urlpatterns = [
    path("export/", views.portability_page, name="portability-page"),
    path("export/archive.zip", views.archive_download, name="portability-archive"),
    path("export/meter-values.csv", views.meter_values_csv, name="meter-values-csv"),
]
