from django.urls import re_path

from stations.customerinfo import api

STATION = r"^stations/(?P<identity>[^/]+)"

urlpatterns = [
    re_path(STATION + r"/customer-information/$", api.StationCustomerInformation.as_view(),
            name="station-customer-information"),
    re_path(STATION + r"/customer-information/(?P<pk>\d+)/$",
            api.StationCustomerInformationDetail.as_view(), name="station-customer-information-detail"),
]
