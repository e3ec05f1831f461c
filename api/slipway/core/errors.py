"""Domain errors. Each carries the HTTP status the API answers with."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    status = 400


class AuthenticationError(DomainError):
    status = 401


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class QuotaExceeded(DomainError):
    status = 403


class Unavailable(DomainError):
    """A component the operation needs (a node, the registry, the git server) failed."""

    status = 503


class BadGateway(DomainError):
    """Another component the call drives (e.g. the git server) answered with an error."""

    status = 502
