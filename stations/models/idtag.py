from django.db import models
from django.db.models.functions import Lower

from tenants.models import Tenant
from tenants.validators import SameTenantReferences


class IdTagStatus(models.TextChoices):
    ACCEPTED = "Accepted"
    BLOCKED = "Blocked"
    EXPIRED = "Expired"
    INVALID = "Invalid"


class IdTokenType(models.TextChoices):
    """OCPP 2.0.1's IdTokenEnumType. A 1.6 idTag is one of them: an RFID card's ISO14443 by
    default (docs/domain-model.md, id tokens)."""

    CENTRAL = "Central"
    EMAID = "eMAID"
    ISO14443 = "ISO14443"
    ISO15693 = "ISO15693"
    KEY_CODE = "KeyCode"
    LOCAL = "Local"
    MAC_ADDRESS = "MacAddress"
    NO_AUTHORIZATION = "NoAuthorization"


models.CharField.register_lookup(Lower)  # `id_tag__lower=`: served by the index below


class IdTagQuerySet(models.QuerySet):
    def spelt(self, id_tag: str) -> "IdTagQuerySet":
        """The tag `id_tag` however its case is written (OCPP's IdToken is case-insensitive)."""
        return self.filter(id_tag__lower=id_tag.lower())


class IdTag(SameTenantReferences, models.Model):
    """An RFID card or app token a driver authorizes with."""

    objects = IdTagQuerySet.as_manager()
    tenant_references = ("customer",)  # must be the tag's tenant's (clean)
    money_fields = ("customer", "internal")  # for money roles only (tenants.permissions)

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="id_tags")
    id_tag = models.CharField(max_length=36)  # OCPP 2.0.1 IdToken; a 1.6 idTag is up to 20
    token_type = models.CharField(max_length=20, choices=IdTokenType.choices,
                                  default=IdTokenType.ISO14443,
                                  help_text="What kind of token it is (OCPP 2.0.1 IdTokenType)")
    status = models.CharField(max_length=10, choices=IdTagStatus.choices,
                              default=IdTagStatus.ACCEPTED)
    expiry_date = models.DateTimeField(null=True, blank=True)
    parent_id_tag = models.CharField(
        max_length=36, blank=True,
        help_text="The group it belongs to (1.6 parentIdTag, 2.0.1 groupIdToken)")
    language = models.CharField(max_length=8, blank=True,
                                help_text="The driver's preferred language (RFC 5646), for 2.0.1 stations")
    personal_message = models.CharField(
        max_length=512, blank=True,
        help_text="A message 2.0.1 stations show the driver at authorization")
    name = models.CharField(max_length=200, blank=True)
    priority = models.SmallIntegerField(default=0, help_text="Load management: higher is served first")
    customer = models.ForeignKey("billing.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="id_tags", help_text="The billing account it charges to")
    internal = models.BooleanField(default=False, help_text="Free sessions (still metered); also for "
                                                            "the tags whose parent id tag is internal")
    max_sessions = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Sessions it may run at once (0: unlimited; blank: the tenant's default)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # OCPP 1.6 IdToken is case-insensitive: "04a2b3c4" and "04A2B3C4" are one card.
        constraints = [
            models.UniqueConstraint(Lower("id_tag"), "tenant", name="id_tag_per_tenant_ci")
        ]
        ordering = ["id_tag"]

    def __str__(self) -> str:
        return self.id_tag
