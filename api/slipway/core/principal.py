"""Who is making a request, and the access rules every entry point applies."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PermissionDenied

USER, API_KEY, APP = "user", "api-key", "app"
# A named token (token-create): acts as the user who made it, never a login session.
TOKEN = "token"


@dataclass(frozen=True)
class Principal:
    kind: str
    token_id: str
    email: str | None = None
    teams: tuple[str, ...] = ()
    is_admin: bool = False
    app: str | None = None

    @property
    def is_user(self) -> bool:
        return self.kind in (USER, API_KEY, TOKEN)

    @property
    def name(self) -> str:
        return self.email or f"app:{self.app}"


def require_user(principal: Principal) -> str:
    """The acting user's email; app tokens may not act as users."""
    if not principal.is_user or principal.email is None:
        raise PermissionDenied("This action needs a user token, not an app token.")
    return principal.email


def require_admin(principal: Principal) -> str:
    email = require_user(principal)
    if not principal.is_admin:
        raise PermissionDenied("You must be an admin")
    return email


def is_member(principal: Principal, team: str) -> bool:
    return principal.is_admin or team in principal.teams
