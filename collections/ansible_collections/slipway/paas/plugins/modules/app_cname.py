#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.app_cname: the custom names an app answers to."""

from __future__ import annotations

DOCUMENTATION = r"""
module: app_cname
short_description: Manage the custom names (cnames) of a Slipway app
version_added: 0.1.0
description:
  - Routes custom names to an app, or stops routing them.
  - Names inside a zone the cluster serves are also published in its DNS; for other names,
    publish a CNAME to the app's address yourself.
  - A name can belong to one app only; the API refuses one another app uses.
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  app:
    description: The app's name.
    type: str
    required: true
  cnames:
    description: The names to add or remove.
    type: list
    elements: str
    required: true
  state:
    description: Whether the names should route to the app.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description: With O(state=present), also remove every other name of the app.
    type: bool
    default: false
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: The shop answers as www.shop.example
  slipway.paas.app_cname:
    app: shop
    cnames:
      - www.shop.example
    purge: true

- name: Stop routing an old name
  slipway.paas.app_cname:
    app: shop
    cnames:
      - old.shop.example
    state: absent
"""

RETURN = r"""
cnames:
  description: The app's custom names after the task, sorted.
  returned: always
  type: list
  elements: str
  sample: ["www.shop.example"]
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment


class AppCnameModule(SlipwayModule):
    result_key = "cnames"

    def path(self) -> str:
        return "/apps/{}".format(segment(self.params["app"]))

    def read(self) -> Any:
        app = self.client.get(self.path())
        return sorted(app.get("cname") or [])

    def desired(self, before: Any) -> Any:
        wanted = set(name.strip().lower() for name in self.params["cnames"])
        if self.params["state"] == "absent":
            return sorted(set(before) - wanted)
        if self.params["purge"]:
            return sorted(wanted)
        return sorted(set(before) | wanted)

    def apply(self, before: Any, after: Any) -> None:
        removed = sorted(set(before) - set(after))
        added = sorted(set(after) - set(before))
        if removed:
            self.client.request("DELETE", self.path() + "/cname", body={"cname": removed})
        if added:
            self.client.request("POST", self.path() + "/cname", body={"cname": added})


def main() -> None:
    AppCnameModule(
        dict(
            app=dict(type="str", required=True),
            cnames=dict(type="list", elements="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            purge=dict(type="bool", default=False),
        )
    ).run()


if __name__ == "__main__":
    main()
