"""The cart's use cases, run against the in-memory and the SQLite unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.cart import (
    Cart,
    CartExpired,
    CartLineAdded,
    CartPricingSettings,
    CartSettings,
    CartUnitOfWork,
    MergeOutcome,
    ProblemCode,
    ProductUnavailableError,
    Wishlist,
    add_to_cart,
    log_in,
    start_checkout,
    sweep_expired_carts,
)
from commercekit.catalog import Product, ProductId, Variant
from commercekit.errors import NotFoundError, ValidationError
from commercekit.inventory import (
    InventorySettings,
    ReservationId,
    StockLocation,
    stock_location_id,
)
from commercekit.money import Money, money
from commercekit.ports import DomainEvent, EventPublisher
from commercekit.pricing import (
    EUTaxProvider,
    PriceList,
    PriceListId,
    PriceMode,
    PriceNotFoundError,
    TaxSettings,
)
from commercekit.testing import FixedClock, RecordingPublisher
from commercekit.values import Address, sku

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
SETTINGS = CartSettings(expires_after=timedelta(days=7))
MAIN = stock_location_id("main")
INVENTORY = InventorySettings(locations=[StockLocation(location_id=MAIN, name="Main")])
PRICING = CartPricingSettings(
    tax=EUTaxProvider(TaxSettings(merchant_country="DE")), default_ship_to="DE"
)

Factory = Callable[..., CartUnitOfWork]


def eur(amount: str) -> Money:
    return money(amount, "EUR")


@pytest.fixture(params=["memory", "sqlite"])
def uow(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    """A unit of work factory over one shop's catalog, prices and stock."""
    if request.param == "memory":
        store = InMemoryStore()

        def memory(publisher: EventPublisher | None = None) -> CartUnitOfWork:
            return InMemoryUnitOfWork(store, publisher=publisher)

        factory: Factory = memory
    else:
        database = SQLiteDatabase(tmp_path / "shop.db")

        def sqlite(publisher: EventPublisher | None = None) -> CartUnitOfWork:
            return SQLiteUnitOfWork(database, publisher=publisher)

        factory = sqlite
    shop = PriceList(list_id=PriceListId("shop"), currency="EUR", mode=PriceMode.GROSS)
    shop.set_price("SN-W-42", {1: eur("79.90"), 2: eur("74.90")}, at=T0)
    shop.set_price("BOOK", eur("24.00"), at=T0)
    shop.set_price("OLD-1", eur("10.00"), at=T0)
    with factory() as work:
        work.price_lists.add(shop)
        work.products.add(
            Product(
                product_id=ProductId("nordlicht"),
                name="Nordlicht",
                variants=[Variant(sku="SN-W-42"), Variant(sku="SN-W-43")],
                created_at=T0,
            )
        )
        work.products.add(
            Product(
                product_id=ProductId("book"),
                name="Book",
                variants=[Variant(sku="BOOK", tax_category="reduced")],
                created_at=T0,
            )
        )
        work.products.add(
            Product(
                product_id=ProductId("old"),
                name="Old",
                variants=[Variant(sku="OLD-1")],
                active=False,
                created_at=T0,
            )
        )
        work.stock.receive(sku("SN-W-42"), MAIN, 5, at=T0)
        work.stock.receive(sku("BOOK"), MAIN, 5, at=T0)
        work.commit()
    return factory


def _store(factory: Factory, *carts: Cart | Wishlist) -> None:
    with factory() as work:
        for aggregate in carts:
            if isinstance(aggregate, Cart):
                work.carts.add(aggregate)
            else:
                work.wishlists.add(aggregate)
        work.commit()


def _cart(cart_id: str, customer: str | None = None, at: datetime = T0) -> Cart:
    return Cart(
        cart_id=cart_id,
        currency="EUR",
        locale="de_DE",
        updated_at=at,
        customer_id=customer,
    )


def _load(factory: Factory, cart_id: str) -> Cart:
    with factory() as work:
        return work.carts.get(cart_id)


def _outbox(factory: Factory) -> list[DomainEvent]:
    """The events the units of work left in the outbox (they had no publisher)."""
    recorder = RecordingPublisher()
    factory(publisher=recorder).dispatch_pending()
    return recorder.events


# -- add_to_cart ------------------------------------------------------------------


