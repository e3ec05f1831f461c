# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""The Slipway API client and the base class every slipway.paas module is built on.

Private to the collection (the leading underscore): modules import it, users
do not. Only the standard library and ``ansible.module_utils.urls`` are used,
so the modules run on any Python that runs Ansible modules.

A module is its argument spec plus three methods on ``SlipwayModule``:
``read()`` (the current state, ``None`` when absent), ``desired(before)``
(what the state should become) and ``apply(before, after)`` (the API calls
that make it so, never called in check mode). The base class computes
``changed`` from the two documents, builds the diff, re-reads the state after
a change and turns every API error into ``fail_json`` with the API's message.
"""

from __future__ import annotations

import json
import uuid
from typing import Any, NoReturn
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible.module_utils.urls import open_url

VERSION = "0.1.0"
USER_AGENT = "slipway-ansible/" + VERSION
LOG_TAIL = 40

CONNECTION_ARGUMENT_SPEC = dict(
    url=dict(type="str", required=True, fallback=(env_fallback, ["SLIPWAY_TARGET"])),
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["SLIPWAY_TOKEN"])),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    timeout=dict(type="int", default=30),
)


class SlipwayError(Exception):
    """An API answer other than success, or no answer at all (``status`` is then None)."""

    def __init__(
        self, message: str, status: int | None = None, lines: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.lines = lines or []


def segment(value: object) -> str:
    """One URL path segment (team names may hold ``@`` or ``+``, emails always do)."""
    return quote(str(value), safe="")


def error_message(status: int | None, raw: bytes | str | None) -> str:
    """The API's one readable line: ``{"error": ...}`` when JSON, else the raw text."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else (raw or "")
    try:
        decoded = json.loads(text)
    except ValueError:
        decoded = None
    if isinstance(decoded, dict):
        for key in ("error", "Error", "message", "Message"):
            if isinstance(decoded.get(key), str) and decoded[key].strip():
                return " ".join(decoded[key].split())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines:
        return " ".join(lines)[:500]
    return f"the API answered HTTP {status} with no explanation"


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    """A ``multipart/form-data`` body from text ``fields`` and ``files`` (filename, bytes)."""
    boundary = "slipway-" + uuid.uuid4().hex
    parts = []
    for name, value in sorted(fields.items()):
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + str(value).encode("utf-8") + b"\r\n")
    for name, (filename, content) in sorted(files.items()):
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return "multipart/form-data; boundary=" + boundary, b"".join(parts)


class Answer:
    """A successful API answer: the status, the decoded body, and the text lines of a stream."""

    def __init__(self, status: int, body: object, lines: list[str]) -> None:
        self.status = status
        self.body = body
        self.lines = lines


def decode(status: int, content_type: str, raw: bytes) -> Answer:
    """Decode a 2xx body; a stream that ended with an error raises ``SlipwayError``."""
    text = raw.decode("utf-8", "replace")
    if "x-json-stream" in content_type:
        lines, items = [], []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                lines.append(line)
                continue
            items.append(item)
            if isinstance(item, dict) and item.get("Error"):
                raise SlipwayError(" ".join(str(item["Error"]).split()), status, lines)
            if isinstance(item, dict) and "Message" in item:
                lines.extend(str(item["Message"]).splitlines())
        return Answer(status, items, lines)
    if "json" in content_type:
        return Answer(status, json.loads(text) if text.strip() else None, [])
    lines = text.splitlines()
    if lines and lines[-1].startswith("ERROR: "):
        raise SlipwayError(lines[-1][len("ERROR: ") :].strip(), status, lines)
    return Answer(status, text, lines)


class SlipwayClient:
    """Requests to one Slipway API with one token; errors raise ``SlipwayError``."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        validate_certs: bool = True,
        ca_path: str | None = None,
        timeout: int = 30,
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        query: dict[str, Any] | None = None,
        body: object = None,
        files: dict[str, tuple[str, bytes]] | None = None,
        fields: dict[str, str] | None = None,
        timeout: int | None = None,
    ) -> Answer:
        """Send one request; ``body`` goes as JSON, ``files``/``fields`` as multipart."""
        url = self.url + path
        if query:
            url += "?" + urlencode(query, doseq=True)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "bearer " + self.token
        data = None
        if files is not None:
            headers["Content-Type"], data = multipart(fields or {}, files)
        elif body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode("utf-8")
        try:
            response = open_url(
                url,
                data=data,
                headers=headers,
                method=method,
                timeout=timeout or self.timeout,
                validate_certs=self.validate_certs,
                ca_path=self.ca_path,
                http_agent=USER_AGENT,
                follow_redirects="none",
            )
            raw = response.read()
            status = response.getcode()
            content_type = response.headers.get("Content-Type", "")
        except HTTPError as exc:
            raw = exc.read() if exc.fp is not None else b""
            raise SlipwayError(error_message(exc.code, raw), exc.code) from None
        except (URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SlipwayError(f"cannot reach the Slipway API at {self.url}: {reason}") from None
        return decode(status, content_type, raw)

    def get(self, path: str, query: dict[str, Any] | None = None, missing: bool = False) -> Any:
        """The decoded body; with ``missing``, None on 404 (204 is an empty list)."""
        try:
            answer = self.request("GET", path, query=query)
        except SlipwayError as exc:
            if missing and exc.status == 404:
                return None
            raise
        if answer.status == 204:
            return []
        return answer.body


class SlipwayModule:
    """Read, compare, apply unless in check mode, re-read, exit with changed and a diff.

    Subclasses set ``result_key`` (the RETURN key holding the state) and
    define ``read``, ``desired`` and ``apply``.
    """

    result_key = "state"

    def __init__(self, argument_spec: dict[str, Any], **kwargs: Any) -> None:
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
        self.params = self.module.params
        self.client = SlipwayClient(
            self.params["url"],
            self.params["token"],
            self.params["validate_certs"],
            self.params["ca_path"],
            self.params["timeout"],
        )
        self.result = {}

    def read(self) -> Any:
        raise NotImplementedError

    def desired(self, before: Any) -> Any:
        raise NotImplementedError

    def apply(self, before: Any, after: Any) -> None:
        raise NotImplementedError

    def changed(self, before: Any, after: Any) -> bool:
        return before != after

    def fail(self, message: str, **extra: Any) -> NoReturn:
        self.module.fail_json(msg=message, **extra)

    def run(self) -> None:
        try:
            before = self.read()
            after = self.desired(before)
            changed = self.changed(before, after)
            if changed and not self.module.check_mode:
                self.apply(before, after)
                after = self.read()
        except SlipwayError as exc:
            extra = {"status": exc.status} if exc.status else {}
            if exc.lines:
                extra["log"] = exc.lines[-LOG_TAIL:]
            shown = exc.message if exc.status is None else f"{exc.message} (HTTP {exc.status})"
            self.module.fail_json(msg=shown, **extra)
        result = dict(self.result)
        result["changed"] = changed
        result[self.result_key] = after if after is not None else {}
        if self.module._diff:
            result["diff"] = dict(before=before or {}, after=after or {})
        self.module.exit_json(**result)
