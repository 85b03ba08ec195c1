from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from tenants.validators import validate_timezone_name

slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,62}$", "Use lower-case letters, digits and hyphens."
)


class Tenant(models.Model):
    """An operator: owns stations, id tags, sessions and everything below them."""

    slug = models.CharField(max_length=63, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone_name])
    max_sessions_per_id_tag = models.PositiveSmallIntegerField(
        default=1, help_text="Sessions one id tag may run at once (0: unlimited); an id tag may "
                             "set its own")
    new_stations_pending = models.BooleanField(
        default=False, help_text="New stations are held Pending at boot until an operator accepts them")
    locale = models.CharField(
        max_length=35, default="en-GB",
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "A BCP 47 tag, e.g. de-DE")],
        help_text="How the dashboard writes dates, times and numbers (BCP 47, e.g. de-DE, en-GB)")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class Role(models.TextChoices):
    MANAGER = "manager", "Property manager"
    INSTALLER = "installer", "Installer"
    ACCOUNTANT = "accountant", "Accountant"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="one_membership_per_tenant")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant} ({self.role})"


class ApiToken(models.Model):
    """A key for the REST API. Only its SHA-256 is stored; the key is shown once."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to tell them apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MANAGER,
                            help_text="What the key may do (see tenants/permissions.py)")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.tenant})"
