"""The payment aggregate, its ledger of transactions and its statuses."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, NewType

import attrs
from statemachine.exceptions import TransitionNotAllowed

from commercekit.errors import (
    CurrencyMismatchError,
    InvalidTransitionError,
    ValidationError,
)
from commercekit.money import Money, as_money, zero
from commercekit.payments._errors import PaymentAmountError
from commercekit.payments._events import (
    ChargebackLost,
    ChargebackOpened,
    ChargebackWon,
    PaymentActionRequired,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentRefunded,
    PaymentVoided,
)
from commercekit.ports import EventRecorder
from commercekit.values import FrozenMap, as_utc, identifier

if TYPE_CHECKING:
    from commercekit.payments._lifecycle import PaymentLifecycle

__all__ = [
    "Dispute",
    "DisputeStatus",
    "Payment",
    "PaymentId",
    "PaymentStatus",
    "PaymentTransaction",
    "RequiredAction",
    "TransactionKind",
    "payment_id",
]

PaymentId = NewType("PaymentId", str)
"""The identifier of a :class:`Payment`."""


def payment_id(value: str) -> PaymentId:
    """Check a payment's id and return it as a ``PaymentId``.

    Raises:
        ValidationError: for anything but non-empty printable text without
            surrounding space.

    >>> payment_id("pay-1")
    'pay-1'
    """
    return PaymentId(identifier(value, field="payment_id"))


class PaymentStatus(enum.StrEnum):
    """Where a payment stands; the states of :class:`PaymentLifecycle`."""

    PENDING = "pending"
    """Created; nothing asked of the provider yet, or no answer yet."""
    REQUIRES_ACTION = "requires_action"
    """The customer must act first (3-D Secure, a redirect)."""
    AUTHORIZED = "authorized"
    """The provider holds the amount; nothing captured yet."""
    PARTIALLY_CAPTURED = "partially_captured"
    """Part of the authorized amount was taken."""
    CAPTURED = "captured"
    """All of the authorized amount was taken."""
    PARTIALLY_REFUNDED = "partially_refunded"
    """Part of what was taken went back."""
    REFUNDED = "refunded"
    """All that was taken went back."""
    VOIDED = "voided"
    """The authorization was given up before any capture."""
    FAILED = "failed"
    """Declined, or failed for good."""
    EXPIRED = "expired"
    """The authorization lapsed before any capture."""


class TransactionKind(enum.StrEnum):
    """What one entry of a payment's ledger records."""

    ACTION_REQUIRED = "action_required"
    AUTHORIZATION = "authorization"
    CAPTURE = "capture"
    REFUND = "refund"
    VOID = "void"
    FAILURE = "failure"
    EXPIRY = "expiry"
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_WON = "dispute_won"
    DISPUTE_LOST = "dispute_lost"


class DisputeStatus(enum.StrEnum):
    """Where a dispute (a chargeback) stands."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


def _money(value: object) -> Money:
    return as_money(value, field="amount")


def _optional_money(value: object) -> Money | None:
    return None if value is None else _money(value)


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"expected non-empty text or None, not {value!r}"
        raise ValidationError(msg, field="text")
    return value


def _kind(value: object) -> str:
    return identifier(value, field="kind")


def _dispute_id(value: object) -> str:
    return identifier(value, field="dispute_id")


def _order_id(value: object) -> str:
    return identifier(value, field="order_id")


def _method(value: object) -> str:
    return identifier(value, field="method")


def _data(value: object) -> FrozenMap[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        msg = f"data must map text to text, not {value!r}"
        raise ValidationError(msg, field="data")
    return FrozenMap(value)


def _nothing(payment: Payment) -> Money:
    """Zero in the payment's currency: the default of its running amounts."""
    return zero(payment.amount.currency.code)


def _at(value: object) -> datetime:
    return as_utc(value, field="at")  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class PaymentTransaction:
    """One entry of a payment's ledger.

    Args:
        kind: What happened.
        at: When (UTC).
        amount: The amount it moved, if it moved one.
        reference: The provider's reference of the operation, if any.
        note: A decline code, a dispute id or another short fact.
    """

    kind: TransactionKind = attrs.field(converter=TransactionKind)
    at: datetime = attrs.field(converter=_at)
    amount: Money | None = attrs.field(default=None, converter=_optional_money)
    reference: str | None = attrs.field(default=None, converter=_optional_text)
    note: str | None = attrs.field(default=None, converter=_optional_text)


