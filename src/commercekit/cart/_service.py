"""Use cases of the cart: plain functions that load and save through a unit of work."""

from __future__ import annotations

from datetime import datetime

import attrs

from commercekit.cart._errors import ProductUnavailableError
from commercekit.cart._events import CartExpired
from commercekit.cart._merge import MergeReport
from commercekit.cart._model import Cart
from commercekit.cart._ports import CartUnitOfWork
from commercekit.cart._pricing import CartPricingSettings, PriceModeMismatchError
from commercekit.cart._validation import CartValidation, validate_cart
from commercekit.cart._values import CartId, CartSettings, WishlistId
from commercekit.errors import ValidationError
from commercekit.inventory import InventorySettings, release_stock
from commercekit.ports import Clock, EventRecorder
from commercekit.pricing import PriceContext, resolve_price
from commercekit.values import CustomerFacts, Sku, as_utc, sku

__all__ = [
    "LoginResult",
    "add_to_cart",
    "log_in",
    "start_checkout",
    "sweep_expired_carts",
]


def _now(clock: Clock) -> datetime:
    return as_utc(clock.now(), field="clock.now()")


def add_to_cart(
    cart_id: str,
    sku_code: str,
    quantity: int = 1,
    *,
    uow: CartUnitOfWork,
    clock: Clock,
    settings: CartSettings,
    pricing: CartPricingSettings,
    customer: CustomerFacts | None = None,
) -> Cart:
    """Add a catalog SKU to a stored cart, as the customer sees it now.

    The SKU must belong to an active product. The line takes the variant's
    tax category from the catalog and, as ``unit_price_seen``, the list
    price at the line's new quantity, so that a later price change can be
    reported (:func:`~commercekit.cart.validate_cart`). Stock is not
    checked here: a cart may hold what checkout will report as short.

    Returns:
        The cart as saved.

    Raises:
        NotFoundError: for an unknown cart or SKU.
        ProductUnavailableError: if the SKU's product is not for sale.
        PriceNotFoundError: if the SKU has no price in the cart's currency.
        PriceModeMismatchError: for a price list in the other mode.
        CartLimitError: past the cart's limits (nothing is saved).
        VersionConflictError: if the cart changed since it was loaded.
        ValidationError: for a bad SKU or quantity.
    """
    code, now = sku(sku_code), _now(clock)
    facts = CustomerFacts() if customer is None else customer
    with uow:
        cart = uow.carts.get(cart_id)
        product = uow.products.get_by_sku(code)
        if not product.active:
            raise ProductUnavailableError(sku=code, product_id=product.product_id)
        variant = product.variant(code)
        held = next((line.quantity for line in cart.lines if line.key == code), 0)
        context = PriceContext(
            currency=cart.currency,
            at=now,
            channel=pricing.channel,
            customer_group=facts.customer_group,
        )
        candidates = uow.price_lists.prices_for([code], cart.currency)
        price = resolve_price(candidates, code, held + quantity, context)
        if price.mode is not pricing.mode:
            raise PriceModeMismatchError(
                sku=code,
                list_id=price.list_id,
                expected=pricing.mode.value,
                got=price.mode.value,
            )
        cart.add(
            code,
            quantity,
            at=now,
            settings=settings,
            unit_price_seen=price.unit_price,
            tax_category=str(variant.tax_category),
        )
        uow.carts.save(cart)
        uow.commit()
    return cart


def start_checkout(
    cart_id: str,
    *,
    uow: CartUnitOfWork,
    clock: Clock,
    pricing: CartPricingSettings,
    inventory: InventorySettings,
    customer: CustomerFacts | None = None,
    alternatives: int = 3,
) -> CartValidation:
    """Validate a stored cart and freeze its price for the checkout.

    Runs :func:`~commercekit.cart.validate_cart` and, when the cart could
    be priced, freezes the current price on the cart for
    ``pricing.freeze_for`` (:meth:`Cart.freeze_price
    <commercekit.cart.Cart.freeze_price>`) unless a frozen price still holds,
    which it keeps: calling it again does not extend the time. The
    problems are returned, not raised: the storefront shows them; the
    frozen price is what the customer sees beside the order button.

    Returns:
        The validation; its ``payable`` is the frozen breakdown.

    Raises:
        NotFoundError: for an unknown cart.
        VersionConflictError: if the cart changed while it was validated;
            call again.
        PriceModeMismatchError: for a price list in the other mode.
    """
    now = _now(clock)
    with uow:
        cart = uow.carts.get(cart_id)
    result = validate_cart(
        cart,
        uow=uow,
        pricing=pricing,
        inventory=inventory,
        at=now,
        customer=customer,
        alternatives=alternatives,
    )
    price = result.price
    frozen = cart.frozen_price
    if price is None or (
        frozen is not None and frozen.holds_for(price.fingerprint, now)
    ):
        return result
    with uow:
        cart.freeze_price(price, hold_for=pricing.freeze_for)
        uow.carts.save(cart)  # the version check: nobody changed it meanwhile
        uow.commit()
    return attrs.evolve(result, payable=price.breakdown)


