"""Deploys, rollbacks and unit changes, each under the app's lock, logging as it goes.

New units are started and checked before any route moves to them; old units
are unrouted, given the routers' cache time to drain, and only then removed.
A failure removes what was started for the change and leaves the running
release serving.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..core import apps, quota, releases, schema
from ..core.context import Context
from ..core.errors import Conflict, DomainError, NotFound, Unavailable, ValidationError
from ..core.manifest import Healthcheck, Manifest, routed_process
from ..core.principal import Principal, require_user
from ..core.units import UnitState
from . import archive, engines, images, routing, units
from .archive import AppSource
from .engines import Node
from .images import ImageError
from .units import UnitError

Log = Callable[[str], None]
log = logging.getLogger(__name__)

LOCK_STALE_SECONDS = 3600
# Units stopped at the same time (each waits up to docker:stop-timeout).
MAX_PARALLEL_STOPS = 16
DEFAULT_WEB_LABEL = "io.slipway.default-web"


class DeployFailed(DomainError):
    status = 400


@dataclasses.dataclass(frozen=True)
class Release:
    """What units run: an image, its processes and hooks, and the env they get."""

    version: int
    image: str
    processes: dict[str, str]
    manifest: Manifest
    env: dict[str, Any]
    # The units run the image's own ENTRYPOINT/CMD; ``processes`` only shows it.
    image_command: bool = False

    def command(self, process: str) -> str:
        """What a unit of ``process`` runs; empty: the image's own command."""
        return "" if self.image_command else self.processes[process]


# --- the app lock -----------------------------------------------------------------


@contextlib.contextmanager
def locked(ctx: Context, app: str, principal: Principal, action: str) -> Iterator[None]:
    """Hold the app's lock for one change; a lock older than an hour is taken over."""
    lock = {"owner": principal.name, "action": action, "since": ctx.timestamp()}
    taken = ctx.store.update_one(
        schema.APPS, {"_id": app, "lock": {"$exists": False}}, {"$set": {"lock": lock}}
    )
    if taken is None:
        doc = apps.get(ctx, app)
        held = doc.get("lock") or {}
        since = held.get("since", "")
        age = (ctx.now() - dt.datetime.fromisoformat(since)).total_seconds() if since else 0
        if (
            age < LOCK_STALE_SECONDS
            or ctx.store.update_one(
                schema.APPS, {"_id": app, "lock.since": since}, {"$set": {"lock": lock}}
            )
            is None
        ):
            raise Conflict(
                f"App {app} is busy: {held.get('action', 'a change')} by "
                f"{held.get('owner', 'someone')} since {since}. Try again when it ends."
            )
    try:
        yield
    finally:
        ctx.store.update_one(schema.APPS, {"_id": app}, {"$unset": {"lock": ""}})


# --- records ----------------------------------------------------------------------


def _manifest_doc(manifest: Manifest) -> dict[str, Any]:
    check = manifest.healthcheck
    return {
        "restart": {stage: list(cmds) for stage, cmds in manifest.restart.items()},
        "healthcheck": dataclasses.asdict(check) if check else None,
    }


def _manifest_from(doc: dict[str, Any] | None) -> Manifest:
    doc = doc or {}
    check = doc.get("healthcheck")
    return Manifest(
        restart={stage: tuple(cmds) for stage, cmds in (doc.get("restart") or {}).items()},
        healthcheck=Healthcheck(**check) if check else None,
    )


def current_release(doc: dict[str, Any]) -> Release:
    release = doc.get("release")
    if not release:
        raise ValidationError(f"App {doc['_id']} has not been deployed yet.")
    return Release(
        version=release["version"],
        image=release["image"],
        processes=dict(doc.get("processes") or {}),
        manifest=_manifest_from(doc.get("manifest")),
        env=doc.get("env", {}),
        image_command=bool(doc.get("image_command")),
    )


def _save_units(ctx: Context, app: str, unit_docs: list[dict[str, Any]], **extra: Any) -> None:
    ctx.store.update_one(schema.APPS, {"_id": app}, {"$set": {"units": unit_docs, **extra}})


# --- units and routes -------------------------------------------------------------


def unit_env(ctx: Context, app: str, process: str, env: dict[str, Any]) -> dict[str, str]:
    values = {name: str(entry.get("value", "")) for name, entry in env.items()}
    port = str(ctx.config["docker:unit-port"])
    values.update(
        PORT=port,
        TSURU_APPNAME=app,
        TSURU_APPDIR=units.APP_DIR,
        TSURU_PROCESSNAME=process,
        TSURU_HOST=ctx.config["host"],
    )
    return values


