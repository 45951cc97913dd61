"""Applying promotions to a cart: eligibility, stacking, actions, explanations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import (
    Money,
    format_money,
    minor_units,
)
from commercekit.pricing import Discount, LineItem
from commercekit.promotions._actions import _Cart, _discounts, _round, _split
from commercekit.promotions._model import (
    FreeGift,
    FreeShipping,
    ItemFacts,
    MinQuantity,
    MinSubtotal,
    Promotion,
)
from commercekit.promotions._result import (
    _NO_FACTS,
    AppliedPromotion,
    NotApplied,
    PromotionContext,
    PromotionResult,
    Reason,
)
from commercekit.values import Sku

__all__ = ["apply_promotions"]


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
