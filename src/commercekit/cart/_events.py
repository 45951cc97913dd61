"""The cart's domain events: what changed in a cart or a wishlist.

They carry ids, SKUs, coupon codes and quantities, never personal data (no
e-mail address, no address), so analytics and integrations may keep them.
Each is recorded by the method that made the change, and only when something
changed: a refused change records nothing. The instant travels in the
:class:`~commercekit.ports.EventEnvelope`.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from commercekit.cart._merge import MergedLine
from commercekit.cart._values import CartId, WishlistId
from commercekit.money import Money
from commercekit.ports import DomainEvent
from commercekit.values import Sku

__all__ = [
    "CartExpired",
    "CartLineAdded",
    "CartLineRemoved",
    "CartQuantityChanged",
    "CartsMerged",
    "CheckoutStarted",
    "CouponApplied",
    "CouponRemoved",
    "LineMovedToCart",
    "LineSavedForLater",
    "WishlistItemAdded",
    "WishlistItemRemoved",
    "WishlistsMerged",
]


@attrs.frozen(kw_only=True)
class CartLineAdded(DomainEvent):
    """Units were added to a cart: a new line, or more of a line it had.

    Args:
        cart_id: The cart.
        sku: The line's SKU (a custom line's key).
        quantity: The units added (not the line's new total).
        custom: Whether it is a custom line, not from the catalog.
    """

    cart_id: CartId
    sku: Sku
    quantity: int
    custom: bool = False


@attrs.frozen(kw_only=True)
class CartLineRemoved(DomainEvent):
    """A line left a cart, by :meth:`~commercekit.cart.Cart.remove` or ``clear``.

    Args:
        cart_id: The cart.
        sku: The line's SKU (a custom line's key).
        quantity: The units the line held.
    """

    cart_id: CartId
    sku: Sku
    quantity: int


@attrs.frozen(kw_only=True)
class CartQuantityChanged(DomainEvent):
    """A line's quantity was set to another value.

    Args:
        cart_id: The cart.
        sku: The line's SKU (a custom line's key).
        old_quantity: The units before.
        quantity: The units now.
    """

    cart_id: CartId
    sku: Sku
    old_quantity: int
    quantity: int


@attrs.frozen(kw_only=True)
class CouponApplied(DomainEvent):
    """A coupon code was applied to a cart (applying it again records nothing).

    Args:
        cart_id: The cart.
        code: The code, normalized.
    """

    cart_id: CartId
    code: str


@attrs.frozen(kw_only=True)
class CouponRemoved(DomainEvent):
    """A coupon code was removed from a cart.

    Args:
        cart_id: The cart.
        code: The code, normalized.
    """

    cart_id: CartId
    code: str


@attrs.frozen(kw_only=True)
class CartsMerged(DomainEvent):
    """A guest's cart was merged into a customer's on login.

    Args:
        cart_id: The customer's cart, which took the guest's lines.
        guest_cart_id: The guest's cart, left as it was.
        lines: What became of each guest line (the
            :class:`~commercekit.cart.MergeReport`'s lines).
        coupon_codes_added: The guest's codes the cart did not have.
    """

    cart_id: CartId
    guest_cart_id: CartId
    lines: tuple[MergedLine, ...]
    coupon_codes_added: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class CartExpired(DomainEvent):
    """A cart was deleted by the expiry sweep after its time without a change.

    Args:
        cart_id: The deleted cart.
    """

    cart_id: CartId


@attrs.frozen(kw_only=True)
class CheckoutStarted(DomainEvent):
    """The customer started checkout, and the cart's price was frozen.

    Args:
        cart_id: The cart.
        grand_total: The frozen total, VAT and shipping included.
        frozen_until: Until when the price holds.
    """

    cart_id: CartId
    grand_total: Money
    frozen_until: datetime


@attrs.frozen(kw_only=True)
class LineSavedForLater(DomainEvent):
    """A catalog line moved from a cart to a wishlist (:func:`save_for_later`).

    Recorded on the cart, which always changes; no
    :class:`CartLineRemoved` or :class:`WishlistItemAdded` is recorded
    besides it.

    Args:
        cart_id: The cart the line left.
        wishlist_id: The wishlist that holds the SKU now.
        sku: The SKU.
        quantity: The units the line held (the wishlist does not keep them).
    """

    cart_id: CartId
    wishlist_id: WishlistId
    sku: Sku
    quantity: int


@attrs.frozen(kw_only=True)
class LineMovedToCart(DomainEvent):
    """A wishlist item moved into a cart (:func:`move_to_cart`).

    Recorded on the cart, which always changes; no :class:`CartLineAdded`
    or :class:`WishlistItemRemoved` is recorded besides it.

    Args:
        cart_id: The cart that took the SKU.
        wishlist_id: The wishlist it left.
        sku: The SKU.
        quantity: The units added to the cart.
    """

    cart_id: CartId
    wishlist_id: WishlistId
    sku: Sku
    quantity: int


@attrs.frozen(kw_only=True)
class WishlistItemAdded(DomainEvent):
    """A SKU was added to a wishlist it was not on.

    Args:
        wishlist_id: The wishlist.
        sku: The SKU.
    """

    wishlist_id: WishlistId
    sku: Sku


@attrs.frozen(kw_only=True)
class WishlistItemRemoved(DomainEvent):
    """A SKU was removed from a wishlist.

    Args:
        wishlist_id: The wishlist.
        sku: The SKU.
    """

    wishlist_id: WishlistId
    sku: Sku


@attrs.frozen(kw_only=True)
class WishlistsMerged(DomainEvent):
    """A guest's wishlist was merged into a customer's on login.

    Args:
        wishlist_id: The customer's wishlist.
        guest_wishlist_id: The guest's wishlist, left as it was.
        added: The SKUs it took, in the guest's order.
        dropped: The SKUs left out because the wishlist was full.
    """

    wishlist_id: WishlistId
    guest_wishlist_id: WishlistId
    added: tuple[Sku, ...]
    dropped: tuple[Sku, ...] = ()