def _desired(release: Release, current: list[dict[str, Any]]) -> Counter[str]:
    """Units per process: as many as now for processes that stay, one for new ones."""
    running = Counter(u["process"] for u in current)
    return Counter({p: running.get(p, 0) or 1 for p in release.processes})


class Rollout:
    """Start units of a release on the scheduled nodes, check them, then switch routes."""

    def __init__(self, ctx: Context, app: str, release: Release, say: Log) -> None:
        self.ctx, self.app, self.release, self.say = ctx, app, release, say
        self.routed = routed_process(release.processes) if release.processes else None
        self.started: list[dict[str, Any]] = []

    def _engine(self, node: Node) -> Any:
        return engines.client(self.ctx, node)

    def start(self, counts: Counter[str]) -> list[dict[str, Any]]:
        total = sum(counts.values())
        if not total:
            return []
        nodes = engines.schedule(self.ctx, total)
        plan = [p for p in sorted(counts, key=lambda p: p != self.routed) for _ in range(counts[p])]
        timeout = self.ctx.config["docker:start-timeout"]
        try:
            self._before_once(nodes[0])
            for process, node in zip(plan, nodes, strict=True):
                self.say(f"---> Starting a {process} unit on {node.id}")
                with engines.connected(self.ctx, node) as engine:
                    images.ensure(engine, self.release.image, self.say)
                    unit = units.create(
                        engine,
                        node,
                        app=self.app,
                        process=process,
                        version=self.release.version,
                        image=self.release.image,
                        process_command=self.release.command(process),
                        hooks=self.release.manifest.restart,
                        env=unit_env(self.ctx, self.app, process, self.release.env),
                        port=self.ctx.config["docker:unit-port"],
                    )
                    self.started.append(unit)
            for unit in self.started:
                node = engines.get(self.ctx, unit["node"])
                with engines.connected(self.ctx, node) as engine:
                    units.wait_ready(
                        engine,
                        unit,
                        routed=unit["process"] == self.routed,
                        healthcheck=self.release.manifest.healthcheck,
                        timeout=timeout,
                    )
                    unit["status"] = str(UnitState.STARTED)
                    self.say(f"---> Unit {unit['id']} ({unit['process']}) started")
                    if self.release.manifest.hooks("after-each"):
                        self.say(f"---> Running restart:after-each in {unit['id']}")
                        units.run_hooks(engine, unit, "after-each", self.say, timeout)
            self._after_once()
        except (UnitError, ImageError) as exc:
            self.abort()
            raise DeployFailed(str(exc)) from None
        except BaseException:
            self.abort()
            raise
        return self.started

    def _before_once(self, node: Node) -> None:
        for hook in self.release.manifest.hooks("before"):
            self.say(f"---> Running restart:before: {hook}")
            with engines.connected(self.ctx, node) as engine:
                images.ensure(engine, self.release.image, self.say)
                env = unit_env(self.ctx, self.app, "hook", self.release.env)
                units.run_once(engine, self.release.image, hook, env, self.say)

    def _after_once(self) -> None:
        if not self.release.manifest.hooks("after") or not self.started:
            return
        unit = self.started[0]
        self.say(f"---> Running restart:after in {unit['id']}")
        with engines.connected(self.ctx, engines.get(self.ctx, unit["node"])) as engine:
            units.run_hooks(
                engine, unit, "after", self.say, self.ctx.config["docker:start-timeout"]
            )

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            remove_units(self.ctx, self.started)
        self.started = []


def route(ctx: Context, app: str, new: list[dict[str, Any]], old: list[dict[str, Any]]) -> None:
    """Route ``new`` web units, unroute ``old`` ones, and let the routers' caches drain."""
    router = routing.router(ctx)
    if router is None:
        return
    try:
        router.ensure_backend(app)
        for unit in new:
            router.add_route(app, units.url(unit))
        for unit in old:
            router.remove_route(app, units.url(unit))
    except Exception as exc:
        raise Unavailable(f"The router's route store failed: {exc}") from None
    if old:
        routing.drain(ctx)


