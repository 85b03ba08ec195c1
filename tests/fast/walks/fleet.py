"""H7 (fleet size): the load group's member routes and the search pickers."""

from loadmgmt.models import LoadGroupMember
from tests.factories import make_station
from tests.fast.walks.calls import page


def objects_of_a(tenant, objects: dict) -> dict:
    """A station outside any group (to add) and one in tenant A's group (to remove); once (both
    walks call this, the audit walk twice)."""
    if "fleet_joining" in objects:
        return {}
    joining, _ = make_station(tenant, identity="WALK-FLEET-JOIN")
    member, _ = make_station(tenant, identity="WALK-FLEET-MEMBER")
    if "group" in objects:
        LoadGroupMember.objects.create(station=member, group=objects["group"])
    return {"fleet_joining": joining, "fleet_member": member}


EXAMPLES = {
    "POST load-groups/<pk>/members/add/": page(
        lambda o: f"/load-groups/{o['group'].pk}/members/add/",
        lambda o: {"stations": o["fleet_joining"].identity}),
    "POST load-groups/<pk>/members/remove/": page(
        lambda o: f"/load-groups/{o['group'].pk}/members/remove/",
        lambda o: {"remove": str(o["fleet_member"].pk)}),
}

# GET-only JSON of the signed-in tenant: a POST is answered as a GET, writes nothing
PAGES = {"pick/id-tags/", "pick/stations/"}
