"""`manage.py conformance [--shared] [--only TC_044_1 ...]`: run the OCA conformance scenarios and
print each case of the catalogue with pass, fail, skip or missing. Exits non-zero unless every case
passes.

`--shared` runs them the way the OCA tool does: back to back in the catalogue's order against one
station and one valid card, nothing reset between cases (tests/conformance/conftest.py)."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpms import conformance


class Command(BaseCommand):
    help = "Run the OCPP 1.6 conformance scenarios (tests/conformance) and report each OCA case."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="+", metavar="TC_ID", default=[],
                            help="run and report only these cases, e.g. --only TC_044_1 TC_003")
        parser.add_argument("--shared", action="store_true",
                            help="run the cases back to back against one station and one valid "
                                 "card, in the catalogue's order, as the OCA tool does")

    def handle(self, *args, only: list[str], shared: bool, verbosity: int, **options):
        only_ids = {case_id.upper() for case_id in only}
        unknown = sorted(only_ids - conformance.CASE_IDS)
        if unknown:
            raise CommandError(f"Unknown case id(s): {', '.join(unknown)}")
        cases = [case for case in conformance.CATALOGUE if not only_ids or case.id in only_ids]
        test_outcomes, output = self._run_scenarios(only_ids, shared)
        if verbosity > 1:
            self.stderr.write(output)
        for name in sorted(n for n in test_outcomes if conformance.case_of(n) is None
                           and n.lower().startswith("test_tc_")):
            self.stderr.write(f"scenario {name} names no case of the catalogue")
        lines, all_pass = conformance.report(cases, conformance.case_outcomes(test_outcomes))
        self.stdout.write("OCPP 1.6-J conformance: the OCA central-system test cases"
                          + (", one station and one valid card for all" if shared else ""))
        for line in lines:
            self.stdout.write(line)
        if not all_pass:
            raise CommandError("Not every case passes (run with -v 2 for pytest's output).")

    def _run_scenarios(self, only_ids: set[str], shared: bool) -> tuple[dict[str, str], str]:
        """Run pytest on tests/conformance in a child of this Python; {test name: outcome}."""
        with tempfile.TemporaryDirectory(prefix="conformance-") as tmp:
            results = Path(tmp) / "results.json"
            env = os.environ | {conformance.RESULTS_ENV: str(results),
                                conformance.ONLY_ENV: ",".join(sorted(only_ids)),
                                conformance.SHARED_ENV: "1" if shared else ""}
            completed = subprocess.run(
                # The scenarios are live tests: no in-process tier, so no pytest-django, which
                # would load the settings (named by importing cpms) before tests/conftest.py
                # points them at a fresh database.
                [sys.executable, "-m", "pytest", "tests/conformance", "-p", "cpms.conformance",
                 "-q", "-p", "no:cacheprovider", "-p", "no:django"],
                cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
            )
            if not results.exists():
                raise CommandError(f"pytest did not run the scenarios:\n{completed.stdout}"
                                   f"{completed.stderr}")
            return json.loads(results.read_text()), completed.stdout + completed.stderr
