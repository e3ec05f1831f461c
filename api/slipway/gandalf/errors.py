"""Errors that carry the HTTP status Gandalf answers with."""

from __future__ import annotations


class GandalfError(Exception):
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(GandalfError):
    status = 400


class Unauthorized(GandalfError):
    status = 401


class NotFound(GandalfError):
    status = 404


class Conflict(GandalfError):
    status = 409


class GitError(GandalfError):
    """A git command failed."""

    status = 500
