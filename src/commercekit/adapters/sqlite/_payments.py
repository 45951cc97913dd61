"""The SQLite payment repository."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from commercekit.adapters._checks import (
    _check_key,
    _check_notification,
    _check_order_id,
    _check_payment,
    _check_record,
    _check_reference,
    _check_result,
)
from commercekit.adapters.sqlite._columns import (
    _aggregate,
    _document,
    _instant,
    _json,
    _optional_text,
    _readable,
    _storage,
    _text,
)
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    StorageError,
    VersionConflictError,
)
from commercekit.money import money
from commercekit.payments import (
    GatewayResult,
    IdempotencyRecord,
    Payment,
    PaymentRepository,
)
from commercekit.payments import payment_id as _check_payment_id
from commercekit.values import as_utc, positive_int

if TYPE_CHECKING:
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__ = ["SQLitePaymentRepository"]

_PAYMENT_COLUMNS = "version, status, data"

_START = (
    "INSERT INTO payment_idempotency "
    "(key, operation, payment_id, fingerprint, created_at, amount, currency, result) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
)

_RECORD = (
    "SELECT key, operation, payment_id, fingerprint, created_at, amount, currency, "
    "result FROM payment_idempotency WHERE key = ?"
)


class SQLitePaymentRepository(PaymentRepository):
    """Payments, their idempotency keys and the notifications seen, in SQLite.

    Three tables. ``payments`` has the queried fields as columns (id,
    version, order id and provider reference, both indexed, the reference
    unique where there is one; status, currency, creation time) and the rest
    of a payment as one JSON document written by commercekit's converter;
    the status and version columns are the truth, and a loaded status goes
    through the model's check (an unknown one is a
    :class:`~commercekit.errors.ValidationError`). Saving is a conditional
    ``UPDATE ... WHERE version = ?`` checked by its row count, so of two
    writers holding one version only one wins.

    ``payment_idempotency`` keeps one row per key; :meth:`start` is an
    ``INSERT ... ON CONFLICT DO NOTHING`` whose row count says whether the
    key was new, and :meth:`finish` an ``UPDATE ... WHERE result IS NULL``,
    so the first result stays. ``payment_notifications`` keeps the provider
    event ids seen; :meth:`note_notification` is an ``INSERT OR IGNORE``.

    Args:
        uow: The unit of work whose connection the store uses.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    def _storage(
        self, action: str
    ) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return _storage(self._uow, action)

    # -- payments ------------------------------------------------------------

    def _dump(self, payment: Payment) -> str:
        return _document(self._uow, payment, f"payment {payment.payment_id!r}")

    def _load(self, version: int, status: str, data: str) -> Payment:
        payment = _aggregate(self._uow, Payment, data, "payment")
        # Through the model's converter: an unknown status is a ValidationError.
        payment.status = status  # type: ignore[assignment]
        payment.version = version
        self._uow.track(payment)
        return payment

    def _duplicate(self, payment: Payment, exc: sqlite3.IntegrityError) -> Exception:
        if "provider_reference" in str(exc) and payment.provider_reference:
            return DuplicateError(
                kind="payment reference", key=payment.provider_reference
            )
        if "payment_id" in str(exc):
            return DuplicateError(kind="payment", key=payment.payment_id)
        msg = f"the database refused payment {payment.payment_id!r}: {exc}"
        return StorageError(msg)

    def add(self, payment: Payment) -> None:
        """Store a new payment at version 1."""
        _check_payment(payment)
        data = self._dump(payment)
        with self._storage("add a payment to") as conn:
            try:
                conn.execute(
                    "INSERT INTO payments (payment_id, version, order_id, "
                    "provider_reference, status, currency, created_at, "
                    "authorization_expires_at, data) "
                    "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        payment.payment_id,
                        payment.order_id,
                        payment.provider_reference,
                        str(payment.status),
                        payment.currency,
                        _text(payment.created_at),
                        _optional_text(payment.authorization_expires_at),
                        data,
                    ),
                )
            except sqlite3.IntegrityError as exc:
                raise self._duplicate(payment, exc) from exc
        payment.version = 1
        self._uow.track(payment)

    def get(self, payment_id: str) -> Payment:
        """Return the payment with this id."""
        code = _check_payment_id(payment_id)
        with self._storage("read a payment from") as conn:
            row = conn.execute(
                f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE payment_id = ?",  # noqa: S608 - names are ours
                (code,),
            ).fetchone()
        if row is None:
            raise NotFoundError(kind="payment", key=code)
        return self._load(*row)

    def save(self, payment: Payment) -> None:
        """Store a changed payment, if nobody saved it since it was loaded."""
        _check_payment(payment)
        data = self._dump(payment)
        with self._storage("save a payment in") as conn:
            try:
                updated = conn.execute(
                    "UPDATE payments SET version = version + 1, order_id = ?, "
                    "provider_reference = ?, status = ?, currency = ?, "
                    "created_at = ?, authorization_expires_at = ?, data = ? "
                    "WHERE payment_id = ? AND version = ?",
                    (
                        payment.order_id,
                        payment.provider_reference,
                        str(payment.status),
                        payment.currency,
                        _text(payment.created_at),
                        _optional_text(payment.authorization_expires_at),
                        data,
                        payment.payment_id,
                        payment.version,
                    ),
                ).rowcount
            except sqlite3.IntegrityError as exc:
                raise self._duplicate(payment, exc) from exc
        if updated != 1:
            raise self._conflict(payment)
        payment.version += 1
        self._uow.track(payment)

    def _conflict(self, payment: Payment) -> Exception:
        """The error of a save that changed no row: unknown, or a stale copy."""
        with self._storage("read a payment from") as conn:
            row = conn.execute(
                "SELECT version FROM payments WHERE payment_id = ?",
                (payment.payment_id,),
            ).fetchone()
        if row is None:
            return NotFoundError(kind="payment", key=payment.payment_id)
        return VersionConflictError(
            kind="payment",
            key=payment.payment_id,
            expected_version=payment.version,
            actual_version=int(row[0]),
        )

    def by_reference(self, reference: str) -> Payment:
        """The payment with this provider reference."""
        reference = _check_reference(reference)
        with self._storage("read a payment from") as conn:
            row = conn.execute(
                f"SELECT {_PAYMENT_COLUMNS} FROM payments "  # noqa: S608 - names are ours
                "WHERE provider_reference = ?",
                (reference,),
            ).fetchone()
        if row is None:
            raise NotFoundError(kind="payment", key=reference)
        return self._load(*row)

    def for_order(self, order_id: str) -> list[Payment]:
        """The order's payments, oldest first (equals by id)."""
        order_id = _check_order_id(order_id)
        with self._storage("read payments from") as conn:
            rows = conn.execute(
                f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE order_id = ? "  # noqa: S608 - names are ours
                "ORDER BY created_at, payment_id",
                (order_id,),
            ).fetchall()
        return [self._load(*row) for row in rows]

    def lapsed_authorizations(
        self, at: datetime, *, limit: int | None = None
    ) -> list[str]:
        """Ids of authorized payments whose authorization expired by ``at``."""
        at = as_utc(at, field="at")
        if limit is not None:
            positive_int(limit, field="limit")
        with self._storage("read payments from") as conn:
            rows = conn.execute(
                "SELECT payment_id FROM payments WHERE status = 'authorized' "
                "AND authorization_expires_at <= ? "
                "ORDER BY authorization_expires_at, payment_id LIMIT ?",
                (_text(at), -1 if limit is None else limit),
            ).fetchall()
        return [row[0] for row in rows]

    # -- idempotency keys ------------------------------------------------------

    def _record(self, key: str) -> IdempotencyRecord | None:
        with self._storage("read an idempotency key from") as conn:
            row = conn.execute(_RECORD, (key,)).fetchone()
        if row is None:
            return None
        key, operation, code, fingerprint, created_at, amount, currency, result = row
        with _readable("idempotency record"):
            return IdempotencyRecord(
                key=key,
                operation=operation,
                payment_id=code,
                fingerprint=fingerprint,
                created_at=_instant(created_at),
                amount=None if amount is None else money(amount, currency),
                result=None
                if result is None
                else self._uow.converter.structure(json.loads(result), GatewayResult),
            )

    def start(self, record: IdempotencyRecord) -> IdempotencyRecord:
        """Store the record if its key is new; return the stored one."""
        _check_record(record)
        result = None if record.result is None else self._result(record.result)
        with self._storage("store an idempotency key in") as conn:
            inserted = conn.execute(
                _START,
                (
                    record.key,
                    str(record.operation),
                    record.payment_id,
                    record.fingerprint,
                    _text(record.created_at),
                    None if record.amount is None else str(record.amount.amount),
                    None if record.amount is None else record.amount.currency.code,
                    result,
                ),
            ).rowcount
        if inserted == 1:
            return record
        stored = self._record(record.key)
        if stored is None:  # pragma: no cover - the row was there a moment ago
            msg = f"the idempotency key {record.key!r} vanished while it was read"
            raise StorageError(msg)
        return stored

    def _result(self, result: GatewayResult) -> str:
        try:
            return _json(self._uow.converter.unstructure(result))
        except (TypeError, ValueError) as exc:
            msg = f"the result {result.reference!r} cannot be stored as JSON: {exc}"
            raise StorageError(msg) from exc

    def finish(self, key: str, result: GatewayResult) -> IdempotencyRecord:
        """Store the result of a started key (the first result stays)."""
        key, result = _check_key(key), _check_result(result)
        text = self._result(result)
        with self._storage("store a result in") as conn:
            conn.execute(
                "UPDATE payment_idempotency SET result = ? "
                "WHERE key = ? AND result IS NULL",
                (text, key),
            )
        stored = self._record(key)
        if stored is None:
            raise NotFoundError(kind="idempotency key", key=key)
        return stored

    def recall(self, key: str) -> IdempotencyRecord | None:
        """The record of a key, or ``None``."""
        return self._record(_check_key(key))

    # -- notifications -----------------------------------------------------------

    def note_notification(self, event_id: str, *, at: datetime) -> bool:
        """Record a provider event id; ``True`` if it was new."""
        event_id, at = _check_notification(event_id, at)
        with self._storage("record a notification in") as conn:
            inserted = conn.execute(
                "INSERT OR IGNORE INTO payment_notifications (event_id, received_at) "
                "VALUES (?, ?)",
                (event_id, _text(at)),
            ).rowcount
        return bool(inserted == 1)
