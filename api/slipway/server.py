"""``slipway-api``: run the API (gunicorn), a local development server, and admin chores."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import secrets
import sys
from pathlib import Path

import yaml

from . import config as config_module
from .config import Config, ConfigError
from .core.errors import DomainError
from .serving import serve
from .store import StoreError, open_store

DEV_DIR = ".slipway-dev"
DEV_ADMIN = "admin@slipway.dev"
DEV_PLATFORMS = ["python", "nodejs", "static"]


def _load(path: str | None) -> Config:
    return config_module.load(path)


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def cmd_run(args: argparse.Namespace) -> int:
    """Serve the API with gunicorn, as the systemd unit does."""
    from .api import create_app

    cfg = _load(args.config)
    _configure_logging(cfg["log-level"])
    preflight = open_store(cfg["database:url"], cfg["database:name"])
    try:
        preflight.ping()
    finally:
        preflight.close()

    serve(
        lambda: create_app(cfg),
        bind=cfg["listen"],
        workers=args.workers or cfg["workers"],
        name="slipway-api",
    )
    return 0


def _dev_config(directory: Path, listen: str) -> Path:
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / "slipway.conf"
    if not path.exists():
        settings = {
            "listen": listen,
            "host": f"http://{listen}",
            "log-level": "info",
            "database": {"url": f"sqlite:///{(directory / 'slipway.db').resolve()}"},
            "admin-team": "admin",
            "auth": {"user-registration": True, "hash-cost": 10},
        }
        path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return path


def cmd_dev(args: argparse.Namespace) -> int:
    """A one-line local API on SQLite, with an admin account ready to log in."""
    from .api import create_app
    from .core import platforms
    from .core.context import prepare
    from .core.users import ensure_admin

    directory = Path(args.dir)
    path = Path(args.config) if args.config else _dev_config(directory, args.listen)
    cfg = _load(str(path))
    _configure_logging(cfg["log-level"])
    password_file = directory / "admin-password"
    if not password_file.exists():
        password_file.write_text(secrets.token_urlsafe(12) + "\n", encoding="utf-8")
        password_file.chmod(0o600)
    ctx = prepare(open_store(cfg["database:url"], cfg["database:name"]), cfg)
    ensure_admin(ctx, DEV_ADMIN, password_file.read_text(encoding="utf-8").strip())
    platforms.ensure(ctx, DEV_PLATFORMS)
    host, _, port = cfg["listen"].rpartition(":")
    print(f"Slipway API (development) on http://{cfg['listen']}  config: {path}")
    print(f"Admin: {DEV_ADMIN}, password in {password_file}")
    print(f"  slipway target-add dev http://{cfg['listen']} --set-current")
    print(f"  slipway login {DEV_ADMIN}")
    create_app(cfg).run(host=host or "127.0.0.1", port=int(port), threaded=True)
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    cfg = _load(args.config)
    print(f"{cfg.path}: OK")
    return 0


def _read_secret(path: str | None) -> str:
    if path in (None, "-"):
        return sys.stdin.readline().rstrip("\n")
    return Path(path).read_text(encoding="utf-8").strip()


def cmd_create_admin(args: argparse.Namespace) -> int:
    """Idempotently ensure an admin user in the admin team; prints changed/ok."""
    from .core.context import prepare
    from .core.users import ensure_admin

    cfg = _load(args.config)
    ctx = prepare(open_store(cfg["database:url"], cfg["database:name"]), cfg)
    changed = ensure_admin(ctx, args.email, _read_secret(args.password_file))
    print("changed" if changed else "ok")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    """Idempotently give a user a named token for automation, and print its value.

    ``--current`` names a file (``-``: stdin) holding the value an earlier run
    printed: while that is still the user's token of this name it is printed
    again and nothing changes; otherwise the token is made anew (an old one of
    that name stops working). ``--json`` prints ``{"name", "token", "changed"}``.
    """
    import json

    from .core import tokens
    from .core.context import prepare

    cfg = _load(args.config)
    ctx = prepare(open_store(cfg["database:url"], cfg["database:name"]), cfg)
    current = ""
    if args.current == "-":
        current = sys.stdin.readline().strip()
    elif args.current:
        with contextlib.suppress(FileNotFoundError):
            current = Path(args.current).read_text(encoding="utf-8").strip()
    value, changed = tokens.ensure_named(
        ctx, args.user.lower(), args.name, current, args.description
    )
    if args.json:
        print(json.dumps({"name": args.name, "token": value, "changed": changed}))
    else:
        print(value)
    return 0


def cmd_resync_git(args: argparse.Namespace) -> int:
    """Make the git server hold exactly the users, keys and repositories the records describe."""
    from .core import gitserver
    from .core.context import prepare

    cfg = _load(args.config)
    ctx = prepare(open_store(cfg["database:url"], cfg["database:name"]), cfg)
    description, answer = gitserver.resync(ctx)
    print(gitserver.summary_line(description, answer))
    return 0


def cmd_build_platforms(args: argparse.Namespace) -> int:
    """Record each named platform and build its image when it has none (``--rebuild``: always)."""
    from .core import platforms
    from .core.context import prepare
    from .core.principal import USER, Principal
    from .provision import platforms as provisioned

    cfg = _load(args.config)
    ctx = prepare(open_store(cfg["database:url"], cfg["database:name"]), cfg)
    operator = Principal(kind=USER, token_id="", email="slipway-api", is_admin=True)
    platforms.ensure(ctx, args.names)
    built = []
    for name in args.names:
        if args.rebuild or not platforms.get(ctx, name).get("image"):
            provisioned.check_buildable(ctx, name)
            provisioned.build(ctx, operator, name, lambda line: print(line, flush=True))
            built.append(name)
    print(f"built: {' '.join(built)}" if built else "ok: every platform has an image")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="slipway-api", description=__doc__)
    parser.add_argument(
        "--config",
        help=f"config file (default ${config_module.CONFIG_ENV} or {config_module.DEFAULT_PATH})",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve the API with gunicorn")
    run.add_argument("--workers", type=int, help="override the config's workers")
    run.set_defaults(func=cmd_run)
    dev = sub.add_parser("dev", help="local development server on SQLite")
    dev.add_argument("--dir", default=os.environ.get("SLIPWAY_DEV_DIR", DEV_DIR))
    dev.add_argument("--listen", default="127.0.0.1:8080")
    dev.set_defaults(func=cmd_dev)
    check = sub.add_parser("check-config", help="validate the config file and exit")
    check.set_defaults(func=cmd_check_config)
    admin = sub.add_parser("create-admin", help="ensure an admin user exists (idempotent)")
    admin.add_argument("email")
    admin.add_argument("--password-file", help="file holding the password; - or absent: stdin")
    admin.set_defaults(func=cmd_create_admin)
    token = sub.add_parser(
        "token-create", help="ensure a user's named token for automation, print it (idempotent)"
    )
    token.add_argument("--name", required=True, help="the token's name, e.g. automation")
    token.add_argument("--user", required=True, help="the user the token acts as")
    token.add_argument("--description", default="", help="what the token is for")
    token.add_argument(
        "--current", help="file with the value an earlier run printed (- for stdin); kept if valid"
    )
    token.add_argument("--json", action="store_true", help='print {"name", "token", "changed"}')
    token.set_defaults(func=cmd_token_create)
    resync = sub.add_parser("resync-git", help="rebuild the git server from the records")
    resync.set_defaults(func=cmd_resync_git)
    build = sub.add_parser("build-platforms", help="build the images of platforms that lack one")
    build.add_argument("names", nargs="+", metavar="platform")
    build.add_argument("--rebuild", action="store_true", help="build even when an image exists")
    build.set_defaults(func=cmd_build_platforms)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"slipway-api: config error: {problem}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"slipway-api: database error: {exc}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"slipway-api: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
