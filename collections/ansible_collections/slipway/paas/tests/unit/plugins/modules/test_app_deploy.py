"""slipway.paas.app_deploy against a stub API: deploys only when the source changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ansible_collections.slipway.paas.plugins.module_utils._source import pack_directory
from ansible_collections.slipway.paas.plugins.modules import app_deploy
from conftest import Reply, Seen, StubApi


@pytest.fixture
def source(tmp_path: Path) -> Path:
    directory = tmp_path / "shop"
    directory.mkdir()
    (directory / "Procfile").write_text("web: python app.py\n")
    (directory / "app.py").write_text("print('hello')\n")
    return directory


def release(digest: str = "", image: str = "reg/app-shop:v1", version: int = 1) -> dict[str, Any]:
    return {"name": "shop", "release": {"version": version, "image": image, "digest": digest}}


def test_digest_ignores_times_but_not_content(source: Path) -> None:
    import os

    first = pack_directory(str(source)).digest
    os.utime(source / "app.py", (1, 1))
    assert pack_directory(str(source)).digest == first
    (source / "app.py").write_text("print('bye')\n")
    assert pack_directory(str(source)).digest != first
    assert first.startswith("sha256:")


def test_same_source_is_not_deployed(stub_api: StubApi, run_module: Any, source: Path) -> None:
    digest = pack_directory(str(source)).digest
    stub_api.json("GET", "/apps/shop", release(digest))
    result = run_module(app_deploy.main, {"app": "shop", "src": str(source)})
    assert not result.changed and result["digest"] == digest
    assert stub_api.changes() == []


def test_changed_source_is_deployed(stub_api: StubApi, run_module: Any, source: Path) -> None:
    digest = pack_directory(str(source)).digest
    stub_api.on(
        "GET",
        "/apps/shop",
        Reply(200, release("sha256:old")),
        Reply(200, release(digest, "reg/app-shop:v2", 2)),
    )
    uploads: list[Seen] = []

    def deploy(seen: Seen) -> Reply:
        uploads.append(seen)
        return Reply(200, "---> Deploying shop v2\n---> v2 is serving\nOK\n", "text/plain")

    stub_api.on("POST", "/apps/shop/deploy", deploy)
    result = run_module(app_deploy.main, {"app": "shop", "src": str(source)}, diff=True)
    assert result.changed
    assert result["release"] == {"version": 2, "image": "reg/app-shop:v2", "digest": digest}
    assert result["log"][-1] == "OK"
    assert result["diff"]["before"]["digest"] == "sha256:old"
    assert uploads[0].headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="app.tar.gz"' in uploads[0].raw
    assert b'name="origin"' in uploads[0].raw


def test_check_mode_does_not_upload(stub_api: StubApi, run_module: Any, source: Path) -> None:
    stub_api.json("GET", "/apps/shop", release("sha256:old"))
    result = run_module(app_deploy.main, {"app": "shop", "src": str(source)}, check=True)
    assert result.changed and stub_api.changes() == []


def test_force(stub_api: StubApi, run_module: Any, source: Path) -> None:
    stub_api.json("GET", "/apps/shop", release(pack_directory(str(source)).digest))
    result = run_module(
        app_deploy.main, {"app": "shop", "src": str(source), "force": True}, check=True
    )
    assert result.changed


def test_failed_build_fails_with_its_lines(
    stub_api: StubApi, run_module: Any, source: Path
) -> None:
    stub_api.json("GET", "/apps/shop", release())
    stub_api.text(
        "POST",
        "/apps/shop/deploy",
        ["---> Building", "pip: no matching distribution for nope", "ERROR: the build failed"],
    )
    result = run_module(app_deploy.main, {"app": "shop", "src": str(source)})
    assert result.failed and result["msg"] == "the build failed (HTTP 200)"
    assert "pip: no matching distribution for nope" in result["log"]


def test_image(stub_api: StubApi, run_module: Any) -> None:
    stub_api.json("GET", "/apps/shop", release(image="reg/app-shop:v1"))
    assert not run_module(app_deploy.main, {"app": "shop", "image": "reg/app-shop:v1"}).changed
    stub_api.text("POST", "/apps/shop/deploy", ["OK"])
    result = run_module(app_deploy.main, {"app": "shop", "image": "reg/other:v9"})
    assert result.changed
    assert next(s for s in stub_api.seen if s.method == "POST").json == {"image": "reg/other:v9"}


def test_missing_directory(stub_api: StubApi, run_module: Any, tmp_path: Path) -> None:
    stub_api.json("GET", "/apps/shop", release())
    result = run_module(app_deploy.main, {"app": "shop", "src": str(tmp_path / "nope")})
    assert result.failed and "not a directory" in result["msg"]


def test_one_source_only(stub_api: StubApi, run_module: Any, source: Path) -> None:
    result = run_module(app_deploy.main, {"app": "shop", "src": str(source), "image": "x"})
    assert result.failed and "mutually exclusive" in result["msg"]


def test_git(stub_api: StubApi, run_module: Any, source: Path, tmp_path: Path) -> None:
    import subprocess

    git = ["git", "-c", "user.email=t@x", "-c", "user.name=t", "-C", str(source)]
    subprocess.run(["git", "init", "-q", str(source)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    digest = pack_directory(str(source)).digest
    stub_api.json("GET", "/apps/shop", release(digest))
    result = run_module(app_deploy.main, {"app": "shop", "git": {"repo": str(source)}})
    assert not result.failed, result.data
    assert not result.changed and result["digest"] == digest and len(result["commit"]) == 40