@attrs.frozen(kw_only=True)
class RequiredAction:
    """What the storefront must hand the customer before the payment goes on.

    Args:
        kind: ``"redirect"`` (send the customer to ``url``) or
            ``"three_d_secure"`` (run the challenge with ``data``).
        url: Where to send the customer, for a redirect.
        data: What the provider's client-side library needs.
    """

    kind: str = attrs.field(converter=_kind)
    url: str | None = attrs.field(default=None, converter=_optional_text)
    data: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_data)


@attrs.frozen(kw_only=True)
class Dispute:
    """A chargeback: the customer's bank disputes part of a payment.

    Args:
        dispute_id: The provider's id of the dispute.
        amount: The amount disputed.
        status: Open, won or lost.
        opened_at: When it was opened.
    """

    dispute_id: str = attrs.field(converter=_dispute_id)
    amount: Money = attrs.field(converter=_money)
    status: DisputeStatus = attrs.field(converter=DisputeStatus)
    opened_at: datetime = attrs.field(converter=_at)


def _status(value: object) -> PaymentStatus:
    try:
        return PaymentStatus(value)  # type: ignore[arg-type]
    except ValueError as exc:
        known = ", ".join(status.value for status in PaymentStatus)
        msg = f"{value!r} is not a payment status; the statuses are {known}"
        raise ValidationError(msg, field="status") from exc


def _positive(payment: Payment, value: object, field: str) -> Money:
    amount = as_money(value, field=field)
    if amount.currency.code != payment.currency:
        raise CurrencyMismatchError(expected=payment.currency, got=amount.currency.code)
    if amount.amount <= 0:
        msg = f"{field} must be more than 0, not {amount}"
        raise ValidationError(msg, field=field)
    return amount


