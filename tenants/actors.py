"""Who did something, as kept on what they changed (e.g. a session an operator closed)."""

from tenants.models import ApiToken


def closer_of(request) -> str:
    """The signed-in user's name, else the API token's name and prefix."""
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        return " ".join(part for part in ("API token", token.name, f"({token.prefix}…)") if part)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user {user.get_username()}"
    return ""
