"""Uploaded app archives: what is refused, what is read, what the build context holds."""

from __future__ import annotations

import io
import tarfile

import pytest

from slipway.core.errors import ValidationError
from slipway.provision import archive
from slipway.provision.deployer import app_dockerfile


def _tar(files: dict[str, bytes | str], *, gz: bool = True, links: dict[str, str] | None = None):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if gz else "w") as tar:
        for name, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755 if name.endswith(".sh") else 0o644
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return buffer.getvalue()


def test_reads_procfile_and_manifest() -> None:
    source = archive.read(
        _tar(
            {
                "./Procfile": "web: python app.py\nworker: python worker.py\n",
                "./app.yaml": "hooks:\n  build: [make]\n  restart:\n    before-each: [echo hi]\n",
                "./app.py": "print(1)",
            }
        )
    )
    assert source.processes == {"web": "python app.py", "worker": "python worker.py"}
    assert source.manifest.build == ("make",)
    assert source.manifest.hooks("before-each") == ("echo hi",)


def test_plain_tar_without_procfile_is_fine() -> None:
    source = archive.read(_tar({"index.html": "<h1>hi</h1>"}, gz=False))
    assert source.processes is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"not a tar at all", "not a tar"),
        (_tar({"Procfile": "web python app.py\n"}), "invalid Procfile, line 1"),
        (_tar({"app.yaml": "hooks: [\n"}), "invalid app.yaml"),
        (_tar({}, links={"evil": "../../etc/passwd"}), "points outside"),
        (_tar({}, links={"abs": "/etc/passwd"}), "points outside"),
    ],
)
def test_bad_archives_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        archive.read(data)


def test_paths_outside_the_app_are_dropped_and_the_context_has_the_app() -> None:
    source = archive.read(_tar({"../escape.txt": "x", "/abs.txt": "y", "ok.sh": "echo"}))
    context = archive.build_context("FROM scratch\n", source)
    with tarfile.open(fileobj=io.BytesIO(context)) as tar:
        names = tar.getnames()
        assert tar.extractfile("Dockerfile").read() == b"FROM scratch\n"
        assert tar.getmember("app/ok.sh").mode == 0o755
    assert "app/ok.sh" in names
    assert not any("escape" in n or "abs" in n for n in names)


def test_dockerfile_runs_the_deploy_script_then_the_build_hooks() -> None:
    source = archive.read(_tar({"app.yaml": "hooks:\n  build:\n    - make assets\n", "a": "1"}))
    text = app_dockerfile("reg:5000/slipway/platform-python:3", source.manifest)
    lines = text.splitlines()
    assert lines[0] == "FROM reg:5000/slipway/platform-python:3"
    hook = 'RUN ["/bin/sh", "-c", "make assets"]'
    assert lines.index("RUN /opt/slipway/deploy") < lines.index("USER application")
    assert lines.index("USER application") < lines.index(hook)


def test_source_digest_is_about_content_not_packing() -> None:
    files = {"./Procfile": "web: run\n", "./run.sh": "echo hi\n", "./a/b.txt": "b"}
    first = archive.read(_tar(files)).digest
    assert first.startswith("sha256:") and len(first) == len("sha256:") + 64
    reordered = dict(reversed(list(files.items())))
    assert archive.read(_tar(reordered, gz=False)).digest == first
    assert archive.read(_tar({**files, "./a/b.txt": "c"})).digest != first
    renamed = {k.replace("b.txt", "c.txt"): v for k, v in files.items()}
    assert archive.read(_tar(renamed)).digest != first
    with_link = archive.read(_tar(files, links={"./latest": "a/b.txt"})).digest
    assert with_link != first
