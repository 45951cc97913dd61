"""The price breakdown: lines, discounts, shipping and VAT, to the minor unit.

Inside, every amount is an int of minor units (cents), and every division is
an exact integer division rounded by the policy's mode; amounts become
:class:`~commercekit.money.Money` only in the frozen result. That keeps the
figures exact and the pricing of a large cart fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Final

import moneyed

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import _EXACT, Money, Rounding, from_minor_units
from commercekit.money import _currency_and_places as _currency
from commercekit.pricing._breakdown_model import (
    Discount,
    LineItem,
    PriceBreakdown,
    PricedLine,
    PricedShipping,
    RoundingPolicy,
    ShippingBasis,
    ShippingPart,
    TaxRateTotal,
    TaxRounding,
)
from commercekit.pricing._checks import _check_enum, _check_list
from commercekit.pricing._prices import PriceMode
from commercekit.pricing._tax import (
    SupplyKind,
    TaxContext,
    TaxDecision,
    TaxProvider,
)

__all__ = ["price_lines"]

_DEFAULT_POLICY: Final = RoundingPolicy()
_ONE: Final = Decimal(1)
_HUNDRED: Final = 100


def _divide(numerator: int, denominator: int, rounding: Rounding) -> int:  # noqa: PLR0911
    """``numerator / denominator`` rounded to an int; both are non-negative."""
    quotient, remainder = divmod(numerator, denominator)
    if not remainder:
        return quotient
    if rounding in (Rounding.DOWN, Rounding.FLOOR):
        return quotient
    if rounding in (Rounding.UP, Rounding.CEILING):
        return quotient + 1
    twice = 2 * remainder
    if twice > denominator:
        return quotient + 1
    if twice < denominator:
        return quotient
    if rounding is Rounding.HALF_UP:
        return quotient + 1
    if rounding is Rounding.HALF_EVEN:
        return quotient + (quotient & 1)
    return quotient


def _allocate(
    total: int,
    weights: Sequence[int],
    ties: Callable[[], Sequence[tuple[int, str]]] | None = None,
) -> list[int]:
    """Split ``total`` minor units by ``weights``: largest remainder.

    The rule of :func:`commercekit.money.allocate`, on ints. Where parts
    with equal remainders compete for the last minor units, ``ties`` (built
    only then) orders them, so that a breakdown does not depend on the order
    of its lines; without it the earlier position wins.
    """
    weight_sum = sum(weights)
    if not weight_sum:
        return [0] * len(weights)
    parts: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        part, remainder = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    missing = total - sum(parts)
    if missing:
        order = sorted(range(len(parts)), key=remainders.__getitem__, reverse=True)
        if (
            ties is not None
            and missing < len(order)
            and remainders[order[missing - 1]] == remainders[order[missing]]
        ):
            rank = ties()
            order.sort(key=lambda i: (-remainders[i], rank[i]))
        for index in order[:missing]:
            parts[index] += 1
    return parts


def _apply_order_discounts(
    order_discounts: Iterable[Discount],
    totals: list[int],
    code: str,
    places: int,
    ties: Callable[[], Sequence[tuple[int, str]]],
) -> tuple[list[tuple[int, Discount]], list[tuple[tuple[int, Discount], ...]]]:
    """Take order discounts off ``totals``, in the order given.

    Returns:
        Each discount's applied amount (cut to the goods' value) with the
        discount, and per line the parts it took (empty if none applied).
    """
    applied: list[tuple[int, Discount]] = []
    per_line: list[tuple[tuple[int, Discount], ...]] = []
    for given in _check_list(Discount, order_discounts, "order_discounts"):
        if given.amount.currency.code != code:
            raise CurrencyMismatchError(expected=code, got=given.amount.currency.code)
        amount = min(_units(given.amount, places, "discount"), sum(totals))
        applied.append((amount, given))
        if not per_line:
            per_line = [()] * len(totals)
        if not amount:
            continue
        parts = _allocate(amount, totals, ties)
        totals[:] = [total - part for total, part in zip(totals, parts, strict=True)]
        per_line = [
            (*taken, (part, given)) if part else taken
            for taken, part in zip(per_line, parts, strict=True)
        ]
    return applied, per_line


class _Rate:
    """One tax rate's members while a breakdown is computed."""

    __slots__ = (
        "decision",
        "denominator",
        "goods",
        "members",
        "numerator",
    )

    def __init__(self, decision: TaxDecision, numerator: int, denominator: int) -> None:
        self.decision = decision
        self.numerator = numerator
        self.denominator = denominator
        self.members: list[int] = []
        self.goods = 0