@attrs.frozen(kw_only=True)
class LoginResult:
    """What logging in did to the guest's cart and wishlist.

    Args:
        cart_id: The customer's cart now: their own cart, which took the
            guest's lines, or the guest's cart, now theirs; ``None`` if
            neither exists.
        merge: What became of each guest line, when two carts were merged.
        wishlist_id: The customer's wishlist now, if any.
        wishlist_skus_added: The guest's wishlist SKUs the customer's
            wishlist took, when two wishlists were merged.
        wishlist_skus_dropped: The guest's SKUs left out because the
            customer's wishlist was full (``max_wishlist_items``).
    """

    cart_id: CartId | None
    merge: MergeReport | None = None
    wishlist_id: WishlistId | None = None
    wishlist_skus_added: tuple[Sku, ...] = ()
    wishlist_skus_dropped: tuple[Sku, ...] = ()


def _usable(cart: Cart | None, at: datetime, settings: CartSettings) -> Cart | None:
    return None if cart is None or cart.is_expired(at, settings) else cart


def log_in(
    customer_id: str,
    *,
    guest_cart_id: str | None = None,
    guest_wishlist_id: str | None = None,
    uow: CartUnitOfWork,
    clock: Clock,
    settings: CartSettings,
) -> LoginResult:
    """Give a guest's cart and wishlist to the customer who just logged in.

    The cart: if the customer has an unexpired cart, the guest's cart is
    merged into it (:meth:`Cart.merge <commercekit.cart.Cart.merge>`: the
    quantities add up within the limits, and the report says what became
    of each line) and deleted; otherwise the guest's cart becomes the
    customer's. An expired cart counts as none, on either side: it is
    deleted. The wishlist: merged into the customer's wishlist and deleted,
    or made the customer's. All in one transaction.

    Raises:
        NotFoundError: for an unknown guest cart or wishlist id.
        ValidationError: for a guest cart or wishlist that belongs to
            another customer, or a bad customer id.
        CurrencyMismatchError: if the two carts' currencies differ (nothing
            is changed).
        VersionConflictError: if a cart changed meanwhile; call again.
    """
    now = _now(clock)
    with uow:
        mine = uow.carts.for_customer(customer_id)
        if mine is not None and mine.is_expired(now, settings):
            uow.carts.remove(mine.cart_id, expected_version=mine.version)
            mine = None
        cart_id = None if mine is None else mine.cart_id
        report = None
        if guest_cart_id is not None:
            guest = uow.carts.get(guest_cart_id)
            _check_owner("cart", guest.customer_id, customer_id)
            if guest.is_expired(now, settings):
                if guest.cart_id != cart_id:
                    uow.carts.remove(guest.cart_id, expected_version=guest.version)
            elif mine is None:
                guest.assign_customer(customer_id, at=now)
                uow.carts.save(guest)
                cart_id = guest.cart_id
            elif guest.cart_id != mine.cart_id:
                report = mine.merge(guest, at=now, settings=settings)
                uow.carts.save(mine)
                uow.carts.remove(guest.cart_id, expected_version=guest.version)
        wishlist = uow.wishlists.for_customer(customer_id)
        added: tuple[Sku, ...] = ()
        dropped: tuple[Sku, ...] = ()
        if guest_wishlist_id is not None:
            guest_list = uow.wishlists.get(guest_wishlist_id)
            _check_owner("wishlist", guest_list.customer_id, customer_id)
            if wishlist is None:
                guest_list.assign_customer(customer_id, at=now)
                uow.wishlists.save(guest_list)
                wishlist = guest_list
            elif guest_list.wishlist_id != wishlist.wishlist_id:
                before = set(wishlist.skus)
                dropped = wishlist.merge(guest_list, at=now, settings=settings)
                added = tuple(code for code in wishlist.skus if code not in before)
                uow.wishlists.save(wishlist)
                uow.wishlists.remove(
                    guest_list.wishlist_id, expected_version=guest_list.version
                )
        uow.commit()
    return LoginResult(
        cart_id=cart_id,
        merge=report,
        wishlist_id=None if wishlist is None else wishlist.wishlist_id,
        wishlist_skus_added=added,
        wishlist_skus_dropped=dropped,
    )


def _check_owner(kind: str, owner: str | None, customer_id: str) -> None:
    if owner is not None and owner != customer_id:
        msg = f"the guest {kind} belongs to another customer"
        raise ValidationError(msg, field=f"guest_{kind}_id")


class _Events(EventRecorder):
    """Collects the events of a service that changes no loaded aggregate."""


def sweep_expired_carts(
    *,
    uow: CartUnitOfWork,
    clock: Clock,
    settings: CartSettings,
    limit: int | None = None,
) -> list[CartId]:
    """Delete the carts that expired, and release the stock held for them.

    A cart expires ``settings.expires_after`` after its last change
    (:meth:`Cart.is_expired <commercekit.cart.Cart.is_expired>`). Each is
    deleted with a :class:`~commercekit.cart.CartExpired` event, in one
    transaction; then the stock reserved under the cart's id is released
    (:func:`~commercekit.inventory.release_stock`, one transaction per
    cart: a crash in between leaves those reservations to their own
    expiry). Wishlists are never touched. Run it from a periodic job.

    Args:
        uow: A unit of work with carts and stock (not yet entered).
        clock: Tells the time the carts are measured against.
        settings: The carts' ``expires_after``.
        limit: Delete at most this many, the longest expired first.

    Returns:
        The ids of the deleted carts.
    """
    now = _now(clock)
    with uow:
        expired = list(uow.carts.expired(now, settings, limit=limit))
        events = _Events()
        uow.track(events)
        for cart_id in expired:
            uow.carts.remove(cart_id)
            events.record(CartExpired(cart_id=cart_id))
        uow.commit()
    for cart_id in expired:
        release_stock(reference=cart_id, uow=uow, clock=clock)
    return expired
