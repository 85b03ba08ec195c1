from django.urls import path, re_path

from stations.security import api

STATION = r"^stations/(?P<identity>[^/]+)"

urlpatterns = [
    path("security-events/", api.SecurityEventListView.as_view(), name="security-events"),
    path("security/ca/", api.CertificateAuthorityView.as_view(), name="security-ca"),
    path("security/uploaded-cas/", api.UploadedCertificateAuthorityListView.as_view(),
         name="security-uploaded-cas"),
    path("security/uploaded-cas/<int:pk>/", api.UploadedCertificateAuthorityView.as_view(),
         name="security-uploaded-ca"),
    path("security/pki/", api.PkiSettingsView.as_view(), name="security-pki"),
    path("security/pki/requests/", api.PkiRequestListView.as_view(), name="security-pki-requests"),
    path("security/contract-certificates/", api.ContractCertificateListView.as_view(),
         name="security-contract-certificates"),
    path("security/contract-certificates/<int:pk>/revoke/",
         api.ContractCertificateRevokeView.as_view(), name="security-contract-certificate-revoke"),
    re_path(rf"{STATION}/security-events/$", api.StationSecurityEventListView.as_view(),
            name="station-security-events"),
    re_path(rf"{STATION}/password/$", api.StationPasswordView.as_view(), name="station-password"),
    re_path(rf"{STATION}/security-profile/$", api.StationSecurityProfileView.as_view(),
            name="station-security-profile"),
    re_path(rf"{STATION}/certificates/$", api.StationCertificatesView.as_view(),
            name="station-certificates"),
    re_path(rf"{STATION}/certificates/refresh/$", api.StationCertificatesRefreshView.as_view(),
            name="station-certificates-refresh"),
    re_path(rf"{STATION}/certificates/renew/$", api.StationCertificateRenewView.as_view(),
            name="station-certificates-renew"),
    re_path(rf"{STATION}/certificates/(?P<pk>[0-9]+)/$", api.StationCertificateDeleteView.as_view(),
            name="station-certificate"),
    re_path(rf"{STATION}/security-commands/$", api.StationSecurityCommandsView.as_view(),
            name="station-security-commands"),
    re_path(rf"{STATION}/issued-certificates/$", api.StationIssuedCertificatesView.as_view(),
            name="station-issued-certificates"),
]
