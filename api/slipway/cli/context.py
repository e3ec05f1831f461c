"""What a command handler gets: its arguments, output, prompts, files and API client."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from slipway.cli.appname import guess_app_name
from slipway.cli.config import Config
from slipway.cli.errors import CliError
from slipway.cli.http import Client
from slipway.cli.output import Output
from slipway.cli.prompts import Prompter

NO_TARGET = (
    "no target set: run slipway target-add <label> <url> --set-current, or set SLIPWAY_TARGET"
)

ClientFactory = Callable[[str, str | None], Client]


class Context:
    """Everything one command run needs, built once by ``main``."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        out: Output,
        prompter: Prompter,
        config: Config,
        client_factory: ClientFactory = Client,
    ) -> None:
        self.args = args
        self.out = out
        self.prompter = prompter
        self.config = config
        self._client_factory = client_factory
        self._client: Client | None = None

    @property
    def target(self) -> str:
        """The URL of the API this run talks to."""
        target = self.config.current_target()
        if not target:
            raise CliError(NO_TARGET)
        return target

    @property
    def client(self) -> Client:
        """The API client for the current target and token, built on first use."""
        if self._client is None:
            self._client = self._client_factory(self.target, self.config.token())
        return self._client

    def app_name(self) -> str:
        """The app named by ``-a/--app``, else the one guessed from git or the directory."""
        return guess_app_name(getattr(self.args, "app", None))

    def confirm(self, action: str) -> None:
        """Ask before a destructive action unless ``-y/--assume-yes`` was given."""
        self.prompter.confirm(action, assume_yes=getattr(self.args, "assume_yes", False))
