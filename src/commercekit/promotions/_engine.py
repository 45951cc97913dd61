"""Applying promotions to a cart: eligibility, stacking, actions, explanations."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import (
    Money,
    format_money,
    from_minor_units,
    get_currency,
    minor_units,
    quantize,
)
from commercekit.pricing import Discount, LineItem
from commercekit.promotions._coupons import normalize_code
from commercekit.promotions._model import (
    Action,
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
    FreeGift,
    FreeShipping,
    ItemFacts,
    MinQuantity,
    MinSubtotal,
    PercentOff,
    PercentOffCheapest,
    Promotion,
    PromotionId,
    Scope,
    SpendTiers,
)
from commercekit.values import CustomerFacts, Sku, as_utc, positive_int

__all__ = [
    "AppliedPromotion",
    "NotApplied",
    "PromotionContext",
    "PromotionResult",
    "Reason",
    "Threshold",
    "apply_promotions",
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


@attrs.define
class _Cart:
    """The cart as it stands while promotions apply, in minor units."""

    lines: list[LineItem]
    facts: list[ItemFacts]
    subtotals: list[int]
    totals: list[int]
    currency: str
    places: int
    taken: list[list[tuple[int, Promotion]]] = attrs.Factory(list)

    def in_scope(self, scope: Scope) -> list[int]:
        return [
            i
            for i, line in enumerate(self.lines)
            if scope.includes(line.sku, self.facts[i])
        ]

    def money(self, units: int) -> Money:
        return from_minor_units(units, self.currency)

    def units_of(self, amount: Money) -> int:
        if amount.currency.code != self.currency:
            raise CurrencyMismatchError(
                expected=self.currency, got=amount.currency.code
            )
        return _round(amount.amount.scaleb(self.places))

    def unit_units(self, index: int) -> Decimal:
        """The unit price of a line, in minor units (maybe with fractions)."""
        return self.lines[index].unit_price.amount.scaleb(self.places)


def _round(value: Decimal) -> int:
    """Half up to a whole minor unit."""
    return int(value.quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def _split(total: int, weights: Sequence[int], keys: Sequence[str]) -> list[int]:
    """Largest remainder; ties go to the smaller key."""
    weight_sum = sum(weights)
    if not weight_sum or not total:
        return [0] * len(weights)
    parts = [total * weight // weight_sum for weight in weights]
    remainders = [total * weight % weight_sum for weight in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], keys[i]))
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _share(cart: _Cart, amount: int, indexes: list[int]) -> dict[int, int]:
    """``amount`` over the lines ``indexes`` by what they cost now, capped."""
    weights = [cart.totals[i] for i in indexes]
    amount = min(amount, sum(weights))
    keys = [cart.lines[i].key for i in indexes]
    return dict(zip(indexes, _split(amount, weights, keys), strict=True))


def _half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up; both non-negative."""
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (2 * remainder >= denominator)


def _cheapest_units(cart: _Cart, indexes: list[int]) -> list[int]:
    """One entry per unit in scope (its line), cheapest first, ties by key.

    A unit is worth its share of what its line costs now, after the
    promotions before, so that two discounts never count one price twice.
    """
    units = [i for i in indexes for _ in range(cart.lines[i].quantity)]
    units.sort(
        key=lambda i: (
            Fraction(cart.totals[i], cart.lines[i].quantity),
            cart.lines[i].key,
        )
    )
    return units


def _per_unit(cart: _Cart, units: list[int], percent: Decimal) -> dict[int, int]:
    """``percent`` off the units chosen: per line, of their share, rounded once."""
    chosen: dict[int, int] = {}
    for index in units:
        chosen[index] = chosen.get(index, 0) + 1
    top, bottom = percent.as_integer_ratio()
    return {
        i: _half_up(cart.totals[i] * count * top, cart.lines[i].quantity * 100 * bottom)
        for i, count in chosen.items()
    }


