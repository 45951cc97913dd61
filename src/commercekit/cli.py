"""The command line: ``python -m commercekit demo`` and, later, operator commands."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TextIO

import commercekit
from commercekit._demo import (
    _BERLIN,
    _BOOK,
    _CARTS,
    _CHECKOUT_PAGE,
    _CUSTOMER,
    _CUSTOMER_CART,
    _INVENTORY,
    _ORDER_BUTTON,
    _ORDERS,
    _PAYMENT_METHODS,
    _PAYPAL,
    _PRICING,
    _TAX,
    _WHITE,
    _acceptance,
    _describe,
    _open_shop,
    _price_of,
    _Shop,
    _show,
)
from commercekit.adapters.sqlite import MIGRATIONS, SQLiteDatabase, SQLiteProductSearch
from commercekit.cart import (
    Cart,
    CartId,
    CartProblem,
    FrozenPrice,
    Wishlist,
    add_to_cart,
    log_in,
    price_cart,
    save_for_later,
    start_checkout,
    validate_cart,
)
from commercekit.catalog import SearchQuery
from commercekit.inventory import (
    StockAvailability,
    StockCommitted,
    StockRanLow,
    StockReserved,
    adjust_stock,
)
from commercekit.money import Money
from commercekit.orders import (
    Order,
    PlacementResult,
    follow_payment,
    place_order,
    ship_order,
)
from commercekit.payments import (
    GatewayUnavailableError,
    HmacSignatureVerifier,
    Payment,
    PaymentMethod,
    PaymentMethodKind,
    Unavailable,
    UnavailableReason,
    capture_payment,
    handle_notification,
)
from commercekit.ports import DomainEvent
from commercekit.pricing import PriceBreakdown, SupplyKind, TaxContext
from commercekit.testing import FakePaymentGateway, GatewayCall, Script
from commercekit.values import Address, CustomerFacts, sku

__all__ = ["main", "run_demo"]

_OFFERS = (
    (
        "commercekit.money",
        "exact money: Decimal amounts, ISO 4217 minor units, "
        "rounding, allocation, formatting",
    ),
    ("commercekit.errors", "one error tree with stable codes"),
    (
        "commercekit.ports",
        "Clock, IdFactory, EventPublisher, UnitOfWork, domain events",
    ),
    (
        "commercekit.catalog",
        "products and variants, search with German folding, CSV import/export",
    ),
    (
        "commercekit.pricing",
        "price lists and tiers, EU VAT rules and rates, shipping rates, "
        "the price breakdown",
    ),
    (
        "commercekit.promotions",
        "promotions as data, stacking, coupons redeemed atomically",
    ),
    (
        "commercekit.inventory",
        "stock per location, reservations that expire, backorders, stock events",
    ),
    (
        "commercekit.cart",
        "carts and wishlists, the guest cart merged on login, pricing in one "
        "call, validation with alternatives",
    ),
    (
        "commercekit.payments",
        "authorize, capture and refund through a gateway port, idempotent; "
        "signed webhooks; payment methods; invoice, prepayment, gift cards",
    ),
    (
        "commercekit.orders",
        "checkout with the order button, idempotent by a checkout token; the "
        "order as a snapshot, its lifecycle, shipment and cancellation",
    ),
    ("commercekit.adapters", "in-memory and SQLite stores with an event outbox"),
    (
        "commercekit.testing",
        "fakes, Hypothesis strategies, contract suites for adapters",
    ),
)

_Say = Callable[[str], None]


def _find(say: _Say, shop: _Shop) -> None:
    say("1. Find: a customer searches 'weisse sneaker' in size 42.")
    search = SQLiteProductSearch(shop.database)
    with shop.uow() as uow:
        stored = list(uow.products.iterate())
    search.index(stored, prices=_price_of)
    query = SearchQuery(text="weisse sneaker", options={"size": {"42"}}, currency="EUR")
    result = search.search(query)
    for hit in result.hits:
        price = _show(hit.price_from) if hit.price_from else "-"
        say(f"   {hit.name} ({hit.brand}): {', '.join(hit.skus)} from {price}")
    colors = ", ".join(
        f"{value} {count}" for value, count in result.facets.get("color", {}).items()
    )
    say(f"   {result.total} product(s); colors among them: {colors}")
    say("   ('weisse', 'weiße' and 'WEISSE' are one word to the search; the green")
    say("   sneaker comes in size 41 only, so the size filter leaves it out.)")


def _items(cart: Cart) -> str:
    return ", ".join(f"{line.quantity} x {line.sku}" for line in cart.lines)


def _choose(say: _Say, shop: _Shop) -> CartId:
    say("2. Choose: as a guest, two pairs in size 42 and a book; then a login.")
    at = shop.at(9, 5)
    guest = Cart(cart_id="guest-cart-1", currency="EUR", locale="de_DE", updated_at=at)
    guest.apply_coupon("willkommen10", at=at)
    with shop.uow() as uow:
        uow.carts.add(guest)
        uow.commit()
    for code, units in (("SN-W-42", 2), (_BOOK, 1)):
        guest = add_to_cart(
            guest.cart_id,
            code,
            units,
            uow=shop.uow(),
            clock=shop.clock,
            settings=_CARTS,
            pricing=_PRICING,
        )
    say(f"   guest cart: {_items(guest)}; voucher code {guest.coupon_codes[0]}")
    with shop.uow() as uow:
        mine = uow.carts.get(_CUSTOMER_CART)
    say(f"   {_CUSTOMER} logs in; their cart from last Friday: {_items(mine)}")
    at = shop.at(9, 10)
    login = log_in(
        _CUSTOMER,
        guest_cart_id=guest.cart_id,
        uow=shop.uow(),
        clock=shop.clock,
        settings=_CARTS,
    )
    if login.cart_id is None or login.merge is None:  # pragma: no cover
        msg = f"{_CUSTOMER}'s cart and the guest cart were not merged"
        raise LookupError(msg)
    merged = ", ".join(
        f"{line.key} {line.outcome} ({line.quantity})" for line in login.merge.lines
    )
    codes = ", ".join(login.merge.coupon_codes_added) or "none"
    say(f"   merged on login: {merged}; voucher codes taken over: {codes}")
    with shop.uow() as uow:
        mine = uow.carts.get(login.cart_id)
        wishlist = Wishlist(
            wishlist_id="wishlist-7", customer_id=_CUSTOMER, updated_at=at
        )
        save_for_later(mine, wishlist, "SN-B-43", at=at, settings=_CARTS)
        uow.wishlists.add(wishlist)
        uow.carts.save(mine)
        uow.commit()
    say(f"   saved for later, on the wishlist: {', '.join(wishlist.skus)}")
    say(f"   the cart now: {_items(mine)}")
    return mine.cart_id


def _breakdown(say: _Say, breakdown: PriceBreakdown, shipping: str) -> None:
    for line in breakdown.lines:
        say(
            f"   {line.quantity} x {line.sku:<13} {_show(line.unit_price):>9}"
            f"  voucher -{_show(line.discount_total)}  {_show(line.total):>9}"
            f"  incl. {line.tax.percent}% VAT {_show(line.tax_amount)}"
        )
    if breakdown.shipping is not None:
        parts = " + ".join(
            f"{_show(part.amount)} at {part.percent}%"
            for part in breakdown.shipping.parts
        )
        say(f"   shipping {shipping} {_show(breakdown.shipping.amount)} = {parts}")
    for rate in breakdown.rates:
        say(
            f"   VAT {rate.percent}%: net {_show(rate.net)}, tax {_show(rate.tax)}, "
            f"gross {_show(rate.gross)}"
        )
    say(
        f"   total {_show(breakdown.grand_total)} "
        f"(net {_show(breakdown.net_total)} + VAT {_show(breakdown.tax_total)})"
    )


def _price(say: _Say, shop: _Shop, key: CartId) -> None:
    say("3. Price: the stored cart in one call: list prices with their tiers, the")
    say("   voucher, shipping from the rate table, VAT at 19% and 7%.")
    at = shop.at(9, 12)
    with shop.uow() as uow:
        cart = uow.carts.get(key)
        cart.choose_shipping_method("standard", at=at)
        uow.carts.save(cart)
        uow.commit()
    price = price_cart(cart, uow=shop.uow(), settings=_PRICING, at=at)
    quote = price.shipping
    _breakdown(say, price.breakdown, "-" if quote is None else quote.name)
    if quote is not None and quote.free_above is not None and not quote.is_free:
        # The goods after discounts, as the rate table read them.
        goods = price.breakdown.subtotal - price.breakdown.discount_total
        say(
            f"   {quote.name} ships free from {_show(quote.free_above)}: "
            f"add {_show(quote.free_above - goods)} to the cart"
        )
    offers = ", ".join(f"{q.name} {_show(q.price)}" for q in price.shipping_options)
    say(f"   shipping offered for this parcel: {offers}")
    business = CustomerFacts(
        business=True, vat_id="FR40303265045", vat_id_confirmed=True
    )
    to_france = TaxContext(ship_to="FR", supplied_at=at, buyer=business)
    decision = _TAX.decide("standard", SupplyKind.GOODS, to_france)
    say(
        f"   Shipped to a French business with a confirmed VAT id: "
        f"{decision.percent}% VAT, invoice note '{decision.note('de')}'"
    )


def _problem(problem: CartProblem) -> str:
    instead = "; ".join(
        f"{a.name} [{', '.join(f'{k} {v}' for k, v in a.options.items())}]: "
        f"{a.sku}, {a.available} available"
        for a in problem.alternatives
    )
    return (
        f"   problem: {problem.key} is {problem.code} ({problem.wanted} wanted, "
        f"{problem.available} available); instead: {instead or 'nothing'}"
    )


def _check_out(say: _Say, shop: _Shop, key: CartId) -> FrozenPrice:
    say("4. Check out: an address in Berlin, PayPal, and the cart is validated.")
    shop.at(9, 15)
    adjust_stock(
        "SN-W-42",
        "hamburg",
        -2,
        reason="sold over the counter",
        uow=shop.uow(),
        settings=_INVENTORY,
        clock=shop.clock,
    )
    say("   (meanwhile the Hamburg shop sold its last 2 pairs in size 42: stock 0)")
    at = shop.at(9, 20)
    berlin = Address(
        name="Alex Muster",
        street="Unter den Linden 1",
        postal_code="10117",
        city="Berlin",
        country="DE",
    )
    with shop.uow() as uow:
        cart = uow.carts.get(key)
        cart.set_shipping_address(berlin, at=at)
        cart.choose_payment_method("paypal", at=at)
        uow.carts.save(cart)
        uow.commit()
    check = validate_cart(
        cart, uow=shop.uow(), pricing=_PRICING, inventory=_INVENTORY, at=at
    )
    for problem in check.problems:
        say(_problem(problem))
    with shop.uow() as uow:
        cart = uow.carts.get(key)
        pairs = cart.line("SN-W-42").quantity
        cart.remove("SN-W-42", at=at)
        uow.carts.save(cart)
        uow.commit()
    cart = add_to_cart(
        key,
        "SN-W-43",
        pairs,
        uow=shop.uow(),
        clock=shop.clock,
        settings=_CARTS,
        pricing=_PRICING,
    )
    check = start_checkout(
        key, uow=shop.uow(), clock=shop.clock, pricing=_PRICING, inventory=_INVENTORY
    )
    verdict = "ok" if check.ok else ", ".join(check.codes())
    say(f"   the customer takes size 43: {_items(cart)}; validation {verdict}")
    with shop.uow() as uow:
        frozen = uow.carts.get(key).frozen_price
    if frozen is None:  # pragma: no cover - start_checkout froze it
        msg = f"cart {key} has no frozen price"
        raise LookupError(msg)
    say(
        f"   the price is frozen: {_show(frozen.breakdown.grand_total)} "
        f"until {frozen.until:%H:%M} UTC"
    )
    return frozen


def _available(shop: _Shop, codes: list[str]) -> str:
    shown: list[str] = []
    with shop.uow() as uow:
        for code in codes:
            levels = (
                (place.name, uow.stock.level(sku(code), place.location_id))
                for place in _INVENTORY.locations
            )
            places = ", ".join(f"{name} {level.available}" for name, level in levels)
            shown.append(f"{code} ({places})")
    return "; ".join(shown)


_HOW = {
    PaymentMethodKind.GATEWAY: "via the provider",
    PaymentMethodKind.INVOICE: "bank transfer after delivery",
    PaymentMethodKind.PREPAYMENT: "bank transfer first",
    PaymentMethodKind.CASH_ON_DELIVERY: "cash at the door",
    PaymentMethodKind.STORE_CREDIT: "gift card",
}


def _terms(method: PaymentMethod, currency: str) -> str:
    """Where and for how much a method is offered, such as ``DE only, ...``."""
    terms = [] if method.countries is None else [f"{'/'.join(method.countries)} only"]
    low, high = method.min_amount(currency), method.max_amount(currency)
    if low is not None and high is not None:
        terms.append(f"{_show(low)} to {_show(high)}")
    elif low is not None:
        terms.append(f"from {_show(low)}")
    elif high is not None:
        terms.append(f"up to {_show(high)}")
    return ", ".join(terms)


def _why_not(refused: Unavailable, country: str, total: Money) -> str:
    limit = "its limit" if refused.limit is None else _show(refused.limit)
    why = {
        UnavailableReason.COUNTRY: f"not offered in {country}",
        UnavailableReason.CURRENCY: f"does not take {total.currency.code}",
        UnavailableReason.BELOW_MINIMUM: f"{_show(total)} is below {limit}",
        UnavailableReason.ABOVE_MAXIMUM: f"{_show(total)} is above {limit}",
    }[refused.reason]
    terms = _terms(refused.method, total.currency.code)
    name = refused.method.name
    return f"{name} ({terms}): {why}" if terms else f"{name}: {why}"


def _lose_first_capture_reply(call: GatewayCall) -> Script | None:
    """The provider takes the money, but its reply to the first capture is lost."""
    if call.operation == "capture" and call.attempt == 1:
        return Script.lose_reply()
    return None  # the fake's default: approve


def _payment_of(order: Order, payment: Payment | None) -> Payment:
    """The order's payment; every order of the demo costs something."""
    if payment is None:  # pragma: no cover - the order costs 168,70 €
        msg = f"order {order.order_id} has no payment"
        raise LookupError(msg)
    return payment


