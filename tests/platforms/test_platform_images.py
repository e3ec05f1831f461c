"""The platform images for real: built on the host's Docker engine from a
debootstrapped Debian root filesystem, then the sample apps of
tests/e2e/apps built on them and answering HTTP on a published loopback port.
"""

from __future__ import annotations

import io
import tarfile
import time
from pathlib import Path

import pytest

from slipway import platform_images
from slipway.platform_images import PlatformBuildError

from .harness import (
    APPS,
    LABEL,
    LABEL_VALUE,
    RUN_LABEL,
    TIMINGS,
    Platform,
    Run,
    app_context,
    free_port,
    http_get,
    tar_of,
)

MESSAGE = "hello <from> slipway & co"
ESCAPED = "hello &lt;from&gt; slipway &amp; co"


def members(context: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(context)) as tar:
        return {info.name: info for info in tar.getmembers()}


# --- build contexts (no engine needed) --------------------------------------


@pytest.mark.parametrize("name", platform_images.PLATFORMS)
def test_build_context_holds_the_dockerfile_and_the_shared_scripts(name):
    files = members(platform_images.build_context(name))

    assert {"Dockerfile", "deploy", "setup"} <= files.keys()
    assert files["deploy"].mode == 0o755
    assert files["Dockerfile"].mode == 0o644
    with tarfile.open(fileobj=io.BytesIO(platform_images.build_context(name))) as tar:
        dockerfile = tar.extractfile("Dockerfile").read().decode()
    code = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]
    assert code[:2] == ["ARG ROOTFS", "FROM ${ROOTFS}"]
    assert ("dependencies.sh" in files) == (name in ("python", "nodejs"))


def test_build_context_is_the_same_bytes_every_time():
    assert platform_images.build_context("python") == platform_images.build_context("python")


def test_an_unknown_platform_is_refused():
    with pytest.raises(ValueError, match="unknown platform 'ruby'"):
        platform_images.build_context("ruby")


# --- platform images ----------------------------------------------------------


def test_second_build_comes_from_the_cache(run: Run, rootfs: str, platforms: dict[str, Platform]):
    for name, platform in platforms.items():
        lines: list[str] = []
        started = time.monotonic()
        image_id = platform_images.build(
            run.client, name, rootfs=rootfs, tag=platform.tag, log=lines.append
        )
        TIMINGS.append((f"platform {name}: cached build", time.monotonic() - started))

        assert image_id == platform.image_id
        assert any("Using cache" in line for line in lines)
        assert all(line.startswith(platform_images.INDENT) for line in lines)


@pytest.mark.parametrize("name", platform_images.PLATFORMS)
def test_platform_image_keeps_the_contract(run: Run, platforms: dict[str, Platform], name):
    image = run.client.images.get(platforms[name].tag)
    config = image.attrs["Config"]
    env = dict(item.split("=", 1) for item in config["Env"])

    assert config["User"] == "application"
    assert config["WorkingDir"] == "/home/application/current"
    assert image.labels["io.slipway.platform"] == name
    assert env["PYTHONUNBUFFERED"] == "1"
    for variable in ("PIP_CERT", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "npm_config_cafile"):
        assert env[variable] == "/etc/ssl/certs/ca-certificates.crt"
    if name == "static":
        assert image.labels["io.slipway.default-web"] == (
            "busybox httpd -f -v -p $PORT -h /home/application/current"
        )
    else:
        assert "io.slipway.default-web" not in image.labels

    probe = (
        "id -u application; stat -c %U /home/application/current; test -x /opt/slipway/deploy;"
        " ls /var/lib/apt/lists | grep -vc -e lock -e partial || true"
    )
    out = run.client.containers.run(
        image.id, ["/bin/sh", "-c", probe], remove=True, labels={RUN_LABEL: run.token}
    )
    assert out.decode().split() == ["1000", "application", "0"]


def test_platform_tools_are_on_path(run: Run, platforms: dict[str, Platform]):
    def sh(name: str, command: str) -> str:
        return run.client.containers.run(
            platforms[name].tag, ["/bin/sh", "-c", command], remove=True,
            labels={RUN_LABEL: run.token},
        ).decode().strip()  # fmt: skip

    assert sh("python", "for t in python pip; do command -v $t; done") == (
        "/home/application/venv/bin/python\n/home/application/venv/bin/pip"
    )
    nodejs_tools = sh("nodejs", "for t in node npm; do command -v $t; done")
    assert nodejs_tools == "/usr/bin/node\n/usr/bin/npm"
    assert "/home/application/current/node_modules/.bin" in sh("nodejs", "echo $PATH")
    assert sh("static", "command -v busybox") == "/usr/bin/busybox"


