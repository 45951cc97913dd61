"""The order's values: ids, lines with their quantities, and the legal record."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import NewType

import attrs

from commercekit.errors import ValidationError
from commercekit.money import Money, allocate, as_money, from_minor_units
from commercekit.pricing import Discount, TaxDecision
from commercekit.values import FrozenMap, Sku, as_utc, identifier, sku

__all__ = ["LegalAcceptance", "OrderId", "OrderLine", "RefundDue", "order_id"]

OrderId = NewType("OrderId", str)
"""An order's identifier, made by the :class:`~commercekit.ports.IdFactory`."""


def order_id(value: str) -> OrderId:
    """Check an order id and return it as ``OrderId``.

    Raises:
        ValidationError: for an empty or blank id, or one with whitespace
            or control characters.
    """
    return OrderId(identifier(value, field="order_id"))


def _share(amount: int, part: int, whole: int) -> int:
    """``amount * part / whole`` in minor units, rounded half away from zero.

    A line's amounts for some of its units are read from its amounts for
    all of them by this one rule, so the same quantities always give the
    same cents, whatever was canceled before.
    """
    if part == whole:
        return amount
    numerator = abs(amount) * part
    quotient, remainder = divmod(numerator, whole)
    if remainder * 2 >= whole:
        quotient += 1
    return quotient if amount >= 0 else -quotient


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"{field} must be non-empty text, not {value!r}"
        raise ValidationError(msg, field=field)
    return value.strip()


def _name(value: object) -> str:
    return _text(value, "name")


def _key(value: object) -> str:
    return identifier(value, field="key")