def _discounts(action: Action, cart: _Cart) -> dict[int, int]:  # noqa: PLR0911
    """What ``action`` takes off each line, in minor units."""
    if isinstance(action, PercentOff):
        if action.scope is None:
            everything = list(range(len(cart.lines)))
            goods = sum(cart.totals)
            return _share(
                cart, _round(Decimal(goods) * action.percent / 100), everything
            )
        return {
            i: _round(Decimal(cart.totals[i]) * action.percent / 100)
            for i in cart.in_scope(action.scope)
        }
    if isinstance(action, PercentOffCheapest):
        units = _cheapest_units(cart, cart.in_scope(action.scope))[: action.count]
        return _per_unit(cart, units, action.percent)
    if isinstance(action, AmountOff):
        return _share(cart, cart.units_of(action.amount), list(range(len(cart.lines))))
    if isinstance(action, AmountOffPerUnit):
        each = cart.units_of(action.amount)
        return {
            i: min(each * cart.lines[i].quantity, cart.totals[i])
            for i in cart.in_scope(action.scope)
        }
    if isinstance(action, BuyXGetY):
        units = _cheapest_units(cart, cart.in_scope(action.scope))
        free = len(units) // (action.buy + action.get) * action.get
        return _per_unit(cart, units[:free], action.percent)
    if isinstance(action, SpendTiers):
        indexes = cart.in_scope(action.scope)
        spent = sum(cart.totals[i] for i in indexes)
        reached = [t for t in action.tiers if cart.units_of(t.threshold) <= spent]
        if not reached:
            return {}
        return _share(cart, cart.units_of(reached[-1].amount), indexes)
    if isinstance(action, BundlePrice):
        return _bundle(action, cart)
    return {}


def _bundle(action: BundlePrice, cart: _Cart) -> dict[int, int]:
    by_sku: dict[str, list[int]] = {}
    for i, line in enumerate(cart.lines):
        by_sku.setdefault(line.sku, []).append(i)
    sets = min(
        sum(cart.lines[i].quantity for i in by_sku.get(code, [])) // count
        for code, count in action.items
    )
    if not sets:
        return {}
    value = 0
    weights: dict[int, int] = {}
    for code, count in action.items:
        need = count * sets
        for i in sorted(by_sku[code], key=lambda i: cart.lines[i].key):
            used = min(need, cart.lines[i].quantity)
            if not used:
                continue
            worth = _half_up(cart.totals[i] * used, cart.lines[i].quantity)
            weights[i] = weights.get(i, 0) + worth
            value += worth
            need -= used
    saving = value - cart.units_of(action.price) * sets
    if saving <= 0:
        return {}
    indexes = sorted(weights)
    shares = [weights[i] for i in indexes]
    keys = [cart.lines[i].key for i in indexes]
    parts = _split(saving, shares, keys)
    return dict(zip(indexes, parts, strict=True))


def _currencies(value: object) -> set[str]:
    """The currencies of every amount in a promotion, its action and conditions."""
    if isinstance(value, Money):
        return {value.currency.code}
    if isinstance(value, tuple | list | frozenset):
        return set().union(*(_currencies(item) for item in value))
    kind: Any = type(value)
    if attrs.has(kind):
        fields = attrs.fields(kind)
        return set().union(*(_currencies(getattr(value, f.name)) for f in fields))
    return set()


def _eligibility(  # noqa: PLR0911 - one reason each
    promotion: Promotion, context: PromotionContext
) -> tuple[Reason, str] | None:
    """Why ``promotion`` cannot apply to this sale at all, if it cannot."""
    at = context.at
    other = sorted(_currencies(promotion) - {context.currency})
    if other:
        return Reason.CURRENCY, f"its amounts are in {', '.join(other)}"
    if promotion.valid_from is not None and at < promotion.valid_from:
        return Reason.NOT_STARTED, f"starts {promotion.valid_from.isoformat()}"
    if promotion.valid_until is not None and at >= promotion.valid_until:
        return Reason.ENDED, f"ended {promotion.valid_until.isoformat()}"
    if promotion.channels and context.channel not in promotion.channels:
        return Reason.CHANNEL, "not for this sales channel"
    group = context.customer.customer_group
    if promotion.customer_groups and group not in promotion.customer_groups:
        return Reason.CUSTOMER_GROUP, "not for this customer group"
    if promotion.first_order_only and context.customer.order_count:
        return Reason.NOT_FIRST_ORDER, "for a customer's first order only"
    codes = set(promotion.coupon_codes)
    if codes and codes.isdisjoint(context.coupon_codes):
        return Reason.COUPON_MISSING, "needs a coupon code"
    if promotion.budget is not None:
        spent = context.spent.get(promotion.promotion_id)
        if spent is not None and spent >= promotion.budget:
            return Reason.BUDGET_USED_UP, "its budget is used up"
    return None


