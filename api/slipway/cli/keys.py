"""SSH public keys: what lets you ``git push`` to your apps."""

from __future__ import annotations

from pathlib import Path

from slipway.cli.commands import Commands
from slipway.cli.context import Context
from slipway.cli.errors import CliError

DEFAULT_KEY_FILES = ("id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub")
TRUNCATE_AT = 60


def default_key_file(home: Path) -> Path:
    """The first public key found in ``~/.ssh``, in ``DEFAULT_KEY_FILES`` order."""
    for name in DEFAULT_KEY_FILES:
        candidate = home / ".ssh" / name
        if candidate.is_file():
            return candidate
    raise CliError(
        f"no public key found in {home / '.ssh'}: give the key file, e.g. slipway key-add"
        " mykey ~/.ssh/id_ed25519.pub"
    )


def read_key(ctx: Context, path: str | None) -> str:
    """The public key in ``path`` (``-`` for stdin), or in the default key file."""
    if path == "-":
        content = ctx.prompter.stdin.read()
        source = "stdin"
    else:
        key_file = Path(path).expanduser() if path else default_key_file(ctx.config.home)
        source = str(key_file)
        try:
            content = key_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"cannot read the key file {key_file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CliError(f"{key_file} is not a text public key file") from exc
    key = content.strip()
    if not key:
        raise CliError(f"no key in {source}")
    if "PRIVATE KEY" in key:
        raise CliError(f"{source} holds a private key: give the public one (.pub)")
    return key


def shorten(key: str, limit: int = TRUNCATE_AT) -> str:
    """``key`` cut in the middle to at most ``limit`` characters."""
    if len(key) <= limit:
        return key
    keep = (limit - 3) // 2
    return f"{key[:keep]}...{key[len(key) - (limit - 3 - keep) :]}"


def key_add(ctx: Context) -> None:
    """Register a public key under a name."""
    name = ctx.args.name
    key = read_key(ctx, ctx.args.path)
    ctx.client.call("POST", "/users/keys", body={"key": key, "name": name})
    ctx.out.done(f'Key "{name}" successfully added!', name=name)


def key_remove(ctx: Context) -> None:
    """Remove one of your public keys."""
    name = ctx.args.name
    ctx.client.call("DELETE", "/users/keys", body={"name": name})
    ctx.out.done(f'Key "{name}" successfully removed!', name=name)


def key_list(ctx: Context) -> None:
    """List your public keys."""
    keys = ctx.client.call("GET", "/users/keys") or {}

    def render(data: dict[str, str]) -> None:
        full = ctx.args.no_truncate
        rows = [(name, key if full else shorten(key)) for name, key in data.items()]
        ctx.out.table(["Name", "Content"], rows)

    ctx.out.data(keys, render)


def register(commands: Commands) -> None:
    """Add the key-* commands."""
    parser = commands.add("key-add", key_add, "add an SSH public key")
    parser.add_argument("name", help="a name for the key")
    parser.add_argument(
        "path",
        nargs="?",
        help="the public key file, - for stdin (default: ~/.ssh/id_ed25519.pub, then"
        " id_ecdsa.pub, id_rsa.pub)",
    )

    parser = commands.add("key-remove", key_remove, "remove an SSH public key")
    parser.add_argument("name")

    parser = commands.add("key-list", key_list, "list your SSH public keys")
    parser.add_argument("-n", "--no-truncate", action="store_true", help="show whole keys")
