"""The ``slipway`` command line: a tsuru-style client for the Slipway API.

Layout:

- ``main`` builds the argument parser from the command modules and turns every
  failure into one ``Error: ...`` line on stderr;
- ``context``, ``http``, ``config``, ``output``, ``prompts``, ``appname`` and
  ``stream`` are the shared plumbing;
- every other module holds one resource group's commands (``targets``,
  ``users``, ``teams``, ``keys``, ``apps``, ``env``, ``platforms``, ``quota``)
  and exposes ``register(commands)``.
"""
