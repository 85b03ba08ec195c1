from django.db import models

from stations.models import Station
from tenants.models import Tenant


class LocalList(models.Model):
    """The local authorization list a station should hold, and what it confirmed holding.

    The list is derived from the tenant's id tags: all of them, or the members of one group (the
    id tags whose parent is `group`). `version` and `snapshot` are what the station last accepted;
    a differential update is computed against that snapshot."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    station = models.OneToOneField(Station, on_delete=models.CASCADE, related_name="local_list")
    group = models.CharField(max_length=20, blank=True,
                             help_text="A parent id tag: only its members are sent. Blank: every id tag.")
    version = models.IntegerField(default=0, help_text="The list version the station last accepted")
    snapshot = models.JSONField(default=dict, help_text="idTag -> idTagInfo the station last accepted")
    entries_hash = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The answer to the last GetLocalListVersion: -1 not supported, 0 no list.
    station_version = models.IntegerField(null=True, blank=True)
    station_version_at = models.DateTimeField(null=True, blank=True)
    # Set when the tenant's id tags changed the list this station should hold; cleared when a
    # differential update for it is sent. A station offline then gets it at its next boot.
    sync_due = models.BooleanField(default=False,
                                   help_text="A differential update is due (sent when connected)")

    def __str__(self) -> str:
        return f"local list of {self.station_id} v{self.version}"


class UpdateStatus(models.TextChoices):
    PENDING = "Pending"
    ACCEPTED = "Accepted"
    FAILED = "Failed"
    NOT_SUPPORTED = "NotSupported"
    VERSION_MISMATCH = "VersionMismatch"
    SEND_FAILED = "SendFailed", "Send failed (no usable answer)"


class LocalListUpdate(models.Model):
    """One SendLocalList: what was sent and what the station answered."""

    FULL, DIFFERENTIAL = "Full", "Differential"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    local_list = models.ForeignKey(LocalList, on_delete=models.CASCADE, related_name="updates")
    update_type = models.CharField(max_length=12, choices=[(FULL, FULL), (DIFFERENTIAL, DIFFERENTIAL)])
    list_version = models.IntegerField()
    group = models.CharField(max_length=20, blank=True)
    entries = models.JSONField(default=list, help_text="localAuthorizationList as sent")
    snapshot = models.JSONField(default=dict,
                                help_text="idTag -> idTagInfo: the whole list once the station accepts")
    status = models.CharField(max_length=16, choices=UpdateStatus.choices, default=UpdateStatus.PENDING)
    error = models.TextField(blank=True)
    resend_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="resend",
                                     help_text="The VersionMismatch update this full list follows")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.update_type} v{self.list_version}: {self.status}"

    @property
    def entry_count(self) -> int:
        return len(self.entries)