def _tally(events: Sequence[DomainEvent]) -> str:
    """Event names in the order they first came, counted: ``2 StockReserved``."""
    counts = Counter(type(event).__name__ for event in events)
    return ", ".join(
        name if count == 1 else f"{count} {name}" for name, count in counts.items()
    )


def _held(shop: _Shop, reference: str) -> list[str]:
    """What stock is held for ``reference``, reservation by reservation."""
    names = {place.location_id: place.name for place in _INVENTORY.locations}
    with shop.uow() as uow:
        held = [r for r in uow.stock.reservations_for(reference) if r.active]
    return [
        f"{r.reservation_id}: {r.quantity} x {r.sku} in {names[r.location]}"
        + ("" if r.expires_at is None else f" until {r.expires_at:%H:%M} UTC")
        for r in sorted(held, key=lambda r: (r.location, r.sku))
    ]


def _offer(say: _Say, cart: Cart, total: Money) -> None:
    """The payment methods offered for the cart's country and total, and why not."""
    country = _PRICING.default_ship_to
    if cart.shipping_address is not None:
        country = cart.shipping_address.country
    offered = ", ".join(
        f"{method.name} ({_HOW[method.kind]})"
        for method in _PAYMENT_METHODS.available(country, total)
    )
    say(f"   offered for {_show(total)} to {country}: {offered}")
    for refused in _PAYMENT_METHODS.unavailable(country, total):
        say(f"   not offered: {_why_not(refused, country, total)}")


