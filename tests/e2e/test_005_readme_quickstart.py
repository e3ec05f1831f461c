"""The README's quick start, run as written, non-interactively.

The commands are read from the README's "Quick start: `git push` an app to
the sandbox" block (every `$ ` line but `make up`, which the sandbox tier has
run) and run one after another in one bash, from the repository root, with a
new HOME holding a new SSH key. ssh checks the git server's host key strictly
against the known_hosts lines `make up` wrote, so a wrong or missing host key
fails the push instead of being accepted.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from .sandbox import API_URL, CREDENTIALS, REPO_ROOT

README = REPO_ROOT / "README.md"
HEADING = "### Quick start: `git push` an app to the sandbox"
# A comment after a command: two or more spaces, then "# ".
TRAILING_COMMENT = re.compile(r"\s{2,}#\s.*$")


def quickstart_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    assert HEADING in text, f"README.md lost its section {HEADING!r}"
    block = text.split(HEADING, 1)[1].split("```console", 1)[1].split("```", 1)[0]
    commands = [
        TRAILING_COMMENT.sub("", line[2:]).strip()
        for line in block.splitlines()
        if line.startswith("$ ")
    ]
    return [command for command in commands if command != "make up"]


def test_the_readme_lists_the_commands_this_test_runs():
    commands = quickstart_commands()
    assert any(command.startswith("git push ") for command in commands), commands
    assert any("known_hosts" in command for command in commands), commands


@pytest.fixture
def hello_absent(tmp_path: Path):
    """No app `hello`, admin key `laptop` or /tmp/hello before and after (README names)."""
    admin_token = (CREDENTIALS / "automation_token").read_text().strip()
    headers = {"Authorization": f"bearer {admin_token}"}

    def remove() -> None:
        requests.delete(f"{API_URL}/apps/hello", headers=headers, timeout=120)
        # The README adds the admin's key "laptop": the token acts as the admin.
        requests.delete(
            f"{API_URL}/users/keys", headers=headers, json={"name": "laptop"}, timeout=30
        )
        shutil.rmtree("/tmp/hello", ignore_errors=True)

    remove()
    yield
    remove()


def test_readme_quickstart_as_written(tmp_path: Path, hello_absent):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(home / ".ssh/id_ed25519")],
        check=True,
    )
    # Strict, non-interactive ssh: only the known_hosts the README appends to.
    (home / ".ssh/config").write_text(
        "Host *\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
        f"  UserKnownHostsFile {home / '.ssh/known_hosts'}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLIPWAY_", "GIT_", "SSH_"))}
    env.update(
        HOME=str(home),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        # ssh finds ~ from the password database, not HOME: name the config.
        GIT_SSH_COMMAND=f"ssh -F {home / '.ssh/config'} -i {home / '.ssh/id_ed25519'}",
        GIT_AUTHOR_NAME="Quick Start",
        GIT_AUTHOR_EMAIL="quickstart@example.org",
        GIT_COMMITTER_NAME="Quick Start",
        GIT_COMMITTER_EMAIL="quickstart@example.org",
    )
    script = "set -euo pipefail\n" + "\n".join(
        f"echo {shlex.quote('+ ' + command)}\n{command}" for command in quickstart_commands()
    )
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "remote: OK" in output, output
    assert "Host key verification failed" not in output
    # curl printed the page; dig printed an answer for the app's name.
    assert "hello from python (Slipway python sample)" in done.stdout, output
    assert re.search(r"^hello\.slipway\.test\.\s+\d+\s+IN\s+A\s+", done.stdout, re.M), output
