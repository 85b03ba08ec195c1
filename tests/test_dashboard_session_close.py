"""Closing a session from the dashboard (docs/sessions.md): a manager or installer closes a
session its station will not stop; an accountant cannot; the page says who closed it."""

from stations.models import ChargingSession, CloseReason
from tenants.models import Role
from tests.browser import member
from tests.dashboard_helpers import logged_in, post
from tests.factories import charge_point, make_id_tag, make_station, make_tenant


async def test_a_manager_closes_a_running_session_from_its_page_and_an_accountant_cannot(server):
    tenant = make_tenant("Close")
    station, password = make_station(tenant)
    make_id_tag(tenant, "CARD-A")
    async with charge_point(server, tenant, station, password) as cp:
        start = await cp.start_transaction(1, "CARD-A")
        await cp.meter_values(1, 1234)
    session = ChargingSession.objects.get(station=station, transaction_id=start.transaction_id)
    accountant = await logged_in(server, member(tenant, Role.ACCOUNTANT))
    refused = await post(accountant, f"/sessions/{session.pk}/close/", {}, htmx=False)
    assert refused.status_code == 403
    assert "Close session" not in (await accountant.get(f"/sessions/{session.pk}/")).text
    manager_user = member(tenant, Role.MANAGER)
    manager = await logged_in(server, manager_user)
    page = await manager.get(f"/sessions/{session.pk}/")
    assert "Close session" in page.text
    closed = await post(manager, f"/sessions/{session.pk}/close/", {"meter_stop": ""}, htmx=False)
    assert closed.status_code == 302
    session.refresh_from_db()
    assert (session.closed_reason, session.meter_stop) == (CloseReason.OPERATOR, 1234)
    assert session.closed_by == f"user {manager_user.username}"
    shown = (await manager.get(f"/sessions/{session.pk}/")).text
    assert "Closed by an operator" in shown and "Close session" not in shown
    again = await post(manager, f"/sessions/{session.pk}/close/", {}, htmx=False)
    assert again.status_code == 302  # with a message that it is stopped already
    other = await logged_in(server, member(make_tenant("Other"), Role.MANAGER))
    assert (await post(other, f"/sessions/{session.pk}/close/", {}, htmx=False)).status_code == 404
