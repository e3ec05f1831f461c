"""``slipway-git-hook pre-receive``: a push to a deploy branch deploys the pushed commit.

Run by ``git receive-pack`` in the bare repository (``docs/deploys.md``, "The
hook"). For each ``<old> <new> <ref>`` line on stdin: refs other than the
deploy branches are accepted untouched; deleting a deploy branch is refused;
the (last) update of a deploy branch is archived with ``git archive`` and sent
to ``POST <api>/apps/<repository>/deploy``, whose streamed answer is copied
line by line to the pusher. The push is accepted only when the answer's last
line is ``OK``.

Configuration: ``/etc/slipway/git-hook.conf`` or ``$SLIPWAY_GIT_HOOK_CONFIG``::

    api: http://10.0.0.5:8080
    token-file: /etc/slipway/git-deploy-token
    branches: [main, master]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import requests

from .. import settings
from ..settings import ConfigError, Key, Settings, absolute_path

DEFAULT_PATH = "/etc/slipway/git-hook.conf"
CONFIG_ENV = "SLIPWAY_GIT_HOOK_CONFIG"
DEFAULT_TOKEN_FILE = "/etc/slipway/git-deploy-token"
ZERO = re.compile(r"^0+$")
BRANCH = re.compile(r"^[\w][\w./+-]*$")
# The API says "please wait..." during long silences; give up only after this much quiet.
TIMEOUT = (10.0, 900.0)
ARCHIVE_TIMEOUT = 600


def _url(value: str) -> str | None:
    if re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        return None
    return "must be the API's http(s) URL, e.g. http://10.0.0.5:8080"


def _branches(value: list[Any]) -> str | None:
    if not value or not all(isinstance(b, str) and BRANCH.match(b) for b in value):
        return "must be a non-empty list of branch names"
    return None


SCHEMA: dict[str, Key] = {
    "api": Key(str, required=True, check=_url),
    "token-file": Key(str, DEFAULT_TOKEN_FILE, check=absolute_path),
    "branches": Key(list, ["main", "master"], check=_branches),
}


class HookConfig(Settings):
    """The hook's validated settings."""

    @property
    def api(self) -> str:
        return self["api"].rstrip("/")

    def token(self) -> str:
        path = self["token-file"]
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError([f"token-file: cannot read {path}: {exc.strerror}"]) from None
        if not value or any(c.isspace() for c in value):
            raise ConfigError([f"token-file: {path} must hold one token without whitespace"])
        return value


def validate(raw: Any, path: str = "<memory>") -> HookConfig:
    values, problems = settings.check(raw, SCHEMA, path)
    if problems:
        raise ConfigError(problems)
    return HookConfig(values, path)


def load(path: str | None = None) -> HookConfig:
    """Read and validate ``path`` (or $SLIPWAY_GIT_HOOK_CONFIG, or the default)."""
    path = path or os.environ.get(CONFIG_ENV) or DEFAULT_PATH
    return validate(settings.read(path), path)


@dataclass(frozen=True)
class Update:
    old: str
    new: str
    ref: str

    @property
    def branch(self) -> str | None:
        return self.ref.removeprefix("refs/heads/") if self.ref.startswith("refs/heads/") else None

    @property
    def deletes(self) -> bool:
        return bool(ZERO.match(self.new))


class Refused(Exception):
    """The push is rejected with this one-line reason."""


def parse(lines: IO[str]) -> list[Update]:
    updates = []
    for raw in lines:
        parts = raw.split()
        if not parts:
            continue
        if len(parts) != 3:
            raise Refused(f"unexpected pre-receive input line: {raw.strip()!r}")
        updates.append(Update(*parts))
    return updates


def repository_name(git_dir: str) -> str:
    """The app: the bare repository's directory name without ``.git``."""
    return os.path.basename(os.path.realpath(git_dir).rstrip("/")).removesuffix(".git")


