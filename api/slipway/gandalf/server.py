"""``slipway-gandalf``: serve the git server's REST API and run its admin chores.

- ``run``: the API under gunicorn, bound to the config's ``bind``.
- ``check-config``: validate the config file.
- ``resync FILE``: rebuild users, keys, repositories and authorized_keys
  from the control plane's JSON description (``-`` reads stdin).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from ..serving import serve
from ..store import StoreError
from . import config as config_module
from .config import ConfigError, GandalfConfig
from .errors import GandalfError

PROG = "slipway-gandalf"


def _load(path: str | None) -> GandalfConfig:
    return config_module.load(path)


def cmd_run(args: argparse.Namespace) -> int:
    from .api import create_app

    cfg = _load(args.config)
    logging.basicConfig(
        level=cfg["log-level"].upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    serve(lambda: create_app(cfg), bind=cfg["bind"], workers=cfg["workers"], name=PROG, timeout=300)
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    cfg = _load(args.config)
    cfg.token()
    print(f"{cfg.path}: OK")
    return 0


def cmd_resync(args: argparse.Namespace) -> int:
    from . import resync
    from .service import Gandalf

    cfg = _load(args.config)
    try:
        if args.file == "-":
            description = json.load(sys.stdin)
        else:
            with open(args.file, encoding="utf-8") as handle:
                description = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"{PROG}: cannot read the description: {exc}", file=sys.stderr)
        return 2
    summary = resync.apply(Gandalf(cfg), description)
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config",
        help=f"config file (default ${config_module.CONFIG_ENV} or {config_module.DEFAULT_PATH})",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="serve the REST API with gunicorn").set_defaults(func=cmd_run)
    sub.add_parser("check-config", help="validate the config file").set_defaults(
        func=cmd_check_config
    )
    resync = sub.add_parser("resync", help="rebuild everything from a JSON description")
    resync.add_argument("file", help="the control plane's JSON description, or - for stdin")
    resync.set_defaults(func=cmd_resync)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"{PROG}: config error: {problem}", file=sys.stderr)
        return 2
    except GandalfError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"{PROG}: database error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