def _member_keys(
    items: Sequence[LineItem], members: list[int]
) -> Callable[[], list[tuple[int, str]]]:
    """The tie-break of a rate's lines by key, shipping last."""

    def ranks() -> list[tuple[int, str]]:
        return [(0, items[i].key) for i in members] + [(1, "")]

    return ranks


def _sequence(lines: object) -> list[LineItem]:
    if isinstance(lines, str | bytes) or not isinstance(lines, Iterable):
        msg = f"lines must be a list of LineItem objects, not {lines!r}"
        raise ValidationError(msg, field="lines")
    return list(lines)


def _units(value: Money, places: int, field: str) -> int:
    scaled = value.amount.scaleb(places, _EXACT)
    if scaled != scaled.to_integral_value(context=_EXACT):
        msg = (
            f"{field} {value.amount} has more decimals than "
            f"{value.currency.code} allows: quantize it first"
        )
        raise ValidationError(msg, field=field)
    return int(scaled)


def _tax_of(amount: int, rate: _Rate, mode: PriceMode, rounding: Rounding) -> int:
    """The VAT in ``amount`` minor units (gross mode) or on it (net mode)."""
    numerator, denominator = rate.numerator, rate.denominator
    if not numerator:
        return 0
    if mode is PriceMode.GROSS:
        scale = _HUNDRED * denominator
        net = _divide(amount * scale, scale + numerator, rounding)
        return amount - net
    return _divide(amount * numerator, _HUNDRED * denominator, rounding)


def _shipping_units(shipping: object, code: str, places: int) -> int | None:
    if shipping is None:
        return None
    if not isinstance(shipping, moneyed.Money):
        msg = f"shipping must be Money or None, not {shipping!r}"
        raise ValidationError(msg, field="shipping")
    if shipping.currency.code != code:
        raise CurrencyMismatchError(expected=code, got=shipping.currency.code)
    units = _units(Money(shipping.amount, shipping.currency), places, "shipping")
    if units < 0:
        msg = f"shipping cannot be negative, not {shipping.amount}"
        raise ValidationError(msg, field="shipping")
    return units