@attrs.define(kw_only=True)
class Payment(EventRecorder):
    """A payment of an order: its amounts, its status and its ledger.

    The methods change it and keep its invariants: captured never exceeds
    authorized, refunded and charged back together never exceed captured,
    every amount is positive and in the payment's currency. A method that
    refuses raises and leaves the payment as it was. The status follows the
    :class:`PaymentLifecycle`; a move the lifecycle does not allow raises
    :class:`~commercekit.errors.InvalidTransitionError`, a move it allows
    but an amount rule refuses raises
    :class:`~commercekit.payments.PaymentAmountError` naming the rule.

    Args:
        payment_id: Its identifier.
        order_id: The order it pays (or the cart, before there is an order).
        method: The payment method's code, such as ``"card"`` or ``"invoice"``.
        amount: The amount to pay; its currency is the order's.
        created_at: When it was created (UTC).
        status: Where it stands; checked against the lifecycle's states.
        provider_reference: The provider's id of the payment, once known.
        authorized: What the provider holds or held (zero by default, in the
            payment's currency, like the three below).
        captured: What was taken in all.
        refunded: What went back in all.
        charged_back: What lost disputes took back.
        authorization_expires_at: When an authorization lapses, if it does.
        action: What the customer must do, while ``requires_action``.
        decline_code: The provider's code, once declined.
        decline_message: Words for the customer, once declined.
        disputes: The disputes, oldest first.
        transactions: The ledger, oldest first.
        version: The stored version, for optimistic concurrency.

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    >>> payment = Payment(
    ...     payment_id="pay-1", order_id="order-1", method="card",
    ...     amount=money("100.00", "EUR"), created_at=at,
    ... )
    >>> payment.authorize(money("100.00", "EUR"), at=at, reference="auth-1")
    >>> payment.capture(money("60.00", "EUR"), at=at, reference="cap-1")
    >>> payment.status, payment.capturable
    (<PaymentStatus.PARTIALLY_CAPTURED: 'partially_captured'>, Money('40.00', 'EUR'))
    """

    payment_id: PaymentId = attrs.field(converter=payment_id)
    order_id: str = attrs.field(converter=_order_id)
    method: str = attrs.field(converter=_method)
    amount: Money = attrs.field(converter=_money)
    created_at: datetime = attrs.field(converter=_at)
    status: PaymentStatus = attrs.field(
        default=PaymentStatus.PENDING, converter=_status
    )
    provider_reference: str | None = attrs.field(default=None, converter=_optional_text)
    authorized: Money = attrs.field(
        default=attrs.Factory(_nothing, takes_self=True), converter=_money
    )
    captured: Money = attrs.field(
        default=attrs.Factory(_nothing, takes_self=True), converter=_money
    )
    refunded: Money = attrs.field(
        default=attrs.Factory(_nothing, takes_self=True), converter=_money
    )
    charged_back: Money = attrs.field(
        default=attrs.Factory(_nothing, takes_self=True), converter=_money
    )
    authorization_expires_at: datetime | None = attrs.field(default=None)
    action: RequiredAction | None = attrs.field(default=None)
    decline_code: str | None = attrs.field(default=None, converter=_optional_text)
    decline_message: str | None = attrs.field(default=None, converter=_optional_text)
    disputes: tuple[Dispute, ...] = attrs.field(default=(), converter=tuple)
    transactions: tuple[PaymentTransaction, ...] = attrs.field(
        default=(), converter=tuple
    )
    version: int = attrs.field(default=0)

    def __attrs_post_init__(self) -> None:
        if self.amount.amount <= 0:
            msg = f"a payment's amount must be more than 0, not {self.amount}"
            raise ValidationError(msg, field="amount")
        for name in ("authorized", "captured", "refunded", "charged_back"):
            value = getattr(self, name)
            if value.currency.code != self.currency:
                raise CurrencyMismatchError(
                    expected=self.currency, got=value.currency.code
                )
        if self.authorization_expires_at is not None:
            self.authorization_expires_at = as_utc(
                self.authorization_expires_at, field="authorization_expires_at"
            )

    # -- amounts ---------------------------------------------------------------

    @property
    def currency(self) -> str:
        """The payment's currency code: the order's."""
        return self.amount.currency.code

    @property
    def capturable(self) -> Money:
        """What may still be captured: authorized minus captured, while it holds."""
        if not self.allows("capture"):
            return zero(self.currency)
        return self.authorized - self.captured

    @property
    def refundable(self) -> Money:
        """What may still be refunded.

        Captured minus refunded, minus lost chargebacks, minus what open
        disputes hold: money the bank may take back cannot be refunded too.
        """
        return self.balance - self.disputed

    @property
    def disputed(self) -> Money:
        """What the open disputes hold."""
        held = zero(self.currency)
        for dispute in self.disputes:
            if dispute.status is DisputeStatus.OPEN:
                held = held + dispute.amount
        return held

    @property
    def balance(self) -> Money:
        """The money the merchant holds from this payment now.

        Captured minus refunded minus lost chargebacks (an open dispute has
        moved no money yet).
        """
        return self.captured - self.refunded - self.charged_back

    def has_transaction(self, kind: TransactionKind, reference: str | None) -> bool:
        """Whether the ledger has a ``kind`` entry with this provider reference.

        How an operation told twice (by the synchronous reply and by a
        notification) is applied once.
        """
        return reference is not None and any(
            entry.kind is kind and entry.reference == reference
            for entry in self.transactions
        )

    # -- internals ---------------------------------------------------------------

    def _machine(self) -> PaymentLifecycle:
        from commercekit.payments._lifecycle import PaymentLifecycle  # noqa: PLC0415

        return PaymentLifecycle(model=self, state_field="status")

    def allows(self, event: str) -> bool:
        """Whether the lifecycle has a move for ``event`` from the status now.

        Read from :class:`~commercekit.payments.PaymentLifecycle` itself, so
        the rules that ask (what is capturable, which notifications fit)
        never keep a list of statuses of their own.

        >>> from datetime import UTC, datetime
        >>> from commercekit.money import money
        >>> payment = Payment(
        ...     payment_id="pay-1", order_id="o-1", method="card",
        ...     amount=money("10.00", "EUR"),
        ...     created_at=datetime(2026, 1, 1, tzinfo=UTC),
        ... )
        >>> payment.allows("authorize"), payment.allows("capture")
        (True, False)
        """
        return event in _events_from(self.status)

    def _allow(self, event: str) -> None:
        """Refuse ``event`` if the lifecycle has no move for it from here.

        Checked before the amounts, so that a capture of a voided payment
        says it is voided rather than that its amount is 0.
        """
        if not self.allows(event):
            raise InvalidTransitionError(
                aggregate="payment",
                key=self.payment_id,
                state=str(self.status),
                event=event,
            )

    def _send(self, event: str, **arguments: Any) -> None:
        """Move the status by ``event``; refused moves change nothing."""
        machine = self._machine()
        try:
            machine.send(event, **arguments)
        except TransitionNotAllowed as exc:
            raise InvalidTransitionError(
                aggregate="payment",
                key=self.payment_id,
                state=str(self.status),
                event=event,
            ) from exc

    def _entry(self, kind: TransactionKind, at: datetime, **fields: Any) -> None:
        self.transactions = (
            *self.transactions,
            PaymentTransaction(kind=kind, at=at, **fields),
        )

    def _check(self, rule: str, requested: Money, allowed: Money) -> None:
        if requested > allowed:
            raise PaymentAmountError(
                payment_id=self.payment_id,
                rule=rule,
                requested=str(requested),
                allowed=str(allowed),
            )

    # -- the lifecycle -----------------------------------------------------------

    def require_action(
        self, action: RequiredAction, *, at: datetime, reference: str | None = None
    ) -> None:
        """The customer must act first; keep what to hand them."""
        at = as_utc(at, field="at")
        given: object = action  # checked at run time too, for untyped callers
        if not isinstance(given, RequiredAction):
            msg = f"action must be a RequiredAction, not {given!r}"
            raise ValidationError(msg, field="action")
        self._send("require_action")
        self.action = action
        self.provider_reference = reference or self.provider_reference
        self._entry(TransactionKind.ACTION_REQUIRED, at, reference=reference)
        self.record(
            PaymentActionRequired(payment_id=self.payment_id, order_id=self.order_id)
        )

    def authorize(
        self,
        amount: Money,
        *,
        at: datetime,
        reference: str,
        expires_at: datetime | None = None,
    ) -> None:
        """The provider holds ``amount`` (at most the payment's amount).

        Raises:
            PaymentAmountError: for more than the payment's amount.
            InvalidTransitionError: unless pending or requires_action.
        """
        at, held = as_utc(at, field="at"), _positive(self, amount, "amount")
        expiry = None if expires_at is None else as_utc(expires_at, field="expires_at")
        self._check("amount_exceeds_payment", held, self.amount)
        self._send("authorize")
        self.authorized = held
        self.action = None
        self.authorization_expires_at = expiry
        self.provider_reference = reference or self.provider_reference
        self._entry(TransactionKind.AUTHORIZATION, at, amount=held, reference=reference)
        self.record(
            PaymentAuthorized(
                payment_id=self.payment_id, order_id=self.order_id, amount=held
            )
        )

    def capture(
        self, amount: Money, *, at: datetime, reference: str | None = None
    ) -> None:
        """Take ``amount`` of the authorization (all of what is left, or part).

        Raises:
            PaymentAmountError: for more than :attr:`capturable`
                (``capture_exceeds_authorized``).
            InvalidTransitionError: unless authorized or partially captured.
        """
        self._allow("capture")
        if not self.capturable.amount:  # a partially refunded payment, all taken
            raise InvalidTransitionError(
                aggregate="payment",
                key=self.payment_id,
                state=str(self.status),
                event="capture",
            )
        at, taken = as_utc(at, field="at"), _positive(self, amount, "amount")
        self._send("capture", amount=taken)
        self.captured = self.captured + taken
        self._entry(TransactionKind.CAPTURE, at, amount=taken, reference=reference)
        self.record(
            PaymentCaptured(
                payment_id=self.payment_id,
                order_id=self.order_id,
                amount=taken,
                captured=self.captured,
            )
        )

    def refund(
        self, amount: Money, *, at: datetime, reference: str | None = None
    ) -> None:
        """Give ``amount`` back (at most :attr:`refundable`).

        Raises:
            PaymentAmountError: for more than :attr:`refundable`
                (``refund_exceeds_captured``).
            InvalidTransitionError: unless something was captured.
        """
        self._allow("refund")
        at, back = as_utc(at, field="at"), _positive(self, amount, "amount")
        self._send("refund", amount=back)
        self.refunded = self.refunded + back
        self._entry(TransactionKind.REFUND, at, amount=back, reference=reference)
        self.record(
            PaymentRefunded(
                payment_id=self.payment_id,
                order_id=self.order_id,
                amount=back,
                refunded=self.refunded,
            )
        )

    def void(self, *, at: datetime, reference: str | None = None) -> None:
        """Give the authorization up; only before anything was captured.

        Raises:
            InvalidTransitionError: unless authorized.
        """
        at = as_utc(at, field="at")
        self._send("void")
        self._entry(TransactionKind.VOID, at, reference=reference)
        self.record(PaymentVoided(payment_id=self.payment_id, order_id=self.order_id))

    def fail(self, *, at: datetime, decline_code: str, message: str) -> None:
        """The provider declined the payment, or it failed for good.

        Raises:
            InvalidTransitionError: unless pending or requires_action.
        """
        at = as_utc(at, field="at")
        code = identifier(decline_code, field="decline_code")
        self._send("fail")
        self.decline_code, self.decline_message, self.action = code, message, None
        self._entry(TransactionKind.FAILURE, at, note=code)
        self.record(
            PaymentFailed(
                payment_id=self.payment_id, order_id=self.order_id, decline_code=code
            )
        )

    def expire(self, *, at: datetime) -> None:
        """The authorization lapsed before anything was captured.

        Raises:
            InvalidTransitionError: unless authorized.
        """
        at = as_utc(at, field="at")
        self._send("expire")
        self._entry(TransactionKind.EXPIRY, at)
        self.record(
            PaymentExpired(
                payment_id=self.payment_id, order_id=self.order_id, expired_at=at
            )
        )

    # -- disputes --------------------------------------------------------------------

    def _dispute(self, dispute_id: str) -> tuple[int, Dispute]:
        for index, dispute in enumerate(self.disputes):
            if dispute.dispute_id == dispute_id:
                return index, dispute
        msg = f"payment {self.payment_id} has no dispute {dispute_id!r}"
        raise ValidationError(msg, field="dispute_id")

    def open_dispute(self, dispute_id: str, amount: Money, *, at: datetime) -> None:
        """The customer's bank disputes ``amount``; the money is not gone yet.

        Opening a dispute that is open already changes nothing.

        Raises:
            PaymentAmountError: for more than :attr:`refundable`, which
                leaves out what open disputes hold already
                (``dispute_exceeds_captured``).
            InvalidTransitionError: if nothing was captured.
        """
        at, disputed = as_utc(at, field="at"), _positive(self, amount, "amount")
        code = identifier(dispute_id, field="dispute_id")
        if any(d.dispute_id == code for d in self.disputes):
            return
        if self.captured.amount == 0:
            raise InvalidTransitionError(
                aggregate="payment",
                key=self.payment_id,
                state=str(self.status),
                event="open_dispute",
            )
        self._check("dispute_exceeds_captured", disputed, self.refundable)
        self.disputes = (
            *self.disputes,
            Dispute(
                dispute_id=code,
                amount=disputed,
                status=DisputeStatus.OPEN,
                opened_at=at,
            ),
        )
        self._entry(TransactionKind.DISPUTE_OPENED, at, amount=disputed, note=code)
        self.record(
            ChargebackOpened(
                payment_id=self.payment_id,
                order_id=self.order_id,
                amount=disputed,
                dispute_id=code,
            )
        )

    def _close_dispute(
        self, dispute_id: str, status: DisputeStatus, at: datetime
    ) -> Dispute | None:
        at = as_utc(at, field="at")
        index, dispute = self._dispute(dispute_id)
        if dispute.status is status:
            return None  # told twice: nothing changes
        if dispute.status is not DisputeStatus.OPEN:
            raise InvalidTransitionError(
                aggregate="dispute",
                key=dispute.dispute_id,
                state=str(dispute.status),
                event="win" if status is DisputeStatus.WON else "lose",
            )
        closed = attrs.evolve(dispute, status=status)
        self.disputes = (*self.disputes[:index], closed, *self.disputes[index + 1 :])
        return closed

    def win_dispute(self, dispute_id: str, *, at: datetime) -> None:
        """A dispute ended in the merchant's favour; the money stays."""
        closed = self._close_dispute(dispute_id, DisputeStatus.WON, at)
        if closed is not None:
            self._entry(TransactionKind.DISPUTE_WON, as_utc(at), note=closed.dispute_id)
            self.record(
                ChargebackWon(
                    payment_id=self.payment_id,
                    order_id=self.order_id,
                    dispute_id=closed.dispute_id,
                )
            )

    def lose_dispute(self, dispute_id: str, *, at: datetime) -> None:
        """A dispute was lost: its amount leaves the balance (``charged_back``)."""
        closed = self._close_dispute(dispute_id, DisputeStatus.LOST, at)
        if closed is not None:
            self.charged_back = self.charged_back + closed.amount
            self._entry(
                TransactionKind.DISPUTE_LOST,
                as_utc(at),
                amount=closed.amount,
                note=closed.dispute_id,
            )
            self.record(
                ChargebackLost(
                    payment_id=self.payment_id,
                    order_id=self.order_id,
                    amount=closed.amount,
                    dispute_id=closed.dispute_id,
                )
            )


_ALLOWED: dict[PaymentStatus, frozenset[str]] = {}


def _events_from(status: PaymentStatus) -> frozenset[str]:
    """The events the lifecycle has a move for from ``status``, read once."""
    if not _ALLOWED:
        from commercekit.payments._lifecycle import PaymentLifecycle  # noqa: PLC0415

        for state in PaymentLifecycle.states:
            _ALLOWED[PaymentStatus(state.value)] = frozenset(
                str(event) for move in state.transitions for event in move.events
            )
    return _ALLOWED[status]
