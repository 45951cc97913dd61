"""The input and output types of a price breakdown."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import ClassVar

import attrs

from commercekit.errors import NotFoundError, ValidationError
from commercekit.money import (
    _EXACT,
    Money,
    Rounding,
    from_minor_units,
    minor_units,
    to_decimal,
)
from commercekit.pricing._checks import _as_money, _check_enum, _is_text
from commercekit.pricing._prices import PriceMode
from commercekit.pricing._tax import SupplyKind, TaxContext, TaxDecision, TaxTreatment
from commercekit.values import CountryCode, Sku, positive_int, sku

__all__ = [
    "Discount",
    "LineItem",
    "PriceBreakdown",
    "PricedLine",
    "PricedShipping",
    "RoundingPolicy",
    "ShippingBasis",
    "ShippingPart",
    "TaxRateTotal",
    "TaxRounding",
]


def _discount_amount(value: object) -> Money:
    amount = _as_money(value, "amount")
    scaled = amount.amount.scaleb(minor_units(amount.currency), _EXACT)
    if amount.amount <= 0 or scaled != scaled.to_integral_value(context=_EXACT):
        msg = (
            f"a discount is a positive amount in whole minor units of "
            f"{amount.currency.code} (quantize it first), not {amount.amount}"
        )
        raise ValidationError(msg, field="amount")
    return amount


@attrs.frozen
class Discount:
    """An amount taken off a line by a promotion or coupon.

    Args:
        amount: How much, in the breakdown's price mode (gross or net), in
            whole minor units of the currency, more than zero.
        source: What gave it: a promotion id or coupon code.
        label: What the customer reads ("10% off shoes").
    """

    amount: Money = attrs.field(converter=_discount_amount)
    source: str = attrs.field(validator=_is_text)
    label: str = attrs.field(default="", validator=_is_text)


def _discounts(value: object) -> tuple[Discount, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        msg = f"discounts must be a list of Discount objects, not {value!r}"
        raise ValidationError(msg, field="discounts")
    items = tuple(value)
    for item in items:
        if not isinstance(item, Discount):
            msg = f"discounts must be Discount objects, not {item!r}"
            raise ValidationError(msg, field="discounts")
    return items


def _unit_price(value: object) -> Money:
    price = _as_money(value, "unit_price")
    if price.amount < 0:
        msg = f"a unit price cannot be negative, not {price}"
        raise ValidationError(msg, field="unit_price")
    return price


def _category(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"tax_category must be text such as 'standard', not {value!r}"
        raise ValidationError(msg, field="tax_category")
    return str(value)


def _supply(value: object) -> SupplyKind:
    return _check_enum(SupplyKind, value, "supply")


def _tax_rounding(value: object) -> TaxRounding:
    return _check_enum(TaxRounding, value, "tax")


def _rounding(value: object) -> Rounding:
    return _check_enum(Rounding, value, "rounding")


def _quantity(value: object) -> int:
    return positive_int(value, field="quantity")


@attrs.frozen(kw_only=True)
class LineItem:
    """A line to price: a quantity of a SKU at a unit price.

    Args:
        sku: What is sold: a catalog SKU, or a code of your own for a custom
            line (``"GIFT-WRAP"``).
        quantity: How many, at least 1.
        unit_price: The price of one, in the breakdown's mode (gross or net).
        tax_category: The tax category (:class:`~commercekit.values.TaxCategory`
            or a custom one of your rate table).
        supply: Goods or services; it changes the VAT of cross-border sales.
        discounts: Amounts taken off the line (promotions fill them).
        key: Tells the line apart from others with the same SKU; the SKU by
            default.
    """

    sku: Sku = attrs.field(converter=sku)
    quantity: int = attrs.field(converter=_quantity)
    unit_price: Money = attrs.field(converter=_unit_price)
    tax_category: str = attrs.field(default="standard", converter=_category)
    supply: SupplyKind = attrs.field(default=SupplyKind.GOODS, converter=_supply)
    discounts: tuple[Discount, ...] = attrs.field(default=(), converter=_discounts)
    key: str = attrs.field(
        default=attrs.Factory(lambda line: line.sku, takes_self=True),
        validator=_is_text,
    )

    def with_discounts(self, discounts: Iterable[Discount]) -> LineItem:
        """A copy of the line with ``discounts`` added after its own.

        Cheaper than :func:`attrs.evolve`: only the new discounts are
        checked, the rest were checked when the line was made.

        Raises:
            ValidationError: if ``discounts`` holds anything but Discount.
        """
        added = _discounts(discounts)
        made = _new(LineItem)
        for name in _LINE_FIELDS:
            _set(made, name, getattr(self, name))
        _set(made, "discounts", self.discounts + added)
        return made


_new = object.__new__
_set = object.__setattr__
_LINE_FIELDS = ("sku", "quantity", "unit_price", "tax_category", "supply", "key")


class TaxRounding(enum.StrEnum):
    """Where tax is rounded to the currency's minor unit."""

    PER_RATE_TOTAL = "per_rate_total"
    """Once per tax rate over the whole cart; the lines show that total
    allocated over them (the default, and the German invoice norm)."""
    PER_LINE = "per_line"
    """On each line; the rate's total is the sum of the lines."""


