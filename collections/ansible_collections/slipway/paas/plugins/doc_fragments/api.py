# Copyright: Slipway developers
# Apache License 2.0 (see the collection's galaxy.yml)
"""The connection options every slipway.paas module takes."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  url:
    description:
      - The Slipway API's base URL, for example C(https://api.slipway.example.com).
      - When not given, the E(SLIPWAY_TARGET) environment variable is used.
      - "Set it once for every module with C(module_defaults: {group/slipway.paas.all: ...})."
    type: str
    required: true
  token:
    description:
      - The bearer token to send (a session token from C(slipway login) or a user's API key).
      - When not given, the E(SLIPWAY_TOKEN) environment variable is used.
      - Without a token only the routes open to anyone work (creating a user
        when the API allows registration).
    type: str
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate.
      - Turn it off only for throw-away test clusters; prefer O(ca_path).
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of the certificate authorities to trust for the API, such as the
        cluster's own CA.
    type: path
  timeout:
    description:
      - Seconds to wait for one API answer.
    type: int
    default: 30
notes:
  - The modules talk to the API over HTTP with the Python standard library; they
    need no extra package on the host that runs them (usually C(localhost)).
  - "Every request carries C(User-Agent: slipway-ansible/<version>)."
  - API errors fail the task with the API's message and HTTP status.
"""

    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check mode and report what would change without changing it.
    support: full
  diff_mode:
    description: Returns the state before and after the task (predicted in check mode).
    support: full
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: full
"""
