"""Properties of applying promotions that hold for every cart.

Carts of up to six lines (``line_items``: some with discounts of their own)
are drawn in EUR (2 decimals), JPY (none) and KWD (3), with up to six
promotions of distinct ids: any of the nine actions, with conditions,
priorities, exclusive and stop-further flags, combinability lists, coupon
codes, windows and budgets, scoped to SKUs of the cart and to the products
and categories its SKUs are drawn with.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

import attrs
from hypothesis import example, given, settings
from hypothesis import strategies as st

from commercekit.money import (
    Money,
    allocate,
    minor_units,
    money,
    quantize,
    sum_money,
    zero,
)
from commercekit.pricing import (
    EUTaxProvider,
    LineItem,
    PriceMode,
    TaxContext,
    TaxSettings,
    price_lines,
)
from commercekit.promotions import (
    AmountOff,
    FreeGift,
    ItemFacts,
    PercentOff,
    Promotion,
    PromotionContext,
    PromotionResult,
    Reason,
    Scope,
    apply_promotions,
)
from commercekit.testing import strategies as cks
from commercekit.values import Sku

PROVIDER = EUTaxProvider(TaxSettings(merchant_country="DE"))
SUPPLIED_AT = datetime(2026, 1, 5, 12, tzinfo=UTC)

# The profile's number of examples (tests/conftest.py), at most 60: each
# example draws up to six promotions and applies them to up to six lines,
# some tests three times; the file stays under 10 seconds in the ci profile.
PROPERTY = settings(max_examples=min(settings().max_examples, 60))

CURRENCIES = st.sampled_from(["EUR", "JPY", "KWD"])


@attrs.frozen
class Sale:
    """A cart, the promotions on offer and the facts of the sale."""

    currency: str
    lines: tuple[LineItem, ...]
    promotions: tuple[Promotion, ...]
    context: PromotionContext
    facts: Mapping[str, ItemFacts]

    def apply(
        self,
        lines: Sequence[LineItem] | None = None,
        promotions: Sequence[Promotion] | None = None,
    ) -> PromotionResult:
        return apply_promotions(
            self.lines if lines is None else lines,
            self.promotions if promotions is None else promotions,
            context=self.context,
            facts=self.facts,
        )


def without_own_discounts(lines: Sequence[LineItem]) -> tuple[LineItem, ...]:
    return tuple(attrs.evolve(line, discounts=()) for line in lines)


# The cart's SKUs, given to its lines in a random order so that a tie
# between lines goes to the smaller key wherever that line stands.
CART_SKUS = tuple(Sku(code) for code in ("A-1", "B-2", "C-3", "D-4", "E-5", "F-6"))
# Scopes, bundles and gifts name the cart's SKUs, and one never in it.
NAMED_SKUS = st.sampled_from([*CART_SKUS, Sku("TOTE")])
# Built once: a strategy built inside every draw costs more than the test.
PROMOTION_SETS = {
    currency: st.lists(
        cks.promotions(currency, skus=NAMED_SKUS),
        max_size=6,
        unique_by=lambda promotion: promotion.promotion_id,
    )
    for currency in ("EUR", "JPY", "KWD")
}
CONTEXTS = {
    currency: cks.promotion_contexts(currency) for currency in ("EUR", "JPY", "KWD")
}
ITEM_FACTS = cks.item_facts()


@functools.cache
def carts(currency: str, min_lines: int) -> st.SearchStrategy[list[LineItem]]:
    return st.lists(
        cks.line_items(currency),
        min_size=min_lines,
        max_size=len(CART_SKUS),
        unique_by=lambda line: line.key,
    )


@st.composite
def sales(draw: st.DrawFn, *, min_lines: int = 0) -> Sale:
    currency = draw(CURRENCIES)
    codes = draw(st.permutations(CART_SKUS))
    lines = tuple(
        attrs.evolve(line, sku=code, key=code)
        for line, code in zip(draw(carts(currency, min_lines)), codes, strict=False)
    )
    return Sale(
        currency=currency,
        lines=lines,
        promotions=tuple(draw(PROMOTION_SETS[currency])),
        context=draw(CONTEXTS[currency]),
        facts={line.sku: draw(ITEM_FACTS) for line in lines},
    )


def sale_of(lines: Sequence[LineItem], *promotions: Promotion) -> Sale:
    """A sale in EUR on 2026-01-05 with nothing more than ``promotions``."""
    return Sale(
        currency="EUR",
        lines=tuple(lines),
        promotions=promotions,
        context=PromotionContext(currency="EUR", at=SUPPLIED_AT),
        facts={},
    )


def eur(amount: str) -> Money:
    return money(amount, "EUR")


# Found by these properties. A budget cut over two lines gave one of them
# nothing, and the engine put a discount of 0.00 on it, which LineItem
# refuses: apply_promotions raised ValidationError.
CUT_BY_ITS_BUDGET = sale_of(
    [
        LineItem(sku="B", quantity=1, unit_price=eur("0.05")),
        LineItem(sku="C", quantity=1, unit_price=eur("0.05")),
    ],
    Promotion(
        promotion_id="ten",
        name="10% off",
        action=PercentOff(percent=Decimal(10), scope=Scope()),
        budget=eur("0.01"),
    ),
)
# An exclusive promotion that gave nothing beat a free gift that gave
# nothing either: the gift was "not applied: another offer gives more".
NOTHING_BEATS_A_GIFT = sale_of(
    [],
    Promotion(promotion_id="gift", name="A tote", action=FreeGift(sku="TOTE")),
    Promotion(
        promotion_id="only",
        name="10% off",
        action=PercentOff(percent=Decimal(10)),
        exclusive=True,
    ),
)


def subtotal(line: LineItem) -> Money:
    """What the line costs before any discount, as the breakdown computes it."""
    return quantize(line.unit_price * line.quantity)


def total_of(amounts: Iterator[Money] | list[Money], currency: str) -> Money:
    return sum_money(amounts, currency)


def added(result: PromotionResult, sale: Sale, index: int) -> tuple[Money, ...]:
    """The amounts the promotions took off the cart's line ``index``."""
    own = len(sale.lines[index].discounts)
    return tuple(discount.amount for discount in result.lines[index].discounts[own:])


