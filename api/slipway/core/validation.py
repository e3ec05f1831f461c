"""Input rules shared by every entry point (API, CLI, Ansible modules)."""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError

APP_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
TEAM_NAME = re.compile(r"^[a-zA-Z][-@_.+\w]+$")
PLATFORM_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
ENV_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
KEY_NAME = re.compile(r"^[\w.@+-]{1,64}$")
EMAIL = re.compile(
    r"^[A-Za-z0-9._%+-]{1,64}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
PASSWORD_MIN, PASSWORD_MAX = 6, 50
RESERVED_ENV_PREFIXES = ("TSURU_", "SLIPWAY_")
MAX_ENV_VALUE = 64 * 1024
MAX_DESCRIPTION = 1000
SSH_KEY_TYPES = frozenset(
    {
        "ssh-rsa",
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)


def text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{field} is required and must be a string")
    return value


def app_name(value: Any) -> str:
    name = text(value, "app name")
    if not APP_NAME.fullmatch(name) or name.endswith("-"):
        raise ValidationError(
            "Invalid app name: use lowercase letters, numbers and dashes, "
            "start with a letter, at most 63 characters."
        )
    return name


def team_name(value: Any) -> str:
    name = text(value, "team name")
    if len(name) > 64 or not TEAM_NAME.fullmatch(name):
        raise ValidationError(
            "Invalid team name: start with a letter and use letters, numbers, "
            "and - @ _ . + (2 to 64 characters)."
        )
    return name


def platform_name(value: Any) -> str:
    name = text(value, "platform name")
    if not PLATFORM_NAME.fullmatch(name):
        raise ValidationError(
            "Invalid platform name: use lowercase letters, numbers, - and _, start with a letter."
        )
    return name


def email(value: Any) -> str:
    address = text(value, "email")
    if len(address) > 254 or not EMAIL.fullmatch(address):
        raise ValidationError("Invalid email.")
    return address.lower()


def password(value: Any) -> str:
    secret = text(value, "password") if value != "" else ""
    if not PASSWORD_MIN <= len(secret) <= PASSWORD_MAX:
        raise ValidationError(
            "Password length should be least 6 characters and at most 50 characters."
        )
    return secret


def env_name(value: Any) -> str:
    name = text(value, "environment variable name")
    if len(name) > 255 or not ENV_NAME.fullmatch(name):
        raise ValidationError(
            f"Invalid environment variable name {name!r}: use letters, digits and _, "
            "not starting with a digit."
        )
    if name.upper().startswith(RESERVED_ENV_PREFIXES):
        raise ValidationError(f"Environment variable {name} is reserved by the platform.")
    return name


def env_value(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"The value of {name} must be a string.")
    if len(value) > MAX_ENV_VALUE or "\x00" in value:
        raise ValidationError(f"The value of {name} is too long or holds a NUL byte.")
    return value


def description(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_DESCRIPTION:
        raise ValidationError(
            f"description must be a string of at most {MAX_DESCRIPTION} characters"
        )
    return value


def key_name(value: Any) -> str:
    name = text(value, "key name")
    if not KEY_NAME.fullmatch(name):
        raise ValidationError("Invalid key name: use up to 64 letters, digits and . @ + - _.")
    return name


@dataclass(frozen=True)
class PublicKey:
    kind: str
    blob: str
    comment: str

    @property
    def body(self) -> str:
        """The key without its comment: what makes two keys the same key."""
        return f"{self.kind} {self.blob}"

    def line(self) -> str:
        return f"{self.body} {self.comment}".rstrip()


def public_key(value: Any) -> PublicKey:
    """Parse an OpenSSH public key line; the blob must really encode the named key type."""
    line = text(value, "key").strip()
    parts = line.split(None, 2)
    invalid = ValidationError(
        "Invalid key: expected an OpenSSH public key such as 'ssh-ed25519 AAAA... comment'."
    )
    if len(parts) < 2 or parts[0] not in SSH_KEY_TYPES or not line.isprintable():
        raise invalid
    kind, blob = parts[0], parts[1]
    try:
        raw = base64.b64decode(blob, validate=True)
        (length,) = struct.unpack(">I", raw[:4])
        embedded = raw[4 : 4 + length].decode("ascii")
    except (binascii.Error, struct.error, UnicodeDecodeError, ValueError):
        raise invalid from None
    if embedded != kind or len(raw) < 4 + length + 16:
        raise invalid
    comment = parts[2].strip() if len(parts) > 2 else ""
    return PublicKey(kind, blob, comment)