def _on_nodes(
    ctx: Context, chosen: list[dict[str, Any]], action: Callable[[Any, dict[str, Any]], None]
) -> list[BaseException | None]:
    """Run ``action(engine, unit)`` for every unit at once, one engine client per unit.

    Stopping a unit waits up to ``docker:stop-timeout`` for it to exit, so units
    stop side by side, not one after another. Nodes are looked up here, before
    the threads start; the answer is each unit's exception, or None.
    """
    placed = []
    for unit in chosen:
        try:
            placed.append((engines.get(ctx, unit["node"]), unit))
        except Unavailable as exc:
            placed.append((exc, unit))

    def one(item: tuple[Node | Unavailable, dict[str, Any]]) -> BaseException | None:
        node, unit = item
        if isinstance(node, Unavailable):
            return node
        try:
            with engines.connected(ctx, node) as engine:
                action(engine, unit)
        except Exception as exc:
            return exc
        return None

    if len(placed) <= 1:
        return [one(item) for item in placed]
    with ThreadPoolExecutor(max_workers=min(len(placed), MAX_PARALLEL_STOPS)) as pool:
        return list(pool.map(one, placed))


def remove_units(ctx: Context, gone: list[dict[str, Any]]) -> None:
    """Stop and remove ``gone`` on their nodes, all at once; units already gone are fine."""
    timeout = ctx.config["docker:stop-timeout"]
    _on_nodes(ctx, gone, lambda engine, unit: units.destroy(engine, unit, timeout=timeout))


def _routed_units(unit_docs: list[dict[str, Any]], routed: str | None) -> list[dict[str, Any]]:
    return [u for u in unit_docs if u["process"] == routed and u.get("port")]


def replace(
    ctx: Context,
    app: str,
    release: Release,
    say: Log,
    *,
    only: str | None = None,
) -> list[dict[str, Any]]:
    """Run ``release`` in place of the app's units (of one process when ``only``)."""
    doc = apps.get(ctx, app)
    current = doc.get("units", [])
    kept = [u for u in current if only is not None and u["process"] != only]
    leaving = [u for u in current if u not in kept]
    counts = _desired(release, leaving if only else current)
    if only is not None:
        counts = Counter({only: counts.get(only, 0) or 1})
    rollout = Rollout(ctx, app, release, say)
    started = rollout.start(counts)
    routed = rollout.routed
    old_routed = _routed_units(
        leaving, routed_process(doc["processes"]) if doc.get("processes") else None
    )
    try:
        say("---> Switching routes")
        route(ctx, app, _routed_units(started, routed), old_routed)
    except Unavailable:
        rollout.abort()
        raise
    remove_units(ctx, leaving)
    if leaving:
        say(f"---> Removed {len(leaving)} old unit(s)")
    _save_units(
        ctx,
        app,
        kept + started,
        processes=release.processes,
        manifest=_manifest_doc(release.manifest),
        image_command=release.image_command,
    )
    return started


# --- deploys ----------------------------------------------------------------------


def registry(ctx: Context) -> str:
    value = ctx.config["docker:registry"]
    if not value:
        raise Unavailable("The control plane has no image registry (docker:registry).")
    return value


def check_deploy(
    ctx: Context, principal: Principal, app: str, *, data: bytes | None, image: str | None
) -> AppSource | None:
    """Everything that can be refused before the deploy starts streaming."""
    require_user(principal)
    doc = apps.accessible(ctx, principal, app)
    if (data is None) == (not image):
        raise ValidationError("Send the app as an archive (file) or name an image, not both.")
    registry(ctx)
    engines.require_nodes(ctx)
    if data is None:
        return None
    platform = ctx.store.get(schema.PLATFORMS, doc["platform"]) or {}
    if not platform.get("image"):
        raise Unavailable(
            f"Platform {doc['platform']} has no image yet: an admin runs "
            f"platform-update {doc['platform']} --build."
        )
    return archive.read(data)


def check_change(ctx: Context, principal: Principal, app: str) -> None:
    """What unit changes and restarts need before they stream: access and nodes."""
    require_user(principal)
    apps.accessible(ctx, principal, app)
    engines.require_nodes(ctx)


def check_rollback(
    ctx: Context, principal: Principal, app: str, *, version: int | None, image: str | None
) -> None:
    check_change(ctx, principal, app)
    releases.rollback_source(ctx, principal, app, version=version, image=image)


def app_dockerfile(platform_image: str, manifest: Manifest) -> str:
    """The app image: the platform's deploy script as root, then the build hooks as the app."""
    lines = [
        f"FROM {platform_image}",
        "USER root",
        f"COPY app/ {units.APP_DIR}/",
        f"WORKDIR {units.APP_DIR}",
        "RUN /opt/slipway/deploy",
        f"USER {units.APP_USER}",
    ]
    lines += [f"RUN {json.dumps(['/bin/sh', '-c', hook])}" for hook in manifest.build]
    return "\n".join(lines) + "\n"