class ShippingBasis(enum.StrEnum):
    """How shipping is split over tax rates in a mixed-rate cart."""

    NET = "net"
    """By the goods' net values per rate (the default)."""
    GROSS = "gross"
    """By the goods' gross values per rate."""


def _increment(value: object) -> Decimal | None:
    if value is None:
        return None
    increment = to_decimal(value, field="cash_increment")
    if increment <= 0:
        msg = f"cash_increment must be more than zero, such as '0.05', not {increment}"
        raise ValidationError(msg, field="cash_increment")
    return increment


@attrs.frozen(kw_only=True)
class RoundingPolicy:
    """Where and how a breakdown rounds.

    Args:
        tax: Round tax per rate total (the default) or per line.
        rounding: The rounding mode of line totals and tax; half up (commercial
            rounding) by default.
        cash_increment: Round the amount due to this step, such as
            ``Decimal("0.05")`` for cash payments in CHF; ``None`` for none.
    """

    tax: TaxRounding = attrs.field(
        default=TaxRounding.PER_RATE_TOTAL, converter=_tax_rounding
    )
    rounding: Rounding = attrs.field(default=Rounding.HALF_UP, converter=_rounding)
    cash_increment: Decimal | None = attrs.field(default=None, converter=_increment)


def _shown(value: object) -> str:
    return ", ".join(
        f"{name}={getattr(value, name)!r}"
        for name in type(value).__dict__.get("_shown", ())
    )


@attrs.frozen(kw_only=True, repr=False)
class PricedLine:
    """A priced line of a breakdown.

    Amounts are kept in minor units of the currency (the ``*_minor``
    fields, which storage writes) and read as Money through the properties.
    ``subtotal``, ``discount_total`` and ``total`` are in the breakdown's
    mode (gross or net); ``net``, ``tax_amount`` and ``gross`` are what
    they say.

    Args:
        key: The line's key.
        sku: The SKU.
        quantity: How many.
        unit_price: The price of one, as given.
        tax: The VAT decision for the line.
        currency: The currency code of the amounts.
        subtotal_minor: ``unit_price * quantity`` rounded to the minor unit.
        total_minor: ``subtotal - discounts``: what the line costs, in the
            breakdown's mode.
        net_minor: The line's net amount.
        tax_minor: The line's VAT; the gross amount is ``net + tax``.
        line_discounts: The discounts given on the line itself.
        order_discount_parts: The parts of order discounts it took: the part
            in minor units, and the order discount as applied.
    """

    _shown: ClassVar[tuple[str, ...]] = (
        "key",
        "sku",
        "quantity",
        "unit_price",
        "total",
        "net",
    )
    _shown += ("tax_amount", "gross", "tax")

    key: str
    sku: Sku
    quantity: int
    unit_price: Money
    tax: TaxDecision
    currency: str
    subtotal_minor: int
    total_minor: int
    net_minor: int
    tax_minor: int
    line_discounts: tuple[Discount, ...] = ()
    order_discount_parts: tuple[tuple[int, Discount], ...] = ()

    @property
    def subtotal(self) -> Money:
        """``unit_price * quantity``, rounded to the minor unit."""
        return from_minor_units(self.subtotal_minor, self.currency)

    @property
    def discount_total(self) -> Money:
        """The sum of :attr:`discounts`."""
        return from_minor_units(self.subtotal_minor - self.total_minor, self.currency)

    @property
    def total(self) -> Money:
        """What the line costs after discounts, in the breakdown's mode."""
        return from_minor_units(self.total_minor, self.currency)

    @property
    def net(self) -> Money:
        """The line's net amount."""
        return from_minor_units(self.net_minor, self.currency)

    @property
    def tax_amount(self) -> Money:
        """The line's VAT."""
        return from_minor_units(self.tax_minor, self.currency)

    @property
    def gross(self) -> Money:
        """The line's gross amount, ``net + tax_amount``."""
        return from_minor_units(self.net_minor + self.tax_minor, self.currency)

    @property
    def discounts(self) -> tuple[Discount, ...]:
        """Every discount taken off, the line's own first, then its order discounts."""
        parts = tuple(
            Discount(from_minor_units(part, self.currency), whole.source, whole.label)
            for part, whole in self.order_discount_parts
        )
        return self.line_discounts + parts

    def __repr__(self) -> str:
        return f"PricedLine({_shown(self)})"