def _order(
    say: _Say,
    shop: _Shop,
    key: CartId,
    frozen: FrozenPrice,
    gateway: FakePaymentGateway,
) -> Order:
    say("5. Order: the methods this cart may pay with; then the customer presses")
    say(f'   "{_ORDER_BUTTON}" with PayPal, and the cart becomes an order.')
    at = shop.at(9, 25)
    with shop.uow() as uow:
        cart = uow.carts.get(key)
    _offer(say, cart, frozen.breakdown.grand_total)
    seen = len(shop.publisher.events)

    def press() -> PlacementResult:
        return place_order(
            key,
            checkout_token=_CHECKOUT_PAGE,
            acceptance=_acceptance(at),
            uow=shop.uow(),
            gateway=gateway,
            clock=shop.clock,
            ids=shop.ids,
            settings=_ORDERS,
            payment_token=_PAYPAL,
        )

    placed = press()
    order, payment = placed.order, _payment_of(placed.order, placed.payment)
    accepted = order.acceptance
    if accepted is None:  # pragma: no cover - placed with it
        msg = f"order {order.order_id} has no legal acceptance"
        raise LookupError(msg)
    texts = ", ".join(
        f"{name} {version}" for name, version in accepted.documents.items()
    )
    say(
        f"   '{accepted.button_label}' pressed at {accepted.accepted_at:%H:%M} UTC; "
        f"accepted: {texts}"
    )
    say(
        f"   order {order.number} ({order.order_id}): {order.status}; "
        f"payment {order.payment_status}; fulfillment {order.fulfillment_status}"
    )
    reference = payment.provider_reference
    if reference is None:  # pragma: no cover - an approval names it
        msg = f"payment {payment.payment_id} has no provider reference"
        raise LookupError(msg)
    method = _PAYMENT_METHODS.get(order.payment_method)
    say(
        f"   {method.name}: payment {payment.payment_id} of {_show(payment.amount)} "
        f"for order {payment.order_id}; the provider holds "
        f"{_show(gateway.held(reference))} ({reference})"
    )
    lines = ", ".join(
        f"{line.quantity} x {line.sku} {_show(line.total)}" for line in order.lines
    )
    say(
        f"   the frozen price, kept line by line: {lines}, "
        f"shipping {_show(order.shipping_total)}"
    )
    rates = ", ".join(f"{rate.percent}% {_show(rate.tax)}" for rate in order.rates())
    say(
        f"   total {_show(order.grand_total)} (net {_show(order.net_total)} + "
        f"VAT {_show(order.tax_total)}: {rates}); voucher "
        f"{', '.join(order.coupons)} -{_show(order.discount_total)}"
    )
    say(f"   held for order {order.order_id} until it ships or is canceled:")
    for line in _held(shop, order.order_id):
        say(f"     {line}")
    say(f"   available now: {_available(shop, [line.sku for line in order.lines])}")
    white = [variant.sku for variant in _WHITE.variants]
    stock = StockAvailability(shop.uow(), settings=_INVENTORY, clock=shop.clock)
    sellable = stock.in_stock(white)
    sold_out = ", ".join(code for code in white if code not in sellable)
    say(
        f"   white sneakers for sale: {', '.join(sorted(sellable)) or 'none'}; "
        f"sold out: {sold_out or 'none'}"
    )
    new = shop.publisher.events[seen:]
    reserved = sum(isinstance(event, StockReserved) for event in new)
    low = "; ".join(
        f"{event.sku} is down to {event.available}"
        for event in new
        if isinstance(event, StockRanLow)
    )
    say(f"   stock events: {reserved} StockReserved, and StockRanLow: {low or 'none'}")
    say(f"   events: {_tally(new)}")
    with shop.uow() as uow:
        left = uow.carts.for_customer(_CUSTOMER)
    say(
        f"   the cart is gone with the order: {_CUSTOMER} has "
        f"{'no cart' if left is None else 'a cart'} now"
    )
    again = press()
    books = ", ".join(f"{entry.kind} {_show(entry.amount)}" for entry in gateway.ledger)
    entries = "entry" if len(gateway.ledger) == 1 else "entries"
    same = "the same order" if again.order.order_id == order.order_id else "a new order"
    say(
        f"   pressed twice: the checkout token {_CHECKOUT_PAGE} gives {same}, "
        f"{again.order.number} ({again.order.order_id}); the provider's ledger "
        f"has {len(gateway.ledger)} {entries} ({books})"
    )
    counts = Counter(type(event).__name__ for event in shop.publisher.events)
    say(
        f"   the outbox published {counts.total()} events on this walk, "
        f"{counts['CartsMerged']} CartsMerged, {counts['CheckoutStarted']} "
        f"CheckoutStarted and {counts['OrderPlaced']} OrderPlaced among them"
    )
    return order


