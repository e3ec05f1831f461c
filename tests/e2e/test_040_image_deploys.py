"""`app-deploy -i`: an image Slipway built, and a foreign image with its own command.

A Slipway-built image has no CMD: deployed again, it runs the Procfile (and
hooks) of the release that built it. A foreign image runs its own ENTRYPOINT
and CMD, and app-info shows that command. The foreign image is built on a
node, FROM the python platform image the sandbox built, and pushed to the
cluster registry, as an operator's CI would.
"""

from __future__ import annotations

import json
import shutil

from .sandbox import (
    APPS,
    DOMAIN,
    NODE_CONTAINERS,
    RUN,
    Admin,
    Developer,
    docker_on,
    through_router,
    wait_for,
)


def _info(developer: Developer, app: str) -> dict:
    return json.loads(developer.ok("--json", "app-info", "-a", app))


def test_deploying_an_image_slipway_built_runs_the_procfile_it_was_built_with(
    developer: Developer, team: str
) -> None:
    app = f"img{RUN}"
    host = f"{app}.{DOMAIN}"
    source = developer.home / f"img-{RUN}"
    shutil.copytree(APPS / "python", source)
    developer.ok("app-create", app, "python", "-t", team)
    developer.ok("env-set", "-a", app, f"APP_MESSAGE=image deploys {RUN}")
    for version in ("img-1", "img-2"):
        (source / "VERSION").write_text(version + "\n", encoding="utf-8")
        deployed = developer.slipway("app-deploy", "-a", app, str(source))
        assert deployed.code == 0, deployed.both
        wait_for(host, f"version: {version}")
        if version == "img-1":
            first = _info(developer, app)["release"]["image"]
    assert first.endswith(f"/app-{app}:v1"), first

    deployed = developer.slipway("app-deploy", "-a", app, "-i", first)
    assert deployed.code == 0, deployed.both
    assert deployed.out.rstrip().endswith("OK")
    page = wait_for(host, "version: img-1")
    assert f"message: image deploys {RUN}" in page
    assert "after-restart: yes" in page, "the restart hooks of the building release ran"
    info = _info(developer, app)
    assert info["release"]["image"] == first
    assert info["processes"] == {"web": "python app.py"}
    assert [u["Status"] for u in info["units"] if u["ProcessName"] == "web"] == ["started"]


def test_a_foreign_image_runs_its_own_command_and_app_info_shows_it(
    admin: Admin, developer: Developer, team: str
) -> None:
    platform = next(
        p["image"] for p in admin.call("GET", "/platforms").json() if p["name"] == "python"
    )
    registry = platform.split("/", 1)[0]
    image = f"{registry}/e2e/foreign-{RUN}:1"
    node = NODE_CONTAINERS[0]
    # The index page lives in the image's WORKDIR: the unit must run there, not in
    # the app directory Slipway's own images use.
    dockerfile = "\n".join(
        [
            f"FROM {platform}",
            "USER root",
            f"RUN mkdir -p /srv/foreign && echo 'foreign image {RUN}' > /srv/foreign/index.html",
            "WORKDIR /srv/foreign",
            "USER application",
            'ENTRYPOINT ["/bin/sh", "-c"]',
            'CMD ["exec python3 -m http.server $PORT"]',
            "",
        ]
    )
    docker_on(node, "build", "-q", "-t", image, "-", stdin=dockerfile)
    docker_on(node, "push", image)
    docker_on(node, "rmi", image)

    app = f"foreign{RUN}"
    developer.ok("app-create", app, "python", "-t", team)
    deployed = developer.slipway("app-deploy", "-a", app, "-i", image)
    assert deployed.code == 0, deployed.both
    assert deployed.out.rstrip().endswith("OK")
    wait_for(f"{app}.{DOMAIN}", f"foreign image {RUN}")
    command = "/bin/sh -c 'exec python3 -m http.server $PORT'"
    info = _info(developer, app)
    assert info["processes"] == {"web": command}
    assert info["release"]["image"] == image
    assert "exec python3 -m http.server $PORT" in developer.ok("app-info", "-a", app)

    developer.ok("app-restart", "-a", app)
    assert f"foreign image {RUN}" in through_router(f"{app}.{DOMAIN}").text
