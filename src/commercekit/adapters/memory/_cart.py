"""The in-memory cart and wishlist repositories."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from commercekit.adapters._checks import (
    _check_a,
    _check_customer_id,
    _check_expected_version,
    _cutoff,
)
from commercekit.cart import (
    Cart,
    CartId,
    CartRepository,
    CartSettings,
    Wishlist,
    WishlistRepository,
)
from commercekit.cart import cart_id as _check_cart_id
from commercekit.cart import wishlist_id as _check_wishlist_id
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    VersionConflictError,
)

if TYPE_CHECKING:
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryCartRepository", "InMemoryWishlistRepository"]

_CARTS = "cart.carts"
_WISHLISTS = "cart.wishlists"
_WISHLIST_OWNERS = "cart.wishlist_owners"

_A = TypeVar("_A", Cart, Wishlist)


def _conflict(kind: str, key: str, expected: int, actual: int) -> VersionConflictError:
    return VersionConflictError(
        kind=kind, key=key, expected_version=expected, actual_version=actual
    )


class InMemoryCartRepository(CartRepository):
    """Carts in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    One table of carts by id. A transaction holds the store's lock from start
    to end, so a version check and the write it guards cannot interleave with
    another unit of work. :meth:`for_customer` and :meth:`expired` read every
    cart: fine for tests and demos, which is what this store is for.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _stored(self, cart_id: str) -> Cart:
        key = _check_cart_id(cart_id)
        cart = self._uow.read(_CARTS, key)
        if not isinstance(cart, Cart):
            raise NotFoundError(kind="cart", key=key)
        return cart

    def add(self, cart: Cart) -> None:
        """Store a new cart at version 1."""
        _check_a(cart, Cart, "cart")
        if self._uow.read(_CARTS, cart.cart_id) is not None:
            raise DuplicateError(kind="cart", key=cart.cart_id)
        cart.version = 1
        self._uow.write(_CARTS, cart.cart_id, cart)
        self._uow.track(cart)

    def get(self, cart_id: str) -> Cart:
        """Return a copy of the cart with this id."""
        cart = self._stored(cart_id)
        self._uow.track(cart)
        return cart

    def save(self, cart: Cart) -> None:
        """Store a changed cart, if nobody else saved it since it was loaded."""
        stored = self._stored(_check_a(cart, Cart, "cart").cart_id)
        if stored.version != cart.version:
            raise _conflict("cart", cart.cart_id, cart.version, stored.version)
        cart.version += 1
        self._uow.write(_CARTS, cart.cart_id, cart)
        self._uow.track(cart)

    def remove(self, cart_id: str, *, expected_version: int | None = None) -> None:
        """Delete the cart."""
        if expected_version is not None:
            _check_expected_version(expected_version)
        stored = self._stored(cart_id)
        if expected_version is not None and stored.version != expected_version:
            raise _conflict("cart", cart_id, expected_version, stored.version)
        self._uow.remove(_CARTS, cart_id)

    def for_customer(self, customer_id: str) -> Cart | None:
        """The customer's cart changed last, or ``None``."""
        customer_id = _check_customer_id(customer_id)
        # Rows come by id, and max() keeps the first of equals: the smaller id.
        mine = [c for _, c in self._uow.rows(_CARTS) if c.customer_id == customer_id]
        if not mine:
            return None
        cart: Cart = max(mine, key=lambda c: c.updated_at)
        self._uow.track(cart)
        return cart

    def expired(
        self, at: datetime, settings: CartSettings, *, limit: int | None = None
    ) -> list[CartId]:
        """The ids of the carts expired at ``at``, the oldest first."""
        cutoff = _cutoff(at, settings, limit)
        if cutoff is None:
            return []
        found = sorted(
            (cart.updated_at, cart.cart_id)
            for _, cart in self._uow.rows(_CARTS)
            if cart.updated_at <= cutoff
        )
        return [cart_id for _, cart_id in found[:limit]]


class InMemoryWishlistRepository(WishlistRepository):
    """Wishlists in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Two tables: the wishlists by id, and each customer's wishlist id, which
    keeps a customer to one wishlist.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _stored(self, wishlist_id: str) -> Wishlist:
        key = _check_wishlist_id(wishlist_id)
        wishlist = self._uow.read(_WISHLISTS, key)
        if not isinstance(wishlist, Wishlist):
            raise NotFoundError(kind="wishlist", key=key)
        return wishlist

    def _claim_owner(self, wishlist: Wishlist) -> None:
        if wishlist.customer_id is None:
            return
        owner = self._uow.read(_WISHLIST_OWNERS, wishlist.customer_id)
        if owner is not None and owner != wishlist.wishlist_id:
            raise DuplicateError(kind="wishlist of customer", key=wishlist.customer_id)

    def _write(self, wishlist: Wishlist, released: str | None) -> None:
        if released is not None and released != wishlist.customer_id:
            self._uow.remove(_WISHLIST_OWNERS, released)
        if wishlist.customer_id is not None:
            self._uow.write(
                _WISHLIST_OWNERS, wishlist.customer_id, wishlist.wishlist_id
            )
        self._uow.write(_WISHLISTS, wishlist.wishlist_id, wishlist)
        self._uow.track(wishlist)

    def add(self, wishlist: Wishlist) -> None:
        """Store a new wishlist at version 1."""
        _check_a(wishlist, Wishlist, "wishlist")
        if self._uow.read(_WISHLISTS, wishlist.wishlist_id) is not None:
            raise DuplicateError(kind="wishlist", key=wishlist.wishlist_id)
        self._claim_owner(wishlist)
        wishlist.version = 1
        self._write(wishlist, released=None)

    def get(self, wishlist_id: str) -> Wishlist:
        """Return a copy of the wishlist with this id."""
        wishlist = self._stored(wishlist_id)
        self._uow.track(wishlist)
        return wishlist

    def save(self, wishlist: Wishlist) -> None:
        """Store a changed wishlist, if nobody else saved it since it was loaded."""
        stored = self._stored(_check_a(wishlist, Wishlist, "wishlist").wishlist_id)
        if stored.version != wishlist.version:
            raise _conflict(
                "wishlist", wishlist.wishlist_id, wishlist.version, stored.version
            )
        self._claim_owner(wishlist)
        wishlist.version += 1
        self._write(wishlist, released=stored.customer_id)

    def remove(self, wishlist_id: str, *, expected_version: int | None = None) -> None:
        """Delete the wishlist."""
        if expected_version is not None:
            _check_expected_version(expected_version)
        stored = self._stored(wishlist_id)
        if expected_version is not None and stored.version != expected_version:
            raise _conflict("wishlist", wishlist_id, expected_version, stored.version)
        if stored.customer_id is not None:
            self._uow.remove(_WISHLIST_OWNERS, stored.customer_id)
        self._uow.remove(_WISHLISTS, wishlist_id)

    def for_customer(self, customer_id: str) -> Wishlist | None:
        """The customer's wishlist, or ``None``."""
        owned = self._uow.read(_WISHLIST_OWNERS, _check_customer_id(customer_id))
        if owned is None:
            return None
        return self.get(owned)
