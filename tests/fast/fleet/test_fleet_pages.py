"""What bench/pages.py found slow at fleet size, kept fixed: the time-zone <select> (rendered
in Python, the names read once), a session's plot of 10,000 meter values (at most 1,000 points,
from the start reading to the stop reading)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django import forms

from billing.sessions.selectors import MAX_POINTS, session_series
from cpms.widgets import FastSelect, timezone_names
from stations.models import ChargingSession, MeterSample
from stations.services.meter_values import ENERGY_REGISTER
from tests.factories import make_station

pytestmark = pytest.mark.django_db


class Both(forms.Form):
    plain = forms.ChoiceField(required=False)
    fast = forms.ChoiceField(required=False, widget=FastSelect)


@pytest.mark.parametrize("choices", [
    [("", "The tenant's (Europe/Berlin)")] + [(z, z) for z in timezone_names()],
    [("Group <&>", [("a", 'A "quoted"'), ("b", "B & 'b'")]), ("c", "C")],
])
def test_the_fast_select_writes_the_markup_of_djangos(choices):
    form = Both(initial={"plain": "b", "fast": "b"})
    form.fields["plain"].choices = form.fields["fast"].choices = choices
    if len(choices) > 2:
        form = Both(initial={"plain": "Europe/Paris", "fast": "Europe/Paris"})
        form.fields["plain"].choices = form.fields["fast"].choices = choices

    def same(html: str, name: str) -> str:
        return re.sub(r"\s+", "", html).replace(f'name="{name}"', "").replace(f'id="id_{name}"', "")

    assert same(str(form["fast"]), "fast") == same(str(form["plain"]), "plain")
    assert str(form["fast"]).count(" selected") == 1


def test_the_time_zone_names_are_read_once():
    assert timezone_names() is timezone_names()
    assert "Europe/Berlin" in timezone_names() and len(timezone_names()) > 400


def test_the_settings_and_site_forms_offer_every_zone_with_the_current_one_selected(tenant, owner_web):
    tenant.timezone = "America/Chicago"
    tenant.save()
    body = owner_web.get("/settings/").content.decode()
    assert '<option value="America/Chicago" selected>' in body
    assert body.count("<option value=") > 400
    body = owner_web.get("/sites/new/").content.decode()
    assert '<option value="" selected>The tenant&#x27;s (America/Chicago)</option>' in body
    assert '<option value="Asia/Tokyo">' in body


def test_a_plot_of_10000_readings_has_1000_points_from_the_start_to_the_stop(tenant):
    station, _ = make_station(tenant, "BUSY-1")
    started = datetime(2026, 1, 5, 8, tzinfo=UTC)
    stopped = started + timedelta(hours=3)
    session = ChargingSession.objects.create(
        tenant=tenant, station=station, connector_id=1, id_tag="T", id_tag_status="Accepted",
        started_at=started, stopped_at=stopped, meter_start=1000, meter_stop=31_000)
    MeterSample.objects.bulk_create([
        MeterSample(station=station, session=session, connector_id=1,
                    timestamp=started + timedelta(seconds=1 + k), received_at=started,
                    measurand=ENERGY_REGISTER, location="Outlet", unit="Wh",
                    value=1000 + 3 * k) for k in range(10_000)])
    series = session_series(session)
    assert len(series["t"]) == len(series["energy_kwh"]) == len(series["power_kw"]) == MAX_POINTS
    assert series["t"][0] == int(started.timestamp()) and series["energy_kwh"][0] == 0.0
    assert series["t"][-1] == int(stopped.timestamp()) and series["energy_kwh"][-1] == 30.0
    assert series["t"] == sorted(set(series["t"]))
