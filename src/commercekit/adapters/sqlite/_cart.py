"""The SQLite cart and wishlist repositories."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from commercekit.adapters._checks import (
    _check_a,
    _check_customer_id,
    _check_expected_version,
    _cutoff,
)
from commercekit.adapters.sqlite._columns import _text
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
    StorageError,
    VersionConflictError,
)

if TYPE_CHECKING:
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__ = ["SQLiteCartRepository", "SQLiteWishlistRepository"]

_A = TypeVar("_A", Cart, Wishlist)

# The same checks as the in-memory adapter's (adapter families import
# nothing from each other), so both refuse the same input.


class _Rows:
    """Reading and writing one table of aggregates: id, version, JSON data."""

    def __init__(self, uow: SQLiteUnitOfWork, table: str, key: str, kind: str) -> None:
        self._uow = uow
        self._table = table
        self._key = key
        self._kind = kind

    def dump(self, aggregate: Cart | Wishlist) -> str:
        data = self._uow.converter.unstructure(aggregate)
        data.pop("version", None)  # the column is the truth
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    def load(self, cls: type[_A], version: int, data: str) -> _A:
        try:
            aggregate = self._uow.converter.structure(json.loads(data), cls)
        except Exception as exc:
            msg = f"a stored {self._kind} cannot be read: {exc}"
            raise StorageError(msg) from exc
        aggregate.version = version
        return aggregate

    def version(self, key: str) -> int:
        row = self._uow.connection.execute(
            f"SELECT version FROM {self._table} WHERE {self._key} = ?",  # noqa: S608 - names are ours
            (key,),
        ).fetchone()
        if row is None:
            raise NotFoundError(kind=self._kind, key=key)
        return int(row[0])

    def conflict(self, key: str, expected: int) -> Exception:
        """The error of a conditional write that changed no row."""
        return VersionConflictError(
            kind=self._kind,
            key=key,
            expected_version=expected,
            actual_version=self.version(key),
        )

    def remove(self, key: str, expected_version: int | None) -> None:
        if expected_version is not None:
            _check_expected_version(expected_version)
        conn = self._uow.connection
        if expected_version is None:
            deleted = conn.execute(
                f"DELETE FROM {self._table} WHERE {self._key} = ?",  # noqa: S608 - names are ours
                (key,),
            ).rowcount
            if deleted != 1:
                raise NotFoundError(kind=self._kind, key=key)
            return
        deleted = conn.execute(
            f"DELETE FROM {self._table} WHERE {self._key} = ? AND version = ?",  # noqa: S608 - names are ours
            (key, expected_version),
        ).rowcount
        if deleted != 1:
            raise self.conflict(key, expected_version)


class SQLiteCartRepository(CartRepository):
    """Carts in a SQLite database.

    The queried fields are columns (id, version, customer id and the time of
    the last change, both indexed); the rest of a cart is one JSON document
    written by commercekit's converter. Saving is a conditional
    ``UPDATE ... WHERE version = ?`` checked by its row count, so of two
    writers holding one version only one wins.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow
        self._rows = _Rows(uow, "carts", "cart_id", "cart")

    def add(self, cart: Cart) -> None:
        """Store a new cart at version 1."""
        _check_a(cart, Cart, "cart")
        try:
            self._uow.connection.execute(
                "INSERT INTO carts (cart_id, version, customer_id, updated_at, data) "
                "VALUES (?, 1, ?, ?, ?)",
                (
                    cart.cart_id,
                    cart.customer_id,
                    _text(cart.updated_at),
                    self._rows.dump(cart),
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise DuplicateError(kind="cart", key=cart.cart_id) from exc
        cart.version = 1
        self._uow.track(cart)

    def get(self, cart_id: str) -> Cart:
        """Return the cart with this id."""
        key = _check_cart_id(cart_id)
        row = self._uow.connection.execute(
            "SELECT version, data FROM carts WHERE cart_id = ?", (key,)
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="cart", key=key)
        cart = self._rows.load(Cart, *row)
        self._uow.track(cart)
        return cart

    def save(self, cart: Cart) -> None:
        """Store a changed cart, if nobody else saved it since it was loaded."""
        _check_a(cart, Cart, "cart")
        updated = self._uow.connection.execute(
            "UPDATE carts SET version = version + 1, customer_id = ?, "
            "updated_at = ?, data = ? WHERE cart_id = ? AND version = ?",
            (
                cart.customer_id,
                _text(cart.updated_at),
                self._rows.dump(cart),
                cart.cart_id,
                cart.version,
            ),
        ).rowcount
        if updated != 1:
            raise self._rows.conflict(cart.cart_id, cart.version)
        cart.version += 1
        self._uow.track(cart)

    def remove(self, cart_id: str, *, expected_version: int | None = None) -> None:
        """Delete the cart."""
        self._rows.remove(_check_cart_id(cart_id), expected_version)

    def for_customer(self, customer_id: str) -> Cart | None:
        """The customer's cart changed last, or ``None``."""
        row = self._uow.connection.execute(
            "SELECT version, data FROM carts WHERE customer_id = ? "
            "ORDER BY updated_at DESC, cart_id LIMIT 1",
            (_check_customer_id(customer_id),),
        ).fetchone()
        if row is None:
            return None
        cart = self._rows.load(Cart, *row)
        self._uow.track(cart)
        return cart

    def expired(
        self, at: datetime, settings: CartSettings, *, limit: int | None = None
    ) -> list[CartId]:
        """The ids of the carts expired at ``at``, the oldest first."""
        cutoff = _cutoff(at, settings, limit)
        if cutoff is None:
            return []
        count = -1 if limit is None else limit
        rows = self._uow.connection.execute(
            "SELECT cart_id FROM carts WHERE updated_at <= ? "
            "ORDER BY updated_at, cart_id LIMIT ?",
            (_text(cutoff), count),
        )
        return [CartId(cart_id) for (cart_id,) in rows]


class SQLiteWishlistRepository(WishlistRepository):
    """Wishlists in a SQLite database.

    Id, version, customer id (unique: a customer has one wishlist) and the
    time of the last change are columns; the rest is one JSON document.
    Saving is a conditional ``UPDATE ... WHERE version = ?``.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow
        self._rows = _Rows(uow, "wishlists", "wishlist_id", "wishlist")

    @staticmethod
    def _duplicate(wishlist: Wishlist, exc: sqlite3.IntegrityError) -> Exception:
        if "customer_id" in str(exc) and wishlist.customer_id is not None:
            return DuplicateError(kind="wishlist of customer", key=wishlist.customer_id)
        if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
            return DuplicateError(kind="wishlist", key=wishlist.wishlist_id)
        msg = f"the database refused wishlist {wishlist.wishlist_id!r}: {exc}"
        return StorageError(msg)

    def add(self, wishlist: Wishlist) -> None:
        """Store a new wishlist at version 1."""
        _check_a(wishlist, Wishlist, "wishlist")
        try:
            self._uow.connection.execute(
                "INSERT INTO wishlists "
                "(wishlist_id, version, customer_id, updated_at, data) "
                "VALUES (?, 1, ?, ?, ?)",
                (
                    wishlist.wishlist_id,
                    wishlist.customer_id,
                    _text(wishlist.updated_at),
                    self._rows.dump(wishlist),
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise self._duplicate(wishlist, exc) from exc
        wishlist.version = 1
        self._uow.track(wishlist)

    def get(self, wishlist_id: str) -> Wishlist:
        """Return the wishlist with this id."""
        key = _check_wishlist_id(wishlist_id)
        row = self._uow.connection.execute(
            "SELECT version, data FROM wishlists WHERE wishlist_id = ?", (key,)
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="wishlist", key=key)
        wishlist = self._rows.load(Wishlist, *row)
        self._uow.track(wishlist)
        return wishlist

    def save(self, wishlist: Wishlist) -> None:
        """Store a changed wishlist, if nobody else saved it since it was loaded."""
        _check_a(wishlist, Wishlist, "wishlist")
        try:
            updated = self._uow.connection.execute(
                "UPDATE wishlists SET version = version + 1, customer_id = ?, "
                "updated_at = ?, data = ? WHERE wishlist_id = ? AND version = ?",
                (
                    wishlist.customer_id,
                    _text(wishlist.updated_at),
                    self._rows.dump(wishlist),
                    wishlist.wishlist_id,
                    wishlist.version,
                ),
            ).rowcount
        except sqlite3.IntegrityError as exc:
            raise self._duplicate(wishlist, exc) from exc
        if updated != 1:
            raise self._rows.conflict(wishlist.wishlist_id, wishlist.version)
        wishlist.version += 1
        self._uow.track(wishlist)

    def remove(self, wishlist_id: str, *, expected_version: int | None = None) -> None:
        """Delete the wishlist."""
        self._rows.remove(_check_wishlist_id(wishlist_id), expected_version)

    def for_customer(self, customer_id: str) -> Wishlist | None:
        """The customer's wishlist, or ``None``."""
        row = self._uow.connection.execute(
            "SELECT version, data FROM wishlists WHERE customer_id = ?",
            (_check_customer_id(customer_id),),
        ).fetchone()
        if row is None:
            return None
        wishlist = self._rows.load(Wishlist, *row)
        self._uow.track(wishlist)
        return wishlist
