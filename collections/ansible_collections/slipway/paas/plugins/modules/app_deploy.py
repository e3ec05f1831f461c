#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.app_deploy: deploy an app when its source changed."""

from __future__ import annotations

DOCUMENTATION = r"""
module: app_deploy
short_description: Deploy a Slipway app from a directory, a git revision or an image
version_added: 0.1.0
description:
  - Deploys an app only when what would be deployed differs from its current release.
  - With O(src) or O(git), the source is packed as C(slipway app-deploy) packs it (the same
    C(.slipwayignore) rules) and its content digest is compared with the digest the API
    recorded in the current release; file times and owners do not count, content and the
    executable bit do. With O(image), the image name is compared with the release's.
  - The API answers when the new release serves (or the deploy failed, leaving the old one
    serving); a failed build fails the task with the build's last lines in RV(ignore:log).
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  app:
    description: The app's name.
    type: str
    required: true
  src:
    description:
      - A directory on the host running the module (usually the controller) holding the app.
      - Needs the C(slipway) Python package (the CLI) on the Python that runs the module.
    type: path
  git:
    description:
      - A git repository to clone (with the C(git) command) and deploy at O(git.version).
      - Needs the C(slipway) Python package, as O(src) does.
    type: dict
    suboptions:
      repo:
        description: The repository's URL or path.
        type: str
        required: true
      version:
        description: The branch, tag or commit to deploy.
        type: str
        default: HEAD
  image:
    description: An image already in the cluster's registry to run as the new release.
    type: str
  force:
    description: Deploy even when the source is the one the current release was built from.
    type: bool
    default: false
  wait_timeout:
    description: Seconds the deploy (build, start, route) may take.
    type: int
    default: 1800
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Deploy the shop from its checkout on the controller
  slipway.paas.app_deploy:
    app: shop
    src: "{{ playbook_dir }}/../apps/shop"
  register: deployed

- name: Deploy a tagged revision
  slipway.paas.app_deploy:
    app: shop
    git:
      repo: https://git.example.com/shop.git
      version: v1.4.2

- name: Run an image built elsewhere
  slipway.paas.app_deploy:
    app: shop
    image: registry.example.com:5000/app-shop:v7
"""

RETURN = r"""
release:
  description: The app's current release after the task.
  returned: always
  type: dict
  sample: {"version": 4, "image": "registry:5000/app-shop:v4", "digest": "sha256:9f86d08..."}
  contains:
    version:
      description: The release number (null before the first deploy).
      type: int
      returned: always
    image:
      description: Its image.
      type: str
      returned: always
    digest:
      description: The content digest of the source it was built from (empty for image deploys).
      type: str
      returned: always
digest:
  description: The digest of the source given (O(src) or O(git)).
  returned: when O(src) or O(git) is given
  type: str
commit:
  description: The commit deployed from O(git).
  returned: when O(git) is given
  type: str
log:
  description: The last lines of the deploy's log.
  returned: when a deploy ran (or failed)
  type: list
  elements: str
"""

import os
import shutil
import tempfile
from typing import Any

from ansible.module_utils.basic import missing_required_lib
from ansible_collections.slipway.paas.plugins.module_utils._api import (
    LOG_TAIL,
    SlipwayModule,
    segment,
)
from ansible_collections.slipway.paas.plugins.module_utils._source import (
    HAS_SLIPWAY,
    SLIPWAY_IMPORT_ERROR,
    PackedSource,
    SourceError,
    pack_directory,
)


class AppDeployModule(SlipwayModule):
    result_key = "release"

    def __init__(self, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(spec, **kwargs)
        self.source = None
        self.needed = False

    def path(self) -> str:
        return "/apps/{}".format(segment(self.params["app"]))

    def read(self) -> Any:
        release = self.client.get(self.path()).get("release") or {}
        return {
            "version": release.get("version"),
            "image": release.get("image") or "",
            "digest": release.get("digest") or "",
        }

    def desired(self, before: Any) -> Any:
        after = dict(before)
        if self.params["image"]:
            self.needed = self.params["force"] or before["image"] != self.params["image"]
            after["image"] = self.params["image"]
            after["digest"] = ""
        else:
            self.source = self.prepare()
            self.result["digest"] = self.source.digest
            self.needed = self.params["force"] or before["digest"] != self.source.digest
            after["digest"] = self.source.digest
        return after

    def changed(self, before: Any, after: Any) -> bool:
        return self.needed

    def prepare(self) -> PackedSource:
        if not HAS_SLIPWAY:
            self.module.fail_json(
                msg=missing_required_lib("slipway (the Slipway CLI package)"),
                exception=SLIPWAY_IMPORT_ERROR,
            )
        if self.params["src"]:
            return self.pack(self.params["src"])
        return self.clone_and_pack(self.params["git"])

    def pack(self, directory: str) -> PackedSource:
        if not os.path.isdir(directory):
            self.fail(f"src {directory} is not a directory")
        try:
            return pack_directory(directory)
        except SourceError as exc:
            self.fail(f"cannot deploy {directory}: {exc}")

    def clone_and_pack(self, git: dict[str, str]) -> PackedSource:
        git_bin = self.module.get_bin_path("git", required=True)
        workdir = tempfile.mkdtemp(prefix="slipway-deploy-")
        try:
            checkout = os.path.join(workdir, "src")
            self.git(git_bin, ["clone", "--quiet", "--no-checkout", git["repo"], checkout])
            self.git(git_bin, ["-C", checkout, "checkout", "--quiet", git["version"]])
            commit = self.git(git_bin, ["-C", checkout, "rev-parse", "HEAD"]).strip()
            self.result["commit"] = commit
            return self.pack(checkout)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def git(self, git_bin: str, args: list[str]) -> str:
        rc, out, err = self.module.run_command([git_bin, *args])
        if rc != 0:
            self.fail(
                "git {} failed: {}".format(args[-1] if args[0] == "-C" else args[0], err.strip())
            )
        return out

    def apply(self, before: Any, after: Any) -> None:
        timeout = self.params["wait_timeout"]
        if self.params["image"]:
            answer = self.client.request(
                "POST",
                self.path() + "/deploy",
                body={"image": self.params["image"]},
                timeout=timeout,
            )
        else:
            fields = {"origin": "app-deploy"}
            if self.result.get("commit"):
                fields["commit"] = self.result["commit"]
            answer = self.client.request(
                "POST",
                self.path() + "/deploy",
                fields=fields,
                files={"file": ("app.tar.gz", self.source.data)},
                timeout=timeout,
            )
        self.result["log"] = answer.lines[-LOG_TAIL:]


def main() -> None:
    AppDeployModule(
        dict(
            app=dict(type="str", required=True),
            src=dict(type="path"),
            git=dict(
                type="dict",
                options=dict(
                    repo=dict(type="str", required=True),
                    version=dict(type="str", default="HEAD"),
                ),
            ),
            image=dict(type="str"),
            force=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=1800),
        ),
        mutually_exclusive=[("src", "git", "image")],
        required_one_of=[("src", "git", "image")],
    ).run()


if __name__ == "__main__":
    main()
