"""H3 (reports): the reports API's routes for the isolation walk. Its dashboard pages only read
and refuse a POST (405), so the audit walk needs no example of them."""

from stations.models import Location


def objects_of_a(tenant, objects: dict) -> dict:
    """A site of tenant A (its report)."""
    if "report_site" in objects:
        return {}
    return {"report_site": Location.objects.create(tenant=tenant, name="A-ONLY-7f3c report site")}


ON_AN_OBJECT_OF_A = {
    "report-station": lambda o: {"identity": o["station"].identity},
    "report-site": lambda o: {"pk": o["report_site"].pk},
}
TENANT_WIDE = {"report-stations", "report-sites"}
