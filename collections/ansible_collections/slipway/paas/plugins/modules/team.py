#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.team: a team, present or absent."""

from __future__ import annotations

DOCUMENTATION = r"""
module: team
short_description: Create or remove a Slipway team
version_added: 0.1.0
description:
  - Makes sure a team exists (the user whose token is used becomes its first member) or is gone.
  - A team that still has access to apps cannot be removed; the API refuses and the task fails.
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  name:
    description: The team's name.
    type: str
    required: true
  state:
    description: Whether the team should exist.
    type: str
    choices: [present, absent]
    default: present
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Create the team that owns the shop's apps
  slipway.paas.team:
    url: https://api.slipway.example.com
    token: "{{ slipway_token }}"
    name: shop

- name: Remove a team nobody uses any more
  slipway.paas.team:
    name: legacy
    state: absent
"""

RETURN = r"""
team:
  description: The team after the task; empty when it is absent.
  returned: always
  type: dict
  sample: {"name": "shop", "users": ["dev@example.com"]}
  contains:
    name:
      description: The team's name.
      type: str
      returned: when present
    users:
      description: The emails of its members, sorted.
      type: list
      elements: str
      returned: when present
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment


class TeamModule(SlipwayModule):
    result_key = "team"

    def read(self) -> Any:
        found = self.client.get("/teams/" + segment(self.params["name"]), missing=True)
        if found is None:
            return None
        return {"name": found["name"], "users": sorted(found.get("users", []))}

    def desired(self, before: Any) -> Any:
        if self.params["state"] == "absent":
            return None
        if before is not None:
            return before
        return {"name": self.params["name"]}

    def changed(self, before: Any, after: Any) -> bool:
        return (before is None) != (after is None)

    def apply(self, before: Any, after: Any) -> None:
        if after is None:
            self.client.request("DELETE", "/teams/" + segment(self.params["name"]))
        else:
            self.client.request("POST", "/teams", body={"name": self.params["name"]})


def main() -> None:
    TeamModule(
        dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        )
    ).run()


if __name__ == "__main__":
    main()