def test_adding_records_the_price_seen_at_the_new_quantity(uow: Factory) -> None:
    _store(uow, _cart("c-1"))
    clock = FixedClock(T0 + timedelta(hours=1))
    kw = {"uow": uow(), "clock": clock, "settings": SETTINGS, "pricing": PRICING}
    add_to_cart("c-1", "SN-W-42", **kw)  # type: ignore[arg-type]
    assert _load(uow, "c-1").line("SN-W-42").unit_price_seen == eur("79.90")
    # The second pair takes the line to 2: the tier from 2 costs 74.90.
    cart = add_to_cart("c-1", "SN-W-42", **kw)  # type: ignore[arg-type]
    stored = _load(uow, "c-1")
    assert stored == cart
    assert stored.line("SN-W-42").quantity == 2
    assert stored.line("SN-W-42").unit_price_seen == eur("74.90")
    assert stored.updated_at == T0 + timedelta(hours=1)
    assert [e for e in _outbox(uow) if isinstance(e, CartLineAdded)] == [
        CartLineAdded(cart_id=cart.cart_id, sku=sku("SN-W-42"), quantity=1),
        CartLineAdded(cart_id=cart.cart_id, sku=sku("SN-W-42"), quantity=1),
    ]


def test_adding_takes_the_tax_category_from_the_catalog(uow: Factory) -> None:
    _store(uow, _cart("c-1"))
    cart = add_to_cart(
        "c-1",
        "BOOK",
        2,
        uow=uow(),
        clock=FixedClock(T0),
        settings=SETTINGS,
        pricing=PRICING,
    )
    assert cart.line("BOOK").tax_category == "reduced"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("OLD-1", ProductUnavailableError),
        ("NOPE-1", NotFoundError),
        ("SN-W-43", PriceNotFoundError),
    ],
)
def test_what_cannot_be_sold_is_not_added(
    uow: Factory, code: str, error: type[Exception]
) -> None:
    _store(uow, _cart("c-1"))
    with pytest.raises(error):
        add_to_cart(
            "c-1",
            code,
            uow=uow(),
            clock=FixedClock(T0),
            settings=SETTINGS,
            pricing=PRICING,
        )
    assert _load(uow, "c-1").lines == ()


# -- start_checkout -----------------------------------------------------------


def _ready(cart_id: str = "c-1") -> Cart:
    cart = _cart(cart_id, customer="ada")
    cart.add("SN-W-42", 1, at=T0, settings=SETTINGS)
    cart.set_shipping_address(
        Address(
            name="Ada Lovelace",
            street="Unter den Linden 1",
            postal_code="10117",
            city="Berlin",
            country="DE",
        ),
        at=T0,
    )
    cart.choose_payment_method("paypal", at=T0)
    return cart


def test_starting_checkout_freezes_the_price_once(uow: Factory) -> None:
    _store(uow, _ready())
    clock = FixedClock(T0)
    kw = {"uow": uow(), "clock": clock, "pricing": PRICING, "inventory": INVENTORY}
    result = start_checkout("c-1", **kw)  # type: ignore[arg-type]
    assert result.ok
    assert result.payable is not None
    assert result.payable.grand_total == eur("79.90")
    frozen = _load(uow, "c-1").frozen_price
    assert frozen is not None
    assert frozen.until == T0 + PRICING.freeze_for
    # Ten minutes later the same price holds: it is kept, not extended.
    clock.advance(timedelta(minutes=10))
    again = start_checkout("c-1", **kw)  # type: ignore[arg-type]
    assert again.payable == result.payable
    assert _load(uow, "c-1").frozen_price == frozen


def test_checkout_reports_problems_and_still_freezes_the_price(uow: Factory) -> None:
    cart = _ready()
    cart.change_quantity("SN-W-42", 7, at=T0, settings=SETTINGS)
    _store(uow, cart)
    result = start_checkout(
        "c-1", uow=uow(), clock=FixedClock(T0), pricing=PRICING, inventory=INVENTORY
    )
    [problem] = result.problems
    assert (problem.code, problem.wanted, problem.available) == (
        ProblemCode.PARTLY_AVAILABLE,
        7,
        5,
    )
    frozen = _load(uow, "c-1").frozen_price
    assert frozen is not None
    assert frozen.breakdown.grand_total == eur("524.30")  # 7 x 74.90


# -- log_in -------------------------------------------------------------------------


def test_a_guest_cart_merges_into_the_customer_cart(uow: Factory) -> None:
    guest = _cart("guest")
    guest.add("SKU-A", 2, at=T0, settings=SETTINGS)
    mine = _cart("mine", customer="ada")
    mine.add("SKU-A", 1, at=T0, settings=SETTINGS)
    mine.add("SKU-B", 1, at=T0, settings=SETTINGS)
    _store(uow, guest, mine)
    result = log_in(
        "ada",
        guest_cart_id="guest",
        uow=uow(),
        clock=FixedClock(T0 + timedelta(hours=1)),
        settings=SETTINGS,
    )
    assert result.cart_id == "mine"
    assert result.merge is not None
    assert [(line.key, line.outcome) for line in result.merge.lines] == [
        ("SKU-A", MergeOutcome.MERGED)
    ]
    merged = _load(uow, "mine")
    assert [(line.sku, line.quantity) for line in merged.lines] == [
        ("SKU-A", 3),
        ("SKU-B", 1),
    ]
    with pytest.raises(NotFoundError):
        _load(uow, "guest")


