"""No template carries an inline script or handler, and the proxy's forwarded address counts only
when the operator says a proxy is in front (issue 16, findings 8 and 14; the served pages' headers:
tests/test_security_headers.py)."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

from cpms.client_address import request_address
from tests.server import ROOT

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*[^<\s]")
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted((ROOT / "templates").rglob("*.html")), ids=str)
def test_templates_have_no_inline_script_or_handler(template: Path):
    text = template.read_text()

    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_HANDLER.search(text)


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy():
    meta = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}

    with override_settings(OCPP_TRUST_PROXY_HEADERS=False):
        assert request_address(meta) == "127.0.0.1"
    with override_settings(OCPP_TRUST_PROXY_HEADERS=True):
        assert request_address(meta) == "203.0.113.7"  # what the proxy saw, not what was written