def _count(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        msg = f"{attribute.name} must be a whole number, 0 or more, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _quantity(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        msg = f"{attribute.name} must be a whole number, 1 or more, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _minor(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{attribute.name} must be an amount in minor units, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _options(value: object) -> FrozenMap[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(key, str) and isinstance(text, str) for key, text in value.items()
    ):
        msg = f"options must map names to values (text), not {value!r}"
        raise ValidationError(msg, field="options")
    return FrozenMap(value)


def _unit_price(value: object) -> Money:
    return as_money(value, field="unit_price")


def _tax(_: object, attribute: attrs.Attribute[TaxDecision], value: object) -> None:
    if not isinstance(value, TaxDecision):
        msg = f"tax must be a TaxDecision, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _discounts(value: object) -> tuple[Discount, ...]:
    items = tuple(value) if isinstance(value, list | tuple) else None
    if items is None or not all(isinstance(item, Discount) for item in items):
        msg = f"discounts must be a list of Discount, not {value!r}"
        raise ValidationError(msg, field="discounts")
    return items


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class OrderLine:
    """One line of an order, as priced at checkout, with what became of its units.

    The amounts (``*_minor`` fields, in minor units of the unit price's
    currency, and ``discounts``) are those of all ``quantity`` units and
    never change: they are the checkout's snapshot. What the line costs
    now is read for its active units (ordered minus canceled): each
    amount's share ``amount * active / quantity``, rounded half away from
    zero, so a canceled unit takes its part of the line's discounts and
    VAT with it. ``total`` is in the order's price mode: gross
    (``net + tax``) or net (``net``).

    Args:
        key: The line's key (the cart line's: the SKU, or a custom line's key).
        sku: The SKU.
        name: What the customer read, in the order's locale.
        options: The variant's options (``{"size": "42"}``).
        quantity: The units ordered.
        unit_price: The price of one, as listed at checkout.
        tax: The VAT decision for the line.
        subtotal_minor: ``unit_price * quantity``, rounded.
        total_minor: The line after its discounts, in the price mode.
        net_minor: The line's net amount.
        tax_minor: The line's VAT.
        discounts: Its discounts (its own and its parts of order discounts).
        custom: Whether it is a custom line, not from the catalog.
        canceled: Units canceled.
        shipped: Units shipped.
        returned: Units returned (of those shipped).

    Raises:
        ValidationError: for bad fields, more units canceled and shipped
            than ordered, more returned than shipped, or amounts that do not
            add up (``total`` neither ``net + tax`` nor ``net``).
    """

    key: str = attrs.field(converter=_key)
    sku: Sku = attrs.field(converter=sku)
    name: str = attrs.field(converter=_name)
    options: FrozenMap[str, str] = attrs.field(factory=FrozenMap, converter=_options)
    quantity: int = attrs.field(validator=_quantity)
    unit_price: Money = attrs.field(converter=_unit_price)
    tax: TaxDecision = attrs.field(validator=_tax)
    subtotal_minor: int = attrs.field(validator=_minor)
    total_minor: int = attrs.field(validator=_minor)
    net_minor: int = attrs.field(validator=_minor)
    tax_minor: int = attrs.field(validator=_minor)
    discounts: tuple[Discount, ...] = attrs.field(default=(), converter=_discounts)
    custom: bool = attrs.field(default=False, validator=_flag)
    canceled: int = attrs.field(default=0, validator=_count)
    shipped: int = attrs.field(default=0, validator=_count)
    returned: int = attrs.field(default=0, validator=_count)

    def __attrs_post_init__(self) -> None:
        if self.canceled + self.shipped > self.quantity:
            msg = (
                f"line {self.key}: {self.canceled} canceled and {self.shipped} "
                f"shipped are more than the {self.quantity} ordered"
            )
            raise ValidationError(msg, field="canceled")
        if self.returned > self.shipped:
            msg = (
                f"line {self.key}: {self.returned} returned are more than the "
                f"{self.shipped} shipped"
            )
            raise ValidationError(msg, field="returned")
        if self.total_minor not in {self.net_minor + self.tax_minor, self.net_minor}:
            msg = f"line {self.key}: its total is neither net + tax nor net"
            raise ValidationError(msg, field="total_minor")

    @property
    def currency(self) -> str:
        """The currency code of its amounts."""
        return str(self.unit_price.currency.code)

    @property
    def active(self) -> int:
        """Units that still count: ordered minus canceled."""
        return self.quantity - self.canceled

    @property
    def open(self) -> int:
        """Units still to ship: active minus shipped."""
        return self.active - self.shipped

    def _share(self, amount: int) -> int:
        return _share(amount, self.active, self.quantity)

    @property
    def active_total_minor(self) -> int:
        """:attr:`total` in minor units."""
        return self._share(self.total_minor)

    @property
    def active_tax_minor(self) -> int:
        """:attr:`tax_amount` in minor units."""
        return self._share(self.tax_minor)

    @property
    def active_net_minor(self) -> int:
        """:attr:`net` in minor units: in gross mode ``total - tax``."""
        if self.total_minor == self.net_minor:
            return self.active_total_minor
        return self.active_total_minor - self.active_tax_minor

    @property
    def subtotal(self) -> Money:
        """``unit_price`` times the active units, rounded (the share rule)."""
        return from_minor_units(self._share(self.subtotal_minor), self.currency)

    @property
    def total(self) -> Money:
        """What the active units cost after discounts, in the price mode."""
        return from_minor_units(self.active_total_minor, self.currency)

    @property
    def tax_amount(self) -> Money:
        """The active units' VAT."""
        return from_minor_units(self.active_tax_minor, self.currency)

    @property
    def net(self) -> Money:
        """The active units' net amount."""
        return from_minor_units(self.active_net_minor, self.currency)

    @property
    def gross(self) -> Money:
        """The active units' gross amount, ``net + tax_amount``."""
        return self.net + self.tax_amount

    @property
    def discount_total(self) -> Money:
        """The active units' discounts, ``subtotal - total``."""
        return self.subtotal - self.total

    def active_discounts(self) -> tuple[Discount, ...]:
        """The discounts the active units keep, each its share.

        They sum to :attr:`discount_total`; a share of 0 is left out.
        """
        kept = self.discount_total
        if not self.discounts or not kept.amount:
            return ()
        parts = allocate(kept, [discount.amount for discount in self.discounts])
        return tuple(
            Discount(part, discount.source, discount.label)
            for part, discount in zip(parts, self.discounts, strict=True)
            if part.amount
        )


def _button_label(value: object) -> str:
    return _text(value, "button_label")


def _accepted_at(value: object) -> datetime:
    return as_utc(value, field="accepted_at")  # type: ignore[arg-type]


def _documents(value: object) -> FrozenMap[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(name, str)
        and name.strip()
        and isinstance(version, str)
        and version.strip()
        for name, version in value.items()
    ):
        msg = (
            "documents must map each legal text's name to the version the "
            f"customer accepted (text), not {value!r}"
        )
        raise ValidationError(msg, field="documents")
    return FrozenMap(value)


@attrs.frozen(kw_only=True)
class LegalAcceptance:
    """What the customer saw and accepted when they pressed the order button.

    German law (§ 312j BGB) places a consumer's order only by a button
    that names the obligation to pay ("zahlungspflichtig bestellen",
    "order with obligation to pay"); the order keeps the label, when it
    was pressed, and the versions of the legal texts (terms, withdrawal
    policy, privacy notice) the customer accepted.

    Args:
        button_label: The order button's words, as shown.
        accepted_at: When the customer pressed it.
        documents: Each legal text's name to its version, such as
            ``{"terms": "2026-05", "withdrawal": "3"}``.

    >>> from datetime import UTC, datetime
    >>> LegalAcceptance(
    ...     button_label="Zahlungspflichtig bestellen",
    ...     accepted_at=datetime(2026, 6, 1, 9, tzinfo=UTC),
    ...     documents={"terms": "2026-05"},
    ... ).documents["terms"]
    '2026-05'
    """

    button_label: str = attrs.field(converter=_button_label)
    accepted_at: datetime = attrs.field(converter=_accepted_at)
    documents: FrozenMap[str, str] = attrs.field(
        factory=FrozenMap, converter=_documents
    )


def _refund_key(value: object) -> str:
    return identifier(value, field="key")


def _refund_amount(value: object) -> Money:
    amount = as_money(value, field="amount")
    if amount.amount <= 0:
        msg = f"a refund is more than 0, not {amount}"
        raise ValidationError(msg, field="amount")
    return amount


@attrs.frozen
class RefundDue:
    """A refund an order's cancellation owes the customer, noted before it is sent.

    The order keeps it, so that a refund whose answer was lost is sent again
    with the same idempotency key (moving the money once) before anything
    else is settled. An offline refund (a prepayment's transfer, sent back
    by the merchant's bank) is noted for the merchant to pay; nothing sends
    it.

    Args:
        key: The refund's idempotency key (or reference, offline).
        amount: How much goes back.
        offline: Whether the merchant pays it outside the provider.
    """

    key: str = attrs.field(converter=_refund_key)
    amount: Money = attrs.field(converter=_refund_amount)
    offline: bool = attrs.field(default=False, validator=_flag)
