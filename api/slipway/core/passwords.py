"""bcrypt password hashing with the configured cost."""

from __future__ import annotations

import functools
import secrets

import bcrypt

from .errors import ValidationError

BCRYPT_MAX_BYTES = 72


@functools.cache
def _dummy_hash(cost: int) -> bytes:
    return bcrypt.hashpw(b"slipway-timing-guard", bcrypt.gensalt(cost))


def hash_password(password: str, cost: int) -> str:
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES:
        raise ValidationError("Password is too long once encoded (at most 72 bytes).")
    return bcrypt.hashpw(encoded, bcrypt.gensalt(cost)).decode("ascii")


def check_password(password: str, hashed: str | None, cost: int = 12) -> bool:
    """Compare in constant time; without a hash, spend the work of a check at ``cost``."""
    encoded = password.encode("utf-8")[:BCRYPT_MAX_BYTES]
    if hashed is None:
        bcrypt.checkpw(encoded, _dummy_hash(cost))
        return False
    return bcrypt.checkpw(encoded, hashed.encode("ascii"))


def generate_password() -> str:
    return secrets.token_urlsafe(15)