def _pay(say: _Say, shop: _Shop, order: Order, gateway: FakePaymentGateway) -> None:
    say("6. Pay: the warehouse ships the order, and its payment is captured at")
    say("   shipment, through a provider that loses a reply.")
    shop.at(14, 0)
    seen = len(shop.publisher.events)
    order = ship_order(
        order.order_id,
        {line.key: line.open for line in order.lines},
        uow=shop.uow(),
        clock=shop.clock,
        ids=shop.ids,
        settings=_ORDERS,
    )
    shipped = ", ".join(f"{line.shipped} x {line.sku}" for line in order.lines)
    say(
        f"   shipped at 14:00 UTC: {shipped}; order {order.number}: {order.status}, "
        f"fulfillment {order.fulfillment_status}"
    )
    committed = sum(
        isinstance(event, StockCommitted) for event in shop.publisher.events[seen:]
    )
    with shop.uow() as uow:
        levels = [
            uow.stock.level(line.sku, _BERLIN.location_id) for line in order.lines
        ]
    counts = "; ".join(
        f"{level.sku} {level.on_hand} on hand, {level.reserved} reserved"
        for level in levels
    )
    held = ", ".join(_held(shop, order.order_id)) or "nothing"
    say(
        f"   {committed} StockCommitted: in {_BERLIN.name} {counts}; "
        f"held for order {order.order_id}: {held}"
    )
    payment_id = order.payment_id
    if payment_id is None:  # pragma: no cover - placed with its payment
        msg = f"order {order.order_id} has no payment"
        raise LookupError(msg)
    with shop.uow() as uow:
        reference = uow.payments.get(payment_id).provider_reference
    if reference is None:  # pragma: no cover - the authorization named it
        msg = f"payment {payment_id} has no provider reference"
        raise LookupError(msg)

    key = f"order-{order.order_id}-capture"  # one key for the order's capture

    def capture() -> Payment:
        return capture_payment(
            payment_id,
            idempotency_key=key,
            uow=shop.uow(),
            gateway=gateway,
            clock=shop.clock,
        )

    try:
        capture()
    except GatewayUnavailableError as error:
        if not error.retryable:  # pragma: no cover - the script loses a reply
            raise
        say(
            f"   capture of payment {payment_id}: the provider took "
            f"{_show(gateway.captured(reference))}, but its reply was lost on the way"
        )
    capture()
    books = ", ".join(f"{entry.kind} {_show(entry.amount)}" for entry in gateway.ledger)
    say(
        f"   retried with the same key, the money moved once: the provider's "
        f"ledger has {len(gateway.ledger)} entries ({books})"
    )
    verifier = HmacSignatureVerifier(gateway.webhook_secret)
    webhook = gateway.notification(reference, "captured")
    answers = [
        handle_notification(
            webhook.body,
            webhook.signature,
            uow=shop.uow(),
            verifier=verifier,
            clock=shop.clock,
        )
        for _ in range(2)
    ]
    say(
        f"   the provider's 'captured' webhook: {answers[0]} (the retry's reply "
        f"told it first); delivered again: {answers[1]}"
    )
    order, followed = follow_payment(
        order.order_id, uow=shop.uow(), clock=shop.clock, settings=_ORDERS
    )
    payment = _payment_of(order, followed)
    say(
        f"   payment {payment.payment_id}: {payment.status}, "
        f"{_show(payment.captured)} captured of {_show(order.amount_due)} "
        f"due for order {payment.order_id}"
    )
    say(
        f"   order {order.number}: {order.status}; payment {order.payment_status}; "
        f"fulfillment {order.fulfillment_status}; "
        f"events: {_tally(shop.publisher.events[seen:])}"
    )
    say(
        f"   what may happen next: {', '.join(sorted(order.allowed_events()))} "
        "(a shipped order is not canceled: what comes back is a return)"
    )


