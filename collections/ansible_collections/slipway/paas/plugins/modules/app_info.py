#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.app_info: an app as the API describes it."""

from __future__ import annotations

DOCUMENTATION = r"""
module: app_info
short_description: Read a Slipway app
version_added: 0.1.0
description:
  - Returns the app as C(GET /apps/<name>) describes it. It never changes anything.
  - Fails when the app does not exist, unless O(missing_ok=true).
extends_documentation_fragment:
  - slipway.paas.api
options:
  name:
    description: The app's name.
    type: str
    required: true
  missing_ok:
    description: Return O(ignore:exists=false) instead of failing when the app does not exist.
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check_mode; it never changes anything.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: N/A
  idempotent:
    description: Reading twice gives the same answer while nothing else changes the app.
    support: full
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Read the shop app
  slipway.paas.app_info:
    name: shop
  register: shop

- name: Show where it answers
  ansible.builtin.debug:
    msg: "{{ shop.app.ip }} runs release {{ shop.app.release.version }}"
"""

RETURN = r"""
exists:
  description: Whether the app exists.
  returned: always
  type: bool
app:
  description: The app, as C(GET /apps/<name>) answers (docs/api.md); empty when it does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: The app's name.
      type: str
      returned: when the app exists
    platform:
      description: Its platform.
      type: str
      returned: when the app exists
    teams:
      description: The teams with access.
      type: list
      elements: str
      returned: when the app exists
    teamowner:
      description: The owning team.
      type: str
      returned: when the app exists
    description:
      description: Its description.
      type: str
      returned: when the app exists
    ip:
      description: Its address under the cluster's domain.
      type: str
      returned: when the app exists
    cname:
      description: Its custom names.
      type: list
      elements: str
      returned: when the app exists
    plan:
      description: Its plan.
      type: dict
      returned: when the app exists
    pool:
      description: Its pool.
      type: str
      returned: when the app exists
    units:
      description: Its units, each with C(ID), C(Status), C(ProcessName) and C(Address).
      type: list
      elements: dict
      returned: when the app exists
    release:
      description: The current release, C(version), C(image) and the source C(digest).
      type: dict
      returned: when the app exists
  sample: {"name": "shop", "platform": "python", "teams": ["shop"], "release": {"version": 3}}
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment


class AppInfoModule(SlipwayModule):
    result_key = "app"

    def read(self) -> Any:
        found = self.client.get(
            "/apps/" + segment(self.params["name"]), missing=self.params["missing_ok"]
        )
        self.result["exists"] = found is not None
        return found

    def desired(self, before: Any) -> Any:
        return before

    def run(self) -> None:
        self.module._diff = False
        super().run()


def main() -> None:
    AppInfoModule(
        dict(
            name=dict(type="str", required=True),
            missing_ok=dict(type="bool", default=False),
        )
    ).run()


if __name__ == "__main__":
    main()
