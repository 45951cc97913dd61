"""Moving lines between a cart and a wishlist, both ways, and the cart's expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import pytest

from commercekit.cart import (
    Cart,
    CartLimitError,
    CartLine,
    CartLineNotFoundError,
    CartSettings,
    CustomLineNotMovableError,
    LineMovedToCart,
    LineSavedForLater,
    Wishlist,
    WishlistItem,
    WishlistItemNotFoundError,
    WishlistLimitError,
    cart_id,
    move_to_cart,
    save_for_later,
    wishlist_id,
)
from commercekit.errors import BusinessRuleError, DuplicateError, ValidationError
from commercekit.money import money
from commercekit.values import Sku

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
T1 = T0 + timedelta(minutes=5)
SETTINGS = CartSettings()
C1, W1 = cart_id("c-1"), wishlist_id("w-1")
A, B = Sku("SKU-A"), Sku("SKU-B")


def _cart(**fields: Any) -> Cart:
    cart = Cart(cart_id="c-1", currency="EUR", locale="de_DE", updated_at=T0, **fields)
    cart.add("SKU-A", 2, at=T0, settings=SETTINGS, tax_category="reduced")
    cart.add("SKU-B", 1, at=T0, settings=SETTINGS)
    cart.add_custom(
        "GIFT-WRAP",
        "Gift wrap",
        money("3.50", "EUR"),
        tax_category="standard",
        at=T0,
        settings=SETTINGS,
    )
    cart.pull_events()
    return cart


def _wishlist(*skus: str, **fields: Any) -> Wishlist:
    wishlist = Wishlist(wishlist_id="w-1", updated_at=T0, **fields)
    for code in skus:
        wishlist.add(code, at=T0, settings=SETTINGS)
    wishlist.pull_events()
    return wishlist


def _state(*aggregates: Cart | Wishlist) -> list[dict[str, Any]]:
    return [attrs.asdict(aggregate) for aggregate in aggregates]


# -- save for later ----------------------------------------------------------------


def test_save_for_later_moves_a_catalog_line_and_forgets_its_quantity() -> None:
    cart, wishlist = _cart(), _wishlist()
    save_for_later(cart, wishlist, "SKU-A", at=T1, settings=SETTINGS)
    assert [line.key for line in cart.lines] == ["SKU-B", "GIFT-WRAP"]
    assert wishlist.items == (WishlistItem(sku=A, added_at=T1),)
    assert (cart.updated_at, wishlist.updated_at) == (T1, T1)
    assert cart.pull_events() == [
        LineSavedForLater(cart_id=C1, wishlist_id=W1, sku=A, quantity=2)
    ]
    assert wishlist.pull_events() == []  # the move is one event, on the cart


def test_save_for_later_of_a_sku_on_the_wishlist_keeps_its_entry() -> None:
    cart, wishlist = _cart(), _wishlist("SKU-A")
    save_for_later(cart, wishlist, "SKU-A", at=T1, settings=SETTINGS)
    assert wishlist.items == (WishlistItem(sku=A, added_at=T0),)
    assert "SKU-A" not in [line.key for line in cart.lines]


def test_save_for_later_of_a_sku_on_the_wishlist_leaves_the_wishlist_as_it_was() -> (
    None
):
    cart, wishlist = _cart(), _wishlist("SKU-A")
    before = _state(wishlist)
    save_for_later(cart, wishlist, "SKU-A", at=T1, settings=SETTINGS)
    assert _state(wishlist) == before  # not even updated_at: saving it is harmless
    assert wishlist.pull_events() == []


def test_a_custom_line_cannot_be_saved_for_later() -> None:
    cart, wishlist = _cart(), _wishlist()
    before = _state(cart, wishlist)
    with pytest.raises(CustomLineNotMovableError) as info:
        save_for_later(cart, wishlist, "GIFT-WRAP", at=T1, settings=SETTINGS)
    assert isinstance(info.value, BusinessRuleError)
    assert info.value.rule == "custom_line_not_movable"
    assert str(info.value) == (
        "line GIFT-WRAP of cart c-1 is a custom line: only catalog lines can be "
        "saved for later"
    )
    assert _state(cart, wishlist) == before
    assert cart.pull_events() == []


def test_save_for_later_of_an_unknown_line_is_not_found() -> None:
    cart, wishlist = _cart(), _wishlist()
    with pytest.raises(CartLineNotFoundError, match="SKU-Z"):
        save_for_later(cart, wishlist, "SKU-Z", at=T1, settings=SETTINGS)


def test_save_for_later_into_a_full_wishlist_changes_neither() -> None:
    cart, wishlist = _cart(), _wishlist("SKU-X", "SKU-Y")
    before = _state(cart, wishlist)
    with pytest.raises(WishlistLimitError):
        save_for_later(
            cart, wishlist, "SKU-A", at=T1, settings=CartSettings(max_wishlist_items=2)
        )
    assert _state(cart, wishlist) == before
    assert cart.pull_events() == [] == wishlist.pull_events()


def test_a_cart_and_a_wishlist_of_two_customers_are_refused() -> None:
    cart, wishlist = _cart(customer_id="cust-7"), _wishlist("SKU-C", customer_id="c-8")
    with pytest.raises(ValidationError, match="two customers"):
        save_for_later(cart, wishlist, "SKU-A", at=T1, settings=SETTINGS)
    with pytest.raises(ValidationError, match="two customers"):
        move_to_cart(wishlist, cart, "SKU-C", at=T1, settings=SETTINGS)
    # A guest's cart and a customer's wishlist (or the reverse) may meet.
    save_for_later(_cart(), wishlist, "SKU-A", at=T1, settings=SETTINGS)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((None, "wishlist"), "cart"),
        (("wishlist", "cart"), "cart"),  # the two swapped
        (("cart", None), "wishlist"),
        (("cart", "c-1"), "wishlist"),
    ],
)
def test_save_for_later_refuses_what_is_not_a_cart_or_a_wishlist(
    args: tuple[str | None, str | None], field: str
) -> None:
    cart, wishlist = _cart(), _wishlist()
    pick = {"cart": cart, "wishlist": wishlist}
    given = [pick.get(arg, arg) if arg is not None else None for arg in args]
    before = _state(cart, wishlist)
    with pytest.raises(ValidationError, match=f"{field} must be a") as info:
        save_for_later(given[0], given[1], "SKU-A", at=T1, settings=SETTINGS)  # type: ignore[arg-type]
    assert info.value.field == field
    with pytest.raises(ValidationError, match="settings must be a CartSettings"):
        save_for_later(cart, wishlist, "SKU-A", at=T1, settings=None)  # type: ignore[arg-type]
    assert _state(cart, wishlist) == before


# -- move to cart ------------------------------------------------------------------


def test_move_to_cart_adds_a_new_line_and_empties_the_entry() -> None:
    cart, wishlist = _cart(), _wishlist("SKU-C")
    move_to_cart(
        wishlist,
        cart,
        "SKU-C",
        at=T1,
        settings=SETTINGS,
        quantity=3,
        unit_price_seen=money("19.90", "EUR"),
        tax_category="reduced",
    )
    assert cart.line("SKU-C") == CartLine(
        key="SKU-C",
        sku="SKU-C",
        quantity=3,
        added_at=T1,
        unit_price_seen=money("19.90", "EUR"),
        tax_category="reduced",
    )
    assert wishlist.items == ()
    assert cart.pull_events() == [
        LineMovedToCart(cart_id=C1, wishlist_id=W1, sku=Sku("SKU-C"), quantity=3)
    ]
    assert wishlist.pull_events() == []


def test_move_to_cart_adds_to_a_line_of_the_sku() -> None:
    cart, wishlist = _cart(), _wishlist("SKU-B")
    move_to_cart(wishlist, cart, "SKU-B", at=T1, settings=SETTINGS)
    assert cart.line("SKU-B").quantity == 2
    assert cart.pull_events() == [
        LineMovedToCart(cart_id=C1, wishlist_id=W1, sku=B, quantity=1)
    ]


@pytest.mark.parametrize(
    ("settings", "quantity"),
    [
        (CartSettings(max_lines=3), 1),  # the cart has 3 lines: no room
        (CartSettings(max_quantity_per_line=2), 3),  # the new line holds too many
    ],
)
def test_move_to_cart_that_the_cart_refuses_changes_neither(
    settings: CartSettings, quantity: int
) -> None:
    cart, wishlist = _cart(), _wishlist("SKU-C")
    before = _state(cart, wishlist)
    with pytest.raises(CartLimitError):
        move_to_cart(
            wishlist, cart, "SKU-C", at=T1, settings=settings, quantity=quantity
        )
    assert _state(cart, wishlist) == before
    assert cart.pull_events() == [] == wishlist.pull_events()


def test_move_to_cart_onto_a_full_line_changes_neither() -> None:
    cart, wishlist = _cart(), _wishlist("SKU-A")
    before = _state(cart, wishlist)
    with pytest.raises(CartLimitError, match="would hold 3"):
        move_to_cart(
            wishlist,
            cart,
            "SKU-A",
            at=T1,
            settings=CartSettings(max_quantity_per_line=2),
        )
    assert _state(cart, wishlist) == before


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((None, "cart"), "wishlist"),
        (("cart", "wishlist"), "wishlist"),  # the two swapped
        (("wishlist", None), "cart"),
        (("wishlist", "c-1"), "cart"),
    ],
)
def test_move_to_cart_refuses_what_is_not_a_wishlist_or_a_cart(
    args: tuple[str | None, str | None], field: str
) -> None:
    cart, wishlist = _cart(), _wishlist("SKU-C")
    pick = {"cart": cart, "wishlist": wishlist}
    given = [pick.get(arg, arg) if arg is not None else None for arg in args]
    before = _state(cart, wishlist)
    with pytest.raises(ValidationError, match=f"{field} must be a") as info:
        move_to_cart(given[0], given[1], "SKU-C", at=T1, settings=SETTINGS)  # type: ignore[arg-type]
    assert info.value.field == field
    with pytest.raises(ValidationError, match="settings must be a CartSettings"):
        move_to_cart(wishlist, cart, "SKU-C", at=T1, settings=None)  # type: ignore[arg-type]
    assert _state(cart, wishlist) == before


def test_move_to_cart_finds_a_padded_sku() -> None:
    cart, wishlist = _cart(), _wishlist("SKU-C")
    move_to_cart(wishlist, cart, " SKU-C ", at=T1, settings=SETTINGS)
    assert (cart.line("SKU-C").quantity, wishlist.skus) == (1, ())


def test_move_to_cart_of_a_sku_not_on_the_wishlist_is_not_found() -> None:
    cart, wishlist = _cart(), _wishlist("SKU-C")
    with pytest.raises(WishlistItemNotFoundError, match="SKU-D"):
        move_to_cart(wishlist, cart, "SKU-D", at=T1, settings=SETTINGS)


def test_move_to_cart_refuses_a_custom_lines_key_and_a_bad_quantity() -> None:
    cart, wishlist = _cart(), _wishlist("GIFT-WRAP", "SKU-C")
    before = _state(cart, wishlist)
    with pytest.raises(DuplicateError, match="GIFT-WRAP"):
        move_to_cart(wishlist, cart, "GIFT-WRAP", at=T1, settings=SETTINGS)
    with pytest.raises(ValidationError, match="quantity"):
        move_to_cart(wishlist, cart, "SKU-C", at=T1, settings=SETTINGS, quantity=0)
    assert _state(cart, wishlist) == before


def test_a_line_saved_and_moved_back_keeps_its_sku_and_tax_category() -> None:
    cart, wishlist = _cart(), _wishlist()
    line = cart.line("SKU-A")
    save_for_later(cart, wishlist, "SKU-A", at=T1, settings=SETTINGS)
    move_to_cart(
        wishlist,
        cart,
        "SKU-A",
        at=T1,
        settings=SETTINGS,
        quantity=line.quantity,
        tax_category=line.tax_category,
    )
    moved = cart.line("SKU-A")
    assert (moved.quantity, moved.tax_category) == (2, "reduced")
    assert wishlist.items == ()


# -- expiry --------------------------------------------------------------------


def test_a_carts_expiry_leaves_the_wishlist_untouched() -> None:
    settings = CartSettings(expires_after=timedelta(days=30))
    cart, wishlist = _cart(), _wishlist()
    save_for_later(cart, wishlist, "SKU-A", at=T1, settings=settings)
    much_later = T1 + timedelta(days=3650)
    assert cart.is_expired(much_later, settings)
    assert not hasattr(wishlist, "is_expired")  # a wishlist never expires
    assert wishlist.skus == (A,)
    # Ten years on, the wishlist still moves its item into a new cart.
    fresh = Cart(cart_id="c-2", currency="EUR", locale="de_DE", updated_at=much_later)
    move_to_cart(wishlist, fresh, "SKU-A", at=much_later, settings=settings)
    assert [line.sku for line in fresh.lines] == [A]
