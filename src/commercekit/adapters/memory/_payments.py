"""The in-memory payment repository."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from commercekit.adapters._checks import (
    _check_key,
    _check_notification,
    _check_order_id,
    _check_payment,
    _check_record,
    _check_reference,
    _check_result,
)
from commercekit.errors import DuplicateError, NotFoundError, VersionConflictError
from commercekit.payments import (
    GatewayResult,
    IdempotencyRecord,
    Payment,
    PaymentRepository,
    PaymentStatus,
)
from commercekit.payments import payment_id as _check_payment_id
from commercekit.values import as_utc, positive_int

if TYPE_CHECKING:
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryPaymentRepository"]

_PAYMENTS = "payments.payments"
_REFERENCES = "payments.references"
_KEYS = "payments.idempotency"
_NOTIFICATIONS = "payments.notifications"


class InMemoryPaymentRepository(PaymentRepository):
    """Payments in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Four tables: the payments by id, each provider reference's payment id
    (which keeps a reference to one payment), the idempotency records by key,
    and the provider event ids seen, with when they came. A transaction
    holds the store's lock from start to end, so a check and the write it
    guards (a version, a key that is new) cannot interleave with another
    unit of work. :meth:`for_order` reads every payment: fine for tests and
    demos, which is what this store is for.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _stored(self, code: str) -> Payment:
        payment = self._uow.read(_PAYMENTS, code)
        if not isinstance(payment, Payment):
            raise NotFoundError(kind="payment", key=code)
        return payment

    def _claim_reference(self, payment: Payment) -> None:
        reference = payment.provider_reference
        if reference is None:
            return
        owner = self._uow.read(_REFERENCES, reference)
        if owner is not None and owner != payment.payment_id:
            raise DuplicateError(kind="payment reference", key=reference)

    def _write(self, payment: Payment, released: str | None) -> None:
        if released is not None and released != payment.provider_reference:
            self._uow.remove(_REFERENCES, released)
        if payment.provider_reference is not None:
            self._uow.write(_REFERENCES, payment.provider_reference, payment.payment_id)
        self._uow.write(_PAYMENTS, payment.payment_id, payment)
        self._uow.track(payment)

    # -- payments ------------------------------------------------------------

    def add(self, payment: Payment) -> None:
        """Store a new payment at version 1."""
        _check_payment(payment)
        if self._uow.read(_PAYMENTS, payment.payment_id) is not None:
            raise DuplicateError(kind="payment", key=payment.payment_id)
        self._claim_reference(payment)
        payment.version = 1
        self._write(payment, released=None)

    def get(self, payment_id: str) -> Payment:
        """Return a copy of the payment with this id."""
        payment = self._stored(_check_payment_id(payment_id))
        self._uow.track(payment)
        return payment

    def save(self, payment: Payment) -> None:
        """Store a changed payment, if nobody saved it since it was loaded."""
        stored = self._stored(_check_payment(payment).payment_id)
        if stored.version != payment.version:
            raise VersionConflictError(
                kind="payment",
                key=payment.payment_id,
                expected_version=payment.version,
                actual_version=stored.version,
            )
        self._claim_reference(payment)
        payment.version += 1
        self._write(payment, released=stored.provider_reference)

    def by_reference(self, reference: str) -> Payment:
        """The payment with this provider reference."""
        reference = _check_reference(reference)
        owner = self._uow.read(_REFERENCES, reference)
        if owner is None:
            raise NotFoundError(kind="payment", key=reference)
        return self.get(owner)

    def for_order(self, order_id: str) -> list[Payment]:
        """The order's payments, oldest first (equals by id)."""
        order_id = _check_order_id(order_id)
        mine = sorted(
            (
                payment
                for _, payment in self._uow.rows(_PAYMENTS)
                if payment.order_id == order_id
            ),
            key=lambda payment: (payment.created_at, payment.payment_id),
        )
        for payment in mine:
            self._uow.track(payment)
        return mine

    def lapsed_authorizations(
        self, at: datetime, *, limit: int | None = None
    ) -> list[str]:
        """Ids of authorized payments whose authorization expired by ``at``."""
        at = as_utc(at, field="at")
        if limit is not None:
            positive_int(limit, field="limit")
        lapsed = sorted(
            (payment.authorization_expires_at, payment.payment_id)
            for _, payment in self._uow.rows(_PAYMENTS)
            if payment.status is PaymentStatus.AUTHORIZED
            and payment.authorization_expires_at is not None
            and payment.authorization_expires_at <= at
        )
        return [code for _, code in lapsed][:limit]

    # -- idempotency keys ------------------------------------------------------

    def start(self, record: IdempotencyRecord) -> IdempotencyRecord:
        """Store the record if its key is new; return the stored one."""
        _check_record(record)
        stored = self._uow.read(_KEYS, record.key)
        if isinstance(stored, IdempotencyRecord):
            return stored
        self._uow.write(_KEYS, record.key, record)
        return record

    def finish(self, key: str, result: GatewayResult) -> IdempotencyRecord:
        """Store the result of a started key (the first result stays)."""
        key, result = _check_key(key), _check_result(result)
        stored = self._uow.read(_KEYS, key)
        if not isinstance(stored, IdempotencyRecord):
            raise NotFoundError(kind="idempotency key", key=key)
        if stored.result is not None:
            return stored
        finished = attrs.evolve(stored, result=result)
        self._uow.write(_KEYS, key, finished)
        return finished

    def recall(self, key: str) -> IdempotencyRecord | None:
        """The record of a key, or ``None``."""
        stored = self._uow.read(_KEYS, _check_key(key))
        return stored if isinstance(stored, IdempotencyRecord) else None

    # -- notifications -----------------------------------------------------------

    def note_notification(self, event_id: str, *, at: datetime) -> bool:
        """Record a provider event id; ``True`` if it was new."""
        event_id, at = _check_notification(event_id, at)
        if self._uow.read(_NOTIFICATIONS, event_id) is not None:
            return False
        self._uow.write(_NOTIFICATIONS, event_id, at)
        return True
