"""A Node.js app and a static site deploy with `slipway app-deploy` and serve."""

from __future__ import annotations

import pytest

from .sandbox import APPS, DOMAIN, RUN, Developer, wait_for


@pytest.mark.parametrize(
    ("platform", "expected"),
    [("nodejs", "hello from node"), ("static", "hello from a static site")],
)
def test_app_deploy_serves(developer: Developer, team: str, platform: str, expected: str) -> None:
    app = f"{platform[:4]}{RUN}"
    developer.ok("app-create", app, platform, "-t", team)
    deployed = developer.slipway("app-deploy", "-a", app, str(APPS / platform))
    assert deployed.code == 0, deployed.both
    assert deployed.out.rstrip().endswith("OK")
    wait_for(f"{app}.{DOMAIN}", expected)
