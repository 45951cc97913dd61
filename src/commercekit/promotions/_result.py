"""The facts a promotion run reads, and what it says back: context and result."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from commercekit.errors import ValidationError
from commercekit.money import (
    Money,
    get_currency,
    quantize,
)
from commercekit.pricing import LineItem
from commercekit.promotions._coupons import normalize_code
from commercekit.promotions._model import (
    ItemFacts,
    PromotionId,
)
from commercekit.values import CustomerFacts, Sku, as_utc, positive_int

__all__ = [
    "AppliedPromotion",
    "NotApplied",
    "PromotionContext",
    "PromotionResult",
    "Reason",
    "Threshold",
]

_NO_FACTS = ItemFacts()


def _normalize_code(code: object) -> str:
    """A coupon code as stored and compared, or a ValidationError."""
    if not isinstance(code, str):
        msg = f"a coupon code is text, not {code!r}"
        raise ValidationError(msg, field="coupon_codes")
    return normalize_code(code)


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"coupon_codes must be a list of codes, not {value!r}"
        raise ValidationError(msg, field="coupon_codes")
    return tuple(dict.fromkeys(_normalize_code(code) for code in value))


def _currency(value: object) -> str:
    return get_currency(value).code  # type: ignore[arg-type]


def _at(value: object) -> datetime:
    return as_utc(value, field="at")  # type: ignore[arg-type]


def _max_coupons(value: object) -> int:
    return positive_int(value, field="max_coupons")


def _spent(value: object) -> Mapping[str, Money]:
    if not isinstance(value, Mapping):
        msg = f"spent must map promotion ids to amounts, not {value!r}"
        raise ValidationError(msg, field="spent")
    for key, amount in value.items():
        if (
            not isinstance(key, str)
            or not isinstance(amount, Money)
            or amount.amount < 0
            or quantize(amount) != amount
        ):
            msg = (
                "spent must map promotion ids to amounts of zero or more in "
                f"whole minor units, not {key!r}: {amount!r}"
            )
            raise ValidationError(msg, field="spent")
    return dict(value)


def _optional_text(
    _: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        msg = f"{attribute.name} must be text or None, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _customer(value: object) -> CustomerFacts:
    if not isinstance(value, CustomerFacts):
        msg = f"customer must be CustomerFacts, not {value!r}"
        raise ValidationError(msg, field="customer")
    return value


def _shipping_price(value: object) -> Money | None:
    if value is not None and not isinstance(value, Money):
        msg = f"shipping_price must be Money or None, not {value!r}"
        raise ValidationError(msg, field="shipping_price")
    return value


@attrs.frozen(kw_only=True)
class PromotionContext:
    """The facts of a sale that decide which promotions apply.

    Args:
        currency: The cart's currency code.
        at: The instant of the sale.
        channel: The sales channel, if promotions differ by it.
        customer: The customer's facts (group, count of earlier orders).
        coupon_codes: The codes the customer entered.
        shipping_method: The chosen shipping method, for free shipping.
        shipping_price: The shipping price, to weigh free shipping against
            other discounts when exclusive promotions compete.
        max_coupons: How many coupons one order may use.
        spent: What each promotion with a budget has given so far.
    """

    currency: str = attrs.field(converter=_currency)
    at: datetime = attrs.field(converter=_at)
    channel: str | None = attrs.field(default=None, validator=_optional_text)
    customer: CustomerFacts = attrs.field(factory=CustomerFacts, converter=_customer)
    coupon_codes: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    shipping_method: str | None = attrs.field(default=None, validator=_optional_text)
    shipping_price: Money | None = attrs.field(default=None, converter=_shipping_price)
    max_coupons: int = attrs.field(default=1, converter=_max_coupons)
    spent: Mapping[str, Money] = attrs.field(factory=dict, converter=_spent)


class Reason(enum.StrEnum):
    """Why a promotion did not apply."""

    NOT_STARTED = "not_started"
    ENDED = "ended"
    CHANNEL = "channel"
    CUSTOMER_GROUP = "customer_group"
    NOT_FIRST_ORDER = "not_first_order"
    COUPON_MISSING = "coupon_missing"
    COUPON_LIMIT = "coupon_limit"
    BUDGET_USED_UP = "budget_used_up"
    MIN_SUBTOTAL = "min_subtotal"
    MIN_QUANTITY = "min_quantity"
    NOT_COMBINABLE = "not_combinable"
    STOPPED = "stopped"
    BETTER_DEAL = "better_deal"
    NOTHING_TO_DISCOUNT = "nothing_to_discount"
    CURRENCY = "currency"
    SHIPPING_METHOD = "shipping_method"


@attrs.frozen(kw_only=True)
class AppliedPromotion:
    """A promotion that applied, and what it gave.

    Args:
        promotion_id: The promotion.
        name: Its name.
        amount: The discount it gave on the goods.
        coupon_code: The coupon that unlocked it, if one did.
        free_shipping: Whether it made shipping free.
        gifts: The SKUs of the gift lines it added.
    """

    promotion_id: PromotionId
    name: str
    amount: Money
    coupon_code: str | None = None
    free_shipping: bool = False
    gifts: tuple[Sku, ...] = ()


@attrs.frozen(kw_only=True)
class NotApplied:
    """A promotion that did not apply, and why.

    Args:
        promotion_id: The promotion.
        name: Its name.
        reason: Why, for machines.
        message: Why, for people.
        missing: For a minimum subtotal: how much more the cart needs.
    """

    promotion_id: PromotionId
    name: str
    reason: Reason
    message: str
    missing: Money | None = None


@attrs.frozen(kw_only=True)
class Threshold:
    """The nearest minimum a cart has not reached, for the storefront.

    Args:
        promotion_id: The promotion that waits for it.
        missing: How much more the cart needs.
        message: For example "add €12.50 for free shipping".
    """

    promotion_id: PromotionId
    missing: Money
    message: str


@attrs.frozen(kw_only=True)
class PromotionResult:
    """What the promotions give a cart.

    Args:
        lines: The cart's lines with their discounts, and any gift lines:
            pass them to :func:`~commercekit.pricing.price_lines`.
        applied: The promotions that applied, in the order they did.
        not_applied: The others, each with its reason.
        free_shipping: Whether shipping is free by the chosen method.
        discount_total: All discounts the promotions gave on the goods.
    """

    lines: tuple[LineItem, ...]
    applied: tuple[AppliedPromotion, ...]
    not_applied: tuple[NotApplied, ...]
    free_shipping: bool
    discount_total: Money

    def nearest_threshold(self) -> Threshold | None:
        """The unmet minimum subtotal that is closest, if any."""
        waiting = [
            Threshold(
                promotion_id=entry.promotion_id,
                missing=entry.missing,
                message=entry.message,
            )
            for entry in self.not_applied
            if entry.reason is Reason.MIN_SUBTOTAL and entry.missing is not None
        ]
        if not waiting:
            return None
        return min(waiting, key=lambda hint: (hint.missing.amount, hint.promotion_id))