@attrs.frozen(kw_only=True, repr=False)
class ShippingPart:
    """The share of shipping taxed at one rate.

    Args:
        percent: The rate, in percent.
        country: The country of the rate.
        treatment: The treatment of the goods it follows.
        currency: The currency code of the amounts.
        amount_minor: The share, in the breakdown's mode, in minor units.
        net_minor: Its net amount.
        tax_minor: Its VAT.
        gross_minor: Its gross amount.
    """

    _shown: ClassVar[tuple[str, ...]] = (
        "percent",
        "country",
        "treatment",
        "amount",
        "net",
    )
    _shown += ("tax", "gross")

    percent: Decimal
    country: CountryCode
    treatment: TaxTreatment
    currency: str
    amount_minor: int
    net_minor: int
    tax_minor: int
    gross_minor: int

    @property
    def amount(self) -> Money:
        """The share, in the breakdown's mode."""
        return from_minor_units(self.amount_minor, self.currency)

    @property
    def net(self) -> Money:
        """Its net amount."""
        return from_minor_units(self.net_minor, self.currency)

    @property
    def tax(self) -> Money:
        """Its VAT."""
        return from_minor_units(self.tax_minor, self.currency)

    @property
    def gross(self) -> Money:
        """Its gross amount."""
        return from_minor_units(self.gross_minor, self.currency)

    def __repr__(self) -> str:
        return f"ShippingPart({_shown(self)})"


@attrs.frozen(kw_only=True, repr=False)
class PricedShipping:
    """Shipping, split over the goods' tax rates.

    Args:
        basis: How it was split over rates.
        parts: One part per rate of the goods.
        currency: The currency code of the amounts.
        amount_minor: The shipping price as given, in the breakdown's mode.
        net_minor: The net of all parts.
        tax_minor: The VAT of all parts.
        gross_minor: The gross of all parts.
    """

    _shown: ClassVar[tuple[str, ...]] = (
        "amount",
        "basis",
        "net",
        "tax",
        "gross",
        "parts",
    )

    basis: ShippingBasis
    parts: tuple[ShippingPart, ...]
    currency: str
    amount_minor: int
    net_minor: int
    tax_minor: int
    gross_minor: int

    @property
    def amount(self) -> Money:
        """The shipping price as given, in the breakdown's mode."""
        return from_minor_units(self.amount_minor, self.currency)

    @property
    def net(self) -> Money:
        """The net of all parts."""
        return from_minor_units(self.net_minor, self.currency)

    @property
    def tax(self) -> Money:
        """The VAT of all parts."""
        return from_minor_units(self.tax_minor, self.currency)

    @property
    def gross(self) -> Money:
        """The gross of all parts."""
        return from_minor_units(self.gross_minor, self.currency)

    def __repr__(self) -> str:
        return f"PricedShipping({_shown(self)})"


