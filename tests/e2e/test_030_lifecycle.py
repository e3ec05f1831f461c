"""Restart, stop and start an app; swap two apps' addresses and back."""

from __future__ import annotations

import json
import shutil

import pytest

from .sandbox import APPS, DOMAIN, RUN, Developer, through_router, wait_for


def _static_app(developer: Developer, team: str, name: str, text: str) -> str:
    source = developer.home / f"site-{name}"
    shutil.copytree(APPS / "static", source)
    (source / "index.html").write_text(f"<p>{text}</p>\n", encoding="utf-8")
    developer.ok("app-create", name, "static", "-t", team)
    deployed = developer.slipway("app-deploy", "-a", name, str(source))
    assert deployed.code == 0, deployed.both
    wait_for(f"{name}.{DOMAIN}", text)
    return name


@pytest.fixture(scope="module")
def pair(developer: Developer, team: str) -> tuple[str, str]:
    return (
        _static_app(developer, team, f"blue{RUN}", f"blue site {RUN}"),
        _static_app(developer, team, f"green{RUN}", f"green site {RUN}"),
    )


def _unit_ids(developer: Developer, app: str) -> list[str]:
    info = json.loads(developer.ok("--json", "app-info", "-a", app))
    return [u["ID"] for u in info["units"] if u["Status"] == "started"]


def test_restart_replaces_units_and_stop_start_take_the_app_down_and_up(
    developer: Developer, pair: tuple[str, str]
) -> None:
    app = pair[0]
    host = f"{app}.{DOMAIN}"
    before = _unit_ids(developer, app)
    developer.ok("app-restart", "-a", app)
    after = _unit_ids(developer, app)
    assert len(after) == len(before) == 1 and after != before
    assert f"blue site {RUN}" in through_router(host).text
    developer.ok("app-stop", "-a", app)
    assert _unit_ids(developer, app) == []
    assert through_router(host).status_code >= 500
    developer.ok("app-start", "-a", app)
    assert f"blue site {RUN}" in wait_for(host, f"blue site {RUN}")


def test_swap_exchanges_the_addresses_and_swapping_again_undoes_it(
    developer: Developer, pair: tuple[str, str]
) -> None:
    blue, green = pair
    developer.ok("app-swap", blue, green, "-y")
    assert f"green site {RUN}" in wait_for(f"{blue}.{DOMAIN}", f"green site {RUN}")
    assert f"blue site {RUN}" in wait_for(f"{green}.{DOMAIN}", f"blue site {RUN}")
    developer.ok("app-swap", blue, green, "-y")
    assert f"blue site {RUN}" in wait_for(f"{blue}.{DOMAIN}", f"blue site {RUN}")
    assert f"green site {RUN}" in wait_for(f"{green}.{DOMAIN}", f"green site {RUN}")


def test_removing_an_app_removes_its_route(developer: Developer, pair: tuple[str, str]) -> None:
    green = pair[1]
    developer.ok("app-remove", "-a", green, "-y")
    assert through_router(f"{green}.{DOMAIN}").status_code == 404
