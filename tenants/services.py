from django.db import transaction
from django.utils import timezone

from tenants.models import ApiToken, Role, Tenant
from tenants.secrets import api_key_hash, new_api_key


def tenant_create(*, slug: str, name: str, timezone_name: str = "UTC") -> Tenant:
    tenant = Tenant(slug=slug, name=name, timezone=timezone_name)
    tenant.full_clean()
    tenant.save()
    return tenant


@transaction.atomic
def api_token_create(*, tenant: Tenant, name: str = "", role: str = Role.MANAGER) -> tuple[ApiToken, str]:
    """Return the token and its key; the key is not stored and cannot be shown again."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}; use one of: {', '.join(Role.values)}")
    key = new_api_key()
    token = ApiToken.objects.create(
        tenant=tenant, name=name, role=role, prefix=key[:8], key_hash=api_key_hash(key)
    )
    return token, key


def api_token_resolve(key: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("tenant")
        .filter(key_hash=api_key_hash(key), revoked=False)
        .first()
    )
    if token is not None and (
        token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