@attrs.frozen(kw_only=True, repr=False)
class TaxRateTotal:
    """The totals of one tax rate, goods and shipping together.

    Args:
        percent: The rate, in percent.
        country: The country of the rate.
        treatment: The treatment (an invoice prints a note for some).
        currency: The currency code of the amounts.
        net_minor: The net amount taxed at this rate, in minor units.
        tax_minor: The VAT.
        gross_minor: ``net + tax``.
    """

    _shown: ClassVar[tuple[str, ...]] = (
        "percent",
        "country",
        "treatment",
        "net",
        "tax",
        "gross",
    )

    percent: Decimal
    country: CountryCode
    treatment: TaxTreatment
    currency: str
    net_minor: int
    tax_minor: int
    gross_minor: int

    @property
    def net(self) -> Money:
        """The net amount taxed at this rate."""
        return from_minor_units(self.net_minor, self.currency)

    @property
    def tax(self) -> Money:
        """The VAT at this rate."""
        return from_minor_units(self.tax_minor, self.currency)

    @property
    def gross(self) -> Money:
        """``net + tax``."""
        return from_minor_units(self.gross_minor, self.currency)

    def __repr__(self) -> str:
        return f"TaxRateTotal({_shown(self)})"


@attrs.frozen(kw_only=True, repr=False)
class PriceBreakdown:
    """What a cart costs, line by line and rate by rate: frozen, and complete.

    Orders, invoices, returns and refunds read it later, so it keeps every
    figure and the decisions behind them. Amounts are kept in minor units
    (the ``*_minor`` fields) and read as Money through the properties. Its
    invariants:

    * ``grand_total == net_total + tax_total``;
    * in gross mode ``grand_total`` is the sum of the lines' totals plus
      shipping; in net mode ``net_total`` is;
    * the rates' taxes add up to ``tax_total``, and so do the lines' and
      shipping's;
    * no computed amount has more decimals than the currency (a unit price
      is kept as given, and may have more, such as ``12.345``).

    Args:
        currency: The currency code.
        mode: Whether the prices given were gross or net.
        policy: The rounding policy applied.
        context: The sale's tax facts.
        lines: The priced lines, in the order given.
        shipping: Shipping and its tax; ``None`` if there is none.
        rates: The totals per rate, highest rate first.
        order_discounts: The order discounts as applied (cut to the goods'
            value); the lines hold their allocated parts.
        subtotal_minor: The sum of the lines' subtotals, in minor units.
        discount_minor: The sum of the lines' discounts.
        shipping_minor: The shipping price, in the breakdown's mode.
        net_minor: Everything net.
        tax_minor: All VAT.
        due_minor: The grand total after cash rounding.
    """

    _shown: ClassVar[tuple[str, ...]] = ("currency", "mode", "grand_total", "net_total")
    _shown += ("tax_total", "lines", "shipping", "rates")

    currency: str
    mode: PriceMode
    policy: RoundingPolicy
    context: TaxContext
    lines: tuple[PricedLine, ...]
    shipping: PricedShipping | None
    rates: tuple[TaxRateTotal, ...]
    order_discounts: tuple[Discount, ...]
    subtotal_minor: int
    discount_minor: int
    shipping_minor: int
    net_minor: int
    tax_minor: int
    due_minor: int

    @property
    def subtotal(self) -> Money:
        """The sum of the lines' subtotals (before discounts)."""
        return from_minor_units(self.subtotal_minor, self.currency)

    @property
    def discount_total(self) -> Money:
        """The sum of the lines' discounts."""
        return from_minor_units(self.discount_minor, self.currency)

    @property
    def shipping_total(self) -> Money:
        """The shipping price, in the breakdown's mode."""
        return from_minor_units(self.shipping_minor, self.currency)

    @property
    def net_total(self) -> Money:
        """Everything net."""
        return from_minor_units(self.net_minor, self.currency)

    @property
    def tax_total(self) -> Money:
        """All VAT."""
        return from_minor_units(self.tax_minor, self.currency)

    @property
    def grand_total(self) -> Money:
        """Everything gross, which the customer pays."""
        return from_minor_units(self.net_minor + self.tax_minor, self.currency)

    @property
    def amount_due(self) -> Money:
        """The grand total after cash rounding (the policy's cash increment)."""
        return from_minor_units(self.due_minor, self.currency)

    @property
    def cash_rounding(self) -> Money:
        """``amount_due - grand_total``."""
        grand = self.net_minor + self.tax_minor
        return from_minor_units(self.due_minor - grand, self.currency)

    def line(self, key: str) -> PricedLine:
        """The line with ``key``.

        Raises:
            NotFoundError: if there is none.
        """
        for line in self.lines:
            if line.key == key:
                return line
        raise NotFoundError(kind="line", key=key)

    def __repr__(self) -> str:
        return f"PriceBreakdown({_shown(self)})"
