"""Reads: a station's customer information requests with their report parts."""

from django.db.models import QuerySet

from stations.models import CustomerInformation, Station


def customer_information_of(station: Station) -> QuerySet[CustomerInformation]:
    return (CustomerInformation.objects.filter(tenant_id=station.tenant_id, station=station)
            .select_related("station").prefetch_related("parts"))


def customer_information_of_tenant(tenant) -> QuerySet[CustomerInformation]:
    return (CustomerInformation.objects.filter(tenant=tenant)
            .select_related("station").prefetch_related("parts"))


def report_text(row: CustomerInformation) -> str:
    """The report as one text: its parts' data in seq_no order."""
    return "".join(part.data for part in row.parts.all())
