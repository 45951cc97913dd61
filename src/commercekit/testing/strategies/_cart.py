"""Strategies for the cart: lines, carts, wishlists, merges, events and logins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final

import attrs
from hypothesis import strategies as st

from commercekit.cart import (
    Cart,
    CartExpired,
    CartLine,
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CartSettings,
    CartsMerged,
    CheckoutStarted,
    CouponApplied,
    CouponRemoved,
    LineMovedToCart,
    LineSavedForLater,
    LoginResult,
    MergedLine,
    MergeOutcome,
    MergeReport,
    Wishlist,
    WishlistItem,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
    cart_id,
    wishlist_id,
)
from commercekit.errors import ValidationError
from commercekit.ports import DomainEvent
from commercekit.promotions import normalize_code
from commercekit.testing.strategies._money import _instants, addresses, money, skus
from commercekit.testing.strategies._promotions import _COUPON_CODES, _SHIPPING_METHODS
from commercekit.values import TaxCategory

__all__ = [
    "cart_events",
    "cart_lines",
    "cart_settings",
    "carts",
    "login_results",
    "merge_reports",
    "merged_lines",
    "wishlist_items",
    "wishlists",
]


def cart_settings() -> st.SearchStrategy[CartSettings]:
    """Draw a merchant's cart limits.

    1 to 99 units a line, 1 to 100 lines, 1 to 100 wishlist items, expiry
    after a minute to 90 days.
    """
    return st.builds(
        CartSettings,
        max_quantity_per_line=st.integers(1, 99),
        max_lines=st.integers(1, 100),
        expires_after=st.integers(1, 90 * 24 * 60).map(
            lambda minutes: timedelta(minutes=minutes)
        ),
        max_wishlist_items=st.integers(1, 100),
    )


_CUSTOM_LINES: Final = {
    "GIFT-WRAP": "Gift wrap",
    "ENGRAVING": "Engraving",
    "COD-FEE": "Cash on delivery",
}


def cart_lines(currency: str = "EUR") -> st.SearchStrategy[CartLine]:
    """Draw cart lines: mostly catalog SKUs, sometimes a custom line.

    A catalog line holds 1 to 20 units of a SKU of :func:`skus`, with or
    without the price seen; a custom line (gift wrap, engraving, a cash on
    delivery fee) has its own name and price. Prices are 0 to 500 in
    ``currency``, in whole minor units.
    """
    prices = money(currency, min_value=0, max_value=500)
    catalog = st.builds(
        lambda code, **fields: CartLine(key=code, sku=code, **fields),
        skus(),
        quantity=st.integers(1, 20),
        added_at=_instants(),
        unit_price_seen=st.none() | prices,
        tax_category=st.sampled_from(TaxCategory).map(str),
    )
    custom = st.sampled_from(sorted(_CUSTOM_LINES)).flatmap(
        lambda key: st.builds(
            CartLine,
            key=st.just(key),
            sku=st.just(key),
            quantity=st.integers(1, 3),
            added_at=_instants(),
            unit_price_seen=prices,
            custom=st.just(True),  # noqa: FBT003 - a field's value
            name=st.just(_CUSTOM_LINES[key]),
        )
    )
    return st.one_of(catalog, catalog, custom)


def _latest(base: datetime, instants: Iterable[datetime]) -> datetime:
    return max([base, *instants])


def carts(currency: str = "EUR") -> st.SearchStrategy[Cart]:
    """Draw carts in ``currency`` within the default cart limits.

    Up to five lines of :func:`cart_lines` (each its own key), a customer or
    a guest (with an e-mail address some of the time), coupon codes, chosen
    methods, addresses of :func:`addresses` some of the time (billing mostly
    the same as shipping), changed last at or after its lines were added,
    at a version from 0 to 20. It has recorded no events.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Cart:
        lines = draw(st.lists(cart_lines(currency), max_size=5, unique_by=_line_key))
        customer = draw(st.none() | _customer_ids())
        updated_at = _latest(draw(_instants()), (line.added_at for line in lines))
        return Cart(
            cart_id=draw(st.integers(1, 99_999).map(lambda n: f"cart-{n}")),
            currency=currency,
            locale=draw(st.sampled_from(["de_DE", "en_GB", "fr_FR", "nl_NL"])),
            updated_at=updated_at,
            customer_id=customer,
            guest_email=(
                None
                if customer is not None
                else draw(st.none() | st.just("guest@example.com"))
            ),
            lines=lines,
            coupon_codes=draw(st.lists(st.sampled_from(_COUPON_CODES), max_size=2)),
            shipping_method=draw(st.none() | st.sampled_from(_SHIPPING_METHODS)),
            payment_method=draw(st.none() | st.sampled_from(["paypal", "card"])),
            shipping_address=draw(st.none() | addresses()),
            billing_address=draw(st.none() | st.none() | addresses()),
            version=draw(st.integers(0, 20)),
        )

    return build()


