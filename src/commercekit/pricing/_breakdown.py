"""The price breakdown: lines, discounts, shipping and VAT, to the minor unit.

Inside, every amount is an int of minor units (cents), and every division is
an exact integer division rounded by the policy's mode; amounts become
:class:`~commercekit.money.Money` only in the frozen result. That keeps the
figures exact and the pricing of a large cart fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final

import attrs
import moneyed

from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import Money, Rounding, _build, get_currency, minor_units
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
from commercekit.pricing._prices import PriceMode
from commercekit.pricing._tax import (
    SupplyKind,
    TaxContext,
    TaxDecision,
    TaxProvider,
    TaxTreatment,
)
from commercekit.values import CountryCode

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


def _allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` minor units by ``weights``: largest remainder, ties first.

    The same rule as :func:`commercekit.money.allocate`, on ints.
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
        for index in order[:missing]:
            parts[index] += 1
    return parts


_new: Final = object.__new__
_set: Final = object.__setattr__


def _discount(amount: Money, given: Discount) -> Discount:
    """A copy of ``given`` for ``amount``: checked once, when it was given."""
    made = _new(Discount)
    _set(made, "amount", amount)
    _set(made, "source", given.source)
    _set(made, "label", given.label)
    return made


def _apply_order_discounts(
    order_discounts: Iterable[Discount],
    totals: list[int],
    discounts: list[int],
    code: str,
    places: int,
) -> tuple[list[tuple[int, Discount]], dict[int, list[tuple[int, Discount]]]]:
    """Take order discounts off ``totals`` and add them to ``discounts``.

    Returns:
        Each discount's applied amount (cut to the goods' value), and per
        line index the parts it took, with their discount.
    """
    applied: list[tuple[int, Discount]] = []
    allocated: dict[int, list[tuple[int, Discount]]] = {}
    checked: Iterable[object] = order_discounts  # checked at run time too
    for given in checked:
        if not isinstance(given, Discount):
            msg = f"order_discounts must be Discount objects, not {given!r}"
            raise ValidationError(msg, field="order_discounts")
        if given.amount.currency.code != code:
            raise CurrencyMismatchError(expected=code, got=given.amount.currency.code)
        amount = min(_units(given.amount, places, "discount"), sum(totals))
        applied.append((amount, given))
        if not amount:
            continue
        for index, part in enumerate(_allocate(amount, totals)):
            if part:
                totals[index] -= part
                discounts[index] += part
                allocated.setdefault(index, []).append((part, given))
    return applied, allocated


@attrs.define
class _Rate:
    """One tax rate's members while a breakdown is computed."""

    decision: TaxDecision
    numerator: int
    denominator: int
    members: list[int] = attrs.Factory(list)
    goods: int = 0
    before_discounts: int = 0


def _units(value: Money, places: int, field: str) -> int:
    scaled = value.amount.scaleb(places)
    if scaled != scaled.to_integral_value():
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


def _check_line(line: object) -> LineItem:
    if not isinstance(line, LineItem):
        msg = f"lines must be LineItem objects, not {type(line).__name__}"
        raise ValidationError(msg, field="lines")
    return line


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


