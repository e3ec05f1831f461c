"""Image deploys, unit containers (init, command, working directory) and how old units stop.

The provisioner runs against ``fake_docker.FakeDocker`` (no engine needed);
units are taken as ready at once, and there is no router.
"""

from __future__ import annotations

import dataclasses
import io
import tarfile
import time

import pytest

from slipway.config import ConfigError, validate
from slipway.core import tokens
from slipway.core.context import Context
from slipway.provision import archive, deployer, engines, units

from ..conftest import ApiDriver, settings
from .fake_docker import FakeDocker, ImageSpec

REGISTRY = "10.0.0.5:5000"
NODES = ("10.0.0.9:2376", "10.0.0.10:2376")
FOREIGN = f"{REGISTRY}/tools/hello:1"


def _archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


SOURCE = {
    "Procfile": "web: python app.py\n",
    "app.yaml": "healthcheck:\n  path: /health\n",
    "app.py": "print('hi')\n",
}


@pytest.fixture
def world(api: ApiDriver, monkeypatch):
    owner_headers = api.user("owner@b.com", team="devs")
    api.app("web", owner_headers)
    api.app("other", owner_headers)
    base: Context = api.client.application.extensions["slipway"]
    merged = {
        **base.config.as_dict(),
        "docker:registry": REGISTRY,
        "docker:stop-timeout": 3,
    }
    ctx = dataclasses.replace(base, config=type(base.config)(merged, base.config.path))
    for node in NODES:
        ctx.store.insert("nodes", {"_id": node, "address": f"https://{node}"})
    ctx.store.update_one("platforms", {"_id": "python"}, {"$set": {"image": "r/p:1"}})
    owner = tokens.resolve(ctx, owner_headers["Authorization"].split()[1])
    fake = FakeDocker()
    monkeypatch.setattr(engines, "client", lambda _ctx, node: fake.engine(node.id))
    ready: list[dict] = []
    monkeypatch.setattr(units, "wait_ready", lambda _engine, unit, **kw: ready.append(kw))
    return ctx, owner, fake, ready


def _deploy_source(ctx, owner, app: str = "web", files: dict[str, str] | None = None) -> int:
    source = archive.read(_archive(files or SOURCE))
    return deployer.deploy(ctx, owner, app, lambda _line: None, source=source)


def _deploy_image(ctx, owner, image: str, app: str = "web") -> tuple[int, list[str]]:
    lines: list[str] = []
    version = deployer.deploy(
        ctx, owner, app, lines.append, source=None, image=image, origin="image"
    )
    return version, lines


def test_units_run_the_procfile_under_an_init_in_the_app_directory(world) -> None:
    ctx, owner, fake, _ = world
    _deploy_source(ctx, owner)
    (unit,) = fake.runs()
    assert unit.command == ["/bin/sh", "-c", "exec python app.py"]
    assert unit.options["init"] is True
    assert unit.options["working_dir"] == units.APP_DIR


def test_an_image_slipway_built_runs_the_procfile_of_the_release_that_built_it(world) -> None:
    ctx, owner, fake, ready = world
    _deploy_source(ctx, owner)
    _deploy_source(ctx, owner, files={**SOURCE, "Procfile": "web: python other.py\n"})
    version, lines = _deploy_image(ctx, owner, f"{REGISTRY}/app-web:v1")
    assert version == 3
    assert any("built by web v1" in line for line in lines), lines
    latest = fake.runs()[-1]
    assert latest.image == f"{REGISTRY}/app-web:v1"
    assert latest.command == ["/bin/sh", "-c", "exec python app.py"]
    assert latest.options["working_dir"] == units.APP_DIR
    assert ready[-1]["healthcheck"].path == "/health"
    doc = ctx.store.get("apps", "web")
    assert doc["processes"] == {"web": "python app.py"}
    assert doc["release"]["image"] == f"{REGISTRY}/app-web:v1"
    assert not doc["image_command"]
    deploy = ctx.store.find("deploys", {"app": "web", "version": 3})[0]
    assert deploy["processes"] == {"web": "python app.py"} and deploy["origin"] == "image"


def test_another_apps_image_runs_that_apps_procfile(world) -> None:
    ctx, owner, fake, _ = world
    _deploy_source(ctx, owner, app="other")
    _deploy_image(ctx, owner, f"{REGISTRY}/app-other:v1", app="web")
    assert fake.runs()[-1].command == ["/bin/sh", "-c", "exec python app.py"]
    assert ctx.store.get("apps", "web")["processes"] == {"web": "python app.py"}