def _line_key(line: CartLine | MergedLine) -> str:
    return line.key


def _customer_ids() -> st.SearchStrategy[str]:
    return st.integers(1, 999).map(lambda n: f"cust-{n}")


def wishlist_items() -> st.SearchStrategy[WishlistItem]:
    """Draw wishlist items: a SKU of :func:`skus`, an instant, sometimes a note."""
    return st.builds(
        WishlistItem,
        sku=skus(),
        added_at=_instants(),
        note=st.none() | st.sampled_from(["in white", "for Jörg's birthday"]),
    )


def wishlists() -> st.SearchStrategy[Wishlist]:
    """Draw wishlists of up to five items of :func:`wishlist_items`.

    One item per SKU; a customer's or a guest's; changed last at or after
    their items were added; at a version from 0 to 20. They have recorded no
    events.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Wishlist:
        items = draw(
            st.lists(wishlist_items(), max_size=5, unique_by=lambda item: item.sku)
        )
        return Wishlist(
            wishlist_id=draw(st.integers(1, 99_999).map(lambda n: f"wish-{n}")),
            updated_at=_latest(draw(_instants()), (item.added_at for item in items)),
            customer_id=draw(st.none() | _customer_ids()),
            items=items,
            version=draw(st.integers(0, 20)),
        )

    return build()


def merge_reports(currency: str = "EUR") -> st.SearchStrategy[MergeReport]:
    """Draw what :meth:`~commercekit.cart.Cart.merge` reports.

    Two carts of :func:`carts`, merged under limits of :func:`cart_settings`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> MergeReport:
        ours, guest = draw(carts(currency)), draw(carts(currency))
        if guest.cart_id == ours.cart_id:
            guest = attrs.evolve(guest, cart_id=f"{guest.cart_id}-guest")
        return ours.merge(guest, at=ours.updated_at, settings=draw(cart_settings()))

    return build()


_CART_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CouponApplied,
    CouponRemoved,
    CartsMerged,
    CartExpired,
    CheckoutStarted,
    LineSavedForLater,
    LineMovedToCart,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
)


@st.composite
def _merged_line(draw: st.DrawFn) -> MergedLine:
    """One line of a merge report, its fields consistent with its outcome."""
    outcome = draw(st.sampled_from(MergeOutcome))
    wanted = draw(st.integers(2, 40))
    quantity, reason = wanted, None
    if outcome is MergeOutcome.CAPPED:
        quantity, reason = draw(st.integers(1, wanted - 1)), "max_quantity_per_line"
    elif outcome is MergeOutcome.DROPPED:
        quantity = 0
        reason = draw(st.sampled_from(["max_lines", "key_taken"]))
    return MergedLine(
        key=draw(skus()),
        outcome=outcome,
        wanted=wanted,
        quantity=quantity,
        reason=reason,
    )


