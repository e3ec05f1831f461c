"""Read request bodies the way tsuru clients send them.

The 2014 client sends JSON, often without a Content-Type; the 1.x client sends
form-encoded bodies (``Envs.0.Name=K&Envs.0.Value=V``). Both are accepted.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from .errors import BadRequest

MAX_BODY = 1024 * 1024
_ENV_FIELD = re.compile(r"^Envs\.(\d{1,3})\.(Name|Value)$")


def _raw() -> bytes:
    if request.content_length and request.content_length > MAX_BODY:
        raise BadRequest("Request body is too large.")
    data = request.get_data(cache=True)
    if len(data) > MAX_BODY:
        raise BadRequest("Request body is too large.")
    return data


def is_form() -> bool:
    return request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")


def parsed() -> Any:
    """The body as JSON (any type) or as a form (dict of str); None when empty."""
    if is_form():
        return {key: request.form.get(key) for key in request.form}
    raw = _raw()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except RecursionError:
        raise BadRequest("The JSON body is nested too deeply.") from None
    except (ValueError, UnicodeDecodeError):
        if request.mimetype == "application/json":
            raise BadRequest("Malformed JSON body.") from None
    raise BadRequest("The body must be JSON or form-encoded.")


def fields(bare: str | None = None) -> dict[str, Any]:
    """A JSON object or a form, merged over the query string; refuse anything else.

    With ``bare``, a body that is one JSON number or string (the 2014 client's
    ``unit-add`` sends ``1``) is the value of that field.
    """
    body = parsed()
    if body is None:
        body = {}
    if bare and isinstance(body, (int, str)) and not isinstance(body, bool):
        body = {bare: body}
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    merged: dict[str, Any] = {key: request.args.get(key) for key in request.args}
    merged.update(body)
    return merged


def flag(data: dict[str, Any], *names: str) -> bool:
    """A boolean from JSON (true/false) or a form/query string ("1", "true", "yes")."""
    for name in names:
        value = data.get(name)
        if value is None:
            value = request.args.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.lower() in ("1", "true", "yes", "on")
        raise BadRequest(f"{name} must be true or false")
    return False


def env_form(form: dict[str, Any]) -> dict[str, str]:
    """The 1.x client's env-set form: ``Envs.N.Name`` / ``Envs.N.Value`` pairs."""
    pairs: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _ENV_FIELD.match(key)
        if match:
            pairs.setdefault(int(match[1]), {})[match[2]] = value
    values: dict[str, str] = {}
    for index in sorted(pairs):
        pair = pairs[index]
        if "Name" not in pair:
            raise BadRequest(f"Envs.{index}.Name is missing")
        if not isinstance(pair["Name"], str):
            raise BadRequest(f"Envs.{index}.Name must be a string")
        values[pair["Name"]] = pair.get("Value", "")
    return values
