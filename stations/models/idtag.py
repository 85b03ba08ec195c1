from django.db import models

from tenants.models import Tenant


class IdTagStatus(models.TextChoices):
    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"


class IdTag(models.Model):
    """An RFID card or app token a driver authorizes with."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="id_tags")
    id_tag = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=IdTagStatus.choices,
                              default=IdTagStatus.ACCEPTED)
    expiry_date = models.DateTimeField(null=True, blank=True)
    parent_id_tag = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=200, blank=True)
    priority = models.SmallIntegerField(default=0, help_text="Load management: higher is served first")
    customer = models.ForeignKey("billing.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="id_tags", help_text="The billing account it charges to")
    internal = models.BooleanField(default=False, help_text="Free sessions (still metered); also for "
                                                            "the tags whose parent id tag is internal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "id_tag"], name="id_tag_per_tenant")
        ]
        ordering = ["id_tag"]

    def __str__(self) -> str:
        return self.id_tag
