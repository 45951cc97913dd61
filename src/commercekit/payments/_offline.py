"""Payments that need no gateway: invoice, prepayment and cash on delivery.

Each works on a :class:`~commercekit.payments.Payment` with its ordinary
lifecycle, so the rest of the library sees a payment like any other:

* **invoice** (Kauf auf Rechnung) and **cash on delivery** (Nachnahme) are
  authorized at once; money that comes in (a bank transfer, the carrier's
  report) is captured, in parts if it comes in parts, and never more than is
  owed: the rest is reported as excess to give back;
* **prepayment** (Vorkasse) waits (``requires_action``: the customer must
  transfer the money) with a transfer reference the customer must quote;
  transfers with that reference add up, and the payment is authorized and
  captured in full once the whole amount is in.

Store credit and gift cards, the fourth way without a gateway, live beside
split tender (:class:`~commercekit.payments.StoreCreditAccount`).
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Mapping
from datetime import datetime
from typing import Final

import attrs

from commercekit.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    ValidationError,
)
from commercekit.money import Money, as_money, quantize, zero
from commercekit.payments._model import (
    Payment,
    PaymentStatus,
    RequiredAction,
)
from commercekit.values import as_utc, identifier

__all__ = [
    "BANK_TRANSFER_ACTION",
    "TransferOutcome",
    "TransferStatus",
    "cancel_prepayment",
    "open_cash_on_delivery_payment",
    "open_invoice_payment",
    "open_prepayment",
    "prepayment_reference",
    "record_bank_transfer",
    "record_cash_collected",
    "record_incoming_payment",
    "reference_matches",
]

BANK_TRANSFER_ACTION: Final = "bank_transfer"
"""The :attr:`RequiredAction.kind` of a prepayment waiting for a transfer.

Its ``data`` holds ``reference`` (what the customer must quote),
``amount_due``, ``received``, ``outstanding`` (decimal amounts) and
``currency``, beside the bank details passed to :func:`open_prepayment`."""

_CAPTURABLE: Final = frozenset(
    {PaymentStatus.AUTHORIZED, PaymentStatus.PARTIALLY_CAPTURED}
)
_NOTHING_DUE: Final = frozenset(
    {
        PaymentStatus.CAPTURED,
        PaymentStatus.PARTIALLY_REFUNDED,
        PaymentStatus.REFUNDED,
        PaymentStatus.VOIDED,
        PaymentStatus.EXPIRED,
    }
)
_PREPAYMENT_CLOSED: Final = _NOTHING_DUE | {PaymentStatus.FAILED}
_SEPA_CHARACTERS: Final = frozenset(
    string.ascii_letters + string.digits + "/-?:().,'+ "
)
_SEPA_REFERENCE_LENGTH: Final = 35
_KEYS: Final = frozenset(
    {"reference", "amount_due", "received", "outstanding", "currency"}
)
_WORD: Final = re.compile(r"[A-Za-z0-9]+")


class TransferStatus(enum.StrEnum):
    """What became of money that came in for a payment."""

    WRONG_REFERENCE = "wrong_reference"
    """Not applied: the transfer does not quote the payment's reference."""
    PARTIAL = "partial"
    """Applied; part of the amount is still outstanding."""
    PAID = "paid"
    """Applied; the amount is paid in full (any overpayment is the excess)."""
    NOTHING_DUE = "nothing_due"
    """The payment owed nothing more (settled, voided, canceled): all excess."""


@attrs.frozen(kw_only=True)
class TransferOutcome:
    """What one incoming amount did to a payment.

    Unless the reference was wrong, ``applied + excess == amount``: what was
    applied counts toward what is owed (captured, or held toward a prepayment),
    the excess was more than was owed and goes back to the customer (a refund
    or store credit; the payment does not record it). A transfer with the
    wrong reference applies nothing and has no excess: it is someone else's.

    Args:
        status: What became of it.
        amount: What came in.
        applied: The part that counts toward what is owed.
        excess: The part above what was owed, to give back.
        outstanding: What is still owed after it.
    """

    status: TransferStatus
    amount: Money
    applied: Money
    excess: Money
    outstanding: Money

    @property
    def overpaid(self) -> bool:
        """Whether something came in that was not owed."""
        return bool(self.excess.amount)


