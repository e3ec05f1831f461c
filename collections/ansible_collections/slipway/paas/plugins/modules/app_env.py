#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.app_env: an app's environment variables, public and private."""

from __future__ import annotations

DOCUMENTATION = r"""
module: app_env
short_description: Manage a Slipway app's environment variables
version_added: 0.1.0
description:
  - Sets the variables of O(env) (readable back) and O(private_env) (never readable back),
    and with O(prune=true) removes every other variable of the app.
  - Private values are compared without being revealed. The API shows each private
    variable with a keyed digest (HMAC-SHA256 under a key only the API holds) and computes
    the digest a candidate value would have; the module sets a private variable only when
    the two differ. The diff shows private values masked, with that digest.
  - Unless O(restart=false), the API restarts the app's running units once, after the last
    change, so they see the new values.
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  app:
    description: The app's name.
    type: str
    required: true
  env:
    description:
      - Public variables, name to value. Values are strings (quote numbers and booleans).
    type: dict
    default: {}
  private_env:
    description:
      - Private variables, name to value. The values are never shown in output or diffs.
    type: dict
    default: {}
  prune:
    description:
      - Remove every variable of the app that is in neither O(env) nor O(private_env).
    type: bool
    default: false
  restart:
    description:
      - Restart the app's running units after a change so they see it.
    type: bool
    default: true
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Configure the shop; remove whatever else was set by hand
  slipway.paas.app_env:
    app: shop
    env:
      LOG_LEVEL: info
      WORKERS: "4"
    private_env:
      DATABASE_URL: "{{ vault_shop_database_url }}"
    prune: true

- name: Add one variable without restarting the units
  slipway.paas.app_env:
    app: shop
    env:
      FEATURE_X: "on"
    restart: false
"""

RETURN = r"""
env:
  description:
    - The app's variables after the task, name to value; private ones masked as
      C(*** (private variable, hmac-sha256:<first 12 hex digits>)).
  returned: always
  type: dict
  sample: {"LOG_LEVEL": "info", "DATABASE_URL": "*** (private variable, hmac-sha256:1f2e3d4c5b6a)"}
set:
  description: The names of the variables set (or that would be set in check mode).
  returned: always
  type: list
  elements: str
  sample: ["DATABASE_URL", "LOG_LEVEL"]
unset:
  description: The names of the variables removed (or that would be removed).
  returned: always
  type: list
  elements: str
  sample: ["OLD_FLAG"]
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment

MASK = "*** (private variable)"


def masked(digest: str | None) -> str:
    if not digest:
        return MASK
    kind, value = digest.split(":", 1) if ":" in digest else ("digest", digest)
    return f"*** (private variable, {kind}:{value[:12]})"


class AppEnvModule(SlipwayModule):
    result_key = "env"

    def path(self) -> str:
        return "/apps/{}/env".format(segment(self.params["app"]))

    def read(self) -> Any:
        found = self.client.get(self.path(), query={"digests": "1"}) or []
        self.stored = {item["name"]: item for item in found}
        return {
            name: item["value"] if item.get("public", True) else masked(item.get("digest"))
            for name, item in self.stored.items()
        }

    def desired(self, before: Any) -> Any:
        public = dict((k, self.text(k, v)) for k, v in (self.params["env"] or {}).items())
        private = dict((k, self.text(k, v)) for k, v in (self.params["private_env"] or {}).items())
        both = sorted(set(public) & set(private))
        if both:
            self.fail(
                "declare each variable once, in env or private_env: {}".format(", ".join(both))
            )
        digests = {}
        if private:
            answer = self.client.request("POST", self.path() + "/digests", body=private)
            digests = answer.body or {}
        self.to_set_public = {}
        self.to_set_private = {}
        after = dict(before)
        for name, value in public.items():
            item = self.stored.get(name)
            if item is None or not item.get("public", True) or item["value"] != value:
                self.to_set_public[name] = value
                after[name] = value
        for name, value in private.items():
            item = self.stored.get(name)
            digest = digests.get(name)
            if item is None or item.get("public", True) or item.get("digest") != digest:
                self.to_set_private[name] = value
                after[name] = masked(digest)
        self.to_unset = []
        if self.params["prune"]:
            self.to_unset = sorted(set(self.stored) - set(public) - set(private))
            for name in self.to_unset:
                del after[name]
        self.result["set"] = sorted(set(self.to_set_public) | set(self.to_set_private))
        self.result["unset"] = self.to_unset
        return after

    def text(self, name: str, value: Any) -> str:
        if isinstance(value, (dict, list)) or value is None:
            self.fail(f"the value of {name} must be a string")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def apply(self, before: Any, after: Any) -> None:
        steps = []
        if self.to_unset:
            steps.append(("DELETE", {"env": self.to_unset}, None))
        if self.to_set_public:
            steps.append(("POST", {}, self.to_set_public))
        if self.to_set_private:
            steps.append(("POST", {"private": "1"}, self.to_set_private))
        for index, (method, query, body) in enumerate(steps):
            query = dict(query)
            if index < len(steps) - 1 or not self.params["restart"]:
                query["noRestart"] = "1"
            self.client.request(method, self.path(), query=query, body=body)


def main() -> None:
    AppEnvModule(
        dict(
            app=dict(type="str", required=True),
            env=dict(type="dict", default={}),
            private_env=dict(type="dict", default={}, no_log=True),
            prune=dict(type="bool", default=False),
            restart=dict(type="bool", default=True),
        )
    ).run()


if __name__ == "__main__":
    main()
