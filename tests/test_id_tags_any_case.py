"""OCPP 1.6's IdToken is case-insensitive: "04a2b3c4" and "04A2B3C4" are one card everywhere
outside Authorize and the transactions too: the admin, the dashboard form and reservations through
the real server (the API, local lists, filters and billing: tests/fast/stations/test_id_tags_any_case.py)."""


from stations.models import IdTag
from stations.reservations.models import Reservation
from tenants.models import Role
from tests.dashboard_helpers import logged_in, post
from tests.factories import api_client, charge_point, make_id_tag, make_station, make_tenant
from tests.test_admin import _hidden_fields, admin_session, make_user
from tests.test_reservations import in_an_hour


# The admin and the dashboard -----------------------------------------------------------------
async def test_the_admin_refuses_a_tag_existing_in_another_case_with_a_clear_error(server):
    tenant = make_tenant()
    make_id_tag(tenant, "04A2B3C4")
    async with admin_session(server, make_user(superuser=True)) as http:
        form = await http.get("/admin/stations/idtag/add/")
        response = await http.post("/admin/stations/idtag/add/", data=_hidden_fields(form.text) | {
            "tenant": str(tenant.pk), "id_tag": "04a2b3c4", "status": "Accepted",
            "priority": "0", "max_sessions": "2", "_save": "Save"})
        tenant_form = await http.get(f"/admin/tenants/tenant/{tenant.pk}/change/")
    assert 'name="max_sessions"' in form.text
    assert response.status_code == 200
    assert "This id tag exists already as &quot;04A2B3C4&quot;" in response.text
    assert IdTag.objects.filter(tenant=tenant).count() == 1
    assert 'name="max_sessions_per_id_tag"' in tenant_form.text


async def test_the_dashboard_form_refuses_a_tag_in_another_case_and_saves_max_sessions(server):
    tenant = make_tenant()
    make_id_tag(tenant, "04A2B3C4")
    http = await logged_in(server, make_user(tenant=tenant, role=Role.MANAGER))
    fields = {"status": "Accepted", "priority": "0", "max_sessions": "2"}
    try:
        taken = await post(http, "/id-tags/new/", fields | {"id_tag": "04a2b3c4"}, htmx=False)
        saved = await post(http, "/id-tags/new/", fields | {"id_tag": "NEW-CARD"}, htmx=False)
    finally:
        await http.aclose()
    assert taken.status_code == 400 and "exists already as &quot;04A2B3C4&quot;" in taken.text
    assert saved.status_code == 302
    assert IdTag.objects.get(tenant=tenant, id_tag="NEW-CARD").max_sessions == 2


# Reservations ---------------------------------------------------------------------------------
async def test_a_reservation_in_another_case_reserves_the_card_and_a_start_in_a_third_uses_it(server):
    tenant = make_tenant()
    make_id_tag(tenant, "ALICE")
    station, password = make_station(tenant)
    async with charge_point(server, tenant, station, password) as cp, \
            api_client(server, tenant) as api:
        made = await api.post(f"/api/v1/stations/{station.identity}/reservations/",
                              json={"connector_id": 1, "id_tag": "alice",
                                    "expiry_date": in_an_hour()})
        assert made.status_code == 201, made.text
        reservation_id = made.json()["reservation_id"]
        assert cp.reservations[reservation_id]["id_tag"] == "ALICE"  # as the card is registered
        await cp.start_reserved_transaction(1, "Alice", reservation_id)
    reservation = Reservation.objects.get(station=station, reservation_id=reservation_id)
    assert reservation.status == "Used" and reservation.session.id_tag.lower() == "alice"
