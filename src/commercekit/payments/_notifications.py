"""Asynchronous notifications (webhooks): verified, de-duplicated, in any order."""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Protocol

import attrs

from commercekit.errors import ValidationError
from commercekit.money import Money, money
from commercekit.payments._errors import PaymentError
from commercekit.payments._model import (
    DisputeStatus,
    Payment,
    PaymentStatus,
    TransactionKind,
)
from commercekit.payments._ports import PaymentsUnitOfWork
from commercekit.ports import Clock
from commercekit.values import as_utc, identifier

__all__ = [
    "HmacSignatureVerifier",
    "InvalidSignatureError",
    "NotificationKind",
    "NotificationResult",
    "PaymentNotification",
    "SignatureVerifier",
    "handle_notification",
    "parse_notification",
]


@attrs.define(slots=False)
class InvalidSignatureError(PaymentError):
    """A notification's signature does not match its body: it is ignored.

    Answer the provider with an error status; never act on such a body.
    """

    code: ClassVar[str] = "invalid_signature"

    def _default_message(self) -> str:
        return "the notification's signature does not match its body"


class SignatureVerifier(Protocol):
    """Checks that a notification's body was signed by the provider.

    Contract: :meth:`verify` returns quietly for a body and signature that
    belong together and raises
    :class:`~commercekit.payments.InvalidSignatureError` otherwise; it
    compares in constant time.
    """

    def verify(self, body: bytes, signature: str) -> None:
        """Raise InvalidSignatureError unless ``signature`` signs ``body``."""
        ...


class HmacSignatureVerifier(SignatureVerifier):
    """Verifies a hex HMAC-SHA256 of the body with a shared secret.

    The scheme most providers use in some form; wrap another scheme in a
    class of your own.

    Args:
        secret: The secret shared with the provider.

    >>> verifier = HmacSignatureVerifier(b"whsec")
    >>> body = b'{"event_id": "ev-1"}'
    >>> verifier.verify(body, verifier.sign(body))
    >>> verifier.verify(body, "0" * 64)
    Traceback (most recent call last):
    ...
    commercekit.payments._notifications.InvalidSignatureError: the notification's signature does not match its body
    """  # noqa: E501 - a doctest's output is one line

    def __init__(self, secret: bytes) -> None:
        given: object = secret  # checked at run time too, for untyped callers
        if not isinstance(given, bytes) or not given:
            msg = "the secret must be non-empty bytes"
            raise ValidationError(msg, field="secret")
        self._secret = secret

    def sign(self, body: bytes) -> str:
        """The signature of ``body``: what the provider sends beside it."""
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def verify(self, body: bytes, signature: str) -> None:
        """Raise InvalidSignatureError unless ``signature`` signs ``body``."""
        given: object = signature  # checked at run time too, for untyped callers
        if not isinstance(given, str) or not hmac.compare_digest(
            self.sign(body), given
        ):
            raise InvalidSignatureError


class NotificationKind(enum.StrEnum):
    """What a notification says happened at the provider."""

    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"
    EXPIRED = "expired"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"


def _text(value: object, field: str) -> str:
    return identifier(value, field=field)


def _optional(value: object, field: str) -> str | None:
    return None if value is None else identifier(value, field=field)


def _event_id(value: object) -> str:
    return _text(value, "event_id")


def _reference(value: object) -> str:
    return _text(value, "reference")


def _occurred_at(value: object) -> datetime:
    return as_utc(value, field="occurred_at")  # type: ignore[arg-type]


def _operation_reference(value: object) -> str | None:
    return _optional(value, "operation_reference")


def _dispute_id(value: object) -> str | None:
    return _optional(value, "dispute_id")


def _decline_code(value: object) -> str | None:
    return _optional(value, "decline_code")


@attrs.frozen(kw_only=True)
class PaymentNotification:
    """A provider's notification, in commercekit's words.

    Args:
        event_id: The provider's id of the notification: a repeat is ignored.
        kind: What happened.
        reference: The provider's reference of the payment.
        operation_reference: The provider's reference of the operation
            (a capture's or refund's own id), when it has one; an operation
            the synchronous reply applied already is not applied again.
        amount: The amount it moved, where it moved one.
        occurred_at: When it happened at the provider.
        dispute_id: The dispute, for the dispute kinds.
        decline_code: Why, for ``failed``.
    """

    event_id: str = attrs.field(converter=_event_id)
    kind: NotificationKind = attrs.field(converter=NotificationKind)
    reference: str = attrs.field(converter=_reference)
    occurred_at: datetime = attrs.field(converter=_occurred_at)
    operation_reference: str | None = attrs.field(
        default=None, converter=_operation_reference
    )
    amount: Money | None = None
    dispute_id: str | None = attrs.field(default=None, converter=_dispute_id)
    decline_code: str | None = attrs.field(default=None, converter=_decline_code)


def _object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(type(value).__name__)
    return value