def _build(ctx: Context, doc: dict[str, Any], source: AppSource, tag: str, say: Log) -> dict:
    platform = ctx.store.get(schema.PLATFORMS, doc["platform"]) or {}
    node = engines.schedule(ctx, 1)[0]
    say(f"---> Building {tag} on {node.id} (platform {doc['platform']})")
    context = archive.build_context(app_dockerfile(platform["image"], source.manifest), source)
    with engines.connected(ctx, node) as engine:
        try:
            images.build(engine, context, tag, say, labels={units.LABEL_APP: doc["_id"]})
        except ImageError:
            images.prune(engine)
            raise
        labels = images.labels(engine, tag)
        say(f"---> Pushing {tag}")
        images.push(engine, tag, say)
    processes = source.processes
    if processes is None:
        default = labels.get(DEFAULT_WEB_LABEL, "")
        if not default:
            raise DeployFailed(
                "The app has no Procfile: add one with a line like 'web: <command using $PORT>'."
            )
        processes = {"web": default}
    return processes


def deploy(
    ctx: Context,
    principal: Principal,
    app: str,
    say: Log,
    *,
    source: AppSource | None,
    image: str | None = None,
    origin: str = "app-deploy",
    commit: str = "",
) -> int:
    """Build (or take ``image``), start, route, record; return the new version."""
    with locked(ctx, app, principal, "deploy"):
        doc = apps.get(ctx, app)
        record = releases.begin(
            ctx,
            principal,
            app,
            origin,
            registry=registry(ctx),
            commit=commit,
            image=image,
            digest=source.digest if source is not None else "",
        )
        version, tag = record["version"], record["image"]

        def logged(line: str) -> None:
            releases.log(ctx, record["_id"], line + "\n")
            say(line)

        try:
            logged(
                f"---> Deploying {app} v{version} ({origin}{' ' + commit[:12] if commit else ''})"
            )
            own_command = False
            if source is not None:
                processes = _build(ctx, doc, source, tag, logged)
                manifest = source.manifest
            else:
                processes, manifest, own_command = _image_release(ctx, principal, app, tag, logged)
            env = apps.get(ctx, app).get("env", {})
            release = Release(version, tag, processes, manifest, env, own_command)
            replace(ctx, app, release, logged)
        except (ImageError, UnitError) as exc:
            _failed(ctx, record["_id"], str(exc))
            raise DeployFailed(str(exc)) from None
        except DomainError as exc:
            _failed(ctx, record["_id"], exc.message)
            raise
        except Exception as exc:
            _failed(ctx, record["_id"], f"internal error: {exc}")
            raise
        stale = releases.finish(
            ctx,
            record["_id"],
            env=env,
            processes=processes,
            keep=ctx.config["docker:image-history-size"],
            image_command=own_command,
        )
        _remember_manifest(ctx, app, record["_id"], manifest)
        forget_images(ctx, stale, say)
        say(f"---> v{version} is serving at http://{apps.address(ctx, app)}")
        return version


def _image_release(
    ctx: Context, principal: Principal, app: str, image: str, say: Log
) -> tuple[dict[str, str], Manifest, bool]:
    """Processes, manifest and whether the image's own command runs, for an image deploy.

    An image a release built runs that release's Procfile, hooks and
    healthcheck (Slipway's images have no CMD). Any other image runs its own
    ENTRYPOINT and CMD, recorded as the web process so app-info shows it.
    """
    built = releases.built_with(ctx, principal, app, image)
    if built is not None:
        say(f"---> {image} was built by {built['app']} v{built['version']}: using its Procfile")
        return (
            dict(built["processes"]),
            _manifest_from(built.get("manifest")),
            bool(built.get("image_command")),
        )
    node = engines.require_nodes(ctx)[0]
    with engines.connected(ctx, node) as engine:
        images.ensure(engine, image, say)
        found = images.config(engine, image)
    if found.command:
        say(f"---> {image} runs its own command: {found.command}")
        return {"web": found.command}, Manifest(), True
    default = found.labels.get(DEFAULT_WEB_LABEL, "")
    if default:
        return {"web": default}, Manifest(), False
    raise DeployFailed(
        f"Image {image} has no command (no CMD or ENTRYPOINT) and no release recorded a "
        "Procfile for it: give the image a CMD, or deploy the app's source."
    )


