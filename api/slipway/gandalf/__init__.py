"""The Gandalf-compatible git server that runs on ``gandalf`` hosts.

- :mod:`.config`: its own small YAML configuration (Gandalf's key names).
- :mod:`.service`: users, keys and repositories on :mod:`slipway.store`.
- :mod:`.bare`: bare repositories on disk and the read-only git helpers.
- :mod:`.authorized_keys`: the forced-command ``authorized_keys`` lines.
- :mod:`.api`: the REST API (Flask application factory).
- :mod:`.wrapper`: ``slipway-gandalf-ssh``, the command sshd forces for every key.
- :mod:`.resync`: rebuild everything from the control plane's description.
- :mod:`.server`: ``slipway-gandalf``, run the API and admin chores.
"""