def run_demo(out: TextIO) -> None:
    """Walk the parts of the purchase story this version covers, and print it."""

    def say(line: str = "") -> None:
        print(line, file=out)

    say(f"commercekit {commercekit.__version__}")
    say()
    say("What this version offers:")
    for name, what in _OFFERS:
        say(f"  {name:<22} {what}")
    say()
    with SQLiteDatabase() as database:
        say(
            f"The embedded SQLite store opens with schema version "
            f"{database.schema_version} of {len(MIGRATIONS)}, no setup needed."
        )
        shop = _Shop(database)
        _open_shop(shop)
        for line in _describe():
            say(line)
        say()
        _find(say, shop)
        say()
        key = _choose(say, shop)
        say()
        _price(say, shop, key)
        say()
        frozen = _check_out(say, shop, key)
        say()
        gateway = FakePaymentGateway(_lose_first_capture_reply, clock=shop.clock)
        order = _order(say, shop, key, frozen, gateway)
        say()
        _pay(say, shop, order, gateway)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="commercekit", description="Commerce domain logic as a library."
    )
    parser.add_argument(
        "--version", action="version", version=f"commercekit {commercekit.__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="walk through what commercekit does")
    args = parser.parse_args(argv)
    if args.command == "demo":
        run_demo(sys.stdout)
    return 0
