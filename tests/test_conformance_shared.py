"""The conformance scenarios once more, the way the OCA tool runs its cases: back to back in the
catalogue's order against one station and one valid card, nothing reset in between
(`manage.py conformance --shared`, tests/conformance/conftest.py). A transaction an earlier case
left open must not make a later case fail (issue 15: 19 of 76 cases got ConcurrentTx so)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.timeout(600)  # the whole conformance folder once more, in a child process
def test_every_16_case_passes_when_all_share_one_station_and_one_valid_card():
    out, err = StringIO(), StringIO()
    try:
        call_command("conformance", "--shared", "--ocpp", "1.6", "--verbosity", "2", stdout=out,
                     stderr=err)
    except CommandError:
        failed = [line for line in out.getvalue().splitlines() if line.lstrip().startswith("fail")]
        pytest.fail("In one shared run:\n" + "\n".join(failed) + "\n\n" + out.getvalue()
                    + "\n" + err.getvalue()[-20000:])
    assert out.getvalue().splitlines()[-1].endswith(" pass")


@pytest.mark.timeout(600)
def test_no_201_case_fails_when_all_share_one_station_and_one_valid_card():
    """The 2.0.1 scenarios the same way (their own station and card). The 2.0.1 catalogue is not
    yet proven case by case (docs/conformance.md): a case may be missing, none may fail."""
    out, err = StringIO(), StringIO()
    try:
        call_command("conformance", "--shared", "--ocpp", "2.0.1", "--verbosity", "2", stdout=out,
                     stderr=err)
    except CommandError:
        pass  # a case without its scenario yet; what failed is checked below
    lines = out.getvalue().splitlines()
    failed = [line for line in lines if line.lstrip().startswith(("fail", "skip"))]
    assert not failed, "\n".join(failed) + "\n\n" + err.getvalue()[-20000:]
    assert "could not collect" not in err.getvalue(), err.getvalue()[-20000:]
    assert lines[0].endswith("one station and one valid card for all")
    assert " pass" in lines[-1]
