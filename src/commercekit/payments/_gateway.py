"""The port to a payment provider: requests with idempotency keys, and results."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

import attrs

from commercekit.errors import ValidationError
from commercekit.money import Money, as_money
from commercekit.payments._card import check_no_card_data, looks_like_card_number
from commercekit.payments._errors import CardDataError
from commercekit.payments._model import RequiredAction
from commercekit.values import FrozenMap, as_utc, identifier

__all__ = [
    "AuthorizeRequest",
    "CaptureRequest",
    "GatewayOutcome",
    "GatewayResult",
    "PaymentGateway",
    "RefundRequest",
    "VoidRequest",
]


class GatewayOutcome(enum.StrEnum):
    """What the provider answered."""

    APPROVED = "approved"
    """Done: authorized, captured, voided or refunded."""
    DECLINED = "declined"
    """Refused; ``decline_code`` and ``decline_message`` say why."""
    REQUIRES_ACTION = "requires_action"
    """The customer must act first (3-D Secure, a redirect): see ``action``."""
    PENDING = "pending"
    """Accepted, the answer comes later (a notification)."""


def _key(value: object) -> str:
    return identifier(value, field="idempotency_key")


def _payment(value: object) -> str:
    return identifier(value, field="payment_id")


def _reference(value: object) -> str:
    return identifier(value, field="reference")


def _token(value: object) -> str:
    token = identifier(value, field="token")
    check_no_card_data({"token": token}, field="request")
    return token


def _positive(value: object) -> Money:
    amount = as_money(value, field="amount")
    if amount.amount <= 0:
        msg = f"amount must be more than 0, not {amount}"
        raise ValidationError(msg, field="amount")
    return amount


def _metadata(value: object) -> FrozenMap[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        msg = f"metadata must map text to text, not {value!r}"
        raise ValidationError(msg, field="metadata")
    check_no_card_data(value)
    return FrozenMap(value)


def _optional_text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"{field} must be non-empty text or None, not {value!r}"
        raise ValidationError(msg, field=field)
    if looks_like_card_number(value):
        raise CardDataError(field=field)
    return value


def _return_url(value: object) -> str | None:
    return _optional_text(value, "return_url")


def _reason(value: object) -> str | None:
    return _optional_text(value, "reason")


@attrs.frozen(kw_only=True)
class AuthorizeRequest:
    """Ask the provider to hold (or, with ``capture``, take) an amount.

    Args:
        payment_id: commercekit's payment.
        amount: How much.
        token: The provider's token for the customer's means of payment
            (never card data: a value that looks like a card number is
            refused with :class:`~commercekit.payments.CardDataError`).
        idempotency_key: One key per request: sending it again returns the
            first result and moves no money twice.
        capture: Take the amount at once instead of holding it.
        return_url: Where the provider sends the customer back after a
            redirect or a 3-D Secure challenge.
        metadata: Text the provider keeps beside the payment (an order
            number); checked for card numbers like the token.
    """

    payment_id: str = attrs.field(converter=_payment)
    amount: Money = attrs.field(converter=_positive)
    token: str = attrs.field(converter=_token)
    idempotency_key: str = attrs.field(converter=_key)
    capture: bool = False
    return_url: str | None = attrs.field(default=None, converter=_return_url)
    metadata: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_metadata)


@attrs.frozen(kw_only=True)
class CaptureRequest:
    """Take ``amount`` of an authorization (all of it, or part).

    Args:
        payment_id: commercekit's payment.
        reference: The provider's reference of the authorization.
        amount: How much to take.
        idempotency_key: One key per request.
    """

    payment_id: str = attrs.field(converter=_payment)
    reference: str = attrs.field(converter=_reference)
    amount: Money = attrs.field(converter=_positive)
    idempotency_key: str = attrs.field(converter=_key)


@attrs.frozen(kw_only=True)
class VoidRequest:
    """Give up an authorization before anything was captured.

    Args:
        payment_id: commercekit's payment.
        reference: The provider's reference of the authorization.
        idempotency_key: One key per request.
    """

    payment_id: str = attrs.field(converter=_payment)
    reference: str = attrs.field(converter=_reference)
    idempotency_key: str = attrs.field(converter=_key)


@attrs.frozen(kw_only=True)
class RefundRequest:
    """Give ``amount`` of what was captured back to the customer.

    Args:
        payment_id: commercekit's payment.
        reference: The provider's reference of the payment.
        amount: How much to give back.
        idempotency_key: One key per request.
        reason: Why, for the provider's records.
    """

    payment_id: str = attrs.field(converter=_payment)
    reference: str = attrs.field(converter=_reference)
    amount: Money = attrs.field(converter=_positive)
    idempotency_key: str = attrs.field(converter=_key)
    reason: str | None = attrs.field(default=None, converter=_reason)


def _optional_at(value: object) -> datetime | None:
    return None if value is None else as_utc(value, field="expires_at")  # type: ignore[arg-type]


def _optional_money(value: object) -> Money | None:
    return None if value is None else as_money(value, field="amount")


@attrs.frozen(kw_only=True)
class GatewayResult:
    """The provider's answer to one request.

    Args:
        outcome: Approved, declined, requires action or pending.
        reference: The provider's reference of the payment or operation.
        amount: The amount the operation moved, when approved.
        decline_code: The provider's code, when declined.
        decline_message: Words for the customer, when declined.
        action: What the customer must do, when action is required.
        expires_at: When an authorization lapses, if the provider says.
        status_hint: For :meth:`PaymentGateway.status`: the provider's
            view of the payment, as a :class:`~commercekit.payments.PaymentStatus`
            value.

    Raises:
        ValidationError: for a declined result without a code, or a
            requires-action result without an action.
    """

    outcome: GatewayOutcome = attrs.field(converter=GatewayOutcome)
    reference: str = attrs.field(converter=_reference)
    amount: Money | None = attrs.field(default=None, converter=_optional_money)
    decline_code: str | None = attrs.field(default=None)
    decline_message: str | None = attrs.field(default=None)
    action: RequiredAction | None = attrs.field(default=None)
    expires_at: datetime | None = attrs.field(default=None, converter=_optional_at)
    status_hint: str | None = attrs.field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.outcome is GatewayOutcome.DECLINED and not self.decline_code:
            msg = "a declined result needs a decline_code"
            raise ValidationError(msg, field="decline_code")
        if self.outcome is GatewayOutcome.REQUIRES_ACTION and self.action is None:
            msg = "a requires-action result needs the action"
            raise ValidationError(msg, field="action")


class PaymentGateway(Protocol):
    """A payment provider, as commercekit needs it.

    Contract (checked by the fake, :class:`~commercekit.testing.FakePaymentGateway`):

    * every request carries an idempotency key: the same key with the same
      request returns the first result and moves no money twice, however
      often it is sent (after a timeout, from another process);
    * a decline is a result (:attr:`GatewayOutcome.DECLINED` with a code and
      words for the customer), not an exception;
    * a provider that cannot be reached, or does not answer in time, raises
      :class:`~commercekit.payments.GatewayUnavailableError` with
      ``retryable=True``: the same request with the same key may be sent
      again; any other failure raises
      :class:`~commercekit.payments.PaymentError`;
    * requests carry tokens, never card data.
    """

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        """Hold (or take) an amount."""
        ...

    def capture(self, request: CaptureRequest) -> GatewayResult:
        """Take all or part of an authorization."""
        ...

    def void(self, request: VoidRequest) -> GatewayResult:
        """Give up an authorization."""
        ...

    def refund(self, request: RefundRequest) -> GatewayResult:
        """Give all or part of a captured amount back."""
        ...

    def status(self, reference: str) -> GatewayResult:
        """The provider's view of a payment now (``status_hint``)."""
        ...

    def find(self, payment_id: str) -> GatewayResult | None:
        """The provider's view of the payment authorized for ``payment_id``.

        Every :class:`AuthorizeRequest` carries the payment's id (the
        merchant reference providers keep beside their own). A checkout
        that crashed, or lost the reply, before it learnt the provider's
        reference asks this: ``None`` means no authorization for the
        payment reached the provider, and none will.
        """
        ...
