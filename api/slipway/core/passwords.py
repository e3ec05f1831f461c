"""bcrypt password hashing with the configured cost."""

from __future__ import annotations

import secrets

import bcrypt

from .errors import ValidationError

BCRYPT_MAX_BYTES = 72
_DUMMY_HASH = bcrypt.hashpw(b"slipway-timing-guard", bcrypt.gensalt(4))


def hash_password(password: str, cost: int) -> str:
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES:
        raise ValidationError("Password is too long once encoded (at most 72 bytes).")
    return bcrypt.hashpw(encoded, bcrypt.gensalt(cost)).decode("ascii")


def check_password(password: str, hashed: str | None) -> bool:
    """Compare in constant time; without a hash, still spend the work of one check."""
    encoded = password.encode("utf-8")[:BCRYPT_MAX_BYTES]
    if hashed is None:
        bcrypt.checkpw(encoded, _DUMMY_HASH)
        return False
    return bcrypt.checkpw(encoded, hashed.encode("ascii"))


def generate_password() -> str:
    return secrets.token_urlsafe(15)
