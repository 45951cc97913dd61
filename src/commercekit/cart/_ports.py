"""The ports through which carts and wishlists are stored."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from commercekit.cart._model import Cart
from commercekit.cart._validation import CartCheckUnitOfWork
from commercekit.cart._values import CartId, CartSettings
from commercekit.cart._wishlist import Wishlist

__all__ = ["CartRepository", "CartUnitOfWork", "WishlistRepository"]


class CartRepository(Protocol):
    """Stores carts.

    Contract (checked by ``commercekit.testing.contracts.CartRepositoryContract``):

    * :meth:`add` stores a new cart at version 1 and sets ``cart.version``
      to 1; a cart id that is taken raises
      :class:`~commercekit.errors.DuplicateError` (``kind="cart"``).
    * :meth:`get` returns a copy equal to the cart stored; an unknown id
      raises :class:`~commercekit.errors.NotFoundError` (``kind="cart"``,
      ``key`` the id). Changing the copy changes nothing until it is saved.
    * :meth:`save` stores a changed cart if the stored version is
      ``cart.version`` (the one it was loaded at) and raises
      ``cart.version`` by one; a stored version that differs raises
      :class:`~commercekit.errors.VersionConflictError` (``kind="cart"``,
      with both versions) and changes nothing: someone else saved it since
      it was loaded. Of two units of work that save copies loaded at one
      version, exactly one wins, however they interleave. An unknown id
      raises :class:`~commercekit.errors.NotFoundError`.
    * :meth:`remove` deletes a cart (the expiry sweep, a merged guest cart);
      with ``expected_version`` it checks the version first, as :meth:`save`
      does. An unknown id raises :class:`~commercekit.errors.NotFoundError`.
    * :meth:`for_customer` returns the customer's active cart: of the carts
      with that ``customer_id``, the one changed last (the smaller id among
      those changed at the same instant), or ``None``. Expiry is the
      caller's question (:meth:`Cart.is_expired`).
    * :meth:`expired` lists the ids of carts that
      :meth:`Cart.is_expired` at ``at`` under ``settings`` (``updated_at +
      expires_after <= at``), the longest unchanged first (then by id), at
      most ``limit`` of them, so a sweep can remove them in batches. An
      ``at`` less than ``expires_after`` after the first instant there is
      (``datetime.min``) lists nothing: no cart can have expired by then.
    * :meth:`add`, :meth:`get`, :meth:`save` and :meth:`for_customer` track
      the cart with the unit of work: the events it recorded are written to
      the outbox at commit, and published after it.
    * Bad input raises :class:`~commercekit.errors.ValidationError` before
      anything is read or written: a malformed cart id or customer id,
      something that is not a :class:`Cart`, an ``expected_version`` below 1.
    * Nothing is visible to other units of work before the commit; leaving
      the block without a commit undoes everything done in it.
    """

    def add(self, cart: Cart) -> None:
        """Store a new cart at version 1.

        Raises:
            DuplicateError: if its id is taken.
        """
        ...

    def get(self, cart_id: str) -> Cart:
        """Return the cart with this id.

        Raises:
            NotFoundError: for an unknown id.
        """
        ...

    def save(self, cart: Cart) -> None:
        """Store a changed cart, if nobody else saved it since it was loaded.

        Raises:
            NotFoundError: for an unknown id.
            VersionConflictError: if the stored version is not ``cart.version``.
        """
        ...

    def remove(self, cart_id: str, *, expected_version: int | None = None) -> None:
        """Delete the cart.

        Raises:
            NotFoundError: for an unknown id.
            VersionConflictError: if ``expected_version`` is given and differs.
        """
        ...

    def for_customer(self, customer_id: str) -> Cart | None:
        """The customer's cart changed last, or ``None`` if they have none."""
        ...

    def expired(
        self, at: datetime, settings: CartSettings, *, limit: int | None = None
    ) -> list[CartId]:
        """The ids of the carts expired at ``at``, the oldest first.

        Raises:
            ValidationError: for a naive ``at``, ``settings`` that are not
                :class:`CartSettings`, or a ``limit`` below 1.
        """
        ...


class WishlistRepository(Protocol):
    """Stores wishlists, at most one per customer.

    Contract (checked by
    ``commercekit.testing.contracts.WishlistRepositoryContract``):

    * :meth:`add` stores a new wishlist at version 1 and sets its
      ``version`` to 1; an id that is taken raises
      :class:`~commercekit.errors.DuplicateError` (``kind="wishlist"``).
    * A customer has at most one wishlist: adding or saving a wishlist whose
      ``customer_id`` another wishlist has raises
      :class:`~commercekit.errors.DuplicateError`
      (``kind="wishlist of customer"``, ``key`` the customer id) and stores
      nothing. Guest wishlists (no customer id) are not limited.
    * :meth:`get` returns a copy equal to the wishlist stored; an unknown id
      raises :class:`~commercekit.errors.NotFoundError`
      (``kind="wishlist"``).
    * :meth:`save` and :meth:`remove` check versions as
      :class:`CartRepository` does (``kind="wishlist"``).
    * :meth:`for_customer` returns the customer's wishlist, or ``None``.
    * :meth:`add`, :meth:`get`, :meth:`save` and :meth:`for_customer` track
      the wishlist with the unit of work, so its events reach the outbox.
    * Wishlists never expire: nothing removes one but :meth:`remove`.
    * Bad input (a malformed wishlist or customer id, something that is not
      a :class:`Wishlist`) raises :class:`~commercekit.errors.ValidationError`
      before anything is read or written.
    * Nothing is visible to other units of work before the commit.
    """

    def add(self, wishlist: Wishlist) -> None:
        """Store a new wishlist at version 1.

        Raises:
            DuplicateError: if its id, or its customer's wishlist, exists.
        """
        ...

    def get(self, wishlist_id: str) -> Wishlist:
        """Return the wishlist with this id.

        Raises:
            NotFoundError: for an unknown id.
        """
        ...

    def save(self, wishlist: Wishlist) -> None:
        """Store a changed wishlist, if nobody else saved it since it was loaded.

        Raises:
            NotFoundError: for an unknown id.
            VersionConflictError: if the stored version differs.
            DuplicateError: if its customer has another wishlist.
        """
        ...

    def remove(self, wishlist_id: str, *, expected_version: int | None = None) -> None:
        """Delete the wishlist.

        Raises:
            NotFoundError: for an unknown id.
            VersionConflictError: if ``expected_version`` is given and differs.
        """
        ...

    def for_customer(self, customer_id: str) -> Wishlist | None:
        """The customer's wishlist, or ``None`` if they have none."""
        ...


class CartUnitOfWork(CartCheckUnitOfWork, Protocol):
    """A unit of work with the cart context's repositories and what it reads.

    ``carts`` and ``wishlists``, and from the contexts below: ``products``,
    ``price_lists``, ``promotions``, ``coupons`` and ``stock``. Both built-in
    units of work have them all.
    """

    carts: CartRepository
    wishlists: WishlistRepository
