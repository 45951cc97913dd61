"""Promotions as data: scopes, conditions, actions and their terms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NewType, cast

import attrs

from commercekit.errors import ValidationError
from commercekit.money import Money, as_money, format_money, quantize, to_decimal
from commercekit.promotions._coupons import normalize_code
from commercekit.values import Sku, as_utc, positive_int, sku

__all__ = [
    "AmountOff",
    "AmountOffPerUnit",
    "BundlePrice",
    "BuyXGetY",
    "FreeGift",
    "FreeShipping",
    "ItemFacts",
    "MinQuantity",
    "MinSubtotal",
    "PercentOff",
    "PercentOffCheapest",
    "Promotion",
    "PromotionId",
    "Scope",
    "SpendTier",
    "SpendTiers",
]

PromotionId = NewType("PromotionId", str)
"""The identifier of a :class:`Promotion`."""


def _money(value: object, field: str) -> Money:
    return as_money(value, field=field)


def _positive(value: object, field: str) -> Money:
    amount = _money(value, field)
    if amount.amount <= 0:
        msg = f"{field} must be more than zero, not {amount}"
        raise ValidationError(msg, field=field)
    if quantize(amount) != amount:
        msg = (
            f"{field} must be whole minor units of {amount.currency.code}, "
            f"not {amount.amount}"
        )
        raise ValidationError(msg, field=field)
    return amount


def _amount(value: object) -> Money:
    return _positive(value, "amount")


def _threshold(value: object) -> Money:
    return _positive(value, "threshold")


def _price(value: object) -> Money:
    return _positive(value, "price")


def _texts(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"expected a set of texts, not {value!r}"
        raise ValidationError(msg)
    items = frozenset(value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            msg = f"expected non-empty texts, not {item!r}"
            raise ValidationError(msg)
    return items


def _codes(value: object) -> frozenset[str]:
    return frozenset(normalize_code(code) for code in _texts(value))


def _skus(value: object) -> frozenset[Sku]:
    return frozenset(sku(code) for code in _texts(value))


_HUNDRED = Decimal(100)


def _percent(value: object) -> Decimal:
    percent = to_decimal(value, field="percent")
    if not Decimal(0) < percent <= _HUNDRED:
        msg = f"percent must be more than 0 and at most 100, not {percent}"
        raise ValidationError(msg, field="percent")
    return percent


def _quantity(value: object) -> int:
    return positive_int(value, field="quantity")


def _count(value: object) -> int:
    return positive_int(value, field="count")


@attrs.frozen(kw_only=True)
class ItemFacts:
    """What promotions may know of a SKU beyond the cart line.

    Args:
        product_id: The product the SKU belongs to.
        categories: Its categories.
    """

    product_id: str | None = None
    categories: frozenset[str] = attrs.field(factory=frozenset, converter=_texts)


@attrs.frozen(kw_only=True)
class Scope:
    """Which cart lines an action or condition looks at.

    A line is in scope when no inclusion is given or it matches one
    (its SKU, its product, or one of its categories), and it matches no
    exclusion. The default scope is the whole cart.

    Args:
        skus: SKUs included.
        products: Products included.
        categories: Categories included.
        exclude_skus: SKUs excluded.
        exclude_products: Products excluded.
        exclude_categories: Categories excluded.

    >>> Scope(categories={"shoes"}, exclude_skus={"SN-SALE"}).includes(
    ...     "SN-W-42", ItemFacts(categories={"shoes"})
    ... )
    True
    """

    skus: frozenset[Sku] = attrs.field(factory=frozenset, converter=_skus)
    products: frozenset[str] = attrs.field(factory=frozenset, converter=_texts)
    categories: frozenset[str] = attrs.field(factory=frozenset, converter=_texts)
    exclude_skus: frozenset[Sku] = attrs.field(factory=frozenset, converter=_skus)
    exclude_products: frozenset[str] = attrs.field(factory=frozenset, converter=_texts)
    exclude_categories: frozenset[str] = attrs.field(
        factory=frozenset, converter=_texts
    )

    def includes(self, code: str, facts: ItemFacts) -> bool:
        """Whether a line of ``code`` with ``facts`` is in scope."""
        if (
            code in self.exclude_skus
            or (
                facts.product_id is not None
                and facts.product_id in self.exclude_products
            )
            or not self.exclude_categories.isdisjoint(facts.categories)
        ):
            return False
        if not (self.skus or self.products or self.categories):
            return True
        return (
            code in self.skus
            or (facts.product_id is not None and facts.product_id in self.products)
            or not self.categories.isdisjoint(facts.categories)
        )


_ALL: Scope = Scope()


@attrs.frozen(kw_only=True)
class MinSubtotal:
    """The lines in scope must cost at least ``amount``, after earlier discounts."""

    amount: Money = attrs.field(converter=_amount)
    scope: Scope = _ALL


@attrs.frozen(kw_only=True)
class MinQuantity:
    """The lines in scope must hold at least ``quantity`` units."""

    quantity: int = attrs.field(converter=_quantity)
    scope: Scope = _ALL


Condition = MinSubtotal | MinQuantity
"""A condition of a promotion."""


@attrs.frozen(kw_only=True)
class PercentOff:
    """A percentage off: of the whole order, or of each line in ``scope``.

    Without a scope the percentage of the order's goods is one amount,
    rounded half up, then shared over the lines by their value; with a scope
    each line in it loses its percentage, rounded half up.
    """

    percent: Decimal = attrs.field(converter=_percent)
    scope: Scope | None = None

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return f"{self.percent.normalize():f}% off"


@attrs.frozen(kw_only=True)
class PercentOffCheapest:
    """A percentage off the ``count`` cheapest units in scope."""

    percent: Decimal = attrs.field(converter=_percent)
    count: int = attrs.field(converter=_count)
    scope: Scope = _ALL

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return f"{self.percent.normalize():f}% off the {self.count} cheapest items"


@attrs.frozen(kw_only=True)
class AmountOff:
    """A fixed amount off the order, shared over the lines by their value."""

    amount: Money = attrs.field(converter=_amount)

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return f"{format_money(self.amount, locale)} off"


@attrs.frozen(kw_only=True)
class AmountOffPerUnit:
    """A fixed amount off each unit in scope (never below the line's price)."""

    amount: Money = attrs.field(converter=_amount)
    scope: Scope = _ALL

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return f"{format_money(self.amount, locale)} off each item"


@attrs.frozen(kw_only=True)
class BuyXGetY:
    """Buy ``buy`` units in scope, get ``get`` more at ``percent`` off.

    Repeated for every full group of ``buy + get`` units; the discounted
    units are the cheapest ones.
    """

    buy: int = attrs.field(converter=_count)
    get: int = attrs.field(converter=_count)
    percent: Decimal = attrs.field(default=Decimal(100), converter=_percent)
    scope: Scope = _ALL

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        if self.percent == 100:  # noqa: PLR2004 - free
            return f"buy {self.buy}, get {self.get} free"
        return f"buy {self.buy}, get {self.get} at {self.percent.normalize():f}% off"


@attrs.frozen
class SpendTier:
    """From ``threshold`` spent, ``amount`` off."""

    threshold: Money = attrs.field(converter=_threshold)
    amount: Money = attrs.field(converter=_amount)


def _tiers(value: object) -> tuple[SpendTier, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"tiers must be a list of SpendTier, not {value!r}"
        raise ValidationError(msg, field="tiers")
    tiers = tuple(value)
    if not tiers or not all(isinstance(tier, SpendTier) for tier in tiers):
        msg = f"tiers must be a non-empty list of SpendTier, not {value!r}"
        raise ValidationError(msg, field="tiers")
    return tuple(sorted(tiers, key=lambda tier: tier.threshold.amount))


@attrs.frozen(kw_only=True)
class SpendTiers:
    """A fixed amount off the order by the highest threshold the goods reach."""

    tiers: tuple[SpendTier, ...] = attrs.field(converter=_tiers)
    scope: Scope = _ALL

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return ", ".join(
            f"{format_money(tier.amount, locale)} off from "
            f"{format_money(tier.threshold, locale)}"
            for tier in self.tiers
        )


@attrs.frozen(kw_only=True)
class FreeShipping:
    """Free shipping, by any method or by the ``methods`` named."""

    methods: frozenset[str] = attrs.field(factory=frozenset, converter=_texts)

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return "free shipping"


def _bundle(value: object) -> tuple[tuple[Sku, int], ...]:
    pairs: list[object] = []
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, Iterable) and not isinstance(value, str):
        pairs = list(value)
    if not pairs or not all(
        isinstance(pair, tuple) and len(pair) == 2  # noqa: PLR2004 - a pair
        for pair in pairs
    ):
        msg = f"items must map SKUs to quantities, not {value!r}"
        raise ValidationError(msg, field="items")
    counts: dict[Sku, int] = {}
    for pair in pairs:
        code, count = cast("tuple[object, object]", pair)
        checked = sku(code)  # type: ignore[arg-type]
        counts[checked] = counts.get(checked, 0) + positive_int(count, field="items")
    return tuple(sorted(counts.items()))


@attrs.frozen(kw_only=True)
class BundlePrice:
    """A fixed ``price`` for each full set of ``items`` (SKUs to quantities)."""

    items: tuple[tuple[Sku, int], ...] = attrs.field(converter=_bundle)
    price: Money = attrs.field(converter=_price)

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return f"the set for {format_money(self.price, locale)}"


@attrs.frozen(kw_only=True)
class FreeGift:
    """A free line of ``quantity`` units of ``sku``, added to the cart."""

    sku: Sku = attrs.field(converter=sku)
    quantity: int = attrs.field(default=1, converter=_count)

    def describe(self, locale: str = "en") -> str:
        """The action in words."""
        return f"a free {self.sku}"


Action = (
    PercentOff
    | PercentOffCheapest
    | AmountOff
    | AmountOffPerUnit
    | BuyXGetY
    | SpendTiers
    | FreeShipping
    | BundlePrice
    | FreeGift
)
"""What a promotion gives."""

_ACTIONS = (
    PercentOff,
    PercentOffCheapest,
    AmountOff,
    AmountOffPerUnit,
    BuyXGetY,
    SpendTiers,
    FreeShipping,
    BundlePrice,
    FreeGift,
)


def _action(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _ACTIONS):
        names = ", ".join(kind.__name__ for kind in _ACTIONS)
        msg = f"action must be one of {names}, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _conditions(value: object) -> tuple[Condition, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"conditions must be a list, not {value!r}"
        raise ValidationError(msg, field="conditions")
    items = tuple(value)
    for item in items:
        if not isinstance(item, MinSubtotal | MinQuantity):
            msg = f"conditions must be MinSubtotal or MinQuantity, not {item!r}"
            raise ValidationError(msg, field="conditions")
    return items


def _optional_instant(value: object) -> datetime | None:
    return None if value is None else as_utc(value, field="valid_from")  # type: ignore[arg-type]


def _name(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or "\x00" in value:
        msg = f"name must be text, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _priority(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"priority must be a whole number, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _after_start(instance: Promotion, _: object, value: datetime | None) -> None:
    if (
        value is not None
        and instance.valid_from is not None
        and value <= instance.valid_from
    ):
        msg = f"valid_until {value.isoformat()} must come after valid_from"
        raise ValidationError(msg, field="valid_until")


def _optional_ids(value: object) -> frozenset[str] | None:
    return None if value is None else _texts(value)


def _optional_budget(value: object) -> Money | None:
    return None if value is None else _positive(value, "budget")


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _id(value: object) -> PromotionId:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"promotion_id must be non-empty text, not {value!r}"
        raise ValidationError(msg, field="promotion_id")
    return PromotionId(value)


@attrs.frozen(kw_only=True)
class Promotion:
    """A promotion: who may have it, when, on what terms, and what it gives.

    Args:
        promotion_id: Its identifier; it also orders promotions of equal
            priority.
        name: What the customer reads ("10% off shoes").
        action: What it gives.
        conditions: What the cart must hold when its turn comes.
        priority: Higher goes first.
        exclusive: Applies alone; when several exclusive promotions (or one
            and the others together) compete, the customer gets the larger
            discount.
        stop_further: No promotion after it applies.
        combinable_with: If given, it combines only with these promotions
            (and they must allow it too).
        coupon_codes: Codes of which the customer must enter one; empty for
            none.
        valid_from: When it starts (inclusive).
        valid_until: When it ends (exclusive).
        channels: The sales channels it is for; empty for all.
        customer_groups: The customer groups it is for; empty for all.
        first_order_only: Only for a customer's first order.
        budget: The most it may give in all; the caller passes what it gave
            so far.
    """

    promotion_id: PromotionId = attrs.field(converter=_id)
    name: str = attrs.field(validator=_name)
    action: Action = attrs.field(validator=_action)
    conditions: tuple[Condition, ...] = attrs.field(default=(), converter=_conditions)
    priority: int = attrs.field(default=0, validator=_priority)
    exclusive: bool = attrs.field(default=False, validator=_flag)
    stop_further: bool = attrs.field(default=False, validator=_flag)
    combinable_with: frozenset[str] | None = attrs.field(
        default=None, converter=_optional_ids
    )
    coupon_codes: frozenset[str] = attrs.field(factory=frozenset, converter=_codes)
    valid_from: datetime | None = attrs.field(default=None, converter=_optional_instant)
    valid_until: datetime | None = attrs.field(
        default=None, converter=_optional_instant, validator=_after_start
    )
    channels: frozenset[str] = attrs.field(factory=frozenset, converter=_texts)
    customer_groups: frozenset[str] = attrs.field(factory=frozenset, converter=_texts)
    first_order_only: bool = attrs.field(default=False, validator=_flag)
    budget: Money | None = attrs.field(default=None, converter=_optional_budget)

    def combines_with(self, other: Promotion) -> bool:
        """Whether the two may both apply to one order."""
        if self.exclusive or other.exclusive:
            return False
        return (
            self.combinable_with is None or other.promotion_id in self.combinable_with
        ) and (
            other.combinable_with is None or self.promotion_id in other.combinable_with
        )
