"""The cart context's errors."""

from __future__ import annotations

import attrs

from commercekit.errors import BusinessRuleError, NotFoundError

__all__ = [
    "CartLimitError",
    "CartLineNotFoundError",
    "CustomLineNotMovableError",
    "ProductUnavailableError",
    "WishlistItemNotFoundError",
    "WishlistLimitError",
]


@attrs.define(slots=False)
class CartLimitError(BusinessRuleError):
    """A change would pass one of the cart's limits; nothing was changed.

    Args:
        limit: The setting that refused it: ``"max_quantity_per_line"`` or
            ``"max_lines"`` (see :class:`~commercekit.cart.CartSettings`).
        maximum: The limit's value.
        requested: What the change asked for: the line's new quantity, or the
            number of lines.
        key: The line concerned (its SKU for a catalog line).

    >>> str(CartLimitError(limit="max_quantity_per_line", maximum=99,
    ...                    requested=100, key="SNEAKER-42"))
    'line SNEAKER-42 would hold 100, more than the 99 allowed (max_quantity_per_line)'
    """

    code = "cart_limit"

    limit: str = attrs.field(kw_only=True)
    maximum: int = attrs.field(kw_only=True)
    requested: int = attrs.field(kw_only=True)
    key: str = attrs.field(kw_only=True)
    rule: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.rule:
            self.rule = self.limit
        super().__attrs_post_init__()

    def _default_message(self) -> str:
        if self.limit == "max_lines":
            return (
                f"cannot add line {self.key}: the cart would have {self.requested} "
                f"lines, more than the {self.maximum} allowed ({self.limit})"
            )
        return (
            f"line {self.key} would hold {self.requested}, more than the "
            f"{self.maximum} allowed ({self.limit})"
        )


@attrs.define(slots=False)
class CartLineNotFoundError(NotFoundError):
    """The cart has no line with the key asked for.

    Args:
        key: The line's key (its SKU for a catalog line).
        cart_id: The cart that was looked in.

    >>> str(CartLineNotFoundError(key="SNEAKER-42", cart_id="cart-1"))
    "cart cart-1 has no line 'SNEAKER-42'"
    """

    code = "cart_line_not_found"

    cart_id: str = attrs.field(default="", kw_only=True)
    kind: str = attrs.field(default="cart line", kw_only=True)

    def _default_message(self) -> str:
        return f"cart {self.cart_id} has no line {self.key!r}"


@attrs.define(slots=False)
class WishlistItemNotFoundError(NotFoundError):
    """The wishlist has no item with the SKU asked for.

    Args:
        key: The SKU.
        wishlist_id: The wishlist that was looked in.

    >>> str(WishlistItemNotFoundError(key="SNEAKER-42", wishlist_id="wish-1"))
    "wishlist wish-1 has no item 'SNEAKER-42'"
    """

    code = "wishlist_item_not_found"

    wishlist_id: str = attrs.field(default="", kw_only=True)
    kind: str = attrs.field(default="wishlist item", kw_only=True)

    def _default_message(self) -> str:
        return f"wishlist {self.wishlist_id} has no item {self.key!r}"


@attrs.define(slots=False)
class WishlistLimitError(BusinessRuleError):
    """A wishlist is full (``max_wishlist_items``); nothing was changed.

    Args:
        maximum: The limit's value.
        sku: The SKU that found no room.
        wishlist_id: The wishlist.

    >>> str(WishlistLimitError(maximum=2, sku="SNEAKER-42", wishlist_id="wish-1"))
    'cannot add SNEAKER-42: wishlist wish-1 holds the 2 items allowed (max_wishlist_items)'
    """  # noqa: E501 - a doctest's output is one line

    code = "wishlist_limit"

    maximum: int = attrs.field(kw_only=True)
    sku: str = attrs.field(kw_only=True)
    wishlist_id: str = attrs.field(default="", kw_only=True)
    rule: str = attrs.field(default="max_wishlist_items", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"cannot add {self.sku}: wishlist {self.wishlist_id} holds the "
            f"{self.maximum} items allowed ({self.rule})"
        )


@attrs.define(slots=False)
class CustomLineNotMovableError(BusinessRuleError):
    """A custom line (gift wrap, a surcharge) cannot go to a wishlist.

    A wishlist holds catalog SKUs only; a custom line has no SKU in the
    catalog to come back as.

    Args:
        key: The custom line's key.
        cart_id: The cart it is in.

    >>> str(CustomLineNotMovableError(key="GIFT-WRAP", cart_id="cart-1"))
    'line GIFT-WRAP of cart cart-1 is a custom line: only catalog lines can be saved for later'
    """  # noqa: E501 - a doctest's output is one line

    code = "custom_line_not_movable"

    key: str = attrs.field(kw_only=True)
    cart_id: str = attrs.field(default="", kw_only=True)
    rule: str = attrs.field(default="custom_line_not_movable", kw_only=True)

    def _default_message(self) -> str:
        return (
            f"line {self.key} of cart {self.cart_id} is a custom line: only "
            "catalog lines can be saved for later"
        )


@attrs.define(slots=False)
class ProductUnavailableError(BusinessRuleError):
    """A SKU whose product is not for sale (inactive) cannot go into a cart.

    Args:
        sku: The SKU.
        product_id: Its product.

    >>> str(ProductUnavailableError(sku="RUN-OLD", product_id="retired"))
    'RUN-OLD is not for sale: its product retired is inactive'
    """

    code = "product_unavailable"

    sku: str = attrs.field(kw_only=True)
    product_id: str = attrs.field(default="", kw_only=True)
    rule: str = attrs.field(default="product_inactive", kw_only=True)

    def _default_message(self) -> str:
        return f"{self.sku} is not for sale: its product {self.product_id} is inactive"