def _outcome(
    status: TransferStatus, came_in: Money, applied: Money, outstanding: Money
) -> TransferOutcome:
    excess = (
        zero(came_in.currency)
        if status is TransferStatus.WRONG_REFERENCE
        else came_in - applied
    )
    return TransferOutcome(
        status=status,
        amount=came_in,
        applied=applied,
        excess=excess,
        outstanding=outstanding,
    )


def _at(value: object) -> datetime:
    return as_utc(value, field="at")  # type: ignore[arg-type]


def _came_in(payment: Payment, value: object) -> Money:
    amount = as_money(value, field="amount")
    if amount.currency.code != payment.currency:
        raise CurrencyMismatchError(
            expected=payment.currency, got=amount.currency.code, field="amount"
        )
    if amount.amount <= 0:
        msg = f"amount must be more than 0, not {amount}"
        raise ValidationError(msg, field="amount")
    return amount


def _refuse(payment: Payment, event: str) -> InvalidTransitionError:
    return InvalidTransitionError(
        aggregate="payment",
        key=payment.payment_id,
        state=str(payment.status),
        event=event,
    )


# -- invoice and cash on delivery ------------------------------------------------


def _open_authorized(
    method: str,
    *,
    payment_id: str,
    order_id: str,
    amount: Money,
    at: datetime,
    reference: str | None,
) -> Payment:
    payment = Payment(
        payment_id=payment_id,
        order_id=order_id,
        method=method,
        amount=amount,
        created_at=at,
    )
    held = payment.payment_id if reference is None else reference
    payment.authorize(
        payment.amount, at=at, reference=identifier(held, field="reference")
    )
    return payment


def open_invoice_payment(
    *,
    payment_id: str,
    order_id: str,
    amount: Money,
    at: datetime,
    reference: str | None = None,
    method: str = "invoice",
) -> Payment:
    """A payment on invoice (Kauf auf Rechnung), authorized at once for ``amount``.

    The merchant trusts the customer: the goods go out, the customer pays
    later. Record what comes in with :func:`record_incoming_payment`.

    Args:
        payment_id: The payment's id.
        order_id: The order it pays.
        amount: The amount invoiced.
        at: When (UTC).
        reference: The reference the customer pays against (the invoice
            number); the payment's id if not given.
        method: The payment method's code.

    Raises:
        ValidationError: for bad input.

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    >>> payment = open_invoice_payment(
    ...     payment_id="pay-1", order_id="order-1", amount=money("100.00", "EUR"), at=at
    ... )
    >>> outcome = record_incoming_payment(
    ...     payment, money("120.00", "EUR"), at=at, reference="bank-1"
    ... )
    >>> outcome.status, outcome.applied, outcome.excess
    (<TransferStatus.PAID: 'paid'>, Money('100.00', 'EUR'), Money('20.00', 'EUR'))
    >>> payment.status
    <PaymentStatus.CAPTURED: 'captured'>
    """
    return _open_authorized(
        method,
        payment_id=payment_id,
        order_id=order_id,
        amount=amount,
        at=at,
        reference=reference,
    )


def open_cash_on_delivery_payment(
    *,
    payment_id: str,
    order_id: str,
    amount: Money,
    at: datetime,
    reference: str | None = None,
    method: str = "cash_on_delivery",
) -> Payment:
    """A cash-on-delivery payment (Nachnahme), authorized at once for ``amount``.

    The carrier collects ``amount`` at the door; record its report with
    :func:`record_cash_collected`. A parcel refused at the door leaves the
    payment to be voided (:meth:`Payment.void`). ``amount`` includes any
    cash-on-delivery fee. The arguments are those of
    :func:`open_invoice_payment`; ``reference`` is the carrier's COD reference.
    """
    return _open_authorized(
        method,
        payment_id=payment_id,
        order_id=order_id,
        amount=amount,
        at=at,
        reference=reference,
    )


