"""The conformance scenarios once more, the way the OCA tool runs its cases: back to back in the
catalogue's order against one station and one valid card, nothing reset in between
(`manage.py conformance --shared`, tests/conformance/conftest.py). A transaction an earlier case
left open must not make a later case fail (issue 15: 19 of 76 cases got ConcurrentTx so)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.timeout(600)  # the whole conformance folder once more, in a child process
def test_every_case_passes_when_all_share_one_station_and_one_valid_card():
    out, err = StringIO(), StringIO()
    try:
        call_command("conformance", "--shared", "--verbosity", "2", stdout=out, stderr=err)
    except CommandError:
        failed = [line for line in out.getvalue().splitlines() if line.lstrip().startswith("fail")]
        pytest.fail("In one shared run:\n" + "\n".join(failed) + "\n\n" + out.getvalue()
                    + "\n" + err.getvalue()[-20000:])
    assert out.getvalue().splitlines()[-1].endswith(" pass")