def price_lines(  # noqa: PLR0915 - one pass, kept in one place
    lines: Iterable[LineItem],
    *,
    currency: str,
    mode: PriceMode,
    tax: TaxProvider,
    context: TaxContext,
    shipping: Money | None = None,
    order_discounts: Iterable[Discount] = (),
    shipping_basis: ShippingBasis = ShippingBasis.NET,
    policy: RoundingPolicy = _DEFAULT_POLICY,
) -> PriceBreakdown:
    """Price ``lines`` with their discounts, shipping and VAT.

    Each line's subtotal is ``unit_price * quantity`` rounded to the minor
    unit; its discounts come off that. VAT is rounded as ``policy`` says:
    per rate total by default, the lines then showing that total allocated
    over them. In gross mode the net is derived (``gross / (1 + rate)``)
    and the tax is ``gross - net``, so gross amounts never drift; in net
    mode the tax is ``net * rate``. Shipping is taxed at the goods' rate, or
    with mixed rates split over them in proportion to the goods' values
    after discounts (net values by default, ``shipping_basis``).

    An order discount is allocated over the lines in proportion to what they
    cost after their own discounts (largest remainder, ties to the earlier
    line), and recorded on each line as a :class:`Discount` of the same
    source; one that exceeds the goods is cut to their value, so neither a
    line nor the order goes below zero. Shipping is never discounted here.

    Args:
        lines: The lines to price; every unit price in ``currency``.
        currency: The currency code.
        mode: Whether unit prices, discounts and shipping include VAT.
        tax: Decides the VAT of each tax category (asked once per category
            and supply kind).
        context: The sale's tax facts: where to, when, who buys.
        shipping: The shipping price, in ``mode``; ``None`` for none.
        order_discounts: Discounts on the whole order, in ``mode``, applied
            in the order given.
        shipping_basis: How shipping is split over mixed tax rates.
        policy: Where and how to round.

    Returns:
        The frozen breakdown.

    Raises:
        ValidationError: for bad input: a line's discounts above its
            subtotal, two lines with one key, shipping without goods, amounts
            below the minor unit where whole minor units are needed.
        CurrencyMismatchError: for an amount in another currency.
        InvalidVatIdError: from the tax provider, for a malformed VAT id.
        TaxRateNotFoundError: from the tax provider.

    >>> from datetime import UTC, datetime
    >>> from commercekit.money import money
    >>> from commercekit.pricing import EUTaxProvider, LineItem, TaxContext, TaxSettings
    >>> provider = EUTaxProvider(TaxSettings(merchant_country="DE"))
    >>> context = TaxContext(
    ...     ship_to="DE", supplied_at=datetime(2026, 1, 5, tzinfo=UTC)
    ... )
    >>> breakdown = price_lines(
    ...     [LineItem(sku="SOCKS", quantity=3, unit_price=money("19.99", "EUR"))],
    ...     currency="EUR",
    ...     mode=PriceMode.GROSS,
    ...     tax=provider,
    ...     context=context,
    ... )
    >>> breakdown.grand_total, breakdown.net_total, breakdown.tax_total
    (Money('59.97', 'EUR'), Money('50.39', 'EUR'), Money('9.58', 'EUR'))
    """
    found, places = _currency(currency)
    code = found.code
    mode = _check_enum(PriceMode, mode, "mode")
    basis = _check_enum(ShippingBasis, shipping_basis, "shipping_basis")
    if not callable(getattr(tax, "decide", None)):
        msg = f"tax must be a TaxProvider, such as EUTaxProvider, not {tax!r}"
        raise ValidationError(msg, field="tax")
    given_policy: object = policy  # checked at run time too, for untyped callers
    if not isinstance(given_policy, RoundingPolicy):
        msg = f"policy must be a RoundingPolicy, not {policy!r}"
        raise ValidationError(msg, field="policy")
    given_context: object = context
    if not isinstance(given_context, TaxContext):
        msg = f"context must be a TaxContext, not {context!r}"
        raise ValidationError(msg, field="context")
    rounding = policy.rounding
    gross_mode = mode is PriceMode.GROSS

    items: Sequence[LineItem] = (
        lines if isinstance(lines, list | tuple) else _sequence(lines)
    )
    ship = _shipping_units(shipping, code, places)
    if ship and not items:
        msg = "shipping needs at least one line of goods to take its tax rate from"
        raise ValidationError(msg, field="shipping")

    subtotals, discounts, line_decisions = _first_pass(
        items,
        currency=found,
        places=places,
        rounding=rounding,
        tax=tax,
        context=context,
    )
    line_rates = [rate for _, rate in line_decisions]
    rates = list({id(rate): rate for rate in line_rates}.values())
    rates.sort(
        key=lambda rate: (
            -rate.decision.percent,
            rate.decision.country,
            rate.decision.treatment,
        )
    )
    totals = [
        subtotal - discount
        for subtotal, discount in zip(subtotals, discounts, strict=True)
    ]

    def by_key() -> list[tuple[int, str]]:
        return [(0, item.key) for item in items]

    applied, parts_per_line = _apply_order_discounts(
        order_discounts, totals, code, places, by_key
    )
    for index, rate in enumerate(line_rates):
        rate.members.append(index)
    for rate in rates:
        rate.goods = sum([totals[i] for i in rate.members])

    per_line = policy.tax is TaxRounding.PER_LINE
    shares = _shipping_shares(
        ship,
        rates,
        totals,
        subtotals,
        [item.supply is SupplyKind.GOODS for item in items] if ship else [],
        mode=mode,
        basis=basis,
        rounding=rounding,
        per_line=per_line,
    )

    # Tax per rate, shown on the lines and shipping so that it adds up.
    line_taxes = [0] * len(items)
    shipping_taxes: list[int] = []
    rate_rows: list[TaxRateTotal] = []
    for rate, share in zip(rates, shares, strict=True):
        members = [totals[i] for i in rate.members]
        members.append(share)
        if per_line:
            taxes = [_tax_of(amount, rate, mode, rounding) for amount in members]
            rate_tax = sum(taxes)
        else:
            rate_tax = _tax_of(rate.goods + share, rate, mode, rounding)
            taxes = (
                _allocate(rate_tax, members, _member_keys(items, rate.members))
                if rate_tax
                else [0] * len(members)
            )
        for index, line_tax in zip(rate.members, taxes, strict=False):
            line_taxes[index] = line_tax
        shipping_taxes.append(taxes[-1])
        amount = rate.goods + share
        net, gross = (
            (amount - rate_tax, amount) if gross_mode else (amount, amount + rate_tax)
        )
        decision = rate.decision
        rate_rows.append(
            TaxRateTotal(
                percent=decision.percent,
                country=decision.country,
                treatment=decision.treatment,
                currency=code,
                net_minor=net,
                tax_minor=rate_tax,
                gross_minor=gross,
            )
        )

    priced = [
        PricedLine(
            key=item.key,
            sku=item.sku,
            quantity=item.quantity,
            unit_price=item.unit_price,
            tax=decision,
            currency=code,
            subtotal_minor=subtotal,
            total_minor=total,
            net_minor=total - line_tax if gross_mode else total,
            tax_minor=line_tax,
            line_discounts=item.discounts,
            order_discount_parts=line_parts,
        )
        for item, (decision, _), subtotal, total, line_tax, line_parts in zip(
            items,
            line_decisions,
            subtotals,
            totals,
            line_taxes,
            parts_per_line or [()] * len(items),
            strict=True,
        )
    ]

    priced_shipping = None
    if ship is not None:
        priced_shipping = _priced_shipping(
            ship,
            rates,
            shares,
            shipping_taxes,
            code=code,
            basis=basis,
            gross_mode=gross_mode,
        )

    net_total = sum([row.net_minor for row in rate_rows])
    tax_total = sum([row.tax_minor for row in rate_rows])
    grand_total = net_total + tax_total
    return PriceBreakdown(
        currency=code,
        mode=mode,
        policy=policy,
        context=context,
        lines=tuple(priced),
        shipping=priced_shipping,
        rates=tuple(rate_rows),
        order_discounts=tuple(
            given
            if amount == _units(given.amount, places, "discount")
            else Discount(from_minor_units(amount, code), given.source, given.label)
            for amount, given in applied
            if amount
        ),
        subtotal_minor=sum(subtotals),
        discount_minor=sum(subtotals) - sum(totals),
        shipping_minor=ship or 0,
        net_minor=net_total,
        tax_minor=tax_total,
        due_minor=_cash_rounded(grand_total, policy, places, code),
    )


