"""The dashboard's id tag form takes what 2.0.1 stations use: 36-character tokens, the driver's
language and personal message, saved as the API saves them and shown when editing
(docs/sessions.md, id tokens)."""

import pytest

from stations.models import IdTag
from tenants.models import Role
from tests.browser import member
from tests.factories import make_tenant
from tests.fast.clients import post, signed_in

pytestmark = pytest.mark.django_db

EMAID = "NL-TNM-C00122045-K-7F3A9B2C5D1E0-42"  # 36 characters


def test_a_manager_saves_a_36_character_emaid_with_language_and_personal_message():
    tenant = make_tenant("Tokens")
    http = signed_in(member(tenant, Role.MANAGER))
    response = post(http, "/id-tags/new/", {
        "id_tag": EMAID, "token_type": "eMAID", "status": "Accepted", "priority": "0",
        "language": "nl", "personal_message": "Welkom terug"}, htmx=False)
    assert response.status_code == 302, response.text
    tag = IdTag.objects.get(tenant=tenant)
    assert (tag.id_tag, tag.token_type, tag.language, tag.personal_message) == (
        EMAID, "eMAID", "nl", "Welkom terug")
    form = http.get(f"/id-tags/{tag.pk}/").text
    assert 'value="Welkom terug"' in form and 'value="nl"' in form
