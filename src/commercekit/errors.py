"""The errors commercekit raises, in one tree.

Every error is a :class:`CommerceError`, so ``except CommerceError`` catches all
of them. Each one is also the builtin exception a Python user would reach for:
bad input is a :class:`ValueError`, a missing thing is a :class:`LookupError`.
Every error carries a stable, machine-readable :attr:`~CommerceError.code`
(for logs, APIs and translations) and a message a person can act on::

    CommerceError                      commerce_error
    ├── ValidationError(ValueError)    validation_error
    │   └── CurrencyMismatchError(TypeError)
    │                                  currency_mismatch
    ├── NotFoundError(LookupError)     not_found
    ├── ConflictError                  conflict
    │   ├── DuplicateError             duplicate         never retry
    │   └── VersionConflictError       version_conflict  reload and retry
    ├── InvalidTransitionError         invalid_transition
    ├── BusinessRuleError              business_rule
    ├── ExternalServiceError           external_service
    ├── StorageError                   storage_error
    │   └── SchemaVersionError         schema_version
    └── UsageError(RuntimeError)       usage_error

Contexts subclass these; a context's errors live in its own ``_errors`` module
and are exported from its package. Errors are attrs classes with typed fields:
they compare by identity, carry their data as attributes and survive
:mod:`pickle` (so they cross process boundaries intact).
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

__all__ = [
    "BusinessRuleError",
    "CommerceError",
    "ConflictError",
    "CurrencyMismatchError",
    "DuplicateError",
    "ExternalServiceError",
    "InvalidTransitionError",
    "NotFoundError",
    "SchemaVersionError",
    "StorageError",
    "UsageError",
    "ValidationError",
    "VersionConflictError",
]


def _restore(cls: type[CommerceError], fields: dict[str, Any]) -> CommerceError:
    """Rebuild an error from its fields; the target of ``__reduce__``."""
    return cls(**fields)


@attrs.define(slots=False)
class CommerceError(Exception):
    """The root of every error that commercekit raises.

    Args:
        message: What went wrong, in words a person understands. Subclasses that
            carry structured data build a message from it when none is given.
    """

    code: ClassVar[str] = "commerce_error"
    """A stable, machine-readable name for this kind of error."""

    message: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.message:
            self.message = self._default_message()

    def _default_message(self) -> str:
        return "commerce operation failed"

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {a.name: getattr(self, a.name) for a in attrs.fields(type(self))}
        return (_restore, (type(self), fields))


@attrs.define(slots=False)
class ValidationError(CommerceError, ValueError):
    """Input that breaks a rule of form: a float amount, an unknown currency.

    Args:
        message: What is wrong and how to fix it.
        field: The name of the offending argument or attribute, if there is one.
    """

    code: ClassVar[str] = "validation_error"

    field: str | None = attrs.field(default=None, kw_only=True)

    def _default_message(self) -> str:
        if self.field:
            return f"invalid value for {self.field}"
        return "invalid value"


@attrs.define(slots=False)
class CurrencyMismatchError(ValidationError, TypeError):
    """Two amounts in different currencies were added, compared or mixed.

    Args:
        expected: The currency code the operation works in.
        got: The other currency code.
    """

    code: ClassVar[str] = "currency_mismatch"

    expected: str = attrs.field(kw_only=True)
    got: str = attrs.field(kw_only=True)

    def _default_message(self) -> str:
        return (
            f"cannot mix {self.expected} and {self.got}: "
            "convert one amount first, or keep the amounts apart"
        )


@attrs.define(slots=False)
class NotFoundError(CommerceError, LookupError):
    """The thing asked for does not exist.

    Args:
        kind: What was looked for, such as ``"order"``.
        key: The identifier that was looked up.
    """

    code: ClassVar[str] = "not_found"

    kind: str = attrs.field(kw_only=True)
    key: str = attrs.field(kw_only=True)

    def _default_message(self) -> str:
        return f"{self.kind} {self.key!r} was not found"


@attrs.define(slots=False)
class ConflictError(CommerceError):
    """The change clashes with what is stored. Catch a subclass to act on it."""

    code: ClassVar[str] = "conflict"

    def _default_message(self) -> str:
        return "the change conflicts with the stored state"


@attrs.define(slots=False)
class DuplicateError(ConflictError):
    """The thing exists already. Retrying cannot help.

    Args:
        kind: What was added, such as ``"order"``.
        key: The identifier that is taken.
    """

    code: ClassVar[str] = "duplicate"

    kind: str = attrs.field(kw_only=True)
    key: str = attrs.field(kw_only=True)

    def _default_message(self) -> str:
        return f"{self.kind} {self.key!r} exists already"


@attrs.define(slots=False)
class VersionConflictError(ConflictError):
    """Someone else changed the thing first: reload it and try again.

    Args:
        kind: What was saved, such as ``"order"``.
        key: Its identifier.
        expected_version: The version the caller loaded.
        actual_version: The version in the store, if known.
    """

    code: ClassVar[str] = "version_conflict"

    kind: str = attrs.field(kw_only=True)
    key: str = attrs.field(kw_only=True)
    expected_version: int = attrs.field(kw_only=True)
    actual_version: int | None = attrs.field(default=None, kw_only=True)

    def _default_message(self) -> str:
        found = "" if self.actual_version is None else f", found {self.actual_version}"
        return (
            f"{self.kind} {self.key!r} was changed by someone else "
            f"(expected version {self.expected_version}{found}): reload and retry"
        )


@attrs.define(slots=False)
class InvalidTransitionError(CommerceError):
    """A lifecycle event is not allowed in the aggregate's current state.

    Args:
        aggregate: The kind of aggregate, such as ``"order"``.
        key: Its identifier.
        state: The state it is in.
        event: The event that was refused, such as ``"ship"``.
    """

    code: ClassVar[str] = "invalid_transition"

    aggregate: str = attrs.field(kw_only=True)
    key: str = attrs.field(kw_only=True)
    state: str = attrs.field(kw_only=True)
    event: str = attrs.field(kw_only=True)

    def _default_message(self) -> str:
        return f"cannot {self.event} {self.aggregate} {self.key!r}: it is {self.state}"


@attrs.define(slots=False)
class BusinessRuleError(CommerceError):
    """A business rule refused an otherwise well-formed request.

    Contexts raise subclasses that name the rule (an expired coupon, a closed
    return window). The :attr:`rule` names it for machines.

    Args:
        message: The rule in words.
        rule: A stable name of the rule, such as ``"return_window_closed"``.
    """

    code: ClassVar[str] = "business_rule"

    rule: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return f"refused by the rule {self.rule!r}" if self.rule else "refused"


@attrs.define(slots=False)
class ExternalServiceError(CommerceError):
    """A payment provider, carrier or other outside service failed.

    Args:
        message: What failed.
        service: Which service, such as ``"payment gateway"``.
        retryable: Whether the same call may succeed later (a timeout, an
            outage) as opposed to a permanent refusal.
    """

    code: ClassVar[str] = "external_service"

    service: str = attrs.field(default="", kw_only=True)
    retryable: bool = attrs.field(default=False, kw_only=True)

    def _default_message(self) -> str:
        name = self.service or "an outside service"
        return f"{name} failed"


@attrs.define(slots=False)
class StorageError(CommerceError):
    """The store could not do what was asked, for a reason not of the caller's."""

    code: ClassVar[str] = "storage_error"

    def _default_message(self) -> str:
        return "the store failed"


@attrs.define(slots=False)
class SchemaVersionError(StorageError):
    """A database was written by a newer schema than this commercekit knows.

    Args:
        found: The schema version in the database.
        supported: The newest schema version this commercekit can use.
    """

    code: ClassVar[str] = "schema_version"

    found: int = attrs.field(kw_only=True)
    supported: int = attrs.field(kw_only=True)

    def _default_message(self) -> str:
        return (
            f"the database has schema version {self.found}, but this commercekit "
            f"knows versions up to {self.supported}: upgrade commercekit "
            "before opening it"
        )


@attrs.define(slots=False)
class UsageError(CommerceError, RuntimeError):
    """commercekit was called in an order its API does not allow.

    A bug in the calling code rather than bad data: committing a unit of work
    twice, reading a repository outside ``with uow:``, using a closed database.
    Fix the call; retrying the same call cannot help.
    """

    code: ClassVar[str] = "usage_error"

    def _default_message(self) -> str:
        return "commercekit was used in a way its API does not allow"
