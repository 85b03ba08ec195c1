"""The station page's OCPP message log through cpms/listing.py (docs/dashboard.md): answered
alone for htmx (#message-log), newest first or oldest first, searched by action, paged (its links
swap the log through htmx), the action and direction filters kept, another tenant's station not
found, a bad sort or page falling back quietly."""

from datetime import UTC, datetime

import pytest

from stations.models import OcppMessage
from tests.factories import make_station
from tests.fast.clients import signed_in
from tests.fast.lists import order

pytestmark = pytest.mark.django_db
PART = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "message-log"}


@pytest.fixture
def station(tenant):
    station, _ = make_station(tenant, "CP-LOG-1")
    for minute, (action, direction) in enumerate([("BootNotification", "in"), ("Heartbeat", "in"),
                                                  ("Reset", "out")]):
        OcppMessage.objects.create(tenant=tenant, station=station, direction=direction, message_type=2,
                                   action=action, unique_id=str(minute), payload={},
                                   created_at=datetime(2026, 3, 1, 12, minute, tzinfo=UTC))
    return station


ACTIONS = tuple(f'data-label="Action">{a}' for a in ("BootNotification", "Heartbeat", "Reset"))


def _actions(client, query=""):
    response = client.get(f"/stations/CP-LOG-1/{query}", **PART)
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith('<div id="message-log"') and "<html" not in body
    return [mark.split(">")[1] for mark in order(body, *ACTIONS)]


def test_the_log_sorts_searches_pages_and_filters(owner_web, station, monkeypatch):
    assert _actions(owner_web) == ["Reset", "Heartbeat", "BootNotification"]
    assert _actions(owner_web, "?sort=time") == ["BootNotification", "Heartbeat", "Reset"]
    assert _actions(owner_web, "?q=heart") == ["Heartbeat"]
    assert _actions(owner_web, "?direction=in&sort=time") == ["BootNotification", "Heartbeat"]
    assert _actions(owner_web, "?sort=payload&page=-") == ["Reset", "Heartbeat", "BootNotification"]
    monkeypatch.setattr("stations.views.MESSAGES_PER_PAGE", 2)  # the log's own page size
    assert _actions(owner_web, "?page=2") == ["BootNotification"]
    assert _actions(owner_web, "?sort=time&page=2") == ["Reset"]
    assert 'rel="next"' in owner_web.get("/stations/CP-LOG-1/", **PART).content.decode()


def test_its_links_swap_the_log_and_keep_the_filters(owner_web, station):
    body = owner_web.get("/stations/CP-LOG-1/?direction=in", **PART).content.decode()

    assert 'hx-target="#message-log"' in body and 'hx-boost="true"' in body
    assert 'href="?direction=in&amp;sort=time"' in body
    assert 'name="direction" value="in"' in body  # the search keeps the filter


def test_the_whole_page_still_shows_the_log(owner_web, station):
    body = owner_web.get("/stations/CP-LOG-1/?q=reset").content.decode()

    assert 'id="message-log"' in body and order(body, *ACTIONS) == [ACTIONS[2]]


def test_another_tenants_log_is_not_found(outsider, station):
    assert signed_in(outsider).get("/stations/CP-LOG-1/?sort=time", **PART).status_code == 404