def parse_notification(body: bytes) -> PaymentNotification:
    """Read a notification written as commercekit's JSON.

    A JSON object with ``event_id``, ``kind``, ``reference`` and
    ``occurred_at`` (ISO 8601 with an offset), and optionally
    ``operation_reference``, ``amount`` with ``currency`` (the amount as a
    decimal string), ``dispute_id`` and ``decline_code``. A provider adapter
    that receives another shape passes its own ``parse`` to
    :func:`handle_notification`.

    Raises:
        ValidationError: for a body that is not such JSON.
    """
    try:
        data = _object(json.loads(body))
        amount = data.get("amount")
        return PaymentNotification(
            event_id=data["event_id"],
            kind=data["kind"],
            reference=data["reference"],
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            operation_reference=data.get("operation_reference"),
            amount=None if amount is None else money(amount, data["currency"]),
            dispute_id=data.get("dispute_id"),
            decline_code=data.get("decline_code"),
        )
    except ValidationError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        msg = f"the notification is not commercekit's JSON: {exc}"
        raise ValidationError(msg, field="body") from exc


class NotificationResult(enum.StrEnum):
    """What :func:`handle_notification` did."""

    APPLIED = "applied"
    """The payment moved."""
    DUPLICATE = "duplicate"
    """The provider sent this event id before: nothing was done again."""
    ALREADY_KNOWN = "already_known"
    """The payment knew it already (the synchronous reply came first)."""


def _amount(notification: PaymentNotification, default: Money) -> Money:
    return default if notification.amount is None else notification.amount


def _apply(  # noqa: PLR0911, PLR0912 - one branch per kind, kept together
    payment: Payment, note: PaymentNotification
) -> bool:
    """Move the payment by the notification; whether it moved."""
    at, ref = note.occurred_at, note.operation_reference or note.reference
    status = payment.status
    kind = note.kind
    if kind is NotificationKind.AUTHORIZED:
        if not payment.allows("authorize"):
            return False  # it came after what follows it
        payment.authorize(
            _amount(note, payment.amount), at=at, reference=note.reference
        )
        return True
    if kind is NotificationKind.CAPTURED:
        if payment.has_transaction(TransactionKind.CAPTURE, ref):
            return False
        if not payment.allows("authorize") and payment.capturable.amount == 0:
            return False  # all of it is known captured (with the authorization)
        if payment.allows("authorize"):  # the capture came before the authorization
            payment.authorize(payment.amount, at=at, reference=note.reference)
        payment.capture(_amount(note, payment.capturable), at=at, reference=ref)
        return True
    if kind is NotificationKind.REFUNDED:
        if payment.has_transaction(TransactionKind.REFUND, ref):
            return False
        payment.refund(_amount(note, payment.refundable), at=at, reference=ref)
        return True
    if kind is NotificationKind.VOIDED:
        if status is PaymentStatus.VOIDED:
            return False
        payment.void(at=at, reference=ref)
        return True
    if kind is NotificationKind.FAILED:
        if not payment.allows("authorize"):
            return False
        code = note.decline_code or "declined"
        payment.fail(at=at, decline_code=code, message=code)
        return True
    if kind is NotificationKind.EXPIRED:
        if payment.allows("authorize"):  # the expiry came before the authorization
            payment.authorize(payment.amount, at=at, reference=note.reference)
        elif status is not PaymentStatus.AUTHORIZED:
            return False
        payment.expire(at=at)
        return True
    dispute = note.dispute_id or note.event_id
    if kind is NotificationKind.DISPUTE_OPENED:
        known = any(d.dispute_id == dispute for d in payment.disputes)
        if note.amount is None:
            msg = "a dispute notification needs the amount disputed"
            raise ValidationError(msg, field="amount")
        payment.open_dispute(dispute, note.amount, at=at)
        return not known
    closed = {d.dispute_id: d.status for d in payment.disputes}.get(dispute)
    if kind is NotificationKind.DISPUTE_WON:
        payment.win_dispute(dispute, at=at)
        return closed is not DisputeStatus.WON
    payment.lose_dispute(dispute, at=at)
    return closed is not DisputeStatus.LOST


def handle_notification(
    body: bytes,
    signature: str,
    *,
    uow: PaymentsUnitOfWork,
    verifier: SignatureVerifier,
    clock: Clock,
    parse: Callable[[bytes], PaymentNotification] = parse_notification,
) -> NotificationResult:
    """Verify a provider's notification and move the payment it names.

    The rules: the signature is checked first (an invalid one raises and
    nothing is read); an event id seen before is a ``duplicate`` and does
    nothing; notifications may come in any order: a capture before its
    authorization authorizes and captures, an authorization after the
    capture changes nothing; an operation the synchronous reply applied
    already (same operation reference) is ``already_known``. The event id
    and the payment's change are stored in one transaction.

    Raises:
        InvalidSignatureError: for a body the signature does not sign.
        ValidationError: for a body ``parse`` cannot read.
        NotFoundError: for a reference no payment has.
        PaymentAmountError: for amounts the payment's rules refuse.
    """
    verifier.verify(body, signature)
    note = parse(body)
    with uow:
        if not uow.payments.note_notification(note.event_id, at=clock.now()):
            return NotificationResult.DUPLICATE
        payment = uow.payments.by_reference(note.reference)
        moved = _apply(payment, note)
        if moved:
            uow.payments.save(payment)
        uow.commit()
    return NotificationResult.APPLIED if moved else NotificationResult.ALREADY_KNOWN
