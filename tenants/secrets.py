"""Generating and checking the secrets we hand out: API keys and station passwords.

Both are long random strings, so one round of salted SHA-256 is enough to store them safely and
cheap enough to check on every handshake of a reconnecting fleet (a slow KDF protects weak
human passwords, which these are not; station passwords are required to be at least 16 chars).
"""

import hashlib
import hmac
import secrets


def new_api_key() -> str:
    return secrets.token_urlsafe(32)


def new_station_password() -> str:
    """32 URL-safe characters: within OCPP 1.6 Security's 16..40, safe in a Basic auth header,
    and never starting with "-" (a command line would take it for an option)."""
    while True:
        password = secrets.token_urlsafe(24)
        if not password.startswith("-"):
            return password


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def hash_password(password: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return f"sha256${salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    try:
        algorithm, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algorithm != "sha256":
        return False
    candidate = hashlib.sha256((salt + password).encode()).hexdigest()
    return hmac.compare_digest(candidate, digest)
