"""What a production server (DJANGO_DEBUG=0) needs before it serves anyone; settings.py refuses
to load without it, naming every gap at once, so a missing value fails the start and not the
first password reset.

- SECRET_KEY signs sessions and password-reset links and derives the key that encrypts the
  tenants' CA keys (tenants/secrets.py): a published placeholder or a short key is refused.
- A mail server for password-reset mails: without one Django prints the reset links to the log,
  where whoever reads the log can take over an account; ALLOW_CONSOLE_EMAIL=1 says the operator
  wants that anyway (e.g. a host without mail whose log only admins read).
- ALLOWED_HOSTS: Django answers every request 400 without it.
- Where TLS ends: the proxy says a request came over https only when it is trusted
  (OCPP_TRUST_PROXY_HEADERS=1); without that the redirect to https would never end."""

# Published keys: the example environment's, the development one, and Django's template prefix.
PLACEHOLDER_KEYS = {"change-me-to-50-random-characters",
                    "dev-only-insecure-key-do-not-use-in-production"}
MIN_SECRET_KEY_CHARS = 50
MIN_SECRET_KEY_DISTINCT = 10
CONSOLE_BACKENDS = {"django.core.mail.backends.console.EmailBackend",
                    "django.core.mail.backends.filebased.EmailBackend",
                    "django.core.mail.backends.locmem.EmailBackend",
                    "django.core.mail.backends.dummy.EmailBackend"}


def secret_key_problem(key: str) -> str | None:
    if not key:
        return "SECRET_KEY must be set when DJANGO_DEBUG=0"
    if key in PLACEHOLDER_KEYS or key.startswith("django-insecure-") or "change-me" in key:
        return "SECRET_KEY is a published placeholder: generate one (see deploy/README.md)"
    if len(key) < MIN_SECRET_KEY_CHARS or len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return (f"SECRET_KEY must be at least {MIN_SECRET_KEY_CHARS} random characters "
                f"(at least {MIN_SECRET_KEY_DISTINCT} different ones)")
    return None


def production_problems(*, secret_key: str, email_backend: str, allow_console_email: bool,
                        allowed_hosts: list[str], ssl_redirect: bool, trust_proxy: bool) -> list[str]:
    problems = [secret_key_problem(secret_key)]
    if email_backend in CONSOLE_BACKENDS and not allow_console_email:
        problems.append("no mail server: set EMAIL_HOST (password-reset links would be printed "
                        "to the log), or ALLOW_CONSOLE_EMAIL=1 to accept that")
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS must name the host(s) the server is reached at")
    if ssl_redirect and not trust_proxy:
        problems.append("TLS ends at the proxy: set OCPP_TRUST_PROXY_HEADERS=1 (the server is "
                        "reachable only through it), or HTTPS=0 where no TLS is in front")
    return [problem for problem in problems if problem]
