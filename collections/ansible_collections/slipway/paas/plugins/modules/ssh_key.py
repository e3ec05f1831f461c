#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.ssh_key: one SSH public key of the token's user."""

from __future__ import annotations

DOCUMENTATION = r"""
module: ssh_key
short_description: Manage an SSH public key of the Slipway user
version_added: 0.1.0
description:
  - Adds, replaces or removes one named SSH public key of the user whose token is used.
    The git server lets that key push to the user's apps.
  - Keys are compared by type and key material; the comment does not count.
  - A key that belongs to another user is refused by the API (one user per key).
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  name:
    description: The key's name for the user.
    type: str
    required: true
  key:
    description:
      - The OpenSSH public key line (C(ssh-ed25519 AAAA... comment)).
      - Required when O(state=present).
    type: str
  state:
    description: Whether the key should be present.
    type: str
    choices: [present, absent]
    default: present
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Let the deploy laptop push
  slipway.paas.ssh_key:
    name: laptop
    key: "{{ lookup('ansible.builtin.file', '~/.ssh/id_ed25519.pub') }}"

- name: Forget an old key
  slipway.paas.ssh_key:
    name: old-laptop
    state: absent
"""

RETURN = r"""
ssh_key:
  description: The key after the task; empty when absent.
  returned: always
  type: dict
  sample: {"name": "laptop", "key": "ssh-ed25519 AAAAC3Nza... dev@laptop"}
  contains:
    name:
      description: The key's name.
      type: str
      returned: when present
    key:
      description: The key as stored.
      type: str
      returned: when present
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment


def material(line: str | None) -> str:
    """The key's type and base64 blob, without its comment."""
    return " ".join((line or "").split()[:2])


class SshKeyModule(SlipwayModule):
    result_key = "ssh_key"

    def read(self) -> Any:
        keys = self.client.get("/users/keys") or {}
        name = self.params["name"]
        if name not in keys:
            return None
        return {"name": name, "key": keys[name]}

    def desired(self, before: Any) -> Any:
        if self.params["state"] == "absent":
            return None
        key = self.params["key"]
        if before is not None and material(before["key"]) == material(key):
            return before
        return {"name": self.params["name"], "key": key.strip()}

    def apply(self, before: Any, after: Any) -> None:
        if before is not None:
            self.client.request("DELETE", "/users/keys/" + segment(self.params["name"]))
        if after is not None:
            self.client.request("POST", "/users/keys", body=after)


def main() -> None:
    SshKeyModule(
        dict(
            name=dict(type="str", required=True),
            key=dict(type="str", no_log=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ["key"])],
    ).run()


if __name__ == "__main__":
    main()
