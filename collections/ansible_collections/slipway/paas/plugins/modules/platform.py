#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.platform: a platform apps build on (admins)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: platform
short_description: Manage a Slipway platform
version_added: 0.1.0
description:
  - Adds, enables, disables, rebuilds or removes a platform. Needs an admin token.
  - In a cluster with an image registry, adding a platform builds its image; the API
    answers when the build is done, so set O(timeout) to cover it.
  - A platform used by apps cannot be removed.
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  name:
    description: The platform's name (one of the platforms Slipway ships, such as C(python)).
    type: str
    required: true
  state:
    description: Whether the platform should exist.
    type: str
    choices: [present, absent]
    default: present
  enabled:
    description:
      - Whether new apps may use the platform. When not given, left as it is
        (a new platform is enabled).
    type: bool
  rebuild:
    description:
      - Rebuild the platform's image from a fresh root filesystem. Always a change, so a
        task with O(rebuild=true) is not idempotent; run it when you mean it.
    type: bool
    default: false
attributes:
  idempotent:
    description: Idempotent unless O(rebuild=true), which rebuilds on every run.
    support: partial
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Offer the Node.js platform
  slipway.paas.platform:
    name: nodejs
    timeout: 1800

- name: Keep new apps off the static platform
  slipway.paas.platform:
    name: static
    enabled: false
"""

RETURN = r"""
platform:
  description: The platform after the task; empty when absent.
  returned: always
  type: dict
  sample: {"name": "python", "enabled": true, "image": "registry:5000/platform-python:3"}
  contains:
    name:
      description: The platform's name.
      type: str
      returned: when present
    enabled:
      description: Whether new apps may use it.
      type: bool
      returned: when present
    image:
      description: Its newest image (empty before the first build).
      type: str
      returned: when present
    built:
      description: When that image was built.
      type: str
      returned: when present
log:
  description: The build's progress lines.
  returned: when the platform's image was built
  type: list
  elements: str
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment


class PlatformModule(SlipwayModule):
    result_key = "platform"

    def read(self) -> Any:
        for platform in self.client.get("/platforms") or []:
            if platform.get("name") == self.params["name"]:
                return {
                    "name": platform["name"],
                    "enabled": not platform.get("disabled"),
                    "image": platform.get("image", ""),
                    "built": platform.get("built", ""),
                }
        return None

    def desired(self, before: Any) -> Any:
        if self.params["state"] == "absent":
            return None
        after = dict(before or {"name": self.params["name"], "enabled": True})
        if self.params["enabled"] is not None:
            after["enabled"] = self.params["enabled"]
        if self.params["rebuild"]:
            after["image"] = "(rebuilt)"
        return after

    def apply(self, before: Any, after: Any) -> None:
        path = "/platforms/" + segment(self.params["name"])
        if after is None:
            self.client.request("DELETE", path)
            return
        if before is None:
            answer = self.client.request("POST", "/platforms", body={"name": self.params["name"]})
            self.result["log"] = answer.lines
            before = {"enabled": True}
        update = {}
        if after["enabled"] != before["enabled"]:
            update["disabled"] = not after["enabled"]
        if self.params["rebuild"]:
            update["build"] = True
        if update:
            answer = self.client.request("PUT", path, body=update)
            if self.params["rebuild"]:
                self.result["log"] = answer.lines


def main() -> None:
    PlatformModule(
        dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            enabled=dict(type="bool"),
            rebuild=dict(type="bool", default=False),
        )
    ).run()


if __name__ == "__main__":
    main()