def test_a_foreign_image_runs_its_own_command_and_app_info_shows_it(world, api) -> None:
    ctx, owner, fake, _ = world
    fake.registry[FOREIGN] = ImageSpec(
        entrypoint=["/bin/sh", "-c"], cmd=["exec python3 -m http.server $PORT"]
    )
    _, lines = _deploy_image(ctx, owner, FOREIGN)
    shown = "/bin/sh -c 'exec python3 -m http.server $PORT'"
    assert any(shown in line for line in lines), lines
    (unit,) = fake.runs()
    assert unit.command is None, "the image's ENTRYPOINT and CMD run unchanged"
    assert "working_dir" not in unit.options, "in the image's own WORKDIR"
    assert unit.options["init"] is True
    doc = ctx.store.get("apps", "web")
    assert doc["processes"] == {"web": shown} and doc["image_command"] is True
    admin_view = api.client.get("/apps/web", headers=api.admin).json
    assert admin_view["processes"] == {"web": shown}

    deployer.restart(ctx, owner, "web", None, lambda _line: None)
    assert fake.runs()[-1].command is None
    deployer.add_units(ctx, owner, "web", 1, None, lambda _line: None)
    assert fake.runs()[-1].command is None

    _deploy_source(ctx, owner)
    deployer.rollback(ctx, owner, "web", lambda _line: None, version=1)
    assert fake.runs()[-1].command is None
    assert ctx.store.get("apps", "web")["processes"] == {"web": shown}


def test_a_foreign_image_with_only_a_cmd_shows_the_cmd(world) -> None:
    ctx, owner, fake, _ = world
    fake.registry[FOREIGN] = ImageSpec(cmd=["/usr/local/bin/hello", "--port", "8888"])
    _deploy_image(ctx, owner, FOREIGN)
    assert ctx.store.get("apps", "web")["processes"] == {"web": "/usr/local/bin/hello --port 8888"}


def test_an_image_without_a_command_is_refused_and_the_release_keeps_serving(world) -> None:
    ctx, owner, fake, _ = world
    _deploy_source(ctx, owner)
    fake.registry[FOREIGN] = ImageSpec()
    with pytest.raises(deployer.DeployFailed, match="has no command"):
        _deploy_image(ctx, owner, FOREIGN)
    doc = ctx.store.get("apps", "web")
    assert doc["release"]["version"] == 1 and doc["processes"] == {"web": "python app.py"}
    assert len(fake.runs()) == 1
    failed = ctx.store.find("deploys", {"app": "web", "version": 2})[0]
    assert failed["status"] == "failed" and "has no command" in failed["error"]


def test_an_image_with_the_platforms_default_web_label_runs_it(world) -> None:
    ctx, owner, fake, _ = world
    label = {deployer.DEFAULT_WEB_LABEL: "busybox httpd -f -p $PORT"}
    fake.registry[FOREIGN] = ImageSpec(labels=label)
    _deploy_image(ctx, owner, FOREIGN)
    assert fake.runs()[-1].command == ["/bin/sh", "-c", "exec busybox httpd -f -p $PORT"]


def test_old_units_stop_side_by_side_with_the_configured_timeout(world) -> None:
    ctx, owner, fake, _ = world
    fake.stop_seconds = 0.4
    _deploy_source(ctx, owner)
    deployer.add_units(ctx, owner, "web", 3, None, lambda _line: None)
    old = {u["container"] for u in ctx.store.get("apps", "web")["units"]}
    assert len(old) == 4
    started = time.monotonic()
    _deploy_source(ctx, owner, files={**SOURCE, "app.py": "print('v2')\n"})
    elapsed = time.monotonic() - started
    stops = [s for s in fake.stops() if s[0] in old]
    assert len(stops) == 4 and {s[1] for s in stops} == {3}
    assert elapsed < 4 * 0.4, f"stopping 4 units took {elapsed:.2f} s: one after another"
    assert max(s[2] for s in stops) < min(s[3] for s in stops), "all stops overlap"


def test_app_stop_stops_every_unit_at_once(world) -> None:
    ctx, owner, fake, _ = world
    fake.stop_seconds = 0.4
    _deploy_source(ctx, owner)
    deployer.add_units(ctx, owner, "web", 2, None, lambda _line: None)
    lines: list[str] = []
    started = time.monotonic()
    deployer.stop(ctx, owner, "web", None, lines.append)
    assert time.monotonic() - started < 3 * 0.4
    assert {s[1] for s in fake.stops()} == {3}
    assert [u["status"] for u in ctx.store.get("apps", "web")["units"]] == ["stopped"] * 3
    assert len([line for line in lines if line.endswith("stopped")]) == 3


def test_the_stop_timeout_is_a_setting(config, tmp_path) -> None:
    assert config["docker:stop-timeout"] == 10
    assert validate(settings(tmp_path, docker={"stop-timeout": 30}))["docker:stop-timeout"] == 30
    with pytest.raises(ConfigError, match="stop-timeout"):
        validate(settings(tmp_path, docker={"stop-timeout": -1}))


def test_each_release_records_its_source_digest(world) -> None:
    ctx, owner, _fake, _ = world
    _deploy_source(ctx, owner)
    first = ctx.store.get("apps", "web")["release"]["digest"]
    assert first == archive.read(_archive(SOURCE)).digest
    _deploy_source(ctx, owner, files={**SOURCE, "app.py": "print('changed')\n"})
    second = ctx.store.get("apps", "web")["release"]["digest"]
    assert second.startswith("sha256:") and second != first
    _deploy_image(ctx, owner, f"{REGISTRY}/app-web:v1")
    assert ctx.store.get("apps", "web")["release"]["digest"] == ""
    deploys = ctx.store.find("deploys", {"app": "web"}, sort=[("version", 1)])
    assert [d["digest"] for d in deploys] == [first, second, ""]
