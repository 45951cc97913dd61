"""The payments context's domain events: past tense, ids and amounts only."""

from __future__ import annotations

from datetime import datetime

import attrs

from commercekit.money import Money
from commercekit.ports import DomainEvent

__all__ = [
    "ChargebackLost",
    "ChargebackOpened",
    "ChargebackWon",
    "PaymentActionRequired",
    "PaymentAuthorized",
    "PaymentCaptured",
    "PaymentExpired",
    "PaymentFailed",
    "PaymentRefunded",
    "PaymentVoided",
]


@attrs.frozen(kw_only=True)
class PaymentActionRequired(DomainEvent):
    """The customer must act (3-D Secure, a redirect) before the payment goes on."""

    payment_id: str
    order_id: str


@attrs.frozen(kw_only=True)
class PaymentAuthorized(DomainEvent):
    """The provider holds ``amount`` for the payment."""

    payment_id: str
    order_id: str
    amount: Money


@attrs.frozen(kw_only=True)
class PaymentCaptured(DomainEvent):
    """``amount`` was taken; ``captured`` is the total taken so far."""

    payment_id: str
    order_id: str
    amount: Money
    captured: Money


@attrs.frozen(kw_only=True)
class PaymentRefunded(DomainEvent):
    """``amount`` went back to the customer; ``refunded`` is the total so far."""

    payment_id: str
    order_id: str
    amount: Money
    refunded: Money


@attrs.frozen(kw_only=True)
class PaymentVoided(DomainEvent):
    """The authorization was given up before anything was captured."""

    payment_id: str
    order_id: str


@attrs.frozen(kw_only=True)
class PaymentFailed(DomainEvent):
    """The payment was declined or failed; ``decline_code`` says why."""

    payment_id: str
    order_id: str
    decline_code: str


@attrs.frozen(kw_only=True)
class PaymentExpired(DomainEvent):
    """The authorization lapsed before anything was captured."""

    payment_id: str
    order_id: str
    expired_at: datetime


@attrs.frozen(kw_only=True)
class ChargebackOpened(DomainEvent):
    """The customer's bank disputes ``amount`` of a captured payment."""

    payment_id: str
    order_id: str
    amount: Money
    dispute_id: str


@attrs.frozen(kw_only=True)
class ChargebackWon(DomainEvent):
    """A dispute ended in the merchant's favour: the money stays."""

    payment_id: str
    order_id: str
    dispute_id: str


@attrs.frozen(kw_only=True)
class ChargebackLost(DomainEvent):
    """A dispute was lost: ``amount`` went back to the customer's bank."""

    payment_id: str
    order_id: str
    amount: Money
    dispute_id: str
