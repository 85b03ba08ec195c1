"""One FTP server for the node (stations/firmware/ftp.py); `manage.py serve` runs it beside the
daphne workers, so that passive ports and uploads in transfer belong to one process."""

from django.conf import settings
from django.core.management.base import BaseCommand

from stations.firmware.ftp import ftp_server


class Command(BaseCommand):
    help = "Serve FTP for stations' firmware downloads and diagnostics/log uploads."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.FTP_HOST)
        parser.add_argument("--port", type=int, default=settings.FTP_PORT)

    def handle(self, *args, host: str, port: int, **options):
        server = ftp_server(host=host, port=port)
        low, high = settings.FTP_PASSIVE_PORTS
        self.stdout.write(f"FTP on {host}:{port}, passive ports {low}-{high}, "
                          f"stations reach {settings.FTP_PUBLIC_URL}", ending="\n")
        self.stdout.flush()
        server.serve_forever(handle_exit=True)
