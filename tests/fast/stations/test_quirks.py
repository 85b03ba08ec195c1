"""Vendor quirks: known deviations configured per station model, applied in one place; the
longest matching model prefix wins (the quirks at work on a station: tests/test_quirks.py)."""

import pytest

from stations.models import ModelQuirks
from stations.quirks import NONE, quirks_for, quirks_forget

pytestmark = pytest.mark.django_db


def test_the_longest_matching_model_prefix_wins_and_other_models_have_none():
    quirks_forget()
    ModelQuirks.objects.create(vendor="Acme", model_prefix="", id_tag_suffix_separator="/")
    ModelQuirks.objects.create(vendor="Acme", model_prefix="AC-2", id_tag_suffix_separator="#",
                               max_profile_on_connector_zero_only=True)
    assert quirks_for("ACME", "AC-22k").id_tag_suffix_separator == "#"
    assert quirks_for("Acme", "AC-22k").max_profile_on_connector_zero_only
    assert quirks_for("Acme", "AC-11").id_tag_suffix_separator == "/"
    assert quirks_for("Other", "AC-22k") == NONE
