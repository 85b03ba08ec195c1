"""A tariff's own words for drivers (driver_text, driver_language; docs/ocpp201.md, the price told
to the driver): the API and the dashboard form keep them, a too-long text or a bad language is a
400 with its reason, another tenant's tariff is a 404, and the line a station tells follows the
tariff version a session runs under (docs/pricing.md)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.models import Tariff
from billing.selectors import station_price_text, tariff_driver_line
from billing.services import tariff_update
from stations.models import ChargingSession
from stations.price_text import PriceLine, with_price_message
from tenants.models import Role
from tests.browser import member
from tests.factories import make_station, make_tenant, set_station_tariff
from tests.fast.billing.test_tariffs import make_tariff, start_session_on, tariff_body
from tests.fast.clients import api_client, post, signed_in

pytestmark = pytest.mark.django_db

GENERATED = "0.357 EUR/kWh, incl. 19% VAT"
GERMAN = "0,36 €/kWh inkl. MwSt. – Parken ab 30 min 3 €/h"


def test_the_api_keeps_the_drivers_text_and_language():
    tenant = make_tenant()
    with api_client(tenant) as api:
        created = api.post("/api/v1/tariffs/", json=tariff_body(driver_text=GERMAN, driver_language="de"))
        plain = api.post("/api/v1/tariffs/", json=tariff_body(name="Plain"))
        patched = api.patch(f"/api/v1/tariffs/{plain.json()['id']}/", json={"driver_language": "de-AT"})
    assert created.status_code == 201, created.text
    assert (created.json()["driver_text"], created.json()["driver_language"]) == (GERMAN, "de")
    assert (plain.json()["driver_text"], plain.json()["driver_language"]) == ("", "")
    assert patched.status_code == 200 and patched.json()["driver_language"] == "de-AT"


@pytest.mark.parametrize("fields, field", [
    ({"driver_text": "x" * 513}, "driver_text"),
    ({"driver_language": "German"}, "driver_language"),
    ({"driver_language": "de_DE"}, "driver_language"),
    ({"driver_language": "de-DE-1996x"}, "driver_language"),
])
def test_a_too_long_text_or_a_bad_language_is_a_400_with_the_reason(fields, field):
    tenant = make_tenant()
    with api_client(tenant) as api:
        response = api.post("/api/v1/tariffs/", json=tariff_body(**fields))
    assert response.status_code == 400 and field in response.json(), response.text
    assert not Tariff.objects.filter(tenant=tenant).exists()


def test_512_characters_of_utf8_are_accepted():
    tenant = make_tenant()
    text = "€" * 512
    with api_client(tenant) as api:
        response = api.post("/api/v1/tariffs/", json=tariff_body(driver_text=text))
    assert response.status_code == 201 and Tariff.objects.get(tenant=tenant).driver_text == text


def test_another_tenants_tariff_text_is_a_404():
    mine, theirs = make_tenant("Mine"), make_tenant("Theirs")
    tariff = make_tariff(theirs, driver_text="Theirs")
    with api_client(mine) as api:
        response = api.patch(f"/api/v1/tariffs/{tariff.pk}/", json={"driver_text": "Mine now"})
    assert response.status_code == 404
    assert Tariff.objects.get(pk=tariff.pk).driver_text == "Theirs"


def test_the_operators_text_replaces_the_generated_line_in_its_language():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    set_station_tariff(station, make_tariff(tenant))
    assert station_price_text(station.pk) == PriceLine(GENERATED, "en")
    set_station_tariff(station, make_tariff(tenant, name="Own", driver_text=GERMAN, driver_language="de"))
    assert station_price_text(station.pk) == PriceLine(GERMAN, "de")
    set_station_tariff(station, make_tariff(tenant, name="Unsaid", driver_text="Free until May"))
    assert station_price_text(station.pk) == PriceLine("Free until May", None)


def test_a_message_without_a_language_says_none():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    set_station_tariff(station, make_tariff(tenant, driver_text="Free until May"))
    info = with_price_message({"status": "Accepted"}, station_id=station.pk)
    assert info["personalMessage"] == {"format": "UTF8", "content": "Free until May"}


def test_a_running_session_keeps_the_words_of_its_tariff_version():
    tenant = make_tenant()
    station, _ = make_station(tenant)
    tariff = make_tariff(tenant, driver_text="Old words", driver_language="en")
    set_station_tariff(station, tariff)
    start_session_on(station)
    session = ChargingSession.objects.get(station=station)
    new = tariff_update(tariff=tariff, driver_text="Neue Worte", driver_language="de")
    assert new.pk != tariff.pk and new.version == 2  # the words state prices: a new version
    assert station_price_text(station.pk, session.pk) == PriceLine("Old words", "en")
    assert station_price_text(station.pk) == PriceLine("Neue Worte", "de")


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=512), language=st.sampled_from(["", "de", "fr-CA"]))
def test_a_set_text_is_told_as_written_and_a_blank_one_falls_back(text, language):
    tariff = Tariff(name="T", currency="EUR", vat_rate=19, elements=[
        {"price_components": [{"type": "ENERGY", "price": "0.30"}]}], driver_text=text,
        driver_language=language)
    line = tariff_driver_line(tariff)
    if text:
        assert line == PriceLine(text, language or None)
    else:
        assert line == PriceLine(GENERATED, "en")


def test_the_form_edits_the_text_and_previews_the_generated_line():
    tenant = make_tenant("Words")
    tariff = make_tariff(tenant, vat_rate="19")
    http = signed_in(member(tenant, Role.MANAGER))
    page = (http.get(f"/tariffs/{tariff.pk}/")).text
    base = {"name": "Standard", "currency": "EUR", "vat_rate": "19", "idle_grace_minutes": "0",
            "mode": "simple", "energy_price": "0.30"}
    saved = post(http, f"/tariffs/{tariff.pk}/", base | {"driver_text": GERMAN, "driver_language": "de"},
                 htmx=False)
    too_long = post(http, f"/tariffs/{tariff.pk}/", base | {"driver_text": "x" * 513}, htmx=False)
    bad_language = post(http, f"/tariffs/{tariff.pk}/", base | {"driver_language": "German"}, htmx=False)
    edited = (http.get(f"/tariffs/{tariff.pk}/")).text
    assert GENERATED in page and 'name="driver_text"' in page
    assert saved.status_code == 302
    tariff.refresh_from_db()
    assert (tariff.driver_text, tariff.driver_language) == (GERMAN, "de")
    assert too_long.status_code == 400 and bad_language.status_code == 400
    assert "RFC 5646" in bad_language.text
    assert GERMAN in edited


def test_an_accountant_cannot_open_the_tariff_form():
    tenant = make_tenant("Readers")
    tariff = make_tariff(tenant)
    http = signed_in(member(tenant, Role.ACCOUNTANT))
    assert (http.get(f"/tariffs/{tariff.pk}/")).status_code == 403


def test_an_accountant_reads_the_drivers_text_in_the_list():
    tenant = make_tenant("Listed")
    make_tariff(tenant, driver_text="Nur heute: 0,30 €/kWh", driver_language="de")
    make_tariff(tenant, name="Plain")
    listing = (signed_in(member(tenant, Role.ACCOUNTANT)).get("/tariffs/")).text
    assert "Drivers are told (de): <q>Nur heute: 0,30 €/kWh</q>" in listing
    assert listing.count('class="driver-text"') == 1
