#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.node: a Docker node units run on (admins)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: node
short_description: Register or forget a Slipway Docker node
version_added: 0.1.0
description:
  - Registers a Docker engine as a node apps' units run on, in a pool, or forgets it.
    Needs an admin token.
  - The API checks that the engine answers with a supported version before it registers it.
  - The API cannot move a node to another pool; the module refuses to, instead of
    removing and re-adding a node that may run units.
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  address:
    description:
      - The engine's address, C(https://<host>:<port>) (or C(tcp://<host>:<port>) when the
        control plane has no C(docker:tls) settings), as C(slipway node-list) shows it.
    type: str
    required: true
  pool:
    description: The pool the node serves (lowercase letters, digits, C(-) and C(_)).
    type: str
  state:
    description: Whether the node should be registered.
    type: str
    choices: [present, absent]
    default: present
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Register every Docker node of the inventory
  slipway.paas.node:
    address: "https://{{ hostvars[item].ansible_host }}:2376"
    pool: default
  loop: "{{ groups['docker_nodes'] }}"

- name: Forget a retired node
  slipway.paas.node:
    address: https://10.0.0.7:2376
    state: absent
"""

RETURN = r"""
node:
  description: The node after the task; empty when absent.
  returned: always
  type: dict
  sample: {"id": "10.0.0.7:2376", "address": "https://10.0.0.7:2376", "pool": "default"}
  contains:
    id:
      description: The node's id, C(host:port).
      type: str
      returned: when present
    address:
      description: Its address.
      type: str
      returned: when present
    pool:
      description: Its pool (null for none).
      type: str
      returned: when present
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment


class NodeModule(SlipwayModule):
    result_key = "node"

    def read(self) -> Any:
        wanted = self.params["address"].rstrip("/")
        for node in self.client.get("/docker/node") or []:
            if wanted in (node.get("address"), node.get("id")):
                return {"id": node["id"], "address": node["address"], "pool": node.get("pool")}
        return None

    def desired(self, before: Any) -> Any:
        if self.params["state"] == "absent":
            return None
        pool = self.params["pool"] or None
        if before is None:
            return {"address": self.params["address"].rstrip("/"), "pool": pool}
        if self.params["pool"] is not None and before["pool"] != pool:
            self.fail(
                "node {} is in pool {}: the API cannot move a node to another pool; "
                "remove it (state=absent) and add it again".format(before["id"], before["pool"])
            )
        return before

    def apply(self, before: Any, after: Any) -> None:
        if after is None:
            self.client.request("DELETE", "/docker/node/" + segment(before["id"]))
            return
        body = {"address": after["address"]}
        if after["pool"]:
            body["pool"] = after["pool"]
        self.client.request("POST", "/docker/node", body=body)


def main() -> None:
    NodeModule(
        dict(
            address=dict(type="str", required=True),
            pool=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        )
    ).run()


if __name__ == "__main__":
    main()
