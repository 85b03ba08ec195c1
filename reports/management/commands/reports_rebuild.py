"""`manage.py reports_rebuild --since 2026-01-01 [--until …] [--tenant slug]`: compute the daily
rollups of past days again (after an import, or a change of a station's time zone). The periodic
task keeps only yesterday and today up to date (docs/reports.md, "Rollups")."""

from argparse import ArgumentTypeError
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.services import rollup_stations, totals_rollup
from stations.models import Station

WEEK = 7  # days per round: keeps each round's status history small


class Command(BaseCommand):
    help = "Compute the reports' daily rollups from --since (a date) to --until (default today)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", required=True, type=_date, help="YYYY-MM-DD (local days)")
        parser.add_argument("--until", type=_date, help="YYYY-MM-DD, included; default today")
        parser.add_argument("--tenant", help="Only this tenant (its slug)")

    def handle(self, *args, since: date, until: date | None, tenant: str | None, **options) -> None:
        until = until or timezone.now().date() + timedelta(days=1)
        if until < since:
            raise CommandError("--until is before --since")
        stations = Station.objects.all()
        if tenant:
            stations = stations.filter(tenant__slug=tenant)
        written, day = 0, since
        while day <= until:
            last = min(day + timedelta(days=WEEK - 1), until)
            written += rollup_stations(stations=stations, since=day, until=last)
            totals_rollup(since=day, until=last, tenant_ids=list(
                stations.values_list("tenant_id", flat=True).distinct()) if tenant else None)
            day = last + timedelta(days=1)
        self.stdout.write(f"{written} station days written ({since} to {until}).")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None