def test_images_trust_the_host_ca_certificates(run: Run, platforms: dict[str, Platform]):
    host_cas = sorted(p.name for p in Path("/usr/local/share/ca-certificates").rglob("*.crt"))
    if not host_cas:
        pytest.skip("the host has no extra CA certificate to look for")
    out = run.client.containers.run(
        platforms["base"].tag,
        ["/bin/sh", "-c", "find /usr/local/share/ca-certificates -name '*.crt' -printf '%f\\n'"],
        remove=True,
        labels={RUN_LABEL: run.token},
    )
    assert sorted(out.decode().split()) == host_cas


# --- sample apps --------------------------------------------------------------


def build_app(run: Run, platform: Platform, app_dir: Path, lines: list[str]) -> str:
    tag = run.tag(f"app-{app_dir.name}")
    started = time.monotonic()
    try:
        return platform_images.run_build(
            run.client,
            app_context(platform.tag, app_dir),
            tag=tag,
            log=lines.append,
            labels={LABEL: LABEL_VALUE},
            nocache=True,
        )
    finally:
        TIMINGS.append((f"app {app_dir.name} on {platform.name}", time.monotonic() - started))


def logs_on_failure(container) -> str:
    return container.logs().decode(errors="replace")[-2000:]


def test_python_sample(run: Run, platforms: dict[str, Platform], start_unit):
    app = APPS / "python"
    lines: list[str] = []
    image = build_app(run, platforms["python"], app, lines)
    output = "\n".join(lines)
    assert "requirements.apt: installing jq" in output
    assert "requirements.txt: pip install -r requirements.txt" in output

    container, url = start_unit(image, app, {"APP_MESSAGE": MESSAGE})
    body = http_get(url + "/")
    assert "hello from python" in body, logs_on_failure(container)
    assert f"message: {ESCAPED}" in body
    assert "version: 1.0.0" in body
    assert "build: 1.0.0" in body  # the build hook ran jq (requirements.apt)
    assert "started: 20" in body  # the restart:before-each hook ran in the unit
    assert "after-restart: no" in body
    assert "process: web" in body

    exit_code, _ = container.exec_run(
        ["/bin/sh", "-c", "touch /tmp/slipway-sample-after"], workdir="/home/application/current"
    )
    assert exit_code == 0
    assert "after-restart: yes" in http_get(url + "/")
    owner = container.exec_run(["stat", "-c", "%U", "/home/application/current/app.py"])
    assert owner.output.decode().strip() == "application"


def test_nodejs_sample(run: Run, platforms: dict[str, Platform], start_unit):
    app = APPS / "nodejs"
    lines: list[str] = []
    image = build_app(run, platforms["nodejs"], app, lines)
    assert any("package.json: npm install --omit=dev" in line for line in lines)

    container, url = start_unit(image, app, {"APP_MESSAGE": MESSAGE})
    body = http_get(url + "/")
    assert "hello from node" in body, logs_on_failure(container)
    assert f"message: {ESCAPED}" in body
    assert "version: 1.0.0" in body
    modules = container.exec_run(["ls", "/home/application/current/node_modules"])
    assert "escape-html" in modules.output.decode()
    assert "is-number" not in modules.output.decode()  # a development dependency


def test_static_sample_uses_the_default_web_process(
    run: Run, platforms: dict[str, Platform], start_unit
):
    app = APPS / "static"
    image = build_app(run, platforms["static"], app, [])

    container, url = start_unit(image, app, {})
    body = http_get(url + "/")
    assert "hello from a static site" in body, logs_on_failure(container)


def test_base_sample_runs_a_shell_web_process(run: Run, platforms: dict[str, Platform], start_unit):
    app = APPS / "base"
    lines: list[str] = []
    image = build_app(run, platforms["base"], app, lines)
    assert any("requirements.apt: installing busybox" in line for line in lines)

    container, url = start_unit(image, app, {"APP_MESSAGE": "plain text"})
    body = http_get(url + "/cgi-bin/hello")
    assert "hello from base" in body, logs_on_failure(container)
    assert "message: plain text" in body
    assert "user: application" in body


# --- failures -----------------------------------------------------------------


