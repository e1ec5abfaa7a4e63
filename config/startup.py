"""Start-up checks on the secrets a production server must be given.

Kept apart from settings.py so that the checks can be tested without re-importing settings.
"""

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured

# Values that ship in .env.example or that Django's own templates generate: fine on a laptop,
# never in production.
DEVELOPMENT_MARKERS = ("django-insecure", "change-me", "dev-only", "example")


def _is_development_value(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in DEVELOPMENT_MARKERS)


def _is_fernet_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode())) == 32
    except (binascii.Error, ValueError):
        return False


def check_production_secrets(
    *, secret_key: str, field_encryption_keys: list[str], blind_index_key: str
) -> None:
    """Raise ImproperlyConfigured listing every secret that is missing or unfit for production."""
    problems = []
    if not secret_key:
        problems.append("SECRET_KEY is missing.")
    elif _is_development_value(secret_key) or len(secret_key) < 40:
        problems.append("SECRET_KEY is a development value; generate a long random one.")

    if not field_encryption_keys:
        problems.append(
            "FIELD_ENCRYPTION_KEYS is missing: reporter identities cannot be encrypted "
            "without it (comma-separated Fernet keys, newest first)."
        )
    for position, key in enumerate(field_encryption_keys, start=1):
        if _is_development_value(key) or not _is_fernet_key(key):
            problems.append(
                f"FIELD_ENCRYPTION_KEYS key #{position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes) or is a development value."
            )

    if not blind_index_key:
        problems.append("BLIND_INDEX_KEY is missing.")
    elif _is_development_value(blind_index_key) or len(blind_index_key) < 32:
        problems.append("BLIND_INDEX_KEY is a development value or shorter than 32 characters.")
    elif blind_index_key == secret_key or blind_index_key in field_encryption_keys:
        problems.append("BLIND_INDEX_KEY must differ from SECRET_KEY and the encryption keys.")

    if secret_key and secret_key in field_encryption_keys:
        problems.append("SECRET_KEY must not be one of FIELD_ENCRYPTION_KEYS.")

    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG off:\n  - "
            + "\n  - ".join(problems)
            + "\nSee README.md, section Configuration."
        )
