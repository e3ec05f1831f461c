"""The ``slipway`` entry point: parse, run one command, report failures on one line."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from slipway import __version__
from slipway.cli import (
    apps,
    catalog,
    cnames,
    deploys,
    env,
    keys,
    nodes,
    platforms,
    quota,
    targets,
    teams,
    tokens,
    units,
    users,
)
from slipway.cli.commands import Commands, Parser
from slipway.cli.config import Config
from slipway.cli.context import Context
from slipway.cli.errors import EXIT_FAILURE, EXIT_USAGE, CliError
from slipway.cli.output import Output
from slipway.cli.prompts import Prompter

# One module per resource group; each has register(commands). New groups
# (deploys, units, logs, services...) are added here.
COMMAND_MODULES: tuple[ModuleType, ...] = (
    targets,
    users,
    tokens,
    teams,
    keys,
    apps,
    env,
    deploys,
    units,
    cnames,
    platforms,
    quota,
    nodes,
    catalog,
)

DEBUG_ENV = "SLIPWAY_DEBUG"
EXIT_INTERRUPTED = 130


def build_parser() -> Parser:
    """The parser for every command of every module in ``COMMAND_MODULES``."""
    parser = Parser(
        prog="slipway",
        description="Command line client for Slipway, a tsuru-style PaaS.",
        epilog="Run 'slipway help <command>' (or 'slipway <command> --help') for a command's "
        "options.",
    )
    parser.add_argument("--version", action="version", version=f"slipway {__version__}")
    parser.add_argument(
        "--json", action="store_true", help="print machine-readable JSON (also after a command)"
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="<command>", title="commands", required=True
    )
    commands = Commands(subparsers)
    for module in COMMAND_MODULES:
        module.register(commands)
    helper = commands.add(
        "help",
        lambda ctx: _help(parser, subparsers, ctx),
        "list the commands, or show one command's help",
    )
    helper.add_argument("topic", nargs="?", metavar="command", help="the command to explain")
    parser.command_names = tuple(commands.names)
    return parser


def _help(parser: Parser, subparsers: argparse._SubParsersAction, ctx: Context) -> None:
    """``slipway help [command]``: what ``--help`` prints; ``--json`` lists the commands."""
    topic = ctx.args.topic
    if topic is None:
        listed = [{"command": a.dest, "summary": a.help} for a in subparsers._choices_actions]
        ctx.out.data(listed, lambda _data: parser.print_help(ctx.out.stdout))
        return
    chosen = subparsers.choices.get(topic)
    if chosen is None:
        close = difflib.get_close_matches(topic, parser.command_names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise CliError(f'unknown command "{topic}"{hint}: slipway help lists them', EXIT_USAGE)
    ctx.out.data(
        {"command": topic, "usage": chosen.format_usage().strip()},
        lambda _data: chosen.print_help(ctx.out.stdout),
    )


def _one_line(message: str) -> str:
    return " ".join(message.split()) or "failed"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` (default: the process's arguments); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    stdout, stderr = sys.stdout, sys.stderr
    ctx = Context(
        args,
        out=Output(stdout, stderr, json_mode=args.json),
        # Questions go to stderr with --json, so stdout stays one JSON document.
        prompter=Prompter(sys.stdin, stderr if args.json else stdout),
        config=Config(),
    )
    try:
        args.handler(ctx)
    except CliError as exc:
        stderr.write(f"Error: {_one_line(exc.message)}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        stderr.write("\nError: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (slipway app-list | head): nothing left to say.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
        return EXIT_FAILURE
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        stderr.write(
            f"Error: unexpected failure: {_one_line(f'{type(exc).__name__}: {exc}')}"
            f" (set {DEBUG_ENV}=1 to see where)\n"
        )
        return EXIT_FAILURE
    return 0