def _first_pass(
    items: Sequence[object],
    *,
    currency: moneyed.Currency,
    places: int,
    rounding: Rounding,
    tax: TaxProvider,
    context: TaxContext,
) -> tuple[list[int], list[int], list[tuple[TaxDecision, _Rate]]]:
    """Check the lines; their subtotals, own discounts and tax rates."""
    code = currency.code
    scale = 10**places
    decisions: dict[tuple[str, SupplyKind], tuple[TaxDecision, _Rate]] = {}
    by_group: dict[tuple[Decimal, str, str], _Rate] = {}
    subtotals: list[int] = []
    discounts: list[int] = []
    line_taxes: list[tuple[TaxDecision, _Rate]] = []
    keys: set[str] = set()
    for item in items:
        if type(item) is not LineItem and not isinstance(item, LineItem):
            msg = f"lines must be LineItem objects, not {type(item).__name__}"
            raise ValidationError(msg, field="lines")
        key = item.key
        if key in keys:
            msg = f"two lines have the key {key!r}; give each line its own key"
            raise ValidationError(msg, field="lines")
        keys.add(key)
        unit = item.unit_price
        if unit.currency is not currency and unit.currency.code != code:
            raise CurrencyMismatchError(expected=code, got=unit.currency.code)
        # Exact and free of any decimal context: the price as a fraction.
        numerator, denominator = unit.amount.as_integer_ratio()
        subtotal = _divide(numerator * item.quantity * scale, denominator, rounding)
        discount = 0
        if item.discounts:
            discount = _line_discounts(item, code, places, subtotal)
        lookup = (item.tax_category, item.supply)
        known = decisions.get(lookup)
        if known is None:
            decided: object = tax.decide(item.tax_category, item.supply, context)
            if not isinstance(decided, TaxDecision):
                msg = (
                    f"the tax provider returned {decided!r} for "
                    f"{item.tax_category!r}; a TaxProvider returns a TaxDecision"
                )
                raise ValidationError(msg, field="tax")
            known = (decided, _rate_for(decided, by_group))
            decisions[lookup] = known
        subtotals.append(subtotal)
        discounts.append(discount)
        line_taxes.append(known)
    return subtotals, discounts, line_taxes


