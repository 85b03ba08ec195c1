"""The ISO 15118 PKI behind Plug & Charge (docs/pki.md): one interface (base.PkiBackend), the
built-in test PKI and the HTTP adapter, chosen by PKI_BACKEND."""

from django.conf import settings

from stations.security.pki.base import PkiBackend


def backend() -> PkiBackend:
    """The configured PKI (read at each call, so a test's settings override holds)."""
    if settings.PKI_BACKEND == "http":
        from stations.security.pki.http_backend import HttpPki

        return HttpPki()
    from stations.security.pki.builtin import BuiltinPki

    return BuiltinPki()


def settings_shown() -> dict:
    """Which PKI answers, as the API and the Security page show it (never the token)."""
    http = settings.PKI_BACKEND == "http"
    return {"backend": settings.PKI_BACKEND, "url": settings.PKI_HTTP_URL if http else None,
            "timeout_seconds": settings.PKI_HTTP_TIMEOUT if http else None}
