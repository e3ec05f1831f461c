#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.app_units: the number of units of one process of an app."""

from __future__ import annotations

DOCUMENTATION = r"""
module: app_units
short_description: Scale a process of a Slipway app to an exact number of units
version_added: 0.1.0
description:
  - Adds or removes units of one process of a deployed app until it has exactly O(units).
  - The API answers when the new units are started and routed (or the old ones gone);
    O(wait_timeout) bounds that wait.
  - The app must have been deployed (with a release that has the process).
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  app:
    description: The app's name.
    type: str
    required: true
  process:
    description: The process to scale, as named in the app's C(Procfile).
    type: str
    default: web
  units:
    description: The exact number of units the process should run.
    type: int
    required: true
  wait_timeout:
    description: Seconds starting or stopping the units may take.
    type: int
    default: 600
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Two web units for the shop
  slipway.paas.app_units:
    app: shop
    process: web
    units: 2
    wait_timeout: 300

- name: One background worker
  slipway.paas.app_units:
    app: shop
    process: worker
    units: 1
"""

RETURN = r"""
units:
  description: The process and its number of units after the task.
  returned: always
  type: dict
  sample: {"process": "web", "units": 2}
  contains:
    process:
      description: The process.
      type: str
      returned: always
    units:
      description: Its number of units.
      type: int
      returned: always
log:
  description: The API's progress lines of the change.
  returned: when units were added or removed
  type: list
  elements: str
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import SlipwayModule, segment


class AppUnitsModule(SlipwayModule):
    result_key = "units"

    def path(self) -> str:
        return "/apps/{}".format(segment(self.params["app"]))

    def read(self) -> Any:
        app = self.client.get(self.path())
        process = self.params["process"]
        count = sum(1 for unit in app.get("units") or [] if unit.get("ProcessName") == process)
        return {"process": process, "units": count}

    def desired(self, before: Any) -> Any:
        if self.params["units"] < 0:
            self.fail("units must be 0 or more")
        return {"process": self.params["process"], "units": self.params["units"]}

    def apply(self, before: Any, after: Any) -> None:
        delta = after["units"] - before["units"]
        method = "PUT" if delta > 0 else "DELETE"
        body = {"units": str(abs(delta)), "process": self.params["process"]}
        answer = self.client.request(
            method, self.path() + "/units", body=body, timeout=self.params["wait_timeout"]
        )
        self.result["log"] = answer.lines


def main() -> None:
    AppUnitsModule(
        dict(
            app=dict(type="str", required=True),
            process=dict(type="str", default="web"),
            units=dict(type="int", required=True),
            wait_timeout=dict(type="int", default=600),
        )
    ).run()


if __name__ == "__main__":
    main()
