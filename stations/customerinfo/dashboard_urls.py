"""The station page's log and customer-data actions (stations/customerinfo/views.py)."""

from django.urls import path

from stations.customerinfo import views

urlpatterns = [
    path("stations/<str:identity>/logs/", views.log_request, name="station-log-request"),
    path("stations/<str:identity>/logs/<int:pk>/file/", views.log_file, name="station-log-file-page"),
    path("stations/<str:identity>/customer-information/", views.customer_information_request,
         name="station-customer-information-request"),
]
