"""The search pickers (cpms/pickers.py): the signed-in tenant's id tags and stations, at most 20,
any case, those beginning with the text first, removed stations never; and the forms that use
them check what was typed on the server (remote start's id tag, a load group's stations)."""

import pytest
from django.utils import timezone

from cpms.pickers import LIMIT
from loadmgmt.models import LoadGroup, LoadGroupMember
from stations.forms import RemoteStartForm
from tests.factories import make_id_tag, make_station
from tests.fast.audit.test_every_write_is_audited import LOAD_GROUP_FORM

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def values(response) -> list[str]:
    assert response.status_code == 200
    return [row["value"] for row in response.json()["results"]]


def test_the_tag_picker_offers_the_tenants_tags_only_any_case_beginning_first(tenant, other_tenant,
                                                                              owner_web):
    make_id_tag(tenant, "XCARD-7")
    make_id_tag(tenant, "card-1", name="Fleet van")
    make_id_tag(other_tenant, "CARD-SECRET")
    assert values(owner_web.get("/pick/id-tags/", params={"q": "CARD"})) == ["card-1", "XCARD-7"]
    assert values(owner_web.get("/pick/id-tags/", params={"q": "van"})) == ["card-1"]  # by its name too


def test_a_picker_answers_at_most_20(tenant, owner_web):
    for n in range(LIMIT + 5):
        make_id_tag(tenant, f"T{n:03}")
        make_station(tenant, identity=f"CP-{n:03}")
    assert len(values(owner_web.get("/pick/id-tags/", params={"q": "t"}))) == LIMIT
    assert len(values(owner_web.get("/pick/stations/"))) == LIMIT


def test_the_station_picker_leaves_out_removed_stations_and_other_tenants(tenant, other_tenant, owner_web):
    make_station(tenant, identity="GARAGE-1")
    gone, _ = make_station(tenant, identity="GARAGE-2")
    gone.removed_at = timezone.now()
    gone.save(update_fields=["removed_at"])
    make_station(other_tenant, identity="GARAGE-3")
    assert values(owner_web.get("/pick/stations/", params={"q": "garage"})) == ["GARAGE-1"]
    assert values(owner_web.get("/pick/stations/", params={"q": "GARAGE-9, gar"})) == ["GARAGE-1"]  # the last


def test_the_tag_picker_is_for_the_station_roles(tenant, owner_web, client):
    from tests.fast.clients import signed_in
    from tests.fast.conftest import _dashboard_user

    accountant = signed_in(_dashboard_user(tenant, "accountant"))
    assert accountant.get("/pick/id-tags/").status_code == 403
    assert client.get("/pick/stations/").status_code == 302  # to the login


def test_remote_start_takes_a_typed_tag_of_the_tenant_only(tenant, other_tenant):
    make_id_tag(tenant, "CARD-42")
    make_id_tag(other_tenant, "THEIRS")

    def form(tag):
        return RemoteStartForm({"id_tag": tag}, tenant=tenant)

    typed, any_case, unknown, theirs = form("CARD-42"), form("card-42"), form("NOPE"), form("THEIRS")
    assert typed.is_valid() and typed.cleaned_data["id_tag"] == "CARD-42"
    assert any_case.is_valid() and any_case.cleaned_data["id_tag"] == "CARD-42"  # as stored
    assert unknown.errors["id_tag"] == ["No id tag NOPE in this tenant."]
    assert theirs.errors["id_tag"] == ["No id tag THEIRS in this tenant."]


def test_the_station_page_offers_a_search_field_not_a_select_of_every_tag(tenant, owner_web):
    make_station(tenant, identity="RS-1")
    for n in range(30):
        make_id_tag(tenant, f"MANY-{n}")
    page = owner_web.get("/stations/RS-1/").content.decode()
    assert 'data-picker="/pick/id-tags/"' in page and 'role="combobox"' in page
    assert "MANY-17" not in page


def test_remote_start_with_an_unknown_tag_is_a_form_error(tenant, other_tenant, owner_web):
    make_station(tenant, identity="RS-2")
    make_id_tag(other_tenant, "THEIRS")
    answer = owner_web.post("/stations/RS-2/remote-start/", {"id_tag": "THEIRS"}, headers=HTMX)
    assert answer.status_code == 400 and "No id tag THEIRS in this tenant." in answer.content.decode()


def test_remote_start_with_a_known_tag_is_sent(tenant, owner_web):
    make_station(tenant, identity="RS-3")
    make_id_tag(tenant, "CARD-1")
    answer = owner_web.post("/stations/RS-3/remote-start/", {"id_tag": "card-1"}, headers=HTMX)
    assert answer.status_code == 200 and "Not connected" in answer.content.decode()  # it got past the form


# ---- Load groups ------------------------------------------------------------------------------


def group_of(tenant, name="Garage") -> LoadGroup:
    return LoadGroup.objects.create(tenant=tenant, name=name, max_current=63)


def members(group) -> set[str]:
    return set(group.stations.values_list("identity", flat=True))