def _take(
    payment: Payment, amount: object, at: object, reference: object, event: str
) -> TransferOutcome:
    came_in, when = _came_in(payment, amount), _at(at)
    receipt = identifier(reference, field="reference")
    nothing = zero(payment.currency)
    if payment.status in _NOTHING_DUE:
        return _outcome(TransferStatus.NOTHING_DUE, came_in, nothing, nothing)
    if payment.status not in _CAPTURABLE:
        raise _refuse(payment, event)
    applied = min(came_in, payment.capturable)
    payment.capture(applied, at=when, reference=receipt)
    left = payment.capturable
    status = TransferStatus.PARTIAL if left.amount else TransferStatus.PAID
    return _outcome(status, came_in, applied, left)


def record_incoming_payment(
    payment: Payment, amount: Money, *, at: datetime, reference: str
) -> TransferOutcome:
    """Money came in for an authorized payment (an invoice): capture it.

    A part is captured as a part (the payment is ``partially_captured`` until
    the rest comes). More than is owed captures what is owed and reports the
    rest as ``excess``; a payment that owes nothing more (captured in full,
    refunded, voided, expired) captures nothing and reports all of it as
    excess. Never more than the authorization is captured.

    Args:
        payment: The payment, authorized or partially captured.
        amount: What came in, in the payment's currency.
        at: When it came in.
        reference: The receipt's reference (the bank statement line),
            recorded on the capture. Record each receipt once.

    Raises:
        ValidationError: for an amount of 0 or less, or bad input.
        CurrencyMismatchError: for an amount in another currency.
        InvalidTransitionError: for a payment never authorized (pending,
            requires action, failed).
    """
    return _take(payment, amount, at, reference, "record_incoming_payment")


def record_cash_collected(
    payment: Payment, amount: Money, *, at: datetime, reference: str
) -> TransferOutcome:
    """The carrier reports it collected ``amount`` for a cash-on-delivery payment.

    The same rules as :func:`record_incoming_payment`: it captures what was
    collected, up to what is owed, and reports any excess.
    """
    return _take(payment, amount, at, reference, "record_cash_collected")


# -- prepayment ---------------------------------------------------------------------


def _sepa_reference(value: object, field: str = "reference") -> str:
    text = identifier(value, field=field)
    if (
        len(text) > _SEPA_REFERENCE_LENGTH
        or not set(text) <= _SEPA_CHARACTERS
        or not _WORD.search(text)
    ):
        msg = (
            f"{field} {text!r} cannot be a SEPA remittance reference: use 1 to 35 "
            "of the letters A-Z, digits and / - ? : ( ) . , ' + and space, with at "
            "least one letter or digit"
        )
        raise ValidationError(msg, field=field)
    return text


def prepayment_reference(order_id: str) -> str:
    """The transfer reference derived from an order id.

    The order id itself if it can be a SEPA remittance reference (at most
    35 of the SEPA characters), else its letters and digits alone: matching
    ignores everything else (:func:`reference_matches`), so both match the
    same transfers. A 36-character UUID becomes its 32 hex digits.

    Raises:
        ValidationError: for an id with characters outside ASCII, or more
            than 35 letters and digits: pass a reference of your own.

    >>> prepayment_reference("2026-000123")
    '2026-000123'
    >>> prepayment_reference("0c9a4a8e-1c55-4d0b-9f0e-52c5e1d1a6b3")
    '0c9a4a8e1c554d0b9f0e52c5e1d1a6b3'
    """
    text = identifier(order_id, field="order_id")
    if (
        set(text) <= _SEPA_CHARACTERS
        and len(text) <= _SEPA_REFERENCE_LENGTH
        and _WORD.search(text)
    ):
        return text
    compact = "".join(_WORD.findall(text))
    if text.isascii() and 0 < len(compact) <= _SEPA_REFERENCE_LENGTH:
        return compact
    msg = (
        f"order id {text!r} cannot be turned into a transfer reference (at most 35 "
        "ASCII letters and digits): pass a reference"
    )
    raise ValidationError(msg, field="order_id")