def price_lines(  # noqa: PLR0912, PLR0915 - one pass, kept in one place
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
    found = get_currency(currency)
    code = found.code
    places = minor_units(found)
    mode = PriceMode(mode)
    basis = ShippingBasis(shipping_basis)
    given_policy: object = policy  # checked at run time too, for untyped callers
    if not isinstance(given_policy, RoundingPolicy):
        msg = f"policy must be a RoundingPolicy, not {policy!r}"
        raise ValidationError(msg, field="policy")
    given_context: object = context
    if not isinstance(given_context, TaxContext):
        msg = f"context must be a TaxContext, not {context!r}"
        raise ValidationError(msg, field="context")
    rounding = policy.rounding
    rounding_value = rounding.value
    quantum = _ONE
    gross_mode = mode is PriceMode.GROSS

    items = [_check_line(line) for line in lines]
    ship = _shipping_units(shipping, code, places)
    if ship and not items:
        msg = "shipping needs at least one line of goods to take its tax rate from"
        raise ValidationError(msg, field="shipping")

    decisions: dict[tuple[str, SupplyKind], _Rate] = {}
    rates: dict[tuple[Decimal, str, str], _Rate] = {}
    subtotals: list[int] = []
    discounts: list[int] = []
    line_rates: list[_Rate] = []
    keys: set[str] = set()
    for position, item in enumerate(items):
        if item.key in keys:
            msg = f"two lines have the key {item.key!r}; give each line its own key"
            raise ValidationError(msg, field="lines")
        keys.add(item.key)
        unit = item.unit_price
        if unit.currency.code != code:
            raise CurrencyMismatchError(expected=code, got=unit.currency.code)
        subtotal = int(
            (unit.amount * item.quantity)
            .scaleb(places)
            .quantize(quantum, rounding_value)
        )
        discount = 0
        for given in item.discounts:
            if given.amount.currency.code != code:
                raise CurrencyMismatchError(
                    expected=code, got=given.amount.currency.code
                )
            discount += _units(given.amount, places, "discount")
        if discount > subtotal:
            msg = (
                f"the discounts of line {item.key!r} add up to more than its "
                f"subtotal; a discount never makes a line negative"
            )
            raise ValidationError(msg, field="discounts")
        lookup = (item.tax_category, item.supply)
        rate = decisions.get(lookup)
        if rate is None:
            decision = tax.decide(item.tax_category, item.supply, context)
            group = (decision.percent, decision.country, decision.treatment)
            rate = rates.get(group)
            if rate is None:
                numerator, denominator = decision.percent.as_integer_ratio()
                rate = _Rate(decision, numerator, denominator)
                rates[group] = rate
            decisions[lookup] = rate
        rate.members.append(position)
        rate.before_discounts += subtotal
        subtotals.append(subtotal)
        discounts.append(discount)
        line_rates.append(rate)

    ordered = sorted(
        rates.values(),
        key=lambda rate: (
            -rate.decision.percent,
            rate.decision.country,
            rate.decision.treatment,
        ),
    )
    per_line = policy.tax is TaxRounding.PER_LINE
    totals = [
        subtotal - discount
        for subtotal, discount in zip(subtotals, discounts, strict=True)
    ]
    applied, allocated = _apply_order_discounts(
        order_discounts, totals, discounts, code, places
    )
    for rate in ordered:
        rate.goods = sum(totals[i] for i in rate.members)

    # Shipping's share of each rate, by the goods' values after discounts.
    shares = [0] * len(ordered)
    if ship:
        weights: list[int] = []
        for rate in ordered:
            if per_line:
                goods_tax = sum(
                    _tax_of(totals[i], rate, mode, rounding) for i in rate.members
                )
            else:
                goods_tax = _tax_of(rate.goods, rate, mode, rounding)
            if gross_mode:
                weight = (
                    rate.goods - goods_tax if basis is ShippingBasis.NET else rate.goods
                )
            else:
                weight = (
                    rate.goods if basis is ShippingBasis.NET else rate.goods + goods_tax
                )
            weights.append(weight)
        if not any(weights):
            weights = [rate.before_discounts for rate in ordered]
        if not any(weights):
            weights = [len(rate.members) for rate in ordered]
        shares = _allocate(ship, weights)

    # Tax per rate, shown on the lines and shipping so that it adds up.
    line_taxes = [0] * len(items)
    rate_rows: list[tuple[_Rate, int, int, int]] = []
    shipping_taxes: list[int] = []
    for rate, share in zip(ordered, shares, strict=True):
        members = [totals[i] for i in rate.members]
        members.append(share)
        if per_line:
            taxes = [_tax_of(amount, rate, mode, rounding) for amount in members]
            rate_tax = sum(taxes)
        else:
            rate_tax = _tax_of(rate.goods + share, rate, mode, rounding)
            taxes = _allocate(rate_tax, members) if rate_tax else [0] * len(members)
        for index, line_tax in zip(rate.members, taxes, strict=False):
            line_taxes[index] = line_tax
        shipping_taxes.append(taxes[-1])
        amount = rate.goods + share
        if gross_mode:
            rate_rows.append((rate, amount - rate_tax, rate_tax, amount))
        else:
            rate_rows.append((rate, amount, rate_tax, amount + rate_tax))

    def as_money(units: int) -> Money:
        return _build(Money, Decimal(units).scaleb(-places), found)

    build = _build
    to_decimal = Decimal
    scale = -places

    zero = as_money(0)
    priced: list[PricedLine] = []
    for index, item in enumerate(items):
        total = totals[index]
        line_tax = line_taxes[index]
        total_money = build(Money, to_decimal(total).scaleb(scale), found)
        if not line_tax:
            tax_money = zero
            net_money = gross_money = total_money
        elif gross_mode:
            tax_money = build(Money, to_decimal(line_tax).scaleb(scale), found)
            gross_money = total_money
            net_money = build(Money, to_decimal(total - line_tax).scaleb(scale), found)
        else:
            tax_money = build(Money, to_decimal(line_tax).scaleb(scale), found)
            net_money = total_money
            gross_money = build(
                Money, to_decimal(total + line_tax).scaleb(scale), found
            )
        line_discounts = item.discounts
        discount_money = zero
        if discounts[index]:
            taken = allocated.get(index)
            if taken is not None:
                if len(taken) == 1:
                    part, given = taken[0]
                    line_discounts += (_discount(as_money(part), given),)
                else:
                    line_discounts += tuple(
                        _discount(as_money(part), given) for part, given in taken
                    )
            discount_money = (
                line_discounts[0].amount
                if len(line_discounts) == 1
                else as_money(discounts[index])
            )
        priced.append(
            PricedLine(
                key=item.key,
                sku=item.sku,
                quantity=item.quantity,
                unit_price=item.unit_price,
                subtotal=(
                    as_money(subtotals[index]) if discounts[index] else total_money
                ),
                discounts=line_discounts,
                discount_total=discount_money,
                total=total_money,
                tax=line_rates[index].decision,
                net=net_money,
                tax_amount=tax_money,
                gross=gross_money,
            )
        )

    priced_shipping: PricedShipping | None = None
    if ship is not None:
        parts: list[ShippingPart] = []
        for rate, share, share_tax in zip(ordered, shares, shipping_taxes, strict=True):
            net, gross = (
                (share - share_tax, share) if gross_mode else (share, share + share_tax)
            )
            parts.append(
                ShippingPart(
                    percent=rate.decision.percent,
                    country=rate.decision.country,
                    treatment=rate.decision.treatment,
                    amount=as_money(share),
                    net=as_money(net),
                    tax=as_money(share_tax),
                    gross=as_money(gross),
                )
            )
        shipping_tax = sum(shipping_taxes)
        priced_shipping = PricedShipping(
            amount=as_money(ship),
            basis=basis,
            parts=tuple(parts),
            net=as_money(ship - shipping_tax if gross_mode else ship),
            tax=as_money(shipping_tax),
            gross=as_money(ship if gross_mode else ship + shipping_tax),
        )

    net_total = sum(row[1] for row in rate_rows)
    tax_total = sum(row[2] for row in rate_rows)
    grand_total = net_total + tax_total
    amount_due = grand_total
    if policy.cash_increment is not None:
        step = policy.cash_increment.scaleb(places)
        if step != step.to_integral_value():
            msg = (
                f"cash_increment {policy.cash_increment} is finer than the minor "
                f"unit of {code}"
            )
            raise ValidationError(msg, field="cash_increment")
        step_units = int(step)
        amount_due = _divide(grand_total, step_units, rounding) * step_units

    return PriceBreakdown(
        currency=code,
        mode=mode,
        policy=policy,
        context=context,
        lines=tuple(priced),
        shipping=priced_shipping,
        rates=tuple(
            TaxRateTotal(
                percent=rate.decision.percent,
                country=CountryCode(rate.decision.country),
                treatment=TaxTreatment(rate.decision.treatment),
                net=as_money(net),
                tax=as_money(rate_tax),
                gross=as_money(gross),
            )
            for rate, net, rate_tax, gross in rate_rows
        ),
        subtotal=as_money(sum(subtotals)),
        discount_total=as_money(sum(discounts)),
        order_discounts=tuple(
            _discount(as_money(amount), given) for amount, given in applied
        ),
        shipping_total=as_money(ship or 0),
        net_total=as_money(net_total),
        tax_total=as_money(tax_total),
        grand_total=as_money(grand_total),
        amount_due=as_money(amount_due),
        cash_rounding=as_money(amount_due - grand_total),
    )
