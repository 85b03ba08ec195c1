"""Connection history: one row per time a station's link was up (uptime reports)."""

from django.db import models

from stations.models.station import Station


class ConnectionPeriod(models.Model):
    """From the accepted WebSocket to its close. `ended_at` is blank while the link is up, and for
    a link whose server process died (its stations count as offline from that process's last
    beat; see reports)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="connection_periods")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    server_process = models.ForeignKey("stations.ServerProcess", null=True, blank=True,
                                       on_delete=models.SET_NULL, db_constraint=False)

    class Meta:
        indexes = [models.Index(fields=["station", "started_at"])]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.station_id} {self.started_at:%Y-%m-%d %H:%M}–{self.ended_at or ''}"