def _words(text: str) -> list[str]:
    return [word.upper() for word in _WORD.findall(text)]


def reference_matches(expected: str, remittance: str) -> bool:
    """Whether a transfer's remittance text quotes the ``expected`` reference.

    Customers and banks change case, add or drop spaces and dashes, and write
    words around the reference. Both texts are read as words of ASCII letters
    and digits, case ignored; the remittance matches when some run of its
    consecutive words, put together, spells the reference's letters and
    digits: ``"Order 2026-000123, thanks"`` matches ``"2026-000123"``,
    ``"2026000123"`` does too, ``"2026-0001234"`` does not.

    >>> reference_matches("2026-000123", "Bestellung 2026 000123 Meier")
    True
    >>> reference_matches("2026-000123", "2026-0001234")
    False
    """
    target = "".join(_words(expected))
    words = _words(remittance)
    for start in range(len(words)):
        joined = ""
        for word in words[start:]:
            joined += word
            if joined == target:
                return True
            if len(joined) >= len(target):
                break
    return False


def _text(amount: Money) -> str:
    """The amount as a decimal, in minor units where that is exact ("0.00")."""
    rounded = quantize(amount)
    return str((rounded if rounded == amount else amount).amount)


def _transfer_action(
    reference: str, due: Money, received: Money, extra: Mapping[str, str]
) -> RequiredAction:
    data = {
        **extra,
        "reference": reference,
        "amount_due": _text(due),
        "received": _text(received),
        "outstanding": _text(due - received),
        "currency": due.currency.code,
    }
    return RequiredAction(kind=BANK_TRANSFER_ACTION, data=data)


def _waiting(payment: Payment) -> RequiredAction | None:
    action = payment.action
    if (
        payment.status is PaymentStatus.REQUIRES_ACTION
        and action is not None
        and action.kind == BANK_TRANSFER_ACTION
    ):
        return action
    return None


def open_prepayment(
    *,
    payment_id: str,
    order_id: str,
    amount: Money,
    at: datetime,
    reference: str | None = None,
    bank_details: Mapping[str, str] | None = None,
    method: str = "prepayment",
) -> Payment:
    """A prepayment (Vorkasse): the payment waits for the customer's transfer.

    It stays unauthorized (status ``requires_action``, the customer must
    transfer the money), with a :class:`RequiredAction` of kind
    :data:`BANK_TRANSFER_ACTION` the storefront shows: what to transfer and
    the reference to quote. Record transfers with :func:`record_bank_transfer`;
    give up with :func:`cancel_prepayment`.

    Args:
        payment_id: The payment's id.
        order_id: The order it pays.
        amount: The amount to transfer.
        at: When (UTC).
        reference: The reference the customer must quote: at most 35 SEPA
            characters; :func:`prepayment_reference` of the order id if not
            given. It is the payment's ``provider_reference``.
        bank_details: Text to show beside it (``"iban"``, ``"bic"``,
            ``"account_holder"``); the keys of :data:`BANK_TRANSFER_ACTION`'s
            data are taken.
        method: The payment method's code.

    Raises:
        ValidationError: for bad input or a reference that cannot be a SEPA
            remittance reference.
    """
    quoted = (
        prepayment_reference(order_id)
        if reference is None
        else _sepa_reference(reference)
    )
    extra = dict(bank_details or {})
    if _KEYS & extra.keys():
        msg = f"bank_details may not set {sorted(_KEYS & extra.keys())}"
        raise ValidationError(msg, field="bank_details")
    payment = Payment(
        payment_id=payment_id,
        order_id=order_id,
        method=method,
        amount=amount,
        created_at=at,
        provider_reference=quoted,
    )
    nothing = zero(payment.currency)
    payment.require_action(
        _transfer_action(quoted, payment.amount, nothing, extra),
        at=at,
        reference=quoted,
    )
    return payment