def test_without_a_cart_of_their_own_the_guest_cart_becomes_theirs(
    uow: Factory,
) -> None:
    guest = _cart("guest")
    guest.add("SKU-A", 2, at=T0, settings=SETTINGS)
    _store(uow, guest)
    result = log_in(
        "ada",
        guest_cart_id="guest",
        uow=uow(),
        clock=FixedClock(T0),
        settings=SETTINGS,
    )
    assert (result.cart_id, result.merge) == ("guest", None)
    assert _load(uow, "guest").customer_id == "ada"


def test_an_expired_customer_cart_gives_way_to_the_guest_cart(uow: Factory) -> None:
    old = _cart("old", customer="ada")
    old.add("SKU-B", 1, at=T0, settings=SETTINGS)
    later = T0 + timedelta(days=8)
    guest = _cart("guest", at=later)
    guest.add("SKU-A", 1, at=later, settings=SETTINGS)
    _store(uow, old, guest)
    result = log_in(
        "ada",
        guest_cart_id="guest",
        uow=uow(),
        clock=FixedClock(later),
        settings=SETTINGS,
    )
    assert (result.cart_id, result.merge) == ("guest", None)
    with pytest.raises(NotFoundError):
        _load(uow, "old")


def test_a_cart_of_another_customer_is_refused(uow: Factory) -> None:
    _store(uow, _cart("theirs", customer="bob"))
    with pytest.raises(ValidationError, match="another customer") as error:
        log_in(
            "ada",
            guest_cart_id="theirs",
            uow=uow(),
            clock=FixedClock(T0),
            settings=SETTINGS,
        )
    assert error.value.field == "guest_cart_id"
    assert _load(uow, "theirs").customer_id == "bob"


def test_the_guest_wishlist_joins_the_customer_wishlist(uow: Factory) -> None:
    guest = Wishlist(wishlist_id="w-guest", updated_at=T0)
    guest.add("SKU-A", at=T0, settings=SETTINGS)
    guest.add("SKU-B", at=T0, settings=SETTINGS)
    mine = Wishlist(wishlist_id="w-ada", customer_id="ada", updated_at=T0)
    mine.add("SKU-B", at=T0, settings=SETTINGS)
    _store(uow, guest, mine)
    result = log_in(
        "ada",
        guest_wishlist_id="w-guest",
        uow=uow(),
        clock=FixedClock(T0),
        settings=SETTINGS,
    )
    assert (result.cart_id, result.wishlist_id) == (None, "w-ada")
    assert (result.wishlist_skus_added, result.wishlist_skus_dropped) == (
        ("SKU-A",),
        (),
    )
    with uow() as work:
        assert work.wishlists.get("w-ada").skus == ("SKU-B", "SKU-A")
        with pytest.raises(NotFoundError):
            work.wishlists.get("w-guest")


# -- sweep_expired_carts ------------------------------------------------------------


def test_the_sweep_deletes_expired_carts_and_frees_their_stock(uow: Factory) -> None:
    stale = _cart("stale", customer="ada")
    stale.add("BOOK", 2, at=T0, settings=SETTINGS)
    fresh = _cart("fresh", at=T0 + timedelta(days=3))
    wishlist = Wishlist(wishlist_id="w-ada", customer_id="ada", updated_at=T0)
    wishlist.add("BOOK", at=T0, settings=SETTINGS)
    _store(uow, stale, fresh, wishlist)
    with uow() as work:
        work.stock.reserve(
            sku("BOOK"),
            2,
            reservation_id=ReservationId("r-1"),
            reference="stale",
            location=MAIN,
            expires_at=None,
            at=T0,
        )
        work.commit()
    swept = sweep_expired_carts(
        uow=uow(), clock=FixedClock(T0 + timedelta(days=7)), settings=SETTINGS
    )
    # The stale cart is 7 days old: expired from that instant on.
    assert swept == ["stale"]
    assert CartExpired(cart_id=swept[0]) in _outbox(uow)
    with uow() as work:
        assert work.stock.level(sku("BOOK")).available == 5
        assert work.stock.reservation(ReservationId("r-1")).released_at is not None
        assert work.wishlists.get("w-ada").skus == ("BOOK",)
        assert work.carts.get("fresh").cart_id == "fresh"
        with pytest.raises(NotFoundError):
            work.carts.get("stale")
