"""Which station is connected, and to which server process.

A station row holds the address of its live socket (see stations/ocpp/links.py) and the process
that serves it; the station link writes both through its group-commit writer. Each server
process beats every PRESENCE_BEAT_SECONDS; a station is connected while its process beats, so
a process that dies without cleaning up loses its stations within PRESENCE_TIMEOUT_SECONDS.
"""

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from stations.models import ServerProcess, Station


def process_register() -> ServerProcess:
    return ServerProcess.objects.create(
        hostname=socket.gethostname(), pid=os.getpid(), last_beat=timezone.now()
    )


def process_beat(process_id) -> None:
    """Beat, and tidy up after processes that died: their stations are no longer attached."""
    now = timezone.now()
    updated = ServerProcess.objects.filter(pk=process_id).update(last_beat=now)
    if not updated:  # someone tidied us away after a long stall: come back
        ServerProcess.objects.create(id=process_id, hostname=socket.gethostname(),
                                     pid=os.getpid(), last_beat=now)
    dead = ServerProcess.objects.filter(last_beat__lt=now - 6 * timedelta(
        seconds=settings.PRESENCE_TIMEOUT_SECONDS))
    Station.objects.filter(server_process__in=dead).update(
        channel_name="", server_process=None, connected_since=None)
    dead.delete()
