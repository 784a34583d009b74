"""Errors a person can act on. Their messages are shown in the page as they are."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal with a message written for the person who caused it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Missing, or not yours: the two look the same from outside."""

    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "You do not have access to this."):
        super().__init__(message)


class InvalidInput(DomainError):
    """One message per field, keyed by the field's name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class SignInRefused(DomainError):
    pass


class LinkInvalid(DomainError):
    pass
