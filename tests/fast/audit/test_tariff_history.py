"""The issue's question, answered from the audit log: "who changed this tariff, and when?" A
manager changes a tariff's price through the API; the tariff's page links to its history, which
names the token and the change."""

import pytest

from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_tariffs_history_names_who_changed_its_price_and_when(owner_api, owner_web):
    created = owner_api.post("/api/v1/tariffs/", json={
        "name": "Standard", "currency": "EUR", "vat_rate": "19",
        "elements": [{"price_components": [{"type": "ENERGY", "price": "0.30"}]}]}).json()
    owner_api.patch(f"/api/v1/tariffs/{created['id']}/", json={
        "elements": [{"price_components": [{"type": "ENERGY", "price": "0.35"}]}]})

    page = owner_web.get(f"/tariffs/{created['id']}/").content.decode()
    history = f"/audit/?object_type=billing.tariff&amp;object_id={created['id']}"
    assert history in page
    change = AuditEntry.objects.filter(object_type="billing.tariff", object_id=str(created["id"]),
                                       action="update").get()
    assert change.actor_type == "token" and change.at is not None
    assert "0.35" in str(change.changes)
    log = owner_web.get(history.replace("&amp;", "&")).content.decode()
    assert change.actor in log
