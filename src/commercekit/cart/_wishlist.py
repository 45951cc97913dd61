"""The wishlist aggregate, and moving lines between a cart and a wishlist."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

import attrs

from commercekit.cart._checks import _a
from commercekit.cart._errors import (
    CustomLineNotMovableError,
    WishlistItemNotFoundError,
    WishlistLimitError,
)
from commercekit.cart._events import (
    LineMovedToCart,
    LineSavedForLater,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
)
from commercekit.cart._model import Cart
from commercekit.cart._values import (
    CartSettings,
    WishlistId,
    _added_at,
    _optional_text,
    _text,
    wishlist_id,
)
from commercekit.errors import ValidationError
from commercekit.money import Money
from commercekit.ports import EventRecorder
from commercekit.values import Sku, as_utc, personal, redacted, sku

__all__ = ["Wishlist", "WishlistItem", "move_to_cart", "save_for_later"]

_NOTE_LIMIT: Final = 500


def _note(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if (
        not isinstance(value, str)
        or len(value.strip()) > _NOTE_LIMIT
        or not all(char.isprintable() or char == "\n" for char in value.strip())
    ):
        msg = f"a note must be printable text of at most {_NOTE_LIMIT} characters"
        raise ValidationError(msg, field="note")
    return value.strip()


@attrs.frozen(kw_only=True)
class WishlistItem:
    """A SKU on a wishlist.

    Args:
        sku: The catalog SKU.
        added_at: When it was put on the wishlist (UTC-aware).
        note: The customer's note, if any: printable text (line breaks
            allowed) of at most 500 characters, trimmed; empty text becomes
            ``None``. The customer's own words, so personal data: hidden in
            ``repr``.

    Raises:
        ValidationError: for a bad SKU, instant or note.
    """

    sku: Sku = attrs.field(converter=sku)
    added_at: datetime = attrs.field(converter=_added_at)
    note: str | None = attrs.field(
        default=None, converter=_note, metadata=personal(), repr=redacted
    )


def _items(value: object) -> tuple[WishlistItem, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"items must be a list of WishlistItem objects, not {value!r}"
        raise ValidationError(msg, field="items")
    items = tuple(value)
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, WishlistItem):
            msg = f"items must hold WishlistItem objects, not {item!r}"
            raise ValidationError(msg, field="items")
        if item.sku in seen:
            msg = f"two items have the SKU {item.sku!r}"
            raise ValidationError(msg, field="items")
        seen.add(item.sku)
    return items


def _customer_id(value: object) -> str | None:
    return _optional_text(value, "customer_id")


def _updated_at(value: object) -> datetime:
    return as_utc(value, field="updated_at")  # type: ignore[arg-type]


def _version(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"version must be an int of 0 or more, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


_METHODS: Final = {
    "wishlist_id": None,
    "customer_id": "assign_customer",
    "items": "add, remove, merge, save_for_later or move_to_cart",
    "updated_at": "the method that changes the wishlist",
}


def _through_methods(
    instance: Wishlist, attribute: attrs.Attribute[Any], _: object
) -> Any:
    method = _METHODS[attribute.name]
    if method is None:
        msg = f"the wishlist_id of wishlist {instance.wishlist_id} cannot change"
    else:
        msg = f"change the {attribute.name} of a wishlist with {method}"
    raise ValidationError(msg, field=attribute.name)


@attrs.define(kw_only=True)
class Wishlist(EventRecorder):
    """The SKUs a customer keeps for later: one entry per SKU, no quantities.

    A wishlist belongs to a customer (``customer_id``); a store keeps at most
    one per customer. A guest may have one too, with no customer id, found
    by its ``wishlist_id`` (which the storefront keeps, in a cookie say):
    on login, :meth:`assign_customer` makes it the customer's, or
    :meth:`merge` moves its items into the customer's own.

    A wishlist never expires, and a cart's expiry never touches it. Its size
    is limited by ``max_wishlist_items`` of
    :class:`~commercekit.cart.CartSettings`. It holds SKUs, not quantities:
    :func:`save_for_later` forgets a line's quantity, and
    :func:`move_to_cart` takes the quantity to add.

    Every change goes through a method, which sets ``updated_at``; setting a
    field directly raises :class:`~commercekit.errors.ValidationError`.
    Methods that refuse a change leave the wishlist as it was and record no
    event.

    Args:
        wishlist_id: Its identifier; it never changes.
        updated_at: The last change (UTC-aware).
        customer_id: The customer's id; ``None`` for a guest.
        items: The items, in the order they were added.
        version: The stored version, for optimistic concurrency.

    >>> from datetime import UTC, datetime
    >>> now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    >>> wishlist = Wishlist(wishlist_id="w-1", customer_id="cust-7", updated_at=now)
    >>> wishlist.add("SNEAKER-42", at=now, settings=CartSettings(), note="in white")
    >>> wishlist.skus, "SNEAKER-42" in wishlist
    (('SNEAKER-42',), True)
    """

    wishlist_id: WishlistId = attrs.field(
        converter=wishlist_id, on_setattr=_through_methods
    )
    updated_at: datetime = attrs.field(
        converter=_updated_at, on_setattr=_through_methods
    )
    customer_id: str | None = attrs.field(
        default=None, converter=_customer_id, on_setattr=_through_methods
    )
    items: tuple[WishlistItem, ...] = attrs.field(
        default=(), converter=_items, on_setattr=_through_methods
    )
    version: int = attrs.field(
        default=0, validator=_version, on_setattr=attrs.setters.validate
    )

    # -- internals ---------------------------------------------------------

    def _put(self, at: datetime, **changes: object) -> None:
        """Set fields past their guards, and ``updated_at`` to ``at`` or later."""
        for name, value in changes.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "updated_at", max(self.updated_at, at))

    def _index(self, sku_code: str) -> int:
        """The position of the SKU's item; as :meth:`add` stored it.

        Raises:
            ValidationError: for a malformed SKU.
            WishlistItemNotFoundError: if the SKU is not on the wishlist.
        """
        code = sku(sku_code)
        for index, item in enumerate(self.items):
            if item.sku == code:
                return index
        raise WishlistItemNotFoundError(key=code, wishlist_id=self.wishlist_id)

    def _insert(
        self, code: Sku, *, at: datetime, settings: CartSettings, note: str | None
    ) -> bool:
        """Add an item without an event; whether the SKU was new.

        A SKU on the wishlist keeps its entry and ``added_at``; a note given
        replaces its note.
        """
        checked_note = _note(note)
        for index, item in enumerate(self.items):
            if item.sku == code:
                if checked_note is not None:
                    changed = attrs.evolve(item, note=checked_note)
                    items = (*self.items[:index], changed, *self.items[index + 1 :])
                    self._put(at, items=items)
                return False
        if len(self.items) >= settings.max_wishlist_items:
            raise WishlistLimitError(
                maximum=settings.max_wishlist_items,
                sku=code,
                wishlist_id=self.wishlist_id,
            )
        item = WishlistItem(sku=code, added_at=at, note=checked_note)
        self._put(at, items=(*self.items, item))
        return True

    def _take(self, code: str, *, at: datetime) -> WishlistItem:
        """Remove an item without an event, and return it."""
        index = self._index(code)
        item = self.items[index]
        self._put(at, items=self.items[:index] + self.items[index + 1 :])
        return item

    # -- questions ---------------------------------------------------------

    @property
    def skus(self) -> tuple[Sku, ...]:
        """The SKUs on the wishlist, in the order they were added."""
        return tuple(item.sku for item in self.items)

    def __contains__(self, code: object) -> bool:
        """Whether the SKU is on the wishlist; ``False`` for a malformed one."""
        try:
            checked = sku(code)  # type: ignore[arg-type]
        except ValidationError:
            return False
        return any(item.sku == checked for item in self.items)

    def item(self, sku_code: str) -> WishlistItem:
        """Return the item of this SKU (surrounding spaces do not matter).

        Raises:
            ValidationError: for a malformed SKU.
            WishlistItemNotFoundError: if the SKU is not on the wishlist.
        """
        return self.items[self._index(sku_code)]

    # -- changes -----------------------------------------------------------

    def add(
        self,
        sku_code: str,
        *,
        at: datetime,
        settings: CartSettings,
        note: str | None = None,
    ) -> None:
        """Put a SKU on the wishlist; adding one it holds keeps its entry.

        Adding a SKU again keeps its ``added_at``; a ``note`` given replaces
        its note, and records no event. A new SKU records
        :class:`WishlistItemAdded`.

        Raises:
            ValidationError: for a bad SKU, instant, note or settings.
            WishlistLimitError: if a new SKU would pass
                ``settings.max_wishlist_items``.
        """
        code, at = sku(sku_code), as_utc(at, field="at")
        _a(settings, CartSettings, "settings")
        if self._insert(code, at=at, settings=settings, note=note):
            self.record(WishlistItemAdded(wishlist_id=self.wishlist_id, sku=code))

    def remove(self, sku_code: str, *, at: datetime) -> None:
        """Take a SKU off the wishlist; records :class:`WishlistItemRemoved`.

        Raises:
            ValidationError: for a malformed SKU or a naive instant.
            WishlistItemNotFoundError: if the SKU is not on the wishlist.
        """
        at = as_utc(at, field="at")
        item = self._take(sku_code, at=at)
        self.record(WishlistItemRemoved(wishlist_id=self.wishlist_id, sku=item.sku))

    def assign_customer(self, customer_id: str, *, at: datetime) -> None:
        """Make the wishlist the customer's (a guest who logged in or signed up).

        A store keeps one wishlist per customer: if the customer has one,
        :meth:`merge` this one into it instead.
        """
        checked = _text(customer_id, "customer_id")
        self._put(as_utc(at, field="at"), customer_id=checked)

    def merge(
        self, guest: Wishlist, *, at: datetime, settings: CartSettings
    ) -> tuple[Sku, ...]:
        """Merge a guest's wishlist into this (the customer's) one on login.

        The guest's SKUs that are not here are appended in the guest's
        order, with their ``added_at`` and note, while there is room under
        ``max_wishlist_items``; a SKU that is here keeps its entry. Records
        :class:`WishlistsMerged` if the guest had a SKU this wishlist lacked.
        The guest wishlist is left as it was: the caller discards it.

        Returns:
            The guest's SKUs left out because the wishlist was full.

        Raises:
            ValidationError: for a ``guest`` that is not a wishlist, bad
                settings, or merging a wishlist into itself.
        """
        at = as_utc(at, field="at")
        _a(guest, Wishlist, "guest")
        _a(settings, CartSettings, "settings")
        if guest is self or guest.wishlist_id == self.wishlist_id:
            msg = f"cannot merge wishlist {self.wishlist_id} into itself"
            raise ValidationError(msg, field="guest")
        held = set(self.skus)
        new = [item for item in guest.items if item.sku not in held]
        room = max(settings.max_wishlist_items - len(self.items), 0)
        taken, dropped = new[:room], tuple(item.sku for item in new[room:])
        self._put(at, items=(*self.items, *taken))
        if new:
            self.record(
                WishlistsMerged(
                    wishlist_id=self.wishlist_id,
                    guest_wishlist_id=guest.wishlist_id,
                    added=tuple(item.sku for item in taken),
                    dropped=dropped,
                )
            )
        return dropped


def _same_owner(cart: Cart, wishlist: Wishlist) -> None:
    owners = (cart.customer_id, wishlist.customer_id)
    if None not in owners and owners[0] != owners[1]:
        msg = (
            f"cart {cart.cart_id} and wishlist {wishlist.wishlist_id} belong to "
            "two customers"
        )
        raise ValidationError(msg, field="wishlist")


def save_for_later(
    cart: Cart,
    wishlist: Wishlist,
    key: str,
    *,
    at: datetime,
    settings: CartSettings,
) -> None:
    """Move a catalog line from the cart to the wishlist.

    The line leaves the cart; its SKU goes on the wishlist, unless it is
    there already (then the wishlist is left exactly as it was, not even
    ``updated_at`` changes). The wishlist does not keep the quantity:
    :func:`move_to_cart` asks for one. Records :class:`LineSavedForLater` on
    the cart. Save both: saving an unchanged wishlist only raises its
    version, which is harmless. If the move is refused, neither changes.

    Raises:
        CartLineNotFoundError: if the cart has no such line.
        CustomLineNotMovableError: for a custom line (gift wrap): a
            wishlist holds catalog SKUs only.
        WishlistLimitError: if the wishlist is full.
        ValidationError: for a ``cart``, ``wishlist`` or ``settings`` of the
            wrong type, or a cart and a wishlist of two customers.

    >>> from datetime import UTC, datetime
    >>> now, settings = datetime(2026, 6, 1, 9, tzinfo=UTC), CartSettings()
    >>> cart = Cart(cart_id="c-1", currency="EUR", locale="de_DE", updated_at=now)
    >>> wishlist = Wishlist(wishlist_id="w-1", updated_at=now)
    >>> cart.add("SNEAKER-42", 2, at=now, settings=settings)
    >>> save_for_later(cart, wishlist, "SNEAKER-42", at=now, settings=settings)
    >>> cart.lines, wishlist.skus
    ((), ('SNEAKER-42',))
    >>> move_to_cart(wishlist, cart, "SNEAKER-42", at=now, settings=settings)
    >>> [(line.sku, line.quantity) for line in cart.lines], wishlist.skus
    ([('SNEAKER-42', 1)], ())
    """
    at = as_utc(at, field="at")
    _a(cart, Cart, "cart")
    _a(wishlist, Wishlist, "wishlist")
    _a(settings, CartSettings, "settings")
    line = cart.line(key)
    if line.custom:
        raise CustomLineNotMovableError(key=line.key, cart_id=cart.cart_id)
    _same_owner(cart, wishlist)
    # The wishlist first: it is the one that may refuse.
    wishlist._insert(line.sku, at=at, settings=settings, note=None)  # noqa: SLF001 - the move is one operation of the context
    cart._take(line.key, at=at)  # noqa: SLF001 - as above
    cart.record(
        LineSavedForLater(
            cart_id=cart.cart_id,
            wishlist_id=wishlist.wishlist_id,
            sku=line.sku,
            quantity=line.quantity,
        )
    )


def move_to_cart(
    wishlist: Wishlist,
    cart: Cart,
    sku_code: str,
    *,
    at: datetime,
    settings: CartSettings,
    quantity: int = 1,
    unit_price_seen: Money | None = None,
    tax_category: str = "standard",
) -> None:
    """Move a SKU from the wishlist into the cart.

    The cart takes ``quantity`` units as :meth:`Cart.add` would (adding to
    a line of the SKU, within the cart's limits, with the price seen and
    tax category given); the item leaves the wishlist. Records
    :class:`LineMovedToCart` on the cart (save both). If the cart refuses,
    neither changes.

    Raises:
        WishlistItemNotFoundError: if the SKU is not on the wishlist.
        CartLimitError: if the cart would pass its limits.
        DuplicateError: if a custom line of the cart has the SKU as its key.
        ValidationError: for a ``wishlist``, ``cart`` or ``settings`` of the
            wrong type, a bad quantity, or a cart and a wishlist of two
            customers.
        CurrencyMismatchError: for a price seen in another currency.
    """
    at, code = as_utc(at, field="at"), sku(sku_code)
    _a(wishlist, Wishlist, "wishlist")
    _a(cart, Cart, "cart")
    _a(settings, CartSettings, "settings")
    _same_owner(cart, wishlist)
    wishlist.item(code)
    # The cart first: it is the one that may refuse.
    code, added = cart._add_units(  # noqa: SLF001 - the move is one operation
        code,
        quantity,
        at=at,
        settings=settings,
        unit_price_seen=unit_price_seen,
        tax_category=tax_category,
    )
    wishlist._take(code, at=at)  # noqa: SLF001 - as above
    cart.record(
        LineMovedToCart(
            cart_id=cart.cart_id,
            wishlist_id=wishlist.wishlist_id,
            sku=code,
            quantity=added,
        )
    )
