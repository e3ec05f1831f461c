"""``python -m slipway.cli``: the same entry point as the ``slipway`` script."""

from slipway.cli.main import main

raise SystemExit(main())
