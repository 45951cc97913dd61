"""Properties of carts and wishlists, stated as a merchant would put them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from commercekit.cart import (
    Cart,
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CartSettings,
    CartsMerged,
    LineMovedToCart,
    LineSavedForLater,
    MergeOutcome,
    Wishlist,
    move_to_cart,
    save_for_later,
)
from commercekit.errors import CommerceError
from commercekit.ports import DomainEvent
from commercekit.testing import strategies as cks

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
POOL = ("SKU-A", "SKU-B", "SKU-C", "SKU-D", "SKU-E")

small_settings = st.builds(
    CartSettings,
    max_quantity_per_line=st.integers(1, 10),
    max_lines=st.integers(1, 4),
    max_wishlist_items=st.integers(1, 3),
)
operations = st.lists(
    st.tuples(
        st.sampled_from(["add", "change", "remove", "clear", "save", "move"]),
        st.sampled_from(POOL),
        st.integers(0, 12),
    ),
    max_size=30,
)


def _new() -> tuple[Cart, Wishlist]:
    cart = Cart(cart_id="c-1", currency="EUR", locale="de_DE", updated_at=T0)
    return cart, Wishlist(wishlist_id="w-1", updated_at=T0)


def _apply(
    cart: Cart, wishlist: Wishlist, op: tuple[str, str, int], settings: CartSettings
) -> None:
    kind, code, quantity = op
    at = T0 + timedelta(minutes=1)
    if kind == "add":
        cart.add(code, quantity, at=at, settings=settings)
    elif kind == "change":
        cart.change_quantity(code, quantity, at=at, settings=settings)
    elif kind == "remove":
        cart.remove(code, at=at)
    elif kind == "clear":
        cart.clear(at=at)
    elif kind == "save":
        save_for_later(cart, wishlist, code, at=at, settings=settings)
    else:
        move_to_cart(wishlist, cart, code, at=at, settings=settings, quantity=quantity)


def _units(events: list[DomainEvent]) -> Counter[str]:
    """Replay the events: the units each SKU should hold."""
    units: Counter[str] = Counter()
    for event in events:
        if isinstance(event, CartLineAdded | LineMovedToCart):
            units[event.sku] += event.quantity
        elif isinstance(event, CartLineRemoved | LineSavedForLater):
            units[event.sku] -= event.quantity
        elif isinstance(event, CartQuantityChanged):
            units[event.sku] += event.quantity - event.old_quantity
    return +units


@given(small_settings, operations)
def test_whatever_the_customer_does_the_limits_hold_and_refusals_change_nothing(
    settings: CartSettings, ops: list[tuple[str, str, int]]
) -> None:
    """A cart never holds more lines, or a line more units, than allowed; a
    wishlist never more SKUs than allowed, each once; a refused change leaves
    both as they were and records nothing."""
    cart, wishlist = _new()
    for op in ops:
        before = (attrs.asdict(cart), attrs.asdict(wishlist))
        try:
            _apply(cart, wishlist, op, settings)
        except CommerceError:
            assert (attrs.asdict(cart), attrs.asdict(wishlist)) == before
        assert len(cart.lines) <= settings.max_lines
        assert all(
            1 <= line.quantity <= settings.max_quantity_per_line for line in cart.lines
        )
        assert len(wishlist.items) <= settings.max_wishlist_items
        assert len(set(wishlist.skus)) == len(wishlist.items)


@given(small_settings, operations)
def test_the_events_tell_the_whole_story_of_the_quantities(
    settings: CartSettings, ops: list[tuple[str, str, int]]
) -> None:
    """Replaying the recorded events gives exactly the units the cart holds."""
    cart, wishlist = _new()
    events: list[DomainEvent] = []
    for op in ops:
        try:
            _apply(cart, wishlist, op, settings)
        except CommerceError:
            assert cart.pull_events() == []
        events += cart.pull_events()
    assert _units(events) == Counter({line.sku: line.quantity for line in cart.lines})


@given(cks.carts(), st.data())
def test_moving_a_line_to_the_wishlist_and_back_keeps_the_carts_skus(
    cart: Cart, data: st.DataObject
) -> None:
    """Saving a catalog line for later and moving it back with its quantity
    gives the cart the same SKUs and units it had."""
    catalog = [line for line in cart.lines if not line.custom]
    if not catalog:
        return
    line = data.draw(st.sampled_from(catalog))
    before = {x.key: x.quantity for x in cart.lines}
    wishlist = Wishlist(wishlist_id="w-1", updated_at=T0)
    settings = CartSettings()
    save_for_later(cart, wishlist, line.key, at=cart.updated_at, settings=settings)
    assert line.key not in {x.key for x in cart.lines}
    move_to_cart(
        wishlist,
        cart,
        line.sku,
        at=cart.updated_at,
        settings=settings,
        quantity=line.quantity,
        tax_category=line.tax_category,
    )
    assert {x.key: x.quantity for x in cart.lines} == before
    assert wishlist.items == ()


def _within(settings: CartSettings, cart: Cart) -> bool:
    return len(cart.lines) <= settings.max_lines and all(
        line.quantity <= settings.max_quantity_per_line for line in cart.lines
    )


@given(cks.carts(), cks.carts(), cks.cart_settings())
def test_a_merged_cart_never_passes_the_limits(
    ours: Cart, guest: Cart, settings: CartSettings
) -> None:
    """A customer's cart within the limits stays within them after a merge,
    and every guest unit is either in the cart or reported as capped or
    dropped."""
    if guest.cart_id == ours.cart_id or not _within(settings, ours):
        return
    before = {line.key: line.quantity for line in ours.lines}
    report = ours.merge(guest, at=ours.updated_at, settings=settings)
    assert _within(settings, ours)
    after = {line.key: line.quantity for line in ours.lines}
    for entry, theirs in zip(report.lines, guest.lines, strict=True):
        assert entry.key == theirs.key
        assert entry.wanted == before.get(theirs.key, 0) + theirs.quantity
        if entry.outcome is MergeOutcome.DROPPED:
            assert entry.quantity == 0
            assert after.get(theirs.key, 0) == before.get(theirs.key, 0)
        else:
            assert after[theirs.key] == entry.quantity <= entry.wanted
    [event] = ours.pull_events()[-1:]
    assert isinstance(event, CartsMerged)
    assert event.lines == report.lines


@given(cks.carts(), cks.carts())
def test_a_merge_never_replaces_an_address_the_customer_gave(
    ours: Cart, guest: Cart
) -> None:
    """The customer's shipping address, and a billing address they gave, stay;
    a missing shipping address comes from the guest."""
    if guest.cart_id == ours.cart_id:
        return
    shipping, billing = ours.shipping_address, ours.billing_address
    ours.merge(guest, at=ours.updated_at, settings=CartSettings())
    if shipping is not None:
        assert ours.shipping_address == shipping
        assert ours.billing_address == billing
    else:
        assert ours.shipping_address == guest.shipping_address
    if billing is not None:
        assert ours.billing_address == billing
    assert ours.invoice_address in {
        billing,
        shipping,
        guest.shipping_address,
        guest.billing_address,
    }
