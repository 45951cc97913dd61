"""The payments context's errors."""

from __future__ import annotations

from typing import ClassVar

import attrs

from commercekit.errors import (
    BusinessRuleError,
    CommerceError,
    DuplicateError,
    ExternalServiceError,
    ValidationError,
)

__all__ = [
    "CardDataError",
    "GatewayUnavailableError",
    "IdempotencyKeyReusedError",
    "PaymentAmountError",
    "PaymentDeclinedError",
    "PaymentError",
]


@attrs.define(slots=False)
class PaymentError(CommerceError):
    """A payment could not be made as asked; the base of the payment errors.

    Raised as it is for a provider's answer that fits no other case (an
    unknown reference, an error the provider reports without a decline).

    Args:
        message: What went wrong.
        payment_id: The payment, if known.
    """

    code: ClassVar[str] = "payment_error"

    payment_id: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"payment {self.payment_id} failed" if self.payment_id else "payment failed"
        )


@attrs.define(slots=False)
class PaymentDeclinedError(PaymentError):
    """The provider declined the payment; the customer may try another way.

    Args:
        decline_code: The provider's code, such as ``"insufficient_funds"``.
        customer_message: Words the customer can read, to show as they are.
        order_id: The order the payment was for, if any.
    """

    code: ClassVar[str] = "payment_declined"

    decline_code: str = attrs.field(default="declined", kw_only=True)
    customer_message: str = attrs.field(
        default="The payment was declined. Please choose another payment method.",
        kw_only=True,
    )
    order_id: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"payment {self.payment_id} was declined ({self.decline_code}): "
            f"{self.customer_message}"
        )


@attrs.define(slots=False)
class GatewayUnavailableError(PaymentError, ExternalServiceError):
    """The payment provider did not answer, or answered that it is down.

    ``retryable`` says whether the same call, with the same idempotency key,
    may be sent again: after a timeout the provider may have done the work,
    and the key makes sure it is done once.

    Args:
        service: The provider, such as ``"fake gateway"``.
        retryable: Whether the call may be retried with the same key.
    """

    code: ClassVar[str] = "gateway_unavailable"

    def _default_message(self) -> str:
        name = self.service or "the payment gateway"
        again = (
            "retry with the same idempotency key" if self.retryable else "do not retry"
        )
        return f"{name} is unavailable: {again}"


@attrs.define(slots=False)
class PaymentAmountError(PaymentError, BusinessRuleError):
    """An amount breaks a rule of the payment: the payment is left as it was.

    ``rule`` is one of ``"capture_exceeds_authorized"``,
    ``"refund_exceeds_captured"``, ``"dispute_exceeds_captured"`` or
    ``"amount_exceeds_payment"``.

    Args:
        requested: The amount asked for.
        allowed: The most that was possible.
    """

    code: ClassVar[str] = "payment_amount"

    requested: str = attrs.field(default="", kw_only=True)
    allowed: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"payment {self.payment_id}: {self.requested} is more than the "
            f"{self.allowed} allowed ({self.rule})"
        )


@attrs.define(slots=False)
class IdempotencyKeyReusedError(DuplicateError):
    """An idempotency key came again with a different request: never retried.

    A key stands for one request; repeating it with the same request returns
    the first result, with another request (another amount, operation or
    payment) it is refused.

    Args:
        key: The idempotency key.
        first: What the key was first used for.
        now: What it came with now.
    """

    code: ClassVar[str] = "idempotency_key_reused"

    kind: str = attrs.field(default="idempotency key", kw_only=True)
    first: str = attrs.field(default="", kw_only=True)
    now: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"idempotency key {self.key!r} was used for {self.first}, not {self.now}: "
            "use a new key for a new request"
        )


@attrs.define(slots=False)
class CardDataError(ValidationError):
    """A value looks like a card number: card data never enters commercekit.

    Requests take the provider's tokens only. The error names where the
    number was found, never the number.
    """

    code: ClassVar[str] = "card_data"

    def _default_message(self) -> str:
        return (
            f"{self.field} looks like a card number: pass the payment provider's "
            "token, never card data"
        )
