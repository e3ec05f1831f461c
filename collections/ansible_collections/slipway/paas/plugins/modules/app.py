#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.app: an app, its owner, its teams and its settings."""

from __future__ import annotations

DOCUMENTATION = r"""
module: app
short_description: Create, update or remove a Slipway app
version_added: 0.1.0
description:
  - Makes sure an app exists with the given platform, owning team, description, pool and
    plan, and that exactly O(teams) have access to it; or that it is gone.
  - Options left out are left as they are on an existing app.
  - Changes to an existing app go through C(PUT /apps/<name>) (C(app-update)); team access
    through C(PUT)/C(DELETE /apps/<name>/teams/<team>).
  - Removing an app removes its units, routes, repository and images.
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  name:
    description: The app's name (lowercase letters, digits and C(-)).
    type: str
    required: true
  platform:
    description:
      - The platform the app builds on (see C(slipway platform-list)). Required to create the app.
    type: str
  team:
    description:
      - The team that owns the app. Needed at creation when the token's user is in several teams.
    type: str
  teams:
    description:
      - The exact set of teams with access to the app, the owner included.
      - Teams not listed lose access; the API never lets an app lose its last team.
      - When not given, access is left as it is.
    type: list
    elements: str
  description:
    description: A free-form description.
    type: str
  pool:
    description: The pool of nodes the app's units run on.
    type: str
  plan:
    description: The plan (memory and CPU limits) by name.
    type: str
  state:
    description: Whether the app should exist.
    type: str
    choices: [present, absent]
    default: present
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: The shop's web app, owned by the shop team, visible to the ops team
  slipway.paas.app:
    name: shop
    platform: python
    team: shop
    teams:
      - shop
      - ops
    description: The web shop

- name: Remove an app and everything it runs
  slipway.paas.app:
    name: old-shop
    state: absent
"""

RETURN = r"""
created:
  description:
    - Whether the task created the app (in check mode, whether it would).
    - Tasks on the app that follow can skip themselves in check mode when it does not exist yet.
  returned: always
  type: bool
app:
  description: The app's managed settings after the task; empty when absent.
  returned: always
  type: dict
  sample:
    name: shop
    platform: python
    team: shop
    teams: [ops, shop]
    description: The web shop
    pool: ""
    plan: default
  contains:
    name:
      description: The app's name.
      type: str
      returned: when present
    platform:
      description: Its platform.
      type: str
      returned: when present
    team:
      description: The owning team.
      type: str
      returned: when present
    teams:
      description: The teams with access, sorted.
      type: list
      elements: str
      returned: when present
    description:
      description: Its description.
      type: str
      returned: when present
    pool:
      description: Its pool (empty for the default).
      type: str
      returned: when present
    plan:
      description: Its plan's name.
      type: str
      returned: when present
"""

from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import (
    SlipwayError,
    SlipwayModule,
    segment,
)

SETTINGS = ("platform", "team", "description", "pool", "plan")
# The API's field for each setting, as app-update (PUT /apps/<name>) reads them.
FIELDS = {
    "platform": "platform",
    "team": "teamOwner",
    "description": "description",
    "pool": "pool",
    "plan": "plan",
}


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    plan = doc.get("plan") or {}
    return {
        "name": doc["name"],
        "platform": doc.get("platform", ""),
        "team": doc.get("teamowner", ""),
        "teams": sorted(doc.get("teams") or []),
        "description": doc.get("description") or "",
        "pool": doc.get("pool") or "",
        "plan": plan.get("name", "") if isinstance(plan, dict) else str(plan),
    }


class AppModule(SlipwayModule):
    result_key = "app"

    def path(self) -> str:
        return "/apps/" + segment(self.params["name"])

    def read(self) -> Any:
        found = self.client.get(self.path(), missing=True)
        return summary(found) if found is not None else None

    def desired(self, before: Any) -> Any:
        params = self.params
        if params["state"] == "absent":
            return None
        if before is None:
            if not params["platform"]:
                self.fail("platform is required to create the app {}".format(params["name"]))
            team = params["team"] or ""
            teams = params["teams"] if params["teams"] is not None else [team] if team else []
            after = {
                "name": params["name"],
                "platform": params["platform"],
                "team": team,
                "teams": sorted(set(teams)),
                "description": params["description"] or "",
                "pool": params["pool"] or "",
                "plan": params["plan"] or "default",
            }
            self.check_teams(before, after)
            return after
        after = dict(before)
        for key in SETTINGS:
            if params[key] is not None:
                after[key] = params[key]
        if params["teams"] is not None:
            after["teams"] = sorted(set(params["teams"]))
        self.check_teams(before, after)
        return after

    def changed(self, before: Any, after: Any) -> bool:
        self.result["created"] = before is None and after is not None
        return before != after

    def check_teams(self, before: Any, after: Any) -> None:
        """Refuse before any change when a team to grant does not exist."""
        current = set(before["teams"]) if before else set()
        for team in sorted(set(after["teams"]) - current):
            try:
                self.client.get("/teams/" + segment(team))
            except SlipwayError as exc:
                if exc.status != 403:  # 403: it exists, the user is not in it
                    raise

    def apply(self, before: Any, after: Any) -> None:
        if after is None:
            self.client.request("DELETE", self.path())
            return
        if before is None:
            body = {"name": after["name"], "platform": after["platform"]}
            if after["team"]:
                body["teamOwner"] = after["team"]
            if after["description"]:
                body["description"] = after["description"]
            self.client.request("POST", "/apps", body=body)
            before = self.read()
        update = {}
        for key in SETTINGS:
            wanted = self.params[key]
            if wanted is not None and wanted != before[key]:
                update[FIELDS[key]] = wanted
        if update:
            self.client.request("PUT", self.path(), body=update)
            before = self.read()
        if self.params["teams"] is not None:
            wanted = set(self.params["teams"])
            for team in sorted(wanted - set(before["teams"])):
                self.client.request("PUT", f"{self.path()}/teams/{segment(team)}")
            for team in sorted(set(before["teams"]) - wanted):
                self.client.request("DELETE", f"{self.path()}/teams/{segment(team)}")


def main() -> None:
    AppModule(
        dict(
            name=dict(type="str", required=True),
            platform=dict(type="str"),
            team=dict(type="str"),
            teams=dict(type="list", elements="str"),
            description=dict(type="str"),
            pool=dict(type="str"),
            plan=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        )
    ).run()


if __name__ == "__main__":
    main()
