"""Turn store-level failures into domain errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..store import DuplicateKeyError
from .errors import Conflict


@contextmanager
def translate_duplicates(message: str) -> Iterator[None]:
    try:
        yield
    except DuplicateKeyError as exc:
        raise Conflict(message) from exc
