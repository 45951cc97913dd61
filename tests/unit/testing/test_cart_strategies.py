"""The cart's Hypothesis strategies, and their registration for ``st.from_type``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercekit.cart import (
    Cart,
    CartLine,
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CartSettings,
    CartsMerged,
    CouponApplied,
    CouponRemoved,
    LineMovedToCart,
    LineSavedForLater,
    MergeReport,
    Wishlist,
    WishlistItem,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
)
from commercekit.errors import ValidationError
from commercekit.ports import DomainEvent
from commercekit.serialization import make_converter
from commercekit.testing import strategies as cks
from commercekit.values import Address, personal_fields

CART_TYPES: list[type[Any]] = [
    Address,
    Cart,
    CartLine,
    CartSettings,
    MergeReport,
    Wishlist,
    WishlistItem,
]
EVENTS: list[type[DomainEvent]] = [
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CouponApplied,
    CouponRemoved,
    CartsMerged,
    LineSavedForLater,
    LineMovedToCart,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
]


@pytest.mark.parametrize("kind", CART_TYPES + EVENTS, ids=lambda k: k.__name__)
@given(data=st.data())
def test_from_type_builds_the_cart_types_through_the_entry_point(
    kind: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(kind))
    assert type(value) is kind


FORMS = {
    "DE": r"\d{5}",
    "AT": r"\d{4}",
    "FR": r"\d{5}",
    "NL": r"\d{4} [A-Z]{2}",
    "PL": r"\d{2}-\d{3}",
    "US": r"\d{5}(-\d{4})?",
}


@given(cks.addresses())
def test_addresses_have_postal_codes_of_their_country(address: Address) -> None:
    """Every drawn address is valid, with a code of its country's form."""
    if address.country == "IE":
        return
    assert address.postal_code is not None
    assert re.fullmatch(FORMS[address.country], address.postal_code)


@given(cks.addresses(["DE"]))
def test_addresses_keep_to_the_countries_asked_for(address: Address) -> None:
    assert address.country == "DE"
    assert address.postal_code is not None
    assert len(address.postal_code) == 5


def test_addresses_and_events_refuse_what_they_cannot_draw() -> None:
    with pytest.raises(ValidationError, match="draws from"):
        cks.addresses(["JP"])
    with pytest.raises(ValidationError, match="draws the cart"):
        cks.cart_events([DomainEvent])


@given(cks.carts("JPY"))
def test_carts_are_valid_under_the_default_settings(cart: Cart) -> None:
    """A drawn cart holds no more than the default limits allow, in its currency."""
    settings = CartSettings()
    assert len(cart.lines) <= settings.max_lines
    assert all(line.quantity <= settings.max_quantity_per_line for line in cart.lines)
    assert all(line.added_at <= cart.updated_at for line in cart.lines)
    for line in cart.lines:
        if line.unit_price_seen is not None:
            assert line.unit_price_seen.currency.code == "JPY"
    assert cart.pull_events() == []


@given(cks.carts())
def test_drawn_carts_round_trip_through_the_converter(cart: Cart) -> None:
    converter = make_converter()
    assert converter.structure(converter.unstructure(cart), Cart) == cart


@given(cks.wishlists())
def test_drawn_wishlists_round_trip_through_the_converter(wishlist: Wishlist) -> None:
    converter = make_converter()
    assert converter.structure(converter.unstructure(wishlist), Wishlist) == wishlist
    assert len(set(wishlist.skus)) == len(wishlist.items)


@given(cks.cart_events())
def test_cart_events_round_trip_and_carry_no_personal_data(
    event: DomainEvent,
) -> None:
    converter = make_converter()
    assert converter.structure(converter.unstructure(event), type(event)) == event
    assert personal_fields(type(event)) == ()
