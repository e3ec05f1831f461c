"""The HTTP client every command uses to talk to the Slipway API.

It adds the bearer token, decodes JSON and progress streams, and turns every
failure (refused connection, error status, garbage answer) into a
:class:`~slipway.cli.errors.CliError` with one readable line.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests

from slipway import __version__
from slipway.cli.errors import ApiError, CliError
from slipway.cli.stream import PLAIN_TYPE, iter_plain, iter_stream, split_lines

NOT_LOGGED_IN = "not logged in or session expired: run slipway login"
USER_AGENT = f"slipway-cli/{__version__}"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 600.0
_MAX_ERROR_CHARS = 500

Params = Mapping[str, str | Sequence[str]] | None
Form = Mapping[str, str] | None
# A multipart upload: field -> (file name, content, content type).
Files = Mapping[str, tuple[str, bytes, str]] | None


def path_segment(value: str) -> str:
    """Quote ``value`` for use as one URL path segment (``@`` stays readable)."""
    return quote(value, safe="@")


def _exception_graph(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception behind it (causes, contexts, wrapped reasons)."""
    found: list[BaseException] = []
    queue = [exc]
    while queue:
        current = queue.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        behind = (getattr(current, "reason", None), current.__cause__, current.__context__)
        queue.extend(item for item in (*behind, *current.args) if isinstance(item, BaseException))
    return found


_CONNECTION_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (socket.gaierror, "host not found"),
    (ssl.SSLError, "TLS error"),
    (TimeoutError, "timed out"),
    (ConnectionResetError, "connection reset"),
)


def describe_connection_error(exc: BaseException) -> str:
    """A short reason for a failed connection: ``connection refused``, ``host not found``..."""
    graph = _exception_graph(exc)
    for kind, reason in _CONNECTION_REASONS:
        if any(isinstance(item, kind) for item in graph):
            return reason
    for item in reversed(graph):
        if isinstance(item, OSError) and item.strerror:
            return item.strerror.lower()
    return "connection failed"


def _message_in_json(text: str) -> str | None:
    """The error text in a JSON body: an object's ``error``, a string, or a stream's last line."""
    for candidate in (text, text.splitlines()[-1]):
        try:
            body = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(body, str) and body.strip():
            return body.strip()
        if isinstance(body, dict):
            for key in ("error", "Error", "message", "Message"):
                value = body.get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()
        return None
    return None


def error_message(response: requests.Response) -> str:
    """The readable message of an error response, on one line."""
    text = response.text.strip()
    if text and "html" not in response.headers.get("Content-Type", ""):
        message = _message_in_json(text)
        if message is None and not text.startswith(("{", "[")):
            message = text
        if message:
            return " ".join(message.split())[:_MAX_ERROR_CHARS]
    return f"the API answered {response.status_code} {response.reason or 'error'}"


class Client:
    """A session with one target; ``token`` is sent when the request needs it."""

    def __init__(
        self,
        target: str,
        token: str | None = None,
        *,
        session: requests.Session | None = None,
    ) -> None:
        self.target = target.rstrip("/")
        self.token = token
        self.session = session if session is not None else requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def url(self, path: str) -> str:
        """The absolute URL of an API path such as ``/apps``."""
        return self.target + path

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Params = None,
        auth: bool = True,
        stream: bool = False,
        form: Form = None,
        files: Files = None,
    ) -> requests.Response:
        """Send a request and return a successful response, or raise ``CliError``.

        ``auth=True`` means the endpoint needs a session: without a token the
        request is not sent, and a 401 means the session is missing or
        expired. With ``auth=False`` the token is still sent when there is
        one, and a 401 shows the server's own message (a wrong password, say).
        ``form`` sends the fields form-encoded instead of a JSON ``body``;
        with ``files`` too, as ``multipart/form-data``.
        """
        if auth and not self.token:
            raise CliError(NOT_LOGGED_IN)
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"bearer {self.token}"
        try:
            response = self.session.request(
                method,
                self.url(path),
                params=params,
                json=body,
                data=form,
                files=files,
                headers=headers,
                stream=stream,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            )
        except requests.Timeout as exc:
            raise CliError(f"the Slipway API at {self.target} did not answer in time") from exc
        except requests.ConnectionError as exc:
            reason = describe_connection_error(exc)
            raise CliError(f"cannot connect to the Slipway API at {self.target}: {reason}") from exc
        except requests.RequestException as exc:
            detail = " ".join(str(exc).split())
            raise CliError(f"request to {self.target} failed: {detail}") from exc
        if response.status_code >= 400:
            try:
                if response.status_code == 401 and auth:
                    raise ApiError(NOT_LOGGED_IN, 401)
                raise ApiError(error_message(response), response.status_code)
            finally:
                response.close()
        return response

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Params = None,
        auth: bool = True,
        form: Form = None,
    ) -> Any:
        """Send a request and return its decoded JSON body (``None`` when empty)."""
        response = self.request(method, path, body=body, params=params, auth=auth, form=form)
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise CliError(
                f"the Slipway API at {self.target} sent an answer that is not JSON"
                f" ({method} {path})"
            ) from exc

    def text(self, method: str, path: str, *, auth: bool = True) -> str:
        """Send a request and return its body as text."""
        return self.request(method, path, auth=auth).text

    def stream(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Params = None,
        auth: bool = True,
        form: Form = None,
        files: Files = None,
    ) -> Iterator[str]:
        """Send a request and yield the messages of the progress stream it answers.

        The answer's type picks the rules (``slipway.cli.stream``): a
        ``text/plain`` stream yields lines and must end with ``OK``; a JSON
        stream yields its ``Message`` fields; a plain JSON answer yields its
        ``message`` when it has one. A failure reported inside the stream
        raises ``StreamError`` after the messages before it were yielded.
        """
        response = self.request(
            method, path, body=body, params=params, auth=auth, stream=True, form=form, files=files
        )
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        with response:
            try:
                if kind == PLAIN_TYPE:
                    chunks = response.iter_content(chunk_size=None)
                    yield from (line + "\n" for line in iter_plain(split_lines(chunks)))
                elif kind == "application/json":
                    yield from _json_message(response.content)
                else:
                    yield from iter_stream(response.iter_lines())
            except requests.RequestException as exc:
                reason = describe_connection_error(exc)
                raise CliError(
                    f"lost the connection to the Slipway API at {self.target}: {reason}"
                ) from exc


def _json_message(content: bytes) -> Iterator[str]:
    """The ``message`` of a one-document JSON answer to a streaming route, if any."""
    try:
        body = json.loads(content) if content.strip() else None
    except ValueError:
        return
    if isinstance(body, dict):
        message = body.get("message", body.get("Message"))
        if isinstance(message, str) and message.strip():
            yield message if message.endswith("\n") else message + "\n"
