"""The ports through which payments, idempotency keys and notifications are kept."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Protocol

import attrs

from commercekit.money import Money
from commercekit.payments._gateway import GatewayResult
from commercekit.payments._model import Payment
from commercekit.ports import UnitOfWork
from commercekit.values import as_utc, identifier

__all__ = [
    "IdempotencyRecord",
    "Operation",
    "PaymentRepository",
    "PaymentsUnitOfWork",
]


class Operation(enum.StrEnum):
    """What an idempotency key was used for."""

    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    VOID = "void"
    REFUND = "refund"


def _key(value: object) -> str:
    return identifier(value, field="key")


def _payment(value: object) -> str:
    return identifier(value, field="payment_id")


def _fingerprint(value: object) -> str:
    return identifier(value, field="fingerprint")


def _at(value: object) -> datetime:
    return as_utc(value, field="created_at")  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class IdempotencyRecord:
    """What one idempotency key stands for, and the answer it got.

    Args:
        key: The idempotency key.
        operation: What it was used for.
        payment_id: The payment.
        fingerprint: A digest of the request (operation, payment, amount):
            the same key with another fingerprint is refused.
        created_at: When the key was first used.
        amount: The amount the request moves, fixed when the key was first
            used (a "capture all" is resolved then): a retry sends the same.
        result: The provider's answer, once it came; ``None`` while the
            call is in flight (or its reply was lost): a retry with the
            same key sends the request again and the provider answers
            with the first result.
    """

    key: str = attrs.field(converter=_key)
    operation: Operation = attrs.field(converter=Operation)
    payment_id: str = attrs.field(converter=_payment)
    fingerprint: str = attrs.field(converter=_fingerprint)
    created_at: datetime = attrs.field(converter=_at)
    amount: Money | None = None
    result: GatewayResult | None = None


class PaymentRepository(Protocol):
    """Stores payments, the idempotency keys used for them, and notifications seen.

    Contract (checked by ``commercekit.testing.contracts.PaymentRepositoryContract``):

    * :meth:`add` stores a new payment at version 1; :meth:`save` stores a
      changed one if the stored version is ``payment.version`` (else
      :class:`~commercekit.errors.VersionConflictError`) and raises it by
      one; both set ``payment.version``. Adding an id that exists raises
      :class:`~commercekit.errors.DuplicateError`.
    * :meth:`get` returns a copy, tracked by the unit of work so its events
      reach the outbox; an unknown id raises
      :class:`~commercekit.errors.NotFoundError` (``kind="payment"``).
      :meth:`by_reference` finds a payment by its provider reference, the
      same way; :meth:`for_order` lists an order's payments, oldest first.
    * :meth:`start` stores an idempotency record if its key is new and
      returns it; if the key exists it returns the stored record unchanged
      (the caller compares fingerprints). Two units of work starting one
      key at once: one stores it, the other gets it back (or a
      :class:`~commercekit.errors.VersionConflictError` at commit, to be
      retried). :meth:`finish` stores the result of a started key once;
      finishing it again keeps the first result. :meth:`recall` returns a
      key's record or ``None``.
    * A provider reference belongs to one payment: adding or saving another
      payment with it raises :class:`~commercekit.errors.DuplicateError`
      (``kind="payment reference"``). :meth:`finish` of a key never started
      raises :class:`~commercekit.errors.NotFoundError` (``kind="idempotency
      key"``). A record keeps its ``amount``.
    * :meth:`lapsed_authorizations` lists the payments still ``authorized``
      whose ``authorization_expires_at`` is at or before ``at``, the earliest
      first, for :func:`~commercekit.payments.expire_authorizations`.
    * :meth:`note_notification` records a provider event id and returns
      ``True`` the first time, ``False`` for an id seen before.
    * Nothing is visible to other units of work before the commit.
    """

    def add(self, payment: Payment) -> None:
        """Store a new payment at version 1."""
        ...

    def get(self, payment_id: str) -> Payment:
        """The payment with this id."""
        ...

    def save(self, payment: Payment) -> None:
        """Store a changed payment, if nobody saved it since it was loaded."""
        ...

    def by_reference(self, reference: str) -> Payment:
        """The payment with this provider reference."""
        ...

    def for_order(self, order_id: str) -> list[Payment]:
        """The order's payments, oldest first."""
        ...

    def lapsed_authorizations(
        self, at: datetime, *, limit: int | None = None
    ) -> list[str]:
        """Ids of ``authorized`` payments whose authorization expired by ``at``.

        Those with ``authorization_expires_at`` at or before ``at``, the
        earliest first (then by id), at most ``limit``.
        """
        ...

    def start(self, record: IdempotencyRecord) -> IdempotencyRecord:
        """Store the record if its key is new; return the stored one."""
        ...

    def finish(self, key: str, result: GatewayResult) -> IdempotencyRecord:
        """Store the result of a started key (the first result stays)."""
        ...

    def recall(self, key: str) -> IdempotencyRecord | None:
        """The record of a key, or ``None``."""
        ...

    def note_notification(self, event_id: str, *, at: datetime) -> bool:
        """Record a provider event id; ``True`` if it was new."""
        ...


class PaymentsUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that has the payments context's repository, ``payments``."""

    payments: PaymentRepository
