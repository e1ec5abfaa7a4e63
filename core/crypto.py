"""Field encryption and the blind index.

Reporter identities are a state secret ("Mật", Decision 774/QĐ-TTg): they are encrypted before
they reach the database with MultiFernet over FIELD_ENCRYPTION_KEYS (newest first), and found
again for duplicate checks through a keyed hash (BLIND_INDEX_KEY) of their normalised form.
"""

import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value that none of the configured keys can decrypt."""


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: reporter identities cannot be encrypted. "
            "Run `make run` once to write a development .env, or set the variable."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key."
        ) from exc


def fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


@lru_cache(maxsize=8)
def _newest_fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def newest_key_fernet() -> Fernet:
    """The key every value should be encrypted with once rotation has finished."""
    fernet()  # raises the explanatory error when no key is configured
    return _newest_fernet(settings.FIELD_ENCRYPTION_KEYS[0])


def encrypt_bytes(value: bytes) -> bytes:
    return fernet().encrypt(value)


def decrypt_bytes(token: bytes, *, label: str) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken as exc:
        raise DecryptionError(
            f"{label}: no key in FIELD_ENCRYPTION_KEYS decrypts the stored value. "
            "Was a key removed before `manage.py rotate_keys` finished?"
        ) from exc


def encrypt_str(value: str) -> str:
    return encrypt_bytes(value.encode("utf-8")).decode("ascii")


def decrypt_str(token: str, *, label: str) -> str:
    return decrypt_bytes(token.encode("ascii"), label=label).decode("utf-8")


_SPACES = re.compile(r"\s+")


def normalize_text(value: str) -> str:
    """NFC, case-folded, spaces collapsed: "  NGUYỄN  Văn An " and "nguyễn văn an" match.

    Case folding can decompose a character ("ẞ" → "ss" is harmless, but some letters come back
    as base + combining mark), so the result is composed again.
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", value).casefold())
    return _SPACES.sub(" ", folded).strip()


def normalize_digits(value: str) -> str:
    """Digits only, as ASCII, so "0912 345 678", "0912.345.678" and full-width digits match."""
    return "".join(str(unicodedata.decimal(ch)) for ch in value if ch.isdecimal())


def normalize_phone(value: str) -> str:
    """Digits only, with Vietnam's country code written the national way: "+84 912 345 678",
    "0084912345678" and "0912 345 678" are one number."""
    digits = normalize_digits(value)
    if digits.startswith("0084"):
        digits = digits[2:]
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


# How each kind of blind index normalises its value before hashing.
NORMALIZERS = {
    "name": normalize_text,
    "id_number": normalize_digits,
    "phone": normalize_phone,
}


def blind_index(value: str, *, purpose: str, key: str | None = None) -> str:
    """Keyed hash of an already normalised value; empty input gives an empty index.

    The purpose is mixed in so that the same digits as a phone and as an ID number do not
    produce the same index.
    """
    if not value:
        return ""
    secret = key if key is not None else settings.BLIND_INDEX_KEY
    if not secret:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is empty: duplicates cannot be looked up.")
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def blind_index_of(value: str, *, purpose: str, key: str | None = None) -> str:
    """Normalise a raw value the way its purpose requires, then hash it."""
    return blind_index(NORMALIZERS[purpose](value or ""), purpose=purpose, key=key)


def blind_index_keys() -> list[str]:
    """The keys a lookup must try: the current one, and the previous one while
    `rotate_keys --blind-index` is moving the stored indexes to the current key."""
    keys = [settings.BLIND_INDEX_KEY]
    old = getattr(settings, "OLD_BLIND_INDEX_KEY", "")
    if old and old != settings.BLIND_INDEX_KEY:
        keys.append(old)
    return keys