@PROPERTY
@given(sales())
@example(CUT_BY_ITS_BUDGET)
def test_the_discounts_on_the_lines_add_up_to_the_discount_total(sale: Sale) -> None:
    """Every cent the promotions give is on a line: the discounts they put on
    the lines add up exactly to the result's discount total, which is the
    sum of what each applied promotion gave; and each applied promotion gave
    exactly the sum of the discounts that name it as their source. The
    lines keep their own discounts first and their order; gift lines come
    after them, free."""
    result = sale.apply()
    currency = sale.currency
    count = len(sale.lines)
    assert [line.key for line in result.lines[:count]] == [
        line.key for line in sale.lines
    ]
    new = [
        discount
        for index, line in enumerate(sale.lines)
        for discount in result.lines[index].discounts[len(line.discounts) :]
    ]
    for index, line in enumerate(sale.lines):
        kept = result.lines[index].discounts[: len(line.discounts)]
        assert kept == line.discounts
    assert total_of([discount.amount for discount in new], currency) == (
        result.discount_total
    )
    assert result.discount_total == total_of(
        [applied.amount for applied in result.applied], currency
    )
    names: dict[str, str] = {
        promotion.promotion_id: promotion.name for promotion in sale.promotions
    }
    for applied in result.applied:
        assert applied.amount == total_of(
            [
                discount.amount
                for discount in new
                if discount.source == applied.promotion_id
            ],
            currency,
        )
    applied_ids = {applied.promotion_id for applied in result.applied}
    for discount in new:
        assert discount.source in applied_ids
        assert discount.label == names[discount.source]
    gifts = result.lines[count:]
    assert [line.sku for line in gifts] == [
        code for applied in result.applied for code in applied.gifts
    ]
    for line in gifts:
        assert line.unit_price == zero(currency)
        assert line.discounts == ()