def _unmet(promotion: Promotion, cart: _Cart, locale: str) -> NotApplied | None:
    for condition in promotion.conditions:
        indexes = cart.in_scope(condition.scope)
        if isinstance(condition, MinSubtotal):
            missing = cart.units_of(condition.amount) - sum(
                cart.totals[i] for i in indexes
            )
            if missing > 0:
                amount = cart.money(missing)
                what = promotion.action.describe(locale)
                return NotApplied(
                    promotion_id=promotion.promotion_id,
                    name=promotion.name,
                    reason=Reason.MIN_SUBTOTAL,
                    message=f"add {format_money(amount, locale)} for {what}",
                    missing=amount,
                )
        elif isinstance(condition, MinQuantity):
            held = sum(cart.lines[i].quantity for i in indexes)
            if held < condition.quantity:
                return NotApplied(
                    promotion_id=promotion.promotion_id,
                    name=promotion.name,
                    reason=Reason.MIN_QUANTITY,
                    message=f"needs {condition.quantity} items, the cart has {held}",
                )
    return None


@attrs.define
class _Run:
    """The outcome of one stack of promotions over a copy of the cart."""

    cart: _Cart
    applied: list[AppliedPromotion]
    not_applied: list[NotApplied]
    done: list[Promotion] = attrs.Factory(list)
    codes: list[str] = attrs.Factory(list)
    free_shipping: bool = False
    gifts: list[LineItem] = attrs.Factory(list)
    given: int = 0
    shipping_value: int = 0

    @property
    def value(self) -> int:
        return self.given + self.shipping_value


def _not_applied(promotion: Promotion, reason: Reason, message: str) -> NotApplied:
    return NotApplied(
        promotion_id=promotion.promotion_id,
        name=promotion.name,
        reason=reason,
        message=message,
    )


def _coupon_of(promotion: Promotion, context: PromotionContext) -> str | None:
    """The entered code that unlocks ``promotion``, if it needs one."""
    codes = sorted(set(promotion.coupon_codes) & set(context.coupon_codes))
    return codes[0] if codes else None


def _blocked(
    promotion: Promotion,
    run: _Run,
    stopped_by: Promotion | None,
    context: PromotionContext,
    locale: str,
) -> NotApplied | None:
    """Why ``promotion`` cannot apply at its turn in ``run``, if it cannot."""
    if stopped_by is not None:
        message = f"{stopped_by.name} stops further promotions"
        return _not_applied(promotion, Reason.STOPPED, message)
    code = _coupon_of(promotion, context)
    if (
        code is not None
        and code not in run.codes
        and len(run.codes) >= context.max_coupons
    ):
        message = f"an order may use {context.max_coupons} coupon code(s)"
        return _not_applied(promotion, Reason.COUPON_LIMIT, message)
    clash = next((done for done in run.done if not promotion.combines_with(done)), None)
    if clash is not None:
        message = f"does not combine with {clash.name}"
        return _not_applied(promotion, Reason.NOT_COMBINABLE, message)
    return _unmet(promotion, run.cart, locale)


def _within_budget(
    promotion: Promotion, taken: dict[int, int], cart: _Cart, context: PromotionContext
) -> dict[int, int]:
    """``taken`` cut down to what is left of the promotion's budget."""
    if promotion.budget is None:
        return taken
    spent = context.spent.get(promotion.promotion_id)
    left = cart.units_of(promotion.budget) - (cart.units_of(spent) if spent else 0)
    if sum(taken.values()) <= left:
        return taken
    indexes = sorted(taken)
    keys = [cart.lines[i].key for i in indexes]
    parts = _split(left, [taken[i] for i in indexes], keys)
    return dict(zip(indexes, parts, strict=True))