def record_bank_transfer(
    payment: Payment, amount: Money, reference: str, *, at: datetime
) -> TransferOutcome:
    """A bank transfer came in for a prepayment: apply it if it quotes the reference.

    * A remittance text that does not quote the payment's reference
      (:func:`reference_matches`) applies nothing: ``wrong_reference``.
    * Transfers that quote it add up; while they fall short the payment waits
      (``partial``; the action's ``received`` and ``outstanding`` move).
    * The transfer that completes the amount authorizes and captures it in
      full (``paid``); what came in above it is the ``excess`` to give back.
    * A transfer to a prepayment that owes nothing more (paid, canceled) is
      all excess (``nothing_due``).

    So the transfers quoting the reference never capture more than the amount
    due, and captured plus held plus excess equals what came in.

    Args:
        payment: A payment opened with :func:`open_prepayment`.
        amount: What came in, in the payment's currency.
        reference: The transfer's remittance text, as the bank reports it.
        at: When it came in.

    Raises:
        ValidationError: for an amount of 0 or less, or bad input.
        CurrencyMismatchError: for an amount in another currency.
        InvalidTransitionError: for a payment that is no prepayment.

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    >>> payment = open_prepayment(
    ...     payment_id="pay-1", order_id="2026-000123",
    ...     amount=money("100.00", "EUR"), at=at,
    ... )
    >>> first = record_bank_transfer(
    ...     payment, money("60.00", "EUR"), "2026-000123", at=at
    ... )
    >>> first.status, first.outstanding
    (<TransferStatus.PARTIAL: 'partial'>, Money('40.00', 'EUR'))
    >>> outcome = record_bank_transfer(
    ...     payment, money("50.00", "EUR"), "Order 2026000123", at=at
    ... )
    >>> outcome.status, outcome.applied, outcome.excess
    (<TransferStatus.PAID: 'paid'>, Money('40.00', 'EUR'), Money('10.00', 'EUR'))
    >>> payment.status, payment.captured
    (<PaymentStatus.CAPTURED: 'captured'>, Money('100.00', 'EUR'))
    """
    came_in, when = _came_in(payment, amount), _at(at)
    given: object = reference
    if not isinstance(given, str):
        msg = f"reference must be the transfer's remittance text, not {given!r}"
        raise ValidationError(msg, field="reference")
    action, nothing = _waiting(payment), zero(payment.currency)
    if action is not None:
        expected = action.data["reference"]
    elif payment.status in _PREPAYMENT_CLOSED and payment.provider_reference:
        expected = payment.provider_reference
    else:
        raise _refuse(payment, "record_bank_transfer")
    if not reference_matches(expected, reference):
        left = payment.amount - _received(payment) if action else nothing
        return _outcome(TransferStatus.WRONG_REFERENCE, came_in, nothing, left)
    if action is None:
        return _outcome(TransferStatus.NOTHING_DUE, came_in, nothing, nothing)
    due, received = payment.amount, _received(payment) + came_in
    if received < due:
        extra = {k: v for k, v in action.data.items() if k not in _KEYS}
        payment.require_action(
            _transfer_action(expected, due, received, extra),
            at=when,
            reference=expected,
        )
        return _outcome(TransferStatus.PARTIAL, came_in, came_in, due - received)
    payment.authorize(due, at=when, reference=expected)
    payment.capture(due, at=when, reference=expected)
    applied = came_in - (received - due)
    return _outcome(TransferStatus.PAID, came_in, applied, nothing)


def _received(payment: Payment) -> Money:
    action = _waiting(payment)
    if action is None:
        return zero(payment.currency)
    return Money(action.data["received"], payment.currency)


def cancel_prepayment(
    payment: Payment,
    *,
    at: datetime,
    decline_code: str = "prepayment_not_received",
    message: str = "The transfer did not arrive in time.",
) -> Money:
    """Give up waiting for a prepayment: it fails, and what came in goes back.

    Returns:
        What had come in toward it (0 if nothing): give it back to the
        customer. Transfers that come in later are all excess
        (:func:`record_bank_transfer` says ``nothing_due``).

    Raises:
        InvalidTransitionError: unless the payment waits for a transfer.
    """
    if _waiting(payment) is None:
        raise _refuse(payment, "cancel_prepayment")
    received = _received(payment)
    payment.fail(at=at, decline_code=decline_code, message=message)
    return received
