"""`manage.py conformance [--ocpp 1.6|2.0.1] [--shared] [--only TC_044_1 B_01 ...]`: run the OCA
conformance scenarios and print each case of the catalogue (docs/conformance.md) with pass, fail,
skip or missing (`later` for a 2.0.1 block this release does not cover), one section per OCPP
version. Exits non-zero unless every case passes.

`--shared` runs them the way the OCA tool does: back to back in the catalogue's order against one
station and one valid card per version, nothing reset between cases (tests/conformance/conftest.py,
tests/conformance/v201/conftest.py)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpms import conformance

TITLES = {"1.6": "OCPP 1.6-J conformance: the OCA central-system test cases",
          "2.0.1": "OCPP 2.0.1 conformance: the OCA central-system test cases by functional block"}
# Where each version's scenarios live; the 1.6 run leaves the 2.0.1 folder out.
V201_DIR = "tests/conformance/v201"
PATHS = {"1.6": ["tests/conformance", f"--ignore={V201_DIR}"], "2.0.1": [V201_DIR]}


class Command(BaseCommand):
    help = ("Run the OCPP 1.6 and 2.0.1 conformance scenarios (tests/conformance, "
            "tests/conformance/v201) and report each OCA case.")

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", metavar="CASE_ID", default=[],
                            help="run and report only these cases, e.g. --only TC_044_1 B_01")
        parser.add_argument("--ocpp", choices=conformance.VERSIONS, default=None,
                            help="only this OCPP version's cases (default: both)")
        parser.add_argument("--shared", action="store_true",
                            help="run the cases back to back against one station and one valid "
                                 "card, in the catalogue's order, as the OCA tool does")

    def handle(self, *args, only: list[str], ocpp: str | None, shared: bool, verbosity: int,
               **options):
        only_ids = {conformance.case_id(text) for text in only}
        unknown = sorted(only_ids - conformance.CASE_IDS)
        if unknown:
            raise CommandError(f"Unknown case id(s): {', '.join(unknown)}")
        cases = [case for case in conformance.CATALOGUE
                 if (not only_ids or case.id in only_ids) and (ocpp is None or case.ocpp == ocpp)]
        versions = [v for v in conformance.VERSIONS if any(case.ocpp == v for case in cases)]
        # A filter (by case or version) is passed on as the list of cases to run.
        chosen = {case.id for case in cases} if only_ids or ocpp else set()
        test_outcomes, uncollected, output = self._run_scenarios(chosen, versions, shared)
        if verbosity > 1:
            self.stderr.write(output)
        for nodeid in uncollected:
            self.stderr.write(f"could not collect {nodeid}: its cases show as missing")
        for name in sorted(n for n in test_outcomes if conformance.case_of(n) is None
                           and n.lower().startswith("test_tc_")):
            self.stderr.write(f"scenario {name} names no case of the catalogue")
        outcomes = conformance.case_outcomes(test_outcomes)
        all_pass = not uncollected
        for version in versions:
            lines, version_pass = conformance.report(
                [case for case in cases if case.ocpp == version], outcomes)
            all_pass = all_pass and version_pass
            self.stdout.write(TITLES[version]
                              + (", one station and one valid card for all" if shared else ""))
            for line in lines:
                self.stdout.write(line)
        if not all_pass:
            raise CommandError("Not every case passes (run with -v 2 for pytest's output).")

    def _run_scenarios(self, chosen: set[str], versions: list[str],
                       shared: bool) -> tuple[dict[str, str], list[str], str]:
        """Run pytest on the versions' scenario folders in a child of this Python; {test name:
        outcome}, the files that could not be collected, pytest's output."""
        paths = ["tests/conformance"] if versions == list(conformance.VERSIONS) else [
            arg for version in versions for arg in PATHS[version]]
        with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
            results = Path(tmp) / "results.json"
            env = os.environ | {conformance.RESULTS_ENV: str(results),
                                conformance.ONLY_ENV: ",".join(sorted(chosen)),
                                conformance.SHARED_ENV: "1" if shared else ""}
            completed = subprocess.run(
                # The scenarios are live tests: no in-process tier, so no pytest-django, which
                # would load the settings (named by importing cpms) before tests/conftest.py
                # points them at a fresh database. A scenario file that does not import leaves
                # its cases missing but does not stop the others.
                [sys.executable, "-m", "pytest", *paths, "-p", "cpms.conformance",
                 "-q", "-p", "no:cacheprovider", "-p", "no:django",
                 "--continue-on-collection-errors"],
                cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
            )
            if not results.exists():
                raise CommandError(f"pytest did not run the scenarios:\n{completed.stdout}"
                                   f"{completed.stderr}")
            found = json.loads(results.read_text())
            return found["outcomes"], found["uncollected"], completed.stdout + completed.stderr