def _line_discounts(item: LineItem, code: str, places: int, subtotal: int) -> int:
    discount = 0
    for given in item.discounts:
        if given.amount.currency.code != code:
            raise CurrencyMismatchError(expected=code, got=given.amount.currency.code)
        discount += _units(given.amount, places, "discount")
    if discount > subtotal:
        msg = (
            f"the discounts of line {item.key!r} add up to more than its "
            f"subtotal; a discount never makes a line negative"
        )
        raise ValidationError(msg, field="discounts")
    return discount


def _rate_for(
    decision: TaxDecision, by_group: dict[tuple[Decimal, str, str], _Rate]
) -> _Rate:
    """The rate of ``decision``: one per percent, country and treatment."""
    group = (decision.percent, decision.country, decision.treatment)
    rate = by_group.get(group)
    if rate is None:
        numerator, denominator = decision.percent.as_integer_ratio()
        rate = _Rate(decision, numerator, denominator)
        by_group[group] = rate
    return rate


def _shipping_shares(
    ship: int | None,
    rates: list[_Rate],
    totals: list[int],
    subtotals: list[int],
    goods: list[bool],
    *,
    mode: PriceMode,
    basis: ShippingBasis,
    rounding: Rounding,
    per_line: bool,
) -> list[int]:
    """Shipping's share of each rate, by the goods' values after discounts.

    Shipping follows the goods it carries: lines of services take no share,
    unless the cart holds services only. With every weight zero (all goods
    free) the shares follow the goods' values before discounts, and failing
    those, the count of lines.
    """
    if not ship:
        return [0] * len(rates)
    carried = [
        [i for i in rate.members if goods[i]] if any(goods) else rate.members
        for rate in rates
    ]
    weights: list[int] = []
    for rate, members in zip(rates, carried, strict=True):
        value = sum(totals[i] for i in members)
        if per_line:
            value_tax = sum(_tax_of(totals[i], rate, mode, rounding) for i in members)
        else:
            value_tax = _tax_of(value, rate, mode, rounding)
        net = value - value_tax if mode is PriceMode.GROSS else value
        weights.append(net if basis is ShippingBasis.NET else net + value_tax)
    if not any(weights):
        weights = [sum(subtotals[i] for i in members) for members in carried]
    if not any(weights):
        weights = [len(members) for members in carried]
    return _allocate(ship, weights)


def _priced_shipping(
    ship: int,
    rates: list[_Rate],
    shares: list[int],
    taxes: list[int],
    *,
    code: str,
    basis: ShippingBasis,
    gross_mode: bool,
) -> PricedShipping:
    parts: list[ShippingPart] = []
    for rate, share, share_tax in zip(rates, shares, taxes, strict=True):
        net, gross = (
            (share - share_tax, share) if gross_mode else (share, share + share_tax)
        )
        parts.append(
            ShippingPart(
                percent=rate.decision.percent,
                country=rate.decision.country,
                treatment=rate.decision.treatment,
                currency=code,
                amount_minor=share,
                net_minor=net,
                tax_minor=share_tax,
                gross_minor=gross,
            )
        )
    tax = sum(taxes)
    return PricedShipping(
        basis=basis,
        parts=tuple(parts),
        currency=code,
        amount_minor=ship,
        net_minor=ship - tax if gross_mode else ship,
        tax_minor=tax,
        gross_minor=ship if gross_mode else ship + tax,
    )


def _cash_rounded(
    grand_total: int, policy: RoundingPolicy, places: int, code: str
) -> int:
    """The amount due: ``grand_total`` rounded to the policy's cash step."""
    if policy.cash_increment is None:
        return grand_total
    step = policy.cash_increment.scaleb(places, _EXACT)
    if step != step.to_integral_value(context=_EXACT):
        msg = (
            f"cash_increment {policy.cash_increment} is finer than the minor "
            f"unit of {code}"
        )
        raise ValidationError(msg, field="cash_increment")
    step_units = int(step)
    return _divide(grand_total, step_units, policy.rounding) * step_units