def _archive(git_dir: str, commit: str, into: IO[bytes]) -> None:
    # The hook's environment lets git read the pushed (still quarantined) objects.
    try:
        result = subprocess.run(
            ["git", "archive", "--format=tar.gz", commit],
            cwd=git_dir,
            stdout=into,
            stderr=subprocess.PIPE,
            timeout=ARCHIVE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Refused(f"could not archive {commit}: {exc}") from None
    if result.returncode != 0:
        message = " ".join(result.stderr.decode("utf-8", "replace").split())
        raise Refused(f"could not archive {commit}: {message}")
    into.seek(0)


def _error_line(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        text = body["error"]
    else:
        text = response.text
    message = " ".join(text.split()) or response.reason or "no message"
    return f"the API answered {response.status_code}: {message}"


def _copy_stream(response: requests.Response, out: IO[str]) -> str:
    """Write the answer line by line as it arrives; returns its last non-empty line."""
    last = ""
    pending = ""
    for chunk in response.iter_content(chunk_size=None, decode_unicode=False):
        pending += chunk.decode("utf-8", "replace")
        *lines, pending = pending.split("\n")
        for line in lines:
            out.write(line + "\n")
            out.flush()
            if line.strip():
                last = line.strip()
    if pending:
        out.write(pending + "\n")
        out.flush()
        if pending.strip():
            last = pending.strip()
    return last


def deploy(config: HookConfig, git_dir: str, update: Update, user: str, out: IO[str]) -> None:
    """Send the pushed commit to the API and stream its answer; Refused unless it ends ``OK``."""
    app = repository_name(git_dir)
    token = config.token()
    url = f"{config.api}/apps/{app}/deploy"
    with tempfile.TemporaryFile() as archive:
        _archive(git_dir, update.new, archive)
        try:
            response = requests.post(
                url,
                files={"file": (f"{app}.tar.gz", archive, "application/gzip")},
                data={"origin": "git", "commit": update.new, "user": user},
                headers={"Authorization": f"bearer {token}"},
                stream=True,
                timeout=TIMEOUT,
            )
        except requests.RequestException as exc:
            raise Refused(f"cannot reach the Slipway API at {config.api}: {_reason(exc)}") from None
    with response:
        if response.status_code >= 400:
            raise Refused(_error_line(response))
        try:
            last = _copy_stream(response, out)
        except requests.RequestException as exc:
            raise Refused(f"the deploy's answer broke off: {_reason(exc)}") from None
    if last != "OK":
        raise Refused("the deploy failed; the push is rejected")


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def pre_receive(stdin: IO[str], out: IO[str], environ: dict[str, str]) -> int:
    """The pre-receive hook; returns the exit status (0 accepts the push)."""
    try:
        updates = parse(stdin)
        config = load()
        branches = set(config["branches"])
        deploying = [u for u in updates if u.branch in branches]
        for update in deploying:
            if update.deletes:
                raise Refused(
                    f"deleting the deploy branch {update.branch} is not allowed: "
                    "remove the app instead"
                )
        if not deploying:
            return 0
        user = environ.get("TSURU_USER", "")
        if not user:
            raise Refused(
                "TSURU_USER is not set: pushes must come through the git server's SSH login"
            )
        deploy(config, environ.get("GIT_DIR", "."), deploying[-1], user, out)
    except ConfigError as exc:
        for problem in exc.problems:
            _say(out, f"error: git hook configuration: {problem}")
        return 1
    except Refused as exc:
        _say(out, f"error: {exc}")
        return 1
    return 0


def _say(out: IO[str], line: str) -> None:
    out.write(line + "\n")
    out.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="slipway-git-hook", description=__doc__.split("\n")[0])
    parser.add_argument("hook", choices=["pre-receive"], help="the git hook being run")
    parser.parse_args(argv)
    return pre_receive(sys.stdin, sys.stdout, dict(os.environ))


if __name__ == "__main__":
    sys.exit(main())