def _remember_manifest(ctx: Context, app: str, deploy_id: str, manifest: Manifest) -> None:
    """Restarts and rollbacks run the hooks and healthcheck of the release they start."""
    saved = {"manifest": _manifest_doc(manifest)}
    ctx.store.update_one(schema.DEPLOYS, {"_id": deploy_id}, {"$set": saved})
    ctx.store.update_one(schema.APPS, {"_id": app}, {"$set": saved})


def _failed(ctx: Context, deploy_id: str, message: str) -> None:
    with contextlib.suppress(Exception):
        releases.finish(ctx, deploy_id, error=message)


def forget_images(ctx: Context, stale: list[str], say: Log) -> None:
    """Remove images that left the history from every node and from the registry."""
    for tag in stale:
        for node in engines.nodes(ctx):
            with contextlib.suppress(Exception), engines.connected(ctx, node) as engine:
                images.remove(engine, tag)
        if tag.startswith(ctx.config["docker:registry"] + "/"):
            images.delete_from_registry(tag)
        say(f"---> Removed old image {tag}")


def rollback(
    ctx: Context,
    principal: Principal,
    app: str,
    say: Log,
    *,
    version: int | None = None,
    image: str | None = None,
) -> int:
    """A new release running an older release's image, processes and env."""
    with locked(ctx, app, principal, "rollback"):
        source = releases.rollback_source(ctx, principal, app, version=version, image=image)
        record = releases.begin(
            ctx, principal, app, "rollback", image=source["image"], digest=source.get("digest", "")
        )

        def logged(line: str) -> None:
            releases.log(ctx, record["_id"], line + "\n")
            say(line)

        env = source.get("env", {})
        try:
            logged(f"---> Rolling {app} back to v{source['version']} as v{record['version']}")
            manifest = _manifest_from(source.get("manifest"))
            release = Release(
                record["version"],
                source["image"],
                source.get("processes") or {"web": ""},
                manifest,
                env,
                bool(source.get("image_command")),
            )
            replace(ctx, app, release, logged)
            ctx.store.update_one(schema.APPS, {"_id": app}, {"$set": {"env": env}})
        except (ImageError, UnitError) as exc:
            _failed(ctx, record["_id"], str(exc))
            raise DeployFailed(str(exc)) from None
        except DomainError as exc:
            _failed(ctx, record["_id"], exc.message)
            raise
        releases.finish(
            ctx,
            record["_id"],
            env=env,
            processes=release.processes,
            keep=ctx.config["docker:image-history-size"],
            image_command=release.image_command,
        )
        _remember_manifest(ctx, app, record["_id"], manifest)
        say(f"---> v{record['version']} (the image of v{source['version']}) is serving")
        return record["version"]


# --- unit changes, restarts -------------------------------------------------------


def _process(doc: dict[str, Any], process: str | None) -> str:
    processes = doc.get("processes") or {}
    name = process or (routed_process(processes) if processes else "web")
    if name not in processes:
        known = ", ".join(sorted(processes)) or "none"
        raise ValidationError(f"App {doc['_id']} has no process {name!r} (processes: {known}).")
    return name


@contextlib.contextmanager
def _changing(
    ctx: Context, principal: Principal, app: str, action: str
) -> Iterator[dict[str, Any]]:
    """Check access, hold the app's lock, and give the app as it is under the lock."""
    require_user(principal)
    apps.accessible(ctx, principal, app)
    with locked(ctx, app, principal, action):
        yield apps.get(ctx, app)


def _check_count(count: int) -> None:
    if not 1 <= count <= 100:
        raise ValidationError("The number of units must be between 1 and 100.")


def add_units(
    ctx: Context, principal: Principal, app: str, count: int, process: str | None, say: Log
) -> None:
    _check_count(count)
    with _changing(ctx, principal, app, "unit-add") as doc:
        release = current_release(doc)
        name = _process(doc, process)
        _check_unit_quota(ctx, doc, count)
        rollout = Rollout(ctx, app, release, say)
        started = rollout.start(Counter({name: count}))
        try:
            route(ctx, app, _routed_units(started, rollout.routed), [])
        except Unavailable:
            rollout.abort()
            raise
        _save_units(ctx, app, doc.get("units", []) + started)
        now = sum(u["process"] == name for u in doc.get("units", [])) + count
        say(f"---> {app} has {now} {name} unit(s)")


def _check_unit_quota(ctx: Context, doc: dict[str, Any], count: int) -> None:
    quota.check_units(doc, count)