def test_stations_are_added_to_a_group_by_identity_several_at_once(tenant, owner_web):
    group = group_of(tenant)
    for identity in ("LG-1", "LG-2", "LG-3"):
        make_station(tenant, identity=identity)
    added = owner_web.post(f"/load-groups/{group.pk}/members/add/", {"stations": "LG-1, LG-2 ,"})
    again = owner_web.post(f"/load-groups/{group.pk}/members/add/", {"stations": ["LG-3"]})
    assert added.status_code == 302 and again.status_code == 302
    assert members(group) == {"LG-1", "LG-2", "LG-3"}


def test_unknown_removed_and_other_tenants_stations_are_refused_by_name(tenant, other_tenant, owner_web):
    group = group_of(tenant)
    make_station(tenant, identity="LG-OK")
    gone, _ = make_station(tenant, identity="LG-GONE")
    gone.removed_at = timezone.now()
    gone.save(update_fields=["removed_at"])
    make_station(other_tenant, identity="LG-THEIRS")
    refused = owner_web.post(f"/load-groups/{group.pk}/members/add/",
                             {"stations": "LG-OK, LG-GONE, LG-THEIRS, LG-NONE"})
    assert refused.status_code == 400
    assert "No such station: LG-GONE, LG-THEIRS, LG-NONE." in refused.content.decode()
    assert members(group) == set()  # all or nothing


def test_stations_are_removed_one_or_several_and_never_another_groups(tenant, owner_web):
    group, other = group_of(tenant), group_of(tenant, "Yard")
    stations = [make_station(tenant, identity=f"RM-{n}")[0] for n in range(4)]
    for station in stations[:3]:
        LoadGroupMember.objects.create(station=station, group=group)
    LoadGroupMember.objects.create(station=stations[3], group=other)
    one = owner_web.post(f"/load-groups/{group.pk}/members/remove/", {"remove": stations[0].pk})
    several = owner_web.post(f"/load-groups/{group.pk}/members/remove/",
                             {"selected": [stations[1].pk, stations[3].pk, "x"]})
    assert one.status_code == several.status_code == 302
    assert members(group) == {"RM-2"} and members(other) == {"RM-3"}


def test_an_outsider_cannot_touch_a_group(tenant, outsider_web):
    group = group_of(tenant)
    station, _ = make_station(tenant, identity="LG-X")
    added = outsider_web.post(f"/load-groups/{group.pk}/members/add/", {"stations": "LG-X"})
    removed = outsider_web.post(f"/load-groups/{group.pk}/members/remove/", {"remove": station.pk})
    assert added.status_code == removed.status_code == 404


def member_table(response) -> str:
    return response.content.decode().split('id="members-table"')[1].split("</table>")[0]


def test_the_group_page_lists_its_members_a_page_at_a_time_searchable(tenant, owner_web):
    group = group_of(tenant)
    for n in range(30):
        LoadGroupMember.objects.create(station=make_station(tenant, identity=f"PG-{n:02}")[0], group=group)
    first = member_table(owner_web.get(f"/load-groups/{group.pk}/"))
    searched = member_table(owner_web.get(f"/load-groups/{group.pk}/", params={"q": "PG-29"}))
    assert "PG-00" in first and "PG-29" not in first and 'type="checkbox"' in first
    assert "PG-29" in searched and "PG-00" not in searched


def test_a_new_group_takes_typed_stations_and_an_edit_adds_to_them(tenant, owner_web):
    make_station(tenant, identity="NG-1")
    make_station(tenant, identity="NG-2")
    form = owner_web.get("/load-groups/new/").content.decode()
    made = owner_web.post("/load-groups/new/", {**LOAD_GROUP_FORM, "stations": "NG-1"})
    group = LoadGroup.objects.get(tenant=tenant, name=LOAD_GROUP_FORM["name"])
    edit = owner_web.get(f"/load-groups/{group.pk}/edit/").content.decode()
    edited = owner_web.post(f"/load-groups/{group.pk}/edit/", {**LOAD_GROUP_FORM, "stations": "NG-2"})
    kept = owner_web.post(f"/load-groups/{group.pk}/edit/", {**LOAD_GROUP_FORM, "max_current": "40"})
    assert 'type="checkbox"' not in form and 'data-picker="/pick/stations/"' in form
    assert made.status_code == edited.status_code == kept.status_code == 302
    assert 'value="NG-1"' not in edit  # the field adds; members are on the group's page
    assert members(group) == {"NG-1", "NG-2"}


def test_the_groups_list_is_sorted_searched_and_counts_members(tenant, owner_web):
    for n in range(3):
        group = group_of(tenant, f"Group {n}")
        for _ in range(n):
            LoadGroupMember.objects.create(station=make_station(tenant)[0], group=group)
    listed = owner_web.get("/load-groups/", params={"sort": "-stations"}).content.decode()
    searched = owner_web.get("/load-groups/", params={"q": "group 1"}).content.decode()
    assert listed.index("Group 2") < listed.index("Group 1") < listed.index("Group 0")
    assert "Group 1" in searched and "Group 2" not in searched
