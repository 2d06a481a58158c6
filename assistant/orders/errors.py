"""The one error type the order service raises for things a person can fix."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a Swedish `message` that may be shown to the client or staff as is.

    Service functions check before they write, so after a ServiceError nothing has changed;
    the caller may still roll back (``session_scope`` does) to be safe.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """What was asked for does not exist (a page answers 404)."""