def _run(
    promotions: Sequence[Promotion],
    cart: _Cart,
    context: PromotionContext,
    locale: str,
) -> _Run:
    run = _Run(cart, [], [])
    stopped_by: Promotion | None = None
    for promotion in promotions:
        blocked = _blocked(promotion, run, stopped_by, context, locale)
        if blocked is not None:
            run.not_applied.append(blocked)
            continue
        action = promotion.action
        capped = {
            i: min(off, cart.totals[i]) for i, off in _discounts(action, cart).items()
        }
        within = _within_budget(promotion, capped, cart, context)
        taken = {i: off for i, off in within.items() if off > 0}
        total = sum(taken.values())
        gifts: tuple[Sku, ...] = ()
        free_shipping = isinstance(action, FreeShipping)
        if isinstance(action, FreeShipping):
            if action.methods and context.shipping_method not in action.methods:
                message = "not for this shipping method"
                run.not_applied.append(
                    _not_applied(promotion, Reason.SHIPPING_METHOD, message)
                )
                continue
            if context.shipping_price is not None:
                run.shipping_value = cart.units_of(context.shipping_price)
        elif isinstance(action, FreeGift):
            key = f"gift:{promotion.promotion_id}:{action.sku}"
            if not cart.lines:
                message = "a gift comes with goods; the cart is empty"
                run.not_applied.append(
                    _not_applied(promotion, Reason.NOTHING_TO_DISCOUNT, message)
                )
                continue
            if all(line.key != key for line in cart.lines):
                run.gifts.append(
                    LineItem(
                        sku=action.sku,
                        quantity=action.quantity,
                        unit_price=cart.money(0),
                        key=key,
                    )
                )
            gifts = (action.sku,)
        elif not total:
            message = "nothing in the cart to discount"
            run.not_applied.append(
                _not_applied(promotion, Reason.NOTHING_TO_DISCOUNT, message)
            )
            continue
        for i, off in taken.items():
            cart.totals[i] -= off
            cart.taken[i].append((off, promotion))
        run.given += total
        run.free_shipping = run.free_shipping or free_shipping
        code = _coupon_of(promotion, context)
        if code is not None and code not in run.codes:
            run.codes.append(code)
        run.applied.append(
            AppliedPromotion(
                promotion_id=promotion.promotion_id,
                name=promotion.name,
                amount=cart.money(total),
                coupon_code=code,
                free_shipping=free_shipping,
                gifts=gifts,
            )
        )
        run.done.append(promotion)
        if promotion.stop_further:
            stopped_by = promotion
    return run


def _cart(
    lines: Sequence[LineItem], facts: Mapping[str, ItemFacts], currency: str
) -> _Cart:
    places = minor_units(currency)
    subtotals = [
        _round(line.unit_price.amount.scaleb(places) * line.quantity) for line in lines
    ]
    totals = [
        subtotal - sum(_round(d.amount.amount.scaleb(places)) for d in line.discounts)
        for subtotal, line in zip(subtotals, lines, strict=True)
    ]
    for total, line in zip(totals, lines, strict=True):
        if total < 0:
            msg = (
                f"the discounts of line {line.key!r} add up to more than its "
                "subtotal; a discount never makes a line negative"
            )
            raise ValidationError(msg, field="lines")
    return _Cart(
        lines=list(lines),
        facts=[facts.get(line.sku, _NO_FACTS) for line in lines],
        subtotals=subtotals,
        totals=totals,
        currency=currency,
        places=places,
        taken=[[] for _ in lines],
    )


def _checked_lines(lines: object, currency: str) -> list[LineItem]:
    if isinstance(lines, str) or not isinstance(lines, Iterable):
        msg = f"lines must be a list of LineItem objects, not {lines!r}"
        raise ValidationError(msg, field="lines")
    items = list(lines)
    keys: set[str] = set()
    for line in items:
        if not isinstance(line, LineItem):
            msg = f"lines must be LineItem objects, not {line!r}"
            raise ValidationError(msg, field="lines")
        if line.unit_price.currency.code != currency:
            raise CurrencyMismatchError(
                expected=currency, got=line.unit_price.currency.code
            )
        if line.key in keys:
            msg = f"two lines have the key {line.key!r}"
            raise ValidationError(msg, field="lines")
        keys.add(line.key)
    return items


def _facts(facts: object) -> dict[str, ItemFacts]:
    if facts is None:
        return {}
    if not isinstance(facts, Mapping) or not all(
        isinstance(key, str) and isinstance(value, ItemFacts)
        for key, value in facts.items()
    ):
        msg = f"facts must map SKUs to ItemFacts, not {facts!r}"
        raise ValidationError(msg, field="facts")
    return dict(facts)


