"""The sample Python app's life: push, redeploy under load, roll back, a failed build,
scaling and custom names. The tests run in order and share the app."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import requests

from .sandbox import (
    APPS,
    CUSTOM_ZONE,
    DOMAIN,
    RUN,
    Developer,
    resolve,
    through_router,
    wait_for,
)

APP = f"py{RUN}"
HOST = f"{APP}.{DOMAIN}"


@pytest.fixture(scope="module")
def work(developer: Developer, team: str) -> Path:
    developer.ok("key-add", "laptop", str(developer.key) + ".pub")
    developer.ok("app-create", APP, "python", "-t", team)
    developer.ok("env-set", "-a", APP, "APP_MESSAGE=first message")
    return developer.repo(APPS / "python", APP)


def _set_version(work: Path, version: str) -> None:
    (work / "VERSION").write_text(version + "\n", encoding="utf-8")


def _units(developer: Developer) -> list[dict]:
    info = json.loads(developer.ok("--json", "app-info", "-a", APP))
    return info["units"]


def test_git_push_builds_routes_and_names_the_app(developer: Developer, work: Path) -> None:
    _set_version(work, "v1")
    developer.commit(work, "v1")
    pushed = developer.push(work, APP)
    assert pushed.code == 0, pushed.both
    assert "remote: ---> Deploying" in pushed.both
    assert "remote: ---> Building" in pushed.both
    assert "remote: OK" in pushed.both
    page = wait_for(HOST, "version: v1")
    assert "message: first message" in page
    assert "build: v1" in page
    assert "after-restart: yes" in page
    router_ip = resolve(DOMAIN)
    assert router_ip and resolve(HOST) == router_ip
    units = _units(developer)
    assert [u["Status"] for u in units if u["ProcessName"] == "web"] == ["started"]


def test_push_v2_under_load_loses_no_request(developer: Developer, work: Path) -> None:
    developer.ok("env-set", "-a", APP, "APP_MESSAGE=second message")
    page = through_router(HOST).text
    assert "version: v1" in page and "message: second message" in page, "env-set restarts"
    _set_version(work, "v2")
    developer.commit(work, "v2")
    failures: list[str] = []
    answers = {"total": 0}
    stop = threading.Event()

    def hammer() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                answer = session.get("http://127.0.0.1:8000/", headers={"Host": HOST}, timeout=10)
                if answer.status_code != 200:
                    failures.append(f"{answer.status_code} {answer.text[:100]}")
            except requests.RequestException as exc:
                failures.append(str(exc))
            answers["total"] += 1

    loaders = [threading.Thread(target=hammer) for _ in range(4)]
    for loader in loaders:
        loader.start()
    try:
        pushed = developer.push(work, APP)
        time.sleep(2)
    finally:
        stop.set()
        for loader in loaders:
            loader.join()
    assert pushed.code == 0, pushed.both
    assert answers["total"] > 50
    assert failures == [], f"{len(failures)} of {answers['total']} failed: {failures[:5]}"
    page = through_router(HOST).text
    assert "version: v2" in page and "message: second message" in page


def test_rollback_restores_v1_image_and_env(developer: Developer) -> None:
    listed = developer.ok("app-deploy-list", "-a", APP)
    assert "v1" in listed and "v2" in listed
    developer.ok("app-deploy-rollback", "-a", APP, "-v", "1", "-y")
    page = wait_for(HOST, "version: v1")
    assert "message: first message" in page
    env = developer.ok("env-get", "-a", APP)
    assert "APP_MESSAGE=first message" in env


def test_failed_build_rejects_the_push_and_the_release_keeps_serving(
    developer: Developer, work: Path
) -> None:
    requirements = work / "requirements.txt"
    good = requirements.read_text(encoding="utf-8")
    requirements.write_text(good + "slipway-no-such-package-e2e==0.0.1\n", encoding="utf-8")
    _set_version(work, "broken")
    developer.commit(work, "broken requirements")
    pushed = developer.push(work, APP)
    assert pushed.code != 0, pushed.both
    assert "slipway-no-such-package-e2e" in pushed.both
    assert "remote: ERROR:" in pushed.both
    assert "version: v1" in through_router(HOST).text
    requirements.write_text(good, encoding="utf-8")
    _set_version(work, "v1")
    developer.commit(work, "fixed")


def test_wrapper_refuses_outsiders_and_shell_commands(
    developer: Developer, outsider: Developer, work: Path
) -> None:
    clone = outsider.run(
        "git", "clone", "-q", f"ssh://git@127.0.0.1:2222/{APP}.git", str(outsider.home / "c")
    )
    assert clone.code != 0
    assert "You don't have access to read this repository" in clone.both
    pushed = outsider.push(work, APP)
    assert pushed.code != 0
    assert "You don't have access to write in this repository" in pushed.both
    shell = developer.ssh("ls", "/")
    assert shell.code != 0
    assert "You've tried to execute some weird command" in shell.both


def test_unit_add_spreads_requests_and_unit_remove_scales_back(developer: Developer) -> None:
    developer.ok("unit-add", "2", "-a", APP)
    web = [u for u in _units(developer) if u["ProcessName"] == "web"]
    assert [u["Status"] for u in web] == ["started"] * 3
    served = {through_router(HOST).headers.get("X-Slipway-Unit", "") for _ in range(60)}
    assert len(served - {""}) == 3, served
    developer.ok("unit-remove", "2", "-a", APP)
    web = [u for u in _units(developer) if u["ProcessName"] == "web"]
    assert [u["Status"] for u in web] == ["started"]
    assert "version: v1" in through_router(HOST).text


def test_cname_routes_and_resolves_until_removed(developer: Developer) -> None:
    name = f"www-{RUN}.{CUSTOM_ZONE}"
    developer.ok("cname-add", name, "-a", APP)
    assert resolve(name, "CNAME") == [f"{HOST}."]
    assert "version: v1" in wait_for(name, "version: v1")
    developer.ok("cname-remove", name, "-a", APP)
    assert resolve(name, "CNAME") == []
    deadline = time.monotonic() + 10
    while through_router(name).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert through_router(name).status_code != 200
