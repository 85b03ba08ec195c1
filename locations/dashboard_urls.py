"""The locations dashboard pages (locations/views.py)."""

from django.urls import path

from locations import views

urlpatterns = [
    path("sites/", views.locations_page, name="locations-page"),
    path("sites/new/", views.location_create, name="location-create"),
    path("sites/<int:pk>/", views.location_page, name="location-page"),
    path("sites/<int:pk>/edit/", views.location_edit, name="location-edit"),
    path("sites/<int:pk>/delete/", views.location_delete, name="location-delete"),
    path("sites/<int:pk>/stations/", views.location_assign, name="location-assign"),
    path("sites/<int:pk>/stations/<str:identity>/remove/", views.location_unassign,
         name="location-unassign"),
]
