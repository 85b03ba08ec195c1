"""Dashboard pages of the security app (see tenants/access.py for who may see them)."""

from django.urls import path

from stations.security import views

urlpatterns = [
    path("security/", views.security_page, name="security-page"),
    path("security/ca.pem", views.own_ca_download, name="security-own-ca"),
    path("security/uploaded-cas/<int:pk>/delete/", views.uploaded_ca_delete,
         name="security-uploaded-ca-delete"),
]
