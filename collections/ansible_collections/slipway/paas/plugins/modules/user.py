#!/usr/bin/python
# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""slipway.paas.user: a user account and the teams it belongs to."""

from __future__ import annotations

DOCUMENTATION = r"""
module: user
short_description: Manage a Slipway user and its team memberships
version_added: 0.1.0
description:
  - Creates or removes a user account and makes its team memberships exactly O(teams).
  - Reading other users needs an admin token; creating one needs an admin token unless
    the API allows registration (C(auth:user-registration)).
  - The password is set when the user is created. With O(update_password=always) the
    module also checks it by logging in, and changes it when it differs (that needs
    O(old_password), because the API changes a password only with the old one).
extends_documentation_fragment:
  - slipway.paas.api
  - slipway.paas.api.ATTRIBUTES
options:
  email:
    description: The user's email, which is also the login name.
    type: str
    required: true
  password:
    description:
      - The password (6 to 50 characters). Required to create the user.
    type: str
  old_password:
    description:
      - The current password, needed to change it with O(update_password=always).
    type: str
  update_password:
    description:
      - V(on_create) sets the password only when the user is created.
      - V(always) also makes an existing user's password O(password).
    type: str
    choices: [always, on_create]
    default: on_create
  teams:
    description:
      - The exact set of teams the user belongs to. Teams not listed are left.
      - When not given, memberships are left as they are.
      - The token's user must be a member of each team changed (or an admin).
    type: list
    elements: str
  state:
    description: Whether the user should exist.
    type: str
    choices: [present, absent]
    default: present
attributes:
  idempotent:
    description:
      - The second run reports no change.
      - With O(update_password=always) the password is checked on every run.
    support: full
author:
  - Slipway developers (@slipway)
"""

EXAMPLES = r"""
- name: Create a developer in the shop team
  slipway.paas.user:
    email: dev@example.com
    password: "{{ vault_dev_password }}"
    teams:
      - shop

- name: Remove an account
  slipway.paas.user:
    email: former@example.com
    state: absent
"""

RETURN = r"""
user:
  description: The user after the task; empty when absent.
  returned: always
  type: dict
  sample: {"email": "dev@example.com", "teams": ["shop"]}
  contains:
    email:
      description: The user's email.
      type: str
      returned: when present
    teams:
      description: The user's teams, sorted.
      type: list
      elements: str
      returned: when present
"""

import contextlib
from typing import Any

from ansible_collections.slipway.paas.plugins.module_utils._api import (
    SlipwayClient,
    SlipwayError,
    SlipwayModule,
    segment,
)


class UserModule(SlipwayModule):
    result_key = "user"

    def __init__(self, spec: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(spec, **kwargs)
        self.password_change = False

    def read(self) -> Any:
        users = self.client.get("/users") or []
        for user in users:
            if user.get("email") == self.params["email"]:
                return {"email": user["email"], "teams": sorted(user.get("teams") or [])}
        return None

    def desired(self, before: Any) -> Any:
        if self.params["state"] == "absent":
            return None
        teams = self.params["teams"]
        if before is None:
            if not self.params["password"]:
                self.fail("password is required to create the user {}".format(self.params["email"]))
            self.require_teams(set(teams or []))
            return {"email": self.params["email"], "teams": sorted(set(teams or []))}
        if self.params["update_password"] == "always" and self.params["password"]:
            self.password_change = not self._session(self.params["password"], check_only=True)
        wanted = sorted(set(teams)) if teams is not None else before["teams"]
        self.require_teams(set(wanted) - set(before["teams"]))
        return {"email": before["email"], "teams": wanted}

    def require_teams(self, teams: set[str]) -> None:
        """Refuse before any change when a team to join does not exist."""
        for team in sorted(teams):
            self.client.get("/teams/" + segment(team))

    def changed(self, before: Any, after: Any) -> bool:
        return before != after or self.password_change

    def _session(self, password: str, check_only: bool = False) -> Any:
        """Log in as the user; a client with that session, or None when refused (401)."""
        path = "/users/{}/tokens".format(segment(self.params["email"]))
        try:
            answer = self.client.request("POST", path, body={"password": password})
        except SlipwayError as exc:
            if exc.status == 401:
                return None
            raise
        session = SlipwayClient(
            self.client.url,
            answer.body["token"],
            self.client.validate_certs,
            self.client.ca_path,
            self.client.timeout,
        )
        if check_only:
            session.request("DELETE", "/users/tokens")
            return True
        return session

    def apply(self, before: Any, after: Any) -> None:
        email = segment(self.params["email"])
        if after is None:
            self.client.request("DELETE", "/users", query={"user": self.params["email"]})
            return
        if before is None:
            body = {"email": self.params["email"], "password": self.params["password"]}
            self.client.request("POST", "/users", body=body)
            before = {"teams": []}
        for team in sorted(set(after["teams"]) - set(before["teams"])):
            self.client.request("PUT", f"/teams/{segment(team)}/{email}")
        for team in sorted(set(before["teams"]) - set(after["teams"])):
            self.client.request("DELETE", f"/teams/{segment(team)}/{email}")
        if self.password_change:
            self._change_password()

    def _change_password(self) -> None:
        old = self.params["old_password"]
        session = self._session(old) if old else None
        if session is None:
            self.fail(
                "the password of {} differs, and the API changes a password only with the "
                "current one: give old_password".format(self.params["email"])
            )
        body = {"old": old, "new": self.params["password"]}
        try:
            session.request("PUT", "/users/password", body=body)
        finally:
            with contextlib.suppress(SlipwayError):
                session.request("DELETE", "/users/tokens")


def main() -> None:
    UserModule(
        dict(
            email=dict(type="str", required=True),
            password=dict(type="str", no_log=True),
            old_password=dict(type="str", no_log=True),
            update_password=dict(
                type="str", choices=["always", "on_create"], default="on_create", no_log=False
            ),
            teams=dict(type="list", elements="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        )
    ).run()


if __name__ == "__main__":
    main()
