import asyncio

from django.core.management.base import BaseCommand, CommandError

from stations.simulator import demo_session, demo_session_201

VERSIONS = {"1.6": demo_session, "2.0.1": demo_session_201}


class Command(BaseCommand):
    help = ("Run a demo charging session as an OCPP 1.6-J (default) or OCPP 2.0.1 charge point "
            "against any central system.")

    def add_arguments(self, parser):
        parser.add_argument("url", help="e.g. ws://localhost:8000/ocpp/demo (identity is appended)")
        parser.add_argument("--identity", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--ocpp", choices=list(VERSIONS), default="1.6",
                            help="the OCPP version the station speaks (default 1.6)")
        parser.add_argument("--id-tag", default="DEMO-TAG-1")
        parser.add_argument("--samples", type=int, default=3)
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")

    def handle(self, *args, url, identity, password, ocpp, id_tag, samples, interval, **options):
        try:
            transaction_id = asyncio.run(VERSIONS[ocpp](
                url, identity, password, id_tag, samples=samples, interval=interval,
                say=self.stdout.write))
        except OSError as exc:
            raise CommandError(f"Could not connect to {url}: {exc}") from exc
        except Exception as exc:  # websockets' InvalidStatus: refused at the handshake
            raise CommandError(f"Session failed: {exc}") from exc
        if not transaction_id:
            raise CommandError("The id tag was not accepted")
        self.stdout.write(self.style.SUCCESS(f"Session {transaction_id} done."))
