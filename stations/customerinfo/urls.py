from django.urls import path, re_path

from stations.customerinfo import api

STATION = r"^stations/(?P<identity>[^/]+)"

urlpatterns = [
    path("customer-information/", api.TenantCustomerInformation.as_view(),
         name="customer-information"),
    re_path(STATION + r"/customer-information/$", api.StationCustomerInformation.as_view(),
            name="station-customer-information"),
    re_path(STATION + r"/customer-information/(?P<pk>\d+)/$",
            api.StationCustomerInformationDetail.as_view(), name="station-customer-information-detail"),
]
