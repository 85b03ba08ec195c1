"""An endpoint's signing secret at rest: encrypted with a key derived from SECRET_KEY
(Fernet: AES-128-CBC + HMAC), so a database dump alone does not let anyone sign as us
(docs/webhooks.md, "Delivery, signatures and retries"). Rotating SECRET_KEY makes the stored
secrets unreadable: rotate each endpoint's secret after it."""

import base64
import hashlib
import secrets

from cryptography.fernet import Fernet
from django.conf import settings

SECRET_PREFIX = "whsec_"


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"cpms.webhooks.secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_new() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def secret_shown_prefix(secret: str) -> str:
    """What the dashboard and the API show of a secret, to tell which one a receiver holds."""
    return secret[: len(SECRET_PREFIX) + 4]
