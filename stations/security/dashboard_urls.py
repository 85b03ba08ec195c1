"""Dashboard pages of the security app (see tenants/access.py for who may see them)."""

from django.urls import path

from stations.security import station_views, views

urlpatterns = [
    path("security/", views.security_page, name="security-page"),
    path("security/ca.pem", views.own_ca_download, name="security-own-ca"),
    path("stations/<str:identity>/certificates/", station_views.station_certificates,
         name="station-certificates-page"),
    path("stations/<str:identity>/certificates/install/", station_views.station_certificate_install,
         name="station-certificate-install"),
    path("stations/<str:identity>/certificates/refresh/",
         station_views.station_certificates_refresh, name="station-certificates-refresh-page"),
    path("security/uploaded-cas/<int:pk>/delete/", views.uploaded_ca_delete,
         name="security-uploaded-ca-delete"),
]
