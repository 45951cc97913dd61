"""The cart's values: its lines and settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, NewType

import attrs

from commercekit.errors import ValidationError
from commercekit.money import Money, as_money
from commercekit.values import Sku, as_utc, identifier, positive_int, sku

__all__ = [
    "CartId",
    "CartLine",
    "CartSettings",
    "WishlistId",
    "cart_id",
    "wishlist_id",
]

CartId = NewType("CartId", str)
"""The identifier of a :class:`Cart`."""

WishlistId = NewType("WishlistId", str)
"""The identifier of a :class:`Wishlist`."""

_MAX_LINES: Final = "max_lines"
_MAX_QUANTITY: Final = "max_quantity_per_line"
_MAX_WISHLIST_ITEMS: Final = "max_wishlist_items"


def cart_id(value: str) -> CartId:
    """Check a cart's id and return it as a ``CartId``.

    Raises:
        ValidationError: for anything but non-empty printable text without
            surrounding space.

    >>> cart_id("cart-1")
    'cart-1'
    """
    return CartId(_identifier(value, "cart_id"))


def wishlist_id(value: str) -> WishlistId:
    """Check a wishlist's id and return it as a ``WishlistId``.

    Raises:
        ValidationError: for anything but non-empty printable text without
            surrounding space.

    >>> wishlist_id("wish-1")
    'wish-1'
    """
    return WishlistId(_identifier(value, "wishlist_id"))


def _identifier(value: object, field: str) -> str:
    return identifier(value, field=field)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"{field} must be non-empty text, not {value!r}"
        raise ValidationError(msg, field=field)
    return str(value)  # a StrEnum member (TaxCategory) becomes its plain value


def _optional_text(value: object, field: str) -> str | None:
    return None if value is None else _text(value, field)


def _money(value: object, field: str) -> Money:
    price = as_money(value, field=field)
    if price.amount < 0:
        msg = f"{field} cannot be negative, not {price}"
        raise ValidationError(msg, field=field)
    return price


def _optional_money(value: object) -> Money | None:
    return None if value is None else _money(value, "unit_price_seen")


def _added_at(value: object) -> datetime:
    return as_utc(value, field="added_at")  # type: ignore[arg-type]


def _key(value: object) -> str:
    return _text(value, "key")


def _tax_category(value: object) -> str:
    return _text(value, "tax_category")


def _name(value: object) -> str | None:
    return _optional_text(value, "name")


def _quantity(value: object) -> int:
    return positive_int(value, field="quantity")


def _check_flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class CartLine:
    """One line of a cart: a quantity of a catalog SKU, or a custom line.

    A catalog line's key is its SKU (adding the SKU again adds to the line).
    A custom line (gift wrap, a surcharge) is not in the catalog: it has a key
    of its own (also its code for pricing), a name and its own price.

    Args:
        key: Tells the line apart: the SKU for a catalog line.
        sku: The SKU; for a custom line, the key.
        quantity: How many, at least 1.
        added_at: When the line was first added (UTC-aware).
        unit_price_seen: The unit price the customer was shown when adding
            it, so a later price change can be reported; a custom line's own
            price.
        tax_category: The line's tax category (a
            :class:`~commercekit.values.TaxCategory` value or one of your rate
            table).
        custom: Whether it is a custom line, not from the catalog.
        name: What the customer reads; required for a custom line.

    Raises:
        ValidationError: for bad fields, a catalog line whose key is not its
            SKU, or a custom line without a name or price.
    """

    key: str = attrs.field(converter=_key)
    sku: Sku = attrs.field(converter=sku)
    quantity: int = attrs.field(converter=_quantity)
    added_at: datetime = attrs.field(converter=_added_at)
    unit_price_seen: Money | None = attrs.field(default=None, converter=_optional_money)
    tax_category: str = attrs.field(default="standard", converter=_tax_category)
    custom: bool = attrs.field(default=False, validator=_check_flag)
    name: str | None = attrs.field(default=None, converter=_name)

    def __attrs_post_init__(self) -> None:
        if self.key != self.sku:
            msg = f"a line's key must be its SKU {self.sku!r}, not {self.key!r}"
            raise ValidationError(msg, field="key")
        if self.custom and (self.name is None or self.unit_price_seen is None):
            msg = f"custom line {self.key} needs a name and a unit price"
            raise ValidationError(msg, field="name")


def _settings_limit(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    positive_int(value, field=attribute.name)


def _positive_timedelta(
    _: object, attribute: attrs.Attribute[timedelta], value: object
) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        msg = f"{attribute.name} must be a positive timedelta, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen(kw_only=True)
class CartSettings:
    """The merchant's limits for carts and wishlists.

    Args:
        max_quantity_per_line: The most units one line may hold.
        max_lines: The most lines one cart may hold.
        expires_after: How long a cart lives without a change (a wishlist
            never expires).
        max_wishlist_items: The most SKUs one wishlist may hold.

    >>> CartSettings().max_quantity_per_line, CartSettings().expires_after.days
    (99, 30)
    >>> CartSettings().max_wishlist_items
    100
    """

    max_quantity_per_line: int = attrs.field(default=99, validator=_settings_limit)
    max_lines: int = attrs.field(default=100, validator=_settings_limit)
    expires_after: timedelta = attrs.field(
        default=timedelta(days=30), validator=_positive_timedelta
    )
    max_wishlist_items: int = attrs.field(default=100, validator=_settings_limit)
