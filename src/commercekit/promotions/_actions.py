"""What each action takes off a cart's lines, in minor units."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from commercekit.errors import CurrencyMismatchError
from commercekit.money import (
    Money,
    from_minor_units,
)
from commercekit.pricing import LineItem
from commercekit.promotions._model import (
    Action,
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
    ItemFacts,
    PercentOff,
    PercentOffCheapest,
    Promotion,
    Scope,
    SpendTiers,
)

__all__: list[str] = []


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
    """Largest remainder; ties go to the smaller key.

    The rule of :func:`commercekit.money.allocate` on ints of minor units,
    with the weights in key order: calling it costs a Money per part, and
    promotions split every line's share once per promotion (measured: 3
    promotions on 100 lines go from 8.6x to 11x a plain loop).
    """
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
