"""``slipway-git-hook pre-receive`` in a real bare repository, pushed to with real ``git push``.

The API's deploy endpoint is a small Flask app on 127.0.0.1 that answers like the deploy
stream (docs/deploys.md): the unit-test boundary; the real API is tested end to end later.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

from .conftest import free_port

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

DEPLOY_TOKEN = "deploy-token-" + "d" * 20


@dataclass
class FakeApi:
    """The deploy endpoint: records each call and answers with ``lines`` (or ``status``)."""

    port: int
    lines: list[str] = field(default_factory=lambda: ["---> Building", "  step 1", "OK"])
    status: int = 200
    calls: list[dict[str, Any]] = field(default_factory=list)
    # When set, the answer waits after its first line until the test saw it in the push output.
    first_line_seen: threading.Event | None = None
    waited: list[bool] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> Flask:
        app = Flask("fake-api")

        @app.post("/apps/<name>/deploy")
        def deploy(name: str) -> Any:
            upload = request.files["file"]
            self.calls.append(
                {
                    "app": name,
                    "form": dict(request.form),
                    "authorization": request.headers.get("Authorization"),
                    "archive": upload.read(),
                }
            )
            if self.status >= 400:
                return jsonify(error=f"App {name} not found."), self.status

            def stream() -> Iterator[str]:
                for number, line in enumerate(self.lines):
                    yield line + "\n"
                    if number == 0 and self.first_line_seen is not None:
                        self.waited.append(self.first_line_seen.wait(20))

            return Response(stream(), mimetype="text/plain")

        return app


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi(free_port())
    server = make_server("127.0.0.1", api.port, api.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield api
    server.shutdown()
    server.server_close()


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env or base_env(), capture_output=True, text=True, timeout=60
    )


def base_env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_AUTHOR_NAME": "Ana",
        "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana",
        "GIT_COMMITTER_EMAIL": "ana@example.com",
    }


@dataclass
class Repo:
    bare: Path
    work: Path
    config: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {**base_env(), "SLIPWAY_GIT_HOOK_CONFIG": str(self.config)}
        env["TSURU_USER"] = "ana@example.com"
        env.update(extra)
        return {k: v for k, v in env.items() if v != ""}

    def commit(self, name: str, content: str) -> str:
        (self.work / name).write_text(content, encoding="utf-8")
        assert git("add", "-A", cwd=self.work).returncode == 0
        assert git("commit", "-q", "-m", f"add {name}", cwd=self.work).returncode == 0
        return git("rev-parse", "HEAD", cwd=self.work).stdout.strip()

    def push(self, *refs: str, **env: str) -> subprocess.CompletedProcess:
        return git("push", "origin", *refs, cwd=self.work, env=self.env(**env))

    def ref(self, branch: str) -> str | None:
        found = git("rev-parse", "--verify", "-q", f"refs/heads/{branch}", cwd=self.bare)
        return found.stdout.strip() or None


@pytest.fixture
def repo(tmp_path: Path, fake_api: FakeApi) -> Repo:
    bare = tmp_path / "repositories" / "blog.git"
    assert git("init", "-q", "--bare", str(bare), cwd=tmp_path).returncode == 0
    hook = bare / "hooks" / "pre-receive"
    # What the template's hook does, with this interpreter instead of /opt/slipway/venv.
    hook.write_text(
        f"#!/bin/sh\nexec '{sys.executable}' -m slipway.gandalf.hook pre-receive\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    token = tmp_path / "git-deploy-token"
    token.write_text(DEPLOY_TOKEN + "\n", encoding="utf-8")
    config = tmp_path / "git-hook.conf"
    settings = {"api": fake_api.url, "token-file": str(token), "branches": ["main", "master"]}
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    work = tmp_path / "work"
    assert git("clone", "-q", bare.as_uri(), str(work), cwd=tmp_path).returncode == 0
    assert git("checkout", "-q", "-b", "main", cwd=work).returncode == 0
    return Repo(bare, work, config)


def remote_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [
        line.removeprefix("remote: ").rstrip()
        for line in result.stderr.splitlines()
        if line.startswith("remote: ")
    ]


def test_a_push_to_the_deploy_branch_deploys_it(repo: Repo, fake_api: FakeApi) -> None:
    sha = repo.commit("app.py", "print('hello')\n")
    result = repo.push("main")
    assert result.returncode == 0, result.stderr
    assert remote_lines(result) == ["---> Building", "  step 1", "OK"]
    assert repo.ref("main") == sha

    (call,) = fake_api.calls
    assert call["app"] == "blog"
    assert call["form"] == {"origin": "git", "commit": sha, "user": "ana@example.com"}
    assert call["authorization"] == f"bearer {DEPLOY_TOKEN}"
    with tarfile.open(fileobj=io.BytesIO(call["archive"]), mode="r:gz") as archive:
        member = archive.extractfile("app.py")
        assert member is not None and member.read() == b"print('hello')\n"


def test_the_answer_is_streamed_as_it_comes(repo: Repo, fake_api: FakeApi) -> None:
    repo.commit("app.py", "x = 1\n")
    fake_api.first_line_seen = threading.Event()
    push = subprocess.Popen(
        ["git", "push", "origin", "main"],
        cwd=repo.work,
        env=repo.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert push.stderr is not None
    seen = []
    for line in push.stderr:
        seen.append(line)
        if line.startswith("remote: ---> Building"):
            fake_api.first_line_seen.set()
    assert push.wait(60) == 0, "".join(seen)
    assert fake_api.waited == [True], "the first line reached the pusher before the rest"


def test_an_error_last_line_rejects_the_push(repo: Repo, fake_api: FakeApi) -> None:
    first = repo.commit("app.py", "x = 1\n")
    assert repo.push("main").returncode == 0
    repo.commit("app.py", "x = 2\n")
    fake_api.lines = ["---> Building", "  pip: no such package", "ERROR: the build failed"]
    result = repo.push("main")
    assert result.returncode != 0
    assert remote_lines(result) == [
        "---> Building",
        "  pip: no such package",
        "ERROR: the build failed",
        "error: the deploy failed; the push is rejected",
    ]
    assert "pre-receive hook declined" in result.stderr
    assert repo.ref("main") == first


def test_http_errors_are_one_line(repo: Repo, fake_api: FakeApi) -> None:
    repo.commit("app.py", "x = 1\n")
    fake_api.status = 404
    result = repo.push("main")
    assert result.returncode != 0
    assert remote_lines(result) == ["error: the API answered 404: App blog not found."]
    assert repo.ref("main") is None


def test_other_branches_are_stored_without_a_deploy(repo: Repo, fake_api: FakeApi) -> None:
    repo.commit("app.py", "x = 1\n")
    result = repo.push("main:feature", TSURU_USER="")
    assert result.returncode == 0, result.stderr
    assert remote_lines(result) == []
    assert fake_api.calls == []
    assert repo.ref("feature") is not None
    assert repo.push(":feature").returncode == 0
    assert repo.ref("feature") is None


def test_deleting_a_deploy_branch_is_refused(repo: Repo, fake_api: FakeApi) -> None:
    repo.commit("app.py", "x = 1\n")
    assert repo.push("main").returncode == 0
    result = repo.push(":main")
    assert result.returncode != 0
    assert remote_lines(result) == [
        "error: deleting the deploy branch main is not allowed: remove the app instead"
    ]
    assert repo.ref("main") is not None
    assert len(fake_api.calls) == 1


def test_missing_user_config_or_api(repo: Repo, fake_api: FakeApi, tmp_path: Path) -> None:
    repo.commit("app.py", "x = 1\n")
    result = repo.push("main", TSURU_USER="")
    assert remote_lines(result) == [
        "error: TSURU_USER is not set: pushes must come through the git server's SSH login"
    ]
    assert result.returncode != 0

    missing = str(tmp_path / "nowhere.conf")
    result = repo.push("main", SLIPWAY_GIT_HOOK_CONFIG=missing)
    assert remote_lines(result) == [
        f"error: git hook configuration: {missing}: config file not found"
    ]

    bad = tmp_path / "bad.conf"
    bad.write_text(yaml.safe_dump({"api": "10.0.0.5:8080", "branches": []}), encoding="utf-8")
    result = repo.push("main", SLIPWAY_GIT_HOOK_CONFIG=str(bad))
    assert remote_lines(result) == [
        "error: git hook configuration: api: must be the API's http(s) URL, "
        "e.g. http://10.0.0.5:8080 (got '10.0.0.5:8080')",
        "error: git hook configuration: branches: must be a non-empty list of branch names "
        "(got [])",
    ]

    down = tmp_path / "down.conf"
    settings = yaml.safe_load(repo.config.read_text(encoding="utf-8"))
    settings["api"] = f"http://127.0.0.1:{free_port()}"
    down.write_text(yaml.safe_dump(settings), encoding="utf-8")
    result = repo.push("main", SLIPWAY_GIT_HOOK_CONFIG=str(down))
    assert remote_lines(result) == [
        f"error: cannot reach the Slipway API at {settings['api']}: connection failed"
    ]
    assert result.returncode != 0
    assert repo.ref("main") is None
    assert fake_api.calls == []
