import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ServerProcess(models.Model):
    """A running server process. It beats while alive; its stations are connected while it does."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    hostname = models.CharField(max_length=255)
    pid = models.IntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_beat = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"

    @staticmethod
    def alive_cutoff() -> datetime:
        """A process whose last beat is older than this is taken for dead."""
        return timezone.now() - timedelta(seconds=settings.PRESENCE_TIMEOUT_SECONDS)