def _checked_promotions(promotions: object) -> list[Promotion]:
    if isinstance(promotions, str) or not isinstance(promotions, Iterable):
        msg = f"promotions must be a list of Promotion objects, not {promotions!r}"
        raise ValidationError(msg, field="promotions")
    items = list(promotions)
    seen: set[str] = set()
    for promotion in items:
        if not isinstance(promotion, Promotion):
            msg = f"promotions must be Promotion objects, not {promotion!r}"
            raise ValidationError(msg, field="promotions")
        if promotion.promotion_id in seen:
            msg = f"two promotions have the id {promotion.promotion_id!r}"
            raise ValidationError(msg, field="promotions")
        seen.add(promotion.promotion_id)
    return sorted(items, key=lambda p: (-p.priority, p.promotion_id))


def apply_promotions(
    lines: Iterable[LineItem],
    promotions: Iterable[Promotion],
    *,
    context: PromotionContext,
    facts: Mapping[str, ItemFacts] | None = None,
    locale: str = "en",
) -> PromotionResult:
    """Apply ``promotions`` to a cart's ``lines``, and say what happened.

    The rules, so that every implementation gives the same cents:

    * promotions go in priority order (higher first), then by id, so the
      result never depends on the order they are given in;
    * a promotion applies only within its window, channel and customer
      groups, with a coupon code if it needs one (at most
      ``context.max_coupons`` codes per order), within its budget, and when
      its conditions hold for the cart as it stands at its turn, after the
      promotions before it;
    * a promotion that does not combine with one already applied, or comes
      after one that stops further promotions, does not apply;
    * an exclusive promotion applies alone: each exclusive one, and the
      others together, are tried, and the customer gets the largest discount
      (free shipping counted at ``context.shipping_price``);
    * a percentage of the order is one amount, rounded half up, shared over
      the lines by what they cost (largest remainder, ties to the smaller
      key); a percentage of a line is rounded half up on that line; no
      discount takes a line below zero, and none touches shipping, except
      free shipping.

    Args:
        lines: The cart's lines, priced in ``context.currency``; discounts
            they have already stay and count.
        promotions: The promotions to consider.
        context: The facts of the sale.
        facts: Products and categories of SKUs, for scopes that name them.
        locale: The language of the explanations.

    Returns:
        The lines with the discounts filled in, gift lines, and the
        explanations.

    Raises:
        ValidationError: for bad input, such as two lines with one key.
        CurrencyMismatchError: for a line or amount in another currency.
    """
    given_context: object = context
    if not isinstance(given_context, PromotionContext):
        msg = f"context must be a PromotionContext, not {given_context!r}"
        raise ValidationError(msg, field="context")
    currency = context.currency
    items = _checked_lines(lines, currency)
    ordered = _checked_promotions(promotions)
    known = _facts(facts)
    refused: list[NotApplied] = []
    eligible: list[Promotion] = []
    for promotion in ordered:
        why = _eligibility(promotion, context)
        if why is not None:
            refused.append(_not_applied(promotion, *why))
            continue
        eligible.append(promotion)

    stacks = [[p] for p in eligible if p.exclusive]
    shared = [p for p in eligible if not p.exclusive]
    if shared or not stacks:
        stacks.append(shared)
    runs = [
        _run(stack, _cart(items, known, currency), context, locale) for stack in stacks
    ]
    # The larger discount wins; between equal ones, a stack that gives
    # something (a gift, free shipping without a price to weigh) beats one
    # that gives nothing, and then the earlier stack.
    best = max(runs, key=lambda run: (run.value, bool(run.applied))) if runs else None
    not_applied = list(refused)
    for run in runs:
        if run is best:
            not_applied.extend(run.not_applied)
            continue
        not_applied.extend(run.not_applied)
        not_applied.extend(
            NotApplied(
                promotion_id=done.promotion_id,
                name=done.name,
                reason=Reason.BETTER_DEAL,
                message="another offer gives more",
            )
            for done in run.applied
        )
    order = {p.promotion_id: n for n, p in enumerate(ordered)}
    not_applied.sort(key=lambda entry: order[entry.promotion_id])
    if best is None:
        best = _run([], _cart(items, known, currency), context, locale)
    cart = best.cart
    priced = tuple(
        line.with_discounts(
            Discount(cart.money(off), promotion.promotion_id, promotion.name)
            for off, promotion in cart.taken[i]
        )
        if cart.taken[i]
        else line
        for i, line in enumerate(items)
    )
    return PromotionResult(
        lines=priced + tuple(best.gifts),
        applied=tuple(best.applied),
        not_applied=tuple(not_applied),
        free_shipping=best.free_shipping,
        discount_total=cart.money(best.given),
    )