def write_app(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir()
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def test_a_missing_pypi_package_fails_the_build_with_pip_error(
    run: Run, platforms: dict[str, Platform], tmp_path: Path
):
    app = write_app(
        tmp_path / "badpip",
        {"Procfile": "web: python -m http.server $PORT\n",
         "requirements.txt": "slipway-test-no-such-package-7f3a9c==1.0\n"},
    )  # fmt: skip
    lines: list[str] = []
    with pytest.raises(PlatformBuildError, match="non-zero code: 1"):
        build_app(run, platforms["python"], app, lines)

    output = "\n".join(lines)
    assert "No matching distribution found for slipway-test-no-such-package-7f3a9c" in output
    assert lines[-1].strip() == (
        "deploy: requirements.txt: pip install failed (see pip's error above)"
    )


def test_a_missing_debian_package_fails_the_build(
    run: Run, platforms: dict[str, Platform], tmp_path: Path
):
    app = write_app(
        tmp_path / "badapt",
        {"requirements.apt": "# tools\nbusybox\nslipway-no-such-package  # typo\n"},
    )
    lines: list[str] = []
    with pytest.raises(PlatformBuildError, match="non-zero code: 1"):
        build_app(run, platforms["base"], app, lines)

    assert "Unable to locate package slipway-no-such-package" in "\n".join(lines)
    assert lines[-1].strip() == (
        "deploy: requirements.apt: no such Debian package: slipway-no-such-package"
    )


def test_a_line_that_is_no_package_name_fails_the_build(
    run: Run, platforms: dict[str, Platform], tmp_path: Path
):
    app = write_app(tmp_path / "badline", {"requirements.apt": "busybox\ncurl;reboot\n"})
    lines: list[str] = []
    with pytest.raises(PlatformBuildError):
        build_app(run, platforms["base"], app, lines)

    assert lines[-1].strip() == (
        "deploy: requirements.apt line 2: 'curl;reboot' is not a Debian package name"
    )


def test_a_missing_rootfs_fails_with_the_pull_error(run: Run):
    missing = f"127.0.0.1:{free_port()}/slipway/rootfs:bookworm"
    with pytest.raises(PlatformBuildError, match=f"cannot pull {missing}"):
        platform_images.build(run.client, "base", rootfs=missing, tag=run.tag("never"), log=run.log)


# --- the registry: pull the rootfs, push a platform ---------------------------

REGISTRY_DOCKERFILE = """\
FROM {base}
USER root
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry \\
    && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY config.yml /etc/docker/registry/config.yml
CMD ["docker-registry", "serve", "/etc/docker/registry/config.yml"]
"""
# Debian's default configuration asks for htpasswd credentials.
REGISTRY_CONFIG = b"""\
version: 0.1
storage:
  filesystem:
    rootdirectory: /var/lib/docker-registry
http:
  addr: :5000
"""


@pytest.fixture
def registry(run: Run, platforms: dict[str, Platform]):
    """Debian's docker-registry in a container on a loopback port (the engine
    speaks plain HTTP to 127.0.0.1 registries)."""
    dockerfile = REGISTRY_DOCKERFILE.format(base=platforms["base"].tag).encode()
    image = platform_images.run_build(
        run.client,
        tar_of({"Dockerfile": dockerfile, "config.yml": REGISTRY_CONFIG}),
        tag=run.tag("registry"),
        log=run.log,
    )
    port = free_port()
    container = run.client.containers.run(
        image,
        detach=True,
        labels={LABEL: LABEL_VALUE, RUN_LABEL: run.token},
        ports={"5000/tcp": ("127.0.0.1", port)},
    )
    http_get(f"http://127.0.0.1:{port}/v2/", timeout=30)
    yield f"127.0.0.1:{port}"
    container.remove(force=True, v=True)


def test_push_then_build_from_a_rootfs_in_the_registry(
    run: Run, rootfs: str, platforms: dict[str, Platform], registry: str
):
    remote_rootfs = f"{registry}/slipway/rootfs:bookworm"
    run.client.images.get(rootfs).tag(remote_rootfs)
    run.images.append(remote_rootfs)
    lines: list[str] = []
    platform_images.push(run.client, remote_rootfs, lines.append)
    assert any("digest: sha256:" in line for line in lines)
    run.client.images.remove(remote_rootfs)

    lines = []
    tag = f"{registry}/slipway/platform-static:latest"
    run.images.append(tag)
    image_id = platform_images.build(
        run.client, "static", rootfs=remote_rootfs, tag=tag, log=lines.append
    )
    assert lines[0] == f"    pulling {remote_rootfs}"
    platform_images.push(run.client, tag, lines.append)
    assert any(line.strip().startswith("latest: digest: sha256:") for line in lines)
    catalog = http_get(f"http://{registry}/v2/_catalog")
    assert '"slipway/platform-static"' in catalog and '"slipway/rootfs"' in catalog
    assert image_id == run.client.images.get(tag).id

    lines = []
    again = platform_images.build(
        run.client, "static", rootfs=remote_rootfs, tag=tag, log=lines.append, pull_rootfs=True
    )
    assert lines[0] == f"    pulling {remote_rootfs}"
    assert again == image_id


def test_push_to_a_closed_port_fails(run: Run, platforms: dict[str, Platform]):
    tag = f"127.0.0.1:{free_port()}/slipway/platform-base:latest"
    run.client.images.get(platforms["base"].tag).tag(tag)
    run.images.append(tag)
    with pytest.raises(PlatformBuildError, match=f"cannot push {tag}"):
        platform_images.push(run.client, tag, run.log)


def test_engine_errors_are_platform_build_errors(run: Run):
    context = tar_of({"Dockerfile": b"FROM scratch\nBOGUS instruction\n"})
    with pytest.raises(PlatformBuildError, match="unknown instruction: BOGUS"):
        platform_images.run_build(run.client, context, tag=run.tag("broken"), log=run.log)