def remove_units_of(
    ctx: Context, principal: Principal, app: str, count: int, process: str | None, say: Log
) -> None:
    _check_count(count)
    with _changing(ctx, principal, app, "unit-remove") as doc:
        name = _process(doc, process)
        mine = [u for u in doc.get("units", []) if u["process"] == name]
        if count > len(mine):
            raise ValidationError(f"App {app} has only {len(mine)} {name} unit(s).")
        gone = mine[-count:]
        routed = routed_process(doc["processes"])
        route(ctx, app, [], _routed_units(gone, routed))
        remove_units(ctx, gone)
        _save_units(ctx, app, [u for u in doc.get("units", []) if u not in gone])
        say(f"---> Removed {count} {name} unit(s); {len(mine) - count} left")


def restart(ctx: Context, principal: Principal, app: str, process: str | None, say: Log) -> None:
    """Replace the units (of one process) with fresh ones of the same release."""
    with _changing(ctx, principal, app, "restart") as doc:
        release = current_release(doc)
        only = _process(doc, process) if process else None
        say(f"---> Restarting {app}" + (f" ({only})" if only else ""))
        replace(ctx, app, release, say, only=only)


def stop(ctx: Context, principal: Principal, app: str, process: str | None, say: Log) -> None:
    with _changing(ctx, principal, app, "stop") as doc:
        only = _process(doc, process) if process else None
        chosen = [u for u in doc.get("units", []) if only in (None, u["process"])]
        routed = routed_process(doc["processes"]) if doc.get("processes") else None
        route(ctx, app, [], _routed_units([u for u in chosen if u["status"] == "started"], routed))
        timeout = ctx.config["docker:stop-timeout"]
        results = _on_nodes(
            ctx, chosen, lambda engine, unit: units.stop(engine, unit, timeout=timeout)
        )
        failed = None
        for unit, error in zip(chosen, results, strict=True):
            if error is None:
                unit["status"] = str(UnitState.STOPPED)
                say(f"---> Unit {unit['id']} ({unit['process']}) stopped")
            else:
                failed = failed or error
        _save_units(ctx, app, doc.get("units", []))
        if isinstance(failed, DomainError):
            raise failed
        if failed is not None:
            raise DeployFailed(f"cannot stop every unit: {failed}")


def start(ctx: Context, principal: Principal, app: str, process: str | None, say: Log) -> None:
    with _changing(ctx, principal, app, "start") as doc:
        release = current_release(doc)
        only = _process(doc, process) if process else None
        routed = routed_process(release.processes)
        started = []
        for unit in doc.get("units", []):
            if only not in (None, unit["process"]) or unit["status"] == "started":
                continue
            with engines.connected(ctx, engines.get(ctx, unit["node"])) as engine:
                try:
                    unit.update(units.start(engine, unit))
                    units.wait_ready(
                        engine,
                        unit,
                        routed=unit["process"] == routed,
                        healthcheck=release.manifest.healthcheck,
                        timeout=ctx.config["docker:start-timeout"],
                    )
                except UnitError as exc:
                    unit["status"] = str(UnitState.ERROR)
                    _save_units(ctx, app, doc.get("units", []))
                    raise DeployFailed(str(exc)) from None
            unit["status"] = str(UnitState.STARTED)
            started.append(unit)
            say(f"---> Unit {unit['id']} ({unit['process']}) started")
        route(ctx, app, _routed_units(started, routed), [])
        _save_units(ctx, app, doc.get("units", []))


def destroy_app(ctx: Context, principal: Principal, app: str) -> dict[str, Any]:
    """Remove an app with its units, routes, custom DNS names and images."""
    require_user(principal)
    apps.accessible(ctx, principal, app)
    with locked(ctx, app, principal, "remove"):
        doc = apps.get(ctx, app)
        router = routing.router(ctx)
        if router is not None:
            with contextlib.suppress(Exception):
                router.remove_backend(app)
        updater = routing.dns(ctx.config)
        for name in doc.get("cname", []):
            if updater is not None and updater.manages(name):
                with contextlib.suppress(Exception):
                    updater.delete(name)
        if router is not None and doc.get("units"):
            # Routers keep a route for their cache time: let it lapse before the
            # units go, so the app's names answer 404 and never 502 once removed.
            routing.drain(ctx)
        remove_units(ctx, doc.get("units", []))
        if doc.get("images"):
            forget_images(ctx, list(doc["images"]), lambda _line: None)
    try:
        return apps.remove(ctx, principal, app)
    except NotFound:
        return doc
