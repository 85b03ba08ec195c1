"""The audit log: who changed what, when, from where, and what a command to a station answered
(docs/audit.md). Rows are written in the transaction of the change and never changed after."""

import uuid

from django.db import models

from tenants.models import Tenant


class Via(models.TextChoices):
    API = "api", "API"
    DASHBOARD = "dashboard", "Dashboard"
    ADMIN = "admin", "Admin"
    SYSTEM = "system", "System"


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    COMMAND = "command", "Command to a station"
    REQUEST = "request", "Request"  # a write no model change told of (e.g. a bulk update)


class AuditEntry(models.Model):
    tenant = models.ForeignKey(Tenant, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="audit_entries")
    at = models.DateTimeField(db_index=True)
    request_id = models.UUIDField(default=uuid.uuid4, help_text="The entries of one request share it")
    via = models.CharField(max_length=10, choices=Via.choices)
    actor_type = models.CharField(max_length=10, help_text="user, token or system")
    actor_id = models.IntegerField(null=True, blank=True)
    actor = models.CharField(max_length=200, help_text="Who, as shown (user name, token name)")
    ip = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=500, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    object_id = models.CharField(max_length=100, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    station_id = models.IntegerField(null=True, blank=True, help_text="The station it concerns")
    station_identity = models.CharField(max_length=100, blank=True)
    changes = models.JSONField(default=dict, blank=True,
                               help_text='{"field": [before, after]} (a command: its request)')
    result = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "-at"], name="audit_tenant_at"),
            models.Index(fields=["tenant", "object_type", "object_id"], name="audit_object"),
            models.Index(fields=["tenant", "station_id", "-at"], name="audit_station"),
        ]
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries are never changed.")
        super().save(*args, **kwargs)