def _cart_event(kind: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    cart = st.integers(1, 99_999).map(lambda n: cart_id(f"cart-{n}"))
    wish = st.integers(1, 99_999).map(lambda n: wishlist_id(f"wish-{n}"))
    units = st.integers(1, 99)
    code = st.sampled_from(_COUPON_CODES).map(normalize_code)
    fields: dict[str, st.SearchStrategy[object]] = {
        "cart_id": cart,
        "guest_cart_id": cart.map(lambda c: cart_id(f"{c}-guest")),
        "wishlist_id": wish,
        "guest_wishlist_id": wish.map(lambda w: wishlist_id(f"{w}-guest")),
        "sku": skus(),
        "quantity": units,
        "old_quantity": units,
        "custom": st.booleans(),
        "code": code,
        "lines": st.lists(_merged_line(), max_size=4, unique_by=_line_key).map(tuple),
        "coupon_codes_added": st.lists(code, max_size=2, unique=True).map(tuple),
        "added": st.lists(skus(), max_size=3, unique=True).map(tuple),
        "dropped": st.lists(skus(), max_size=2, unique=True).map(tuple),
        "grand_total": money(min_value=0, max_value=10_000),
        "frozen_until": _instants(),
    }
    names = [field.name for field in attrs.fields(kind)]
    return st.builds(kind, **{name: fields[name] for name in names})


def cart_events(
    kinds: Iterable[type[DomainEvent]] | None = None,
) -> st.SearchStrategy[DomainEvent]:
    """Draw the cart context's domain events, of every kind or of ``kinds``.

    Ids are ``cart-…`` and ``wish-…``, SKUs of :func:`skus`, quantities 1 to
    99, coupon codes normalized; a merge's lines are consistent with their
    outcomes (a dropped line holds 0, a capped one less than wanted); a
    checkout's frozen total is 0 to 10,000 in any of :func:`currencies`,
    held until a whole second from 2019 to 2027.

    Raises:
        ValidationError: for a kind that is not a cart event.
    """
    chosen = _CART_EVENTS if kinds is None else tuple(kinds)
    unknown = [kind for kind in chosen if kind not in _CART_EVENTS]
    if unknown or not chosen:
        msg = f"cart_events() draws the cart's events, not {unknown or chosen}"
        raise ValidationError(msg, field="kinds")
    return st.one_of([_cart_event(kind) for kind in chosen])


def login_results(currency: str = "EUR") -> st.SearchStrategy[LoginResult]:
    """Draw what :func:`~commercekit.cart.log_in` reports.

    The customer has a cart now or none; only with one is there a merge
    report of :func:`merge_reports` (two carts were merged) or not (one was
    handed over). They have a wishlist now or none; only with one are there
    SKUs of :func:`skus` the merge added or dropped, never one SKU both.

    Args:
        currency: The currency of the merged carts.
    """

    @st.composite
    def build(draw: st.DrawFn) -> LoginResult:
        cart = draw(st.none() | st.integers(1, 99_999).map(lambda n: f"cart-{n}"))
        merge = None if cart is None else draw(st.none() | merge_reports(currency))
        wishlist = draw(st.none() | st.integers(1, 99_999).map(lambda n: f"wish-{n}"))
        codes = (
            [] if wishlist is None else draw(st.lists(skus(), max_size=5, unique=True))
        )
        split = draw(st.integers(0, len(codes)))
        return LoginResult(
            cart_id=None if cart is None else cart_id(cart),
            merge=merge,
            wishlist_id=None if wishlist is None else wishlist_id(wishlist),
            wishlist_skus_added=tuple(codes[:split]),
            wishlist_skus_dropped=tuple(codes[split:]),
        )

    return build()


def merged_lines() -> st.SearchStrategy[MergedLine]:
    """Draw one guest line's fate in a merge, its fields matching its outcome.

    A line of a SKU of :func:`skus` that both carts held 2 to 40 units of:
    merged or added in full, capped below what was wanted (by
    ``max_quantity_per_line``), or dropped with 0 units (``max_lines`` or
    ``key_taken``).
    """
    return _merged_line()