def amounts(value: object, path: str = "result") -> Iterator[tuple[str, Money]]:
    """Every amount of money in ``value``, with where it is."""
    kind: type[object] = type(value)
    if isinstance(value, Money):
        yield path, value
    elif attrs.has(kind):
        for field in attrs.fields(kind):
            yield from amounts(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from amounts(item, f"{path}[{index}]")


@PROPERTY
@given(sales())
def test_no_line_loses_more_than_it_costs_and_no_amount_splits_a_cent(
    sale: Sale,
) -> None:
    """No line's discounts, its own and the promotions' together, exceed its
    subtotal (the unit price times the quantity, rounded half up to the
    minor unit), so no line goes below zero; and every amount in the result
    is in whole minor units of the currency (cents, yen, fils), more than
    zero where something was given; only a unit price, as it was given, may
    have more decimals."""
    result = sale.apply()
    currency = sale.currency
    for index, line in enumerate(sale.lines):
        priced = result.lines[index]
        taken = total_of([discount.amount for discount in priced.discounts], currency)
        assert taken <= subtotal(line), line.key
        for amount in added(result, sale, index):
            assert amount > zero(currency)
    for applied in result.applied:
        assert applied.amount >= zero(currency)
    places = minor_units(currency)
    for path, value in amounts(result):
        assert value.currency.code == currency, path
        if path.endswith(".unit_price"):
            continue
        exponent = value.amount.as_tuple().exponent
        assert isinstance(exponent, int)
        assert -exponent <= places, (path, value)


@PROPERTY
@given(sales(), st.data())
def test_the_order_of_the_promotions_does_not_change_the_result(
    sale: Sale, data: st.DataObject
) -> None:
    """The same promotions given in any order give the same result: the same
    discounts on the same lines, the same promotions applied in the same
    order, the same reasons for the others, the same gifts and shipping."""
    result = sale.apply()
    shuffled = data.draw(st.permutations(sale.promotions))
    for order in (sale.promotions[::-1], shuffled):
        assert sale.apply(promotions=order) == result


@PROPERTY
@given(sales(min_lines=2), st.data())
def test_the_order_of_the_lines_does_not_change_the_discounts(
    sale: Sale, data: st.DataObject
) -> None:
    """The same lines in another order get the same discounts, line by line
    (found by key): where lines tie for the last minor unit of a shared
    discount, the line with the smaller key takes it, whatever the order of
    the cart. What applied, what did not and why, the gifts and the totals
    stay the same; the lines come back in the order given."""
    result = sale.apply()
    by_key = {line.key: line for line in result.lines}
    shuffled = data.draw(st.permutations(sale.lines))
    for order in (sale.lines[::-1], shuffled):
        other = sale.apply(lines=order)
        count = len(order)
        assert [line.key for line in other.lines[:count]] == [
            line.key for line in order
        ]
        for line in other.lines:
            assert line == by_key[line.key]
        assert other.lines[count:] == result.lines[len(sale.lines) :]
        assert other.applied == result.applied
        assert other.not_applied == result.not_applied
        assert other.discount_total == result.discount_total
        assert other.free_shipping == result.free_shipping


@PROPERTY
@given(sales())
@example(NOTHING_BEATS_A_GIFT)
def test_every_promotion_is_applied_or_says_why_not(sale: Sale) -> None:
    """Every promotion on offer is either applied or not applied with a
    reason, never both and never left out; the applied ones go in priority
    order (higher first, then by id); an exclusive one applies alone; none
    applies after one that stops further promotions; any two applied
    promotions combine; a promotion loses to a better deal only to an
    offer that applied; and a promotion short of a minimum order value says
    how much is missing."""
    result = sale.apply()
    applied = [entry.promotion_id for entry in result.applied]
    refused = [entry.promotion_id for entry in result.not_applied]
    assert sorted(applied + refused) == sorted(
        promotion.promotion_id for promotion in sale.promotions
    )
    offered = {promotion.promotion_id: promotion for promotion in sale.promotions}
    taken = [offered[promotion_id] for promotion_id in applied]
    assert taken == sorted(taken, key=lambda p: (-p.priority, p.promotion_id))
    if any(promotion.exclusive for promotion in taken):
        assert len(taken) == 1
    for index, promotion in enumerate(taken):
        if promotion.stop_further:
            assert index == len(taken) - 1
        for other in taken[:index]:
            assert promotion.combines_with(other)
    reasons = {entry.reason for entry in result.not_applied}
    if Reason.BETTER_DEAL in reasons:
        assert result.applied
    for entry in result.not_applied:
        assert entry.reason in Reason
        assert entry.message
        if entry.reason is Reason.MIN_SUBTOTAL:
            assert entry.missing is not None
            assert entry.missing > zero(sale.currency)
    assert result.free_shipping == any(entry.free_shipping for entry in result.applied)


@PROPERTY
@given(sales(), st.sampled_from(PriceMode), st.booleans())
def test_the_result_prices_through_the_breakdown(
    sale: Sale, mode: PriceMode, own_discounts: bool
) -> None:
    """The lines the promotions give, gift lines included, price without
    error, and the breakdown's discount total is what the promotions gave,
    plus the lines' own discounts if they had any: the storefront, the
    order and the invoice show the same discount."""
    if not own_discounts:
        sale = attrs.evolve(sale, lines=without_own_discounts(sale.lines))
    result = sale.apply()
    breakdown = price_lines(
        result.lines,
        currency=sale.currency,
        mode=mode,
        tax=PROVIDER,
        context=TaxContext(ship_to="DE", supplied_at=SUPPLIED_AT),
    )
    own = total_of(
        [discount.amount for line in sale.lines for discount in line.discounts],
        sale.currency,
    )
    assert breakdown.discount_total == own + result.discount_total
    if not own_discounts:
        assert breakdown.discount_total == result.discount_total
    for line in breakdown.lines:
        assert line.total >= zero(sale.currency)


@PROPERTY
@given(sales())
def test_an_amount_off_the_order_never_gives_more_than_the_goods(sale: Sale) -> None:
    """A fixed amount off the order gives at most that amount, and never
    more than the goods cost after the lines' own discounts."""
    result = sale.apply()
    goods = total_of([subtotal(line) for line in sale.lines], sale.currency)
    goods -= total_of(
        [discount.amount for line in sale.lines for discount in line.discounts],
        sale.currency,
    )
    offered = {promotion.promotion_id: promotion for promotion in sale.promotions}
    for applied in result.applied:
        action = offered[applied.promotion_id].action
        if isinstance(action, AmountOff):
            assert applied.amount <= action.amount
            assert applied.amount <= goods
    assert result.discount_total <= goods


@st.composite
def amounts_off(draw: st.DrawFn) -> tuple[tuple[LineItem, ...], AmountOff]:
    """A cart without discounts of its own and an amount off of up to one and
    a half times its value (at least a minor unit)."""
    currency = draw(CURRENCIES)
    lines = without_own_discounts(
        draw(
            st.lists(
                cks.line_items(currency),
                min_size=1,
                max_size=6,
                unique_by=lambda line: line.key,
            )
        )
    )
    goods = total_of([subtotal(line) for line in lines], currency)
    smallest = Decimal(1).scaleb(-minor_units(currency))
    most = max(goods.amount * Decimal("1.5"), smallest)
    amount = draw(cks.money(currency, min_value=smallest, max_value=most))
    return lines, AmountOff(amount=amount)


@PROPERTY
@given(amounts_off(), st.data())
def test_a_single_amount_off_is_shared_by_line_value(
    cart: tuple[tuple[LineItem, ...], AmountOff], data: st.DataObject
) -> None:
    """One fixed amount off the order, cut to what the goods cost, is shared
    over the lines by their subtotals with the largest remainder, as
    ``allocate`` splits it, except that a tie for the last minor unit goes
    to the line with the smaller key, not the earlier one: the parts add up
    to the amount exactly, and each is less than one minor unit from its
    exact share. A cart that costs nothing gets nothing, and says so."""
    lines, action = cart
    currency = action.amount.currency.code
    lines = tuple(data.draw(st.permutations(lines)))
    promotion = Promotion(promotion_id="off", name="Rabatt", action=action)
    context = PromotionContext(currency=currency, at=SUPPLIED_AT)
    result = apply_promotions(lines, [promotion], context=context)
    subtotals = [subtotal(line) for line in lines]
    goods = total_of(subtotals, currency)
    capped = min(action.amount, goods)
    assert result.discount_total == capped
    if capped == zero(currency):
        assert result.applied == ()
        assert [entry.reason for entry in result.not_applied] == [
            Reason.NOTHING_TO_DISCOUNT
        ]
        return
    parts = [
        total_of([discount.amount for discount in line.discounts], currency)
        for line in result.lines
    ]
    assert total_of(parts, currency) == capped
    unit = Decimal(1).scaleb(-minor_units(currency))
    for part, line_subtotal in zip(parts, subtotals, strict=True):
        exact = capped.amount * line_subtotal.amount / goods.amount
        assert abs(part.amount - exact) < unit
    by_key = sorted(range(len(lines)), key=lambda index: lines[index].key)
    expected = allocate(capped, [subtotals[index] for index in by_key])
    assert [parts[index] for index in by_key] == expected
