"""Pricing a cart in one call, and validating it before checkout.

Every expected amount below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.cart import (
    Cart,
    CartPricingSettings,
    CartSettings,
    CartValidation,
    CheckoutStarted,
    PriceModeMismatchError,
    ProblemCode,
    Relation,
    cart_fingerprint,
    cart_id,
    price_cart,
    validate_cart,
)
from commercekit.catalog import Product, ProductId, Variant
from commercekit.errors import ValidationError
from commercekit.inventory import (
    InventorySettings,
    StockLocation,
    StockPolicy,
    stock_location_id,
)
from commercekit.money import money
from commercekit.pricing import (
    EUTaxProvider,
    PriceList,
    PriceListId,
    PriceMode,
    ShippingMethod,
    ShippingMethodUnavailableError,
    ShippingRequest,
    ShippingZone,
    TableRates,
    TaxSettings,
    WeightBand,
    ZoneRate,
)
from commercekit.promotions import AmountOff, Coupon, FreeShipping, Promotion
from commercekit.values import Address, CustomerFacts, sku

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
SETTINGS = CartSettings()
MAIN = stock_location_id("main")
# Size 42 in white sold out; the rest is there.
STOCK = {"SN-W-43": 5, "SN-B-42": 2, "SOCKS-W": 40, "BOOK": 10}
INVENTORY = InventorySettings(locations=[StockLocation(location_id=MAIN, name="Main")])


def eur(amount: str) -> money:  # type: ignore[valid-type]
    return money(amount, "EUR")


GERMANY = ShippingZone("DE", ["DE"])
RATES = TableRates(
    [
        ShippingMethod(
            "standard",
            "DHL Paket",
            [ZoneRate(GERMANY, price=eur("4.90"), free_above=eur("150.00"))],
        ),
        ShippingMethod(
            "express",
            "Express",
            [
                ZoneRate(
                    GERMANY,
                    bands=[
                        WeightBand(1000, eur("9.90")),
                        WeightBand(5000, eur("14.90")),
                    ],
                )
            ],
        ),
    ]
)
PRICING = CartPricingSettings(
    tax=EUTaxProvider(TaxSettings(merchant_country="DE")),
    default_ship_to="DE",
    shipping_rates=RATES,
)


def _shop(*, mode: PriceMode = PriceMode.GROSS) -> InMemoryUnitOfWork:
    store = InMemoryStore()
    sneaker = Product(
        product_id=ProductId("nordlicht"),
        name="Nordlicht sneaker",
        categories=["shoes/sneakers"],
        variants=[
            Variant(
                sku=f"SN-{color[0].upper()}-{size}",
                options={"color": color, "size": size},
                weight_grams=900,
            )
            for color, size in (
                ("white", "42"),
                ("white", "43"),
                ("black", "42"),
                ("white", "44"),
            )
        ],
        related=[ProductId("socks")],
        created_at=NOW,
    )
    socks = Product(
        product_id=ProductId("socks"),
        name="Sneaker socks",
        variants=[Variant(sku="SOCKS-W", weight_grams=50)],
        created_at=NOW,
    )
    retired = Product(
        product_id=ProductId("retired"),
        name="Old runner",
        variants=[Variant(sku="RUN-OLD")],
        active=False,
        created_at=NOW,
    )
    book = Product(
        product_id=ProductId("book"),
        name="The sneaker book",
        variants=[Variant(sku="BOOK", weight_grams=300, tax_category="reduced")],
        created_at=NOW,
    )
    shop = PriceList(list_id=PriceListId("shop"), currency="EUR", mode=mode)
    shop.set_price("SN-W-42", {1: eur("79.90"), 2: eur("74.90")}, at=NOW)
    for other in ("SN-W-43", "SN-B-42", "SN-W-44", "RUN-OLD"):
        shop.set_price(other, eur("79.90"), at=NOW)
    shop.set_price("SOCKS-W", eur("9.90"), at=NOW)
    shop.set_price("BOOK", eur("24.00"), at=NOW)
    with InMemoryUnitOfWork(store) as uow:
        uow.products.add(sneaker)
        uow.products.add(book)
        uow.products.add(socks)
        uow.products.add(retired)
        for code, units in STOCK.items():
            uow.stock.receive(sku(code), MAIN, units, at=NOW)
        uow.price_lists.add(shop)
        uow.promotions.add(
            Promotion(
                promotion_id="WELCOME",
                name="10 EUR welcome voucher",
                action=AmountOff(amount=eur("10.00")),
                coupon_codes={"WILLKOMMEN10"},
            )
        )
        uow.coupons.add(Coupon(code="WILLKOMMEN10", promotion_id="WELCOME"))
        uow.commit()
    return InMemoryUnitOfWork(store)


def _cart(*lines: tuple[str, int], method: str | None = "standard") -> Cart:
    cart = Cart(cart_id="c-1", currency="EUR", locale="de_DE", updated_at=NOW)
    for code, quantity in lines:
        cart.add(code, quantity, at=NOW, settings=SETTINGS)
    cart.choose_shipping_method(method, at=NOW)
    return cart


def test_a_mixed_cart_with_standard_shipping() -> None:
    cart = _cart(("SN-W-42", 1), ("BOOK", 1))
    price = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    breakdown = price.breakdown
    # Goods 79.90 + 24.00 = 103.90, below 150.00: shipping 4.90.
    assert price.shipping is not None
    assert price.shipping.price == eur("4.90")
    assert breakdown.shipping_total == eur("4.90")
    assert breakdown.grand_total == eur("108.80")
    # The book is reduced (7%) by the catalog, though the cart line says
    # standard. Shipping splits by net goods: 67.14 : 22.43 of 490 cents is
    # 367.28 and 122.70, the spare cent to the larger remainder: 3.67 / 1.23.
    parts = {part.percent: part.amount for part in breakdown.shipping.parts}  # type: ignore[union-attr]
    assert parts == {19: eur("3.67"), 7: eur("1.23")}
    # VAT per rate: 83.57 x 19/119 = 13.343 -> 13.34; 25.23 x 7/107 = 1.650 -> 1.65.
    assert {rate.percent: rate.tax for rate in breakdown.rates} == {
        19: eur("13.34"),
        7: eur("1.65"),
    }
    assert breakdown.tax_total == eur("14.99")
    assert dict(price.unit_prices) == {"SN-W-42": eur("79.90"), "BOOK": eur("24.00")}


def test_quantity_tiers_come_from_the_price_list() -> None:
    price = price_cart(_cart(("SN-W-42", 2)), uow=_shop(), settings=PRICING, at=NOW)
    # Two pairs take the tier from 2: 2 x 74.90 = 149.80, one cent under the
    # free shipping threshold.
    assert price.unit_prices["SN-W-42"] == eur("74.90")  # type: ignore[index]
    assert price.breakdown.grand_total == eur("154.70")


def test_free_shipping_above_the_threshold_reads_the_goods_after_discounts() -> None:
    free = price_cart(
        _cart(("SN-W-42", 1), ("BOOK", 3)), uow=_shop(), settings=PRICING, at=NOW
    )
    # 79.90 + 3 x 24.00 = 151.90: from 150.00 the parcel ships free.
    assert free.shipping is not None
    assert free.shipping.is_free
    assert free.breakdown.grand_total == eur("151.90")
    cart = _cart(("SN-W-42", 1), ("BOOK", 3))
    cart.apply_coupon("willkommen10", at=NOW)
    paid = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    # The voucher takes 10.00 off: 141.90 is below 150.00, so 4.90 again.
    assert paid.coupons.usable == ("WILLKOMMEN10",)
    assert paid.promotions.discount_total == eur("10.00")
    assert paid.shipping is not None
    assert paid.shipping.price == eur("4.90")
    assert paid.breakdown.grand_total == eur("146.80")


def test_a_free_shipping_promotion_zeroes_shipping_but_keeps_the_quote() -> None:
    uow = _shop()
    with uow:
        uow.promotions.add(
            Promotion(promotion_id="SHIP", name="Free shipping", action=FreeShipping())
        )
        uow.commit()
    price = price_cart(_cart(("SN-W-43", 1)), uow=uow, settings=PRICING, at=NOW)
    assert price.promotions.free_shipping
    assert price.shipping is not None
    assert price.shipping.price == eur("4.90")
    assert price.breakdown.shipping_total == eur("0.00")
    assert price.breakdown.grand_total == eur("79.90")


def test_express_is_priced_by_the_weight_band() -> None:
    cart = _cart(("SN-W-42", 1), method="express")
    assert price_cart(cart, uow=_shop(), settings=PRICING, at=NOW).shipping == (
        RATES.quote("express", _request(900))
    )
    cart.change_quantity("SN-W-42", 2, at=NOW, settings=SETTINGS)
    price = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    # 2 x 900 g = 1,800 g: past the 1,000 g band, inside the 5,000 g one.
    assert price.shipping is not None
    assert price.shipping.price == eur("14.90")
    assert price.breakdown.grand_total == eur("164.70")  # 149.80 + 14.90


def _request(grams: int) -> ShippingRequest:
    return ShippingRequest(country="DE", goods_total=eur("79.90"), weight_grams=grams)


def test_without_a_chosen_method_the_options_are_offered_cheapest_first() -> None:
    price = price_cart(
        _cart(("BOOK", 1), method=None), uow=_shop(), settings=PRICING, at=NOW
    )
    assert price.shipping is None
    assert price.breakdown.shipping is None
    assert [(q.method, q.price) for q in price.shipping_options] == [
        ("standard", eur("4.90")),
        ("express", eur("9.90")),
    ]
    assert price.breakdown.grand_total == eur("24.00")


def test_a_custom_line_brings_its_own_price_and_tax_category() -> None:
    cart = _cart(("BOOK", 1), method=None)
    cart.add_custom(
        "GIFT-WRAP",
        "Gift wrap",
        eur("3.00"),
        tax_category="standard",
        at=NOW,
        settings=SETTINGS,
    )
    price = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    assert price.breakdown.line("GIFT-WRAP").tax.percent == 19
    assert price.breakdown.grand_total == eur("27.00")


def test_the_shipping_address_decides_where_the_parcel_goes() -> None:
    cart = _cart(("BOOK", 1))
    cart.set_shipping_address(
        Address(
            name="Ada Lovelace",
            street="Kärntner Straße 1",
            postal_code="1010",
            city="Wien",
            country="AT",
        ),
        at=NOW,
    )
    with pytest.raises(ShippingMethodUnavailableError) as error:
        price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    assert error.value.rule == "no_shipping_rate_for_country"
    cart.choose_shipping_method(None, at=NOW)
    price = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    assert price.ship_to == "AT"
    assert price.shipping_options == ()


def test_a_price_list_in_the_other_mode_is_refused() -> None:
    with pytest.raises(PriceModeMismatchError) as error:
        price_cart(
            _cart(("BOOK", 1)), uow=_shop(mode=PriceMode.NET), settings=PRICING, at=NOW
        )
    assert (error.value.sku, error.value.expected, error.value.got) == (
        "BOOK",
        "gross",
        "net",
    )
    assert error.value.code == "price_mode_mismatch"


def test_an_unknown_coupon_is_refused_and_the_cart_priced_without_it() -> None:
    cart = _cart(("BOOK", 1), method=None)
    cart.apply_coupon("NOPE", at=NOW)
    price = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    assert price.coupons.refused == (("NOPE", "coupon_unknown"),)
    assert price.breakdown.grand_total == eur("24.00")


def test_a_frozen_price_holds_for_its_time_and_its_cart_only() -> None:
    cart = _cart(("SN-W-42", 1))
    price = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    frozen = price.freeze(timedelta(minutes=30))
    assert frozen.until == NOW + timedelta(minutes=30)
    assert frozen.breakdown == price.breakdown
    assert frozen.holds_for(price.fingerprint, NOW + timedelta(minutes=29))
    assert not frozen.holds_for(price.fingerprint, NOW + timedelta(minutes=30))
    cart.change_quantity("SN-W-42", 2, at=NOW, settings=SETTINGS)
    again = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    assert again.fingerprint != price.fingerprint
    assert not frozen.holds_for(again.fingerprint, NOW)


def test_freezing_needs_a_positive_time() -> None:
    price = price_cart(_cart(("BOOK", 1)), uow=_shop(), settings=PRICING, at=NOW)
    with pytest.raises(ValidationError, match="positive timedelta"):
        price.freeze(timedelta(0))


def test_settings_refuse_what_is_not_a_tax_provider() -> None:
    with pytest.raises(ValidationError, match="TaxProvider") as error:
        CartPricingSettings(tax="19%", default_ship_to="DE")  # type: ignore[arg-type]
    assert error.value.field == "tax"


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        price_cart(
            _cart(("BOOK", 1)),
            uow=_shop(),
            settings=PRICING,
            at=datetime(2026, 6, 1),  # noqa: DTZ001 - the point of the test
        )


# -- validation ------------------------------------------------------------------

ADDRESS = Address(
    name="Ada Lovelace",
    street="Unter den Linden 1",
    postal_code="10117",
    city="Berlin",
    country="DE",
)


def _ready(*lines: tuple[str, int], method: str | None = "standard") -> Cart:
    """A cart with everything checkout needs besides its lines."""
    cart = _cart(*lines, method=method)
    cart.assign_customer("customer-1", at=NOW)
    cart.set_shipping_address(ADDRESS, at=NOW)
    cart.choose_payment_method("paypal", at=NOW)
    return cart


def _validate(
    cart: Cart, uow: InMemoryUnitOfWork | None = None, **kw: object
) -> CartValidation:
    return validate_cart(
        cart,
        uow=_shop() if uow is None else uow,
        pricing=PRICING,
        inventory=kw.pop("inventory", INVENTORY),  # type: ignore[arg-type]
        at=NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_a_complete_cart_in_stock_has_no_problems() -> None:
    result = _validate(_ready(("SN-W-43", 2), ("BOOK", 1)))
    assert result.ok
    assert result.problems == ()
    assert result.price is not None
    assert result.payable == result.price.breakdown


def test_a_sold_out_size_42_offers_size_43_of_the_same_model() -> None:
    result = _validate(_ready(("SN-W-42", 1)))
    [problem] = result.problems
    assert problem.code is ProblemCode.OUT_OF_STOCK
    assert (problem.key, problem.wanted, problem.available) == ("SN-W-42", 1, 0)
    # Same product first, those sharing an option with size 42 in white in
    # catalog order (size 44 has none in stock), then the related socks.
    assert [(a.sku, a.relation, a.available) for a in problem.alternatives] == [
        ("SN-W-43", Relation.SAME_PRODUCT, 5),
        ("SN-B-42", Relation.SAME_PRODUCT, 2),
        ("SOCKS-W", Relation.RELATED, 40),
    ]
    first = problem.alternatives[0]
    assert first.options == {"color": "white", "size": "43"}
    assert first.name == "Nordlicht sneaker"
    assert first.product_id == "nordlicht"


def test_alternatives_leave_out_what_the_cart_holds_and_stop_at_the_limit() -> None:
    result = _validate(_ready(("SN-W-42", 1), ("SN-W-43", 1)), alternatives=1)
    [problem] = result.problems
    assert [a.sku for a in problem.alternatives] == ["SN-B-42"]


def test_a_line_with_too_few_units_is_partly_available() -> None:
    result = _validate(_ready(("SN-B-42", 3)))
    [problem] = result.problems
    assert problem.code is ProblemCode.PARTLY_AVAILABLE
    assert (problem.wanted, problem.available) == (3, 2)
    assert "only 2 of 3 units" in problem.message


def test_a_sku_on_backorder_is_never_short() -> None:
    inventory = InventorySettings(
        locations=INVENTORY.locations, policies={"SN-W-42": StockPolicy(backorder=True)}
    )
    assert _validate(_ready(("SN-W-42", 4)), inventory=inventory).ok


def test_stock_counts_only_at_the_locations_in_play() -> None:
    elsewhere = InventorySettings(
        locations=[StockLocation(location_id="outlet", name="Outlet")]
    )
    [problem] = _validate(_ready(("BOOK", 1)), inventory=elsewhere).problems
    assert problem.code is ProblemCode.OUT_OF_STOCK


def test_a_price_that_changed_since_adding_is_reported_with_both_prices() -> None:
    cart = _ready()
    cart.add("SN-W-43", 1, at=NOW, settings=SETTINGS, unit_price_seen=eur("69.90"))
    [problem] = _validate(cart).problems
    assert problem.code is ProblemCode.PRICE_CHANGED
    assert (problem.seen, problem.now) == (eur("69.90"), eur("79.90"))
    assert problem.message == "the price of SN-W-43 rose from 69.90 EUR to 79.90 EUR"


def test_an_unusable_coupon_is_reported_with_the_rule() -> None:
    cart = _ready(("BOOK", 1))
    cart.apply_coupon("NOPE", at=NOW)
    [problem] = _validate(cart).problems
    assert problem.code is ProblemCode.COUPON_INVALID
    assert (problem.coupon_code, problem.reason) == ("NOPE", "coupon_unknown")


def test_what_a_guest_cart_still_lacks_is_named_field_by_field() -> None:
    result = _validate(_cart(("BOOK", 1), method=None))
    assert result.codes() == [
        ProblemCode.MISSING_ADDRESS,
        ProblemCode.MISSING_EMAIL,
        ProblemCode.MISSING_SHIPPING_METHOD,
        ProblemCode.MISSING_PAYMENT_METHOD,
    ]
    assert [p.field for p in result.problems] == [
        "shipping_address",
        "guest_email",
        "shipping_method",
        "payment_method",
    ]


def test_an_empty_cart_cannot_check_out() -> None:
    assert _validate(_ready()).codes() == [ProblemCode.EMPTY]


def test_a_sku_without_price_leaves_the_cart_unpriced() -> None:
    uow = _shop()
    with uow:
        uow.products.add(
            Product(
                product_id=ProductId("new"),
                name="New",
                variants=[Variant(sku="NEW-1")],
                created_at=NOW,
            )
        )
        uow.stock.receive(sku("NEW-1"), MAIN, 3, at=NOW)
        uow.commit()
    result = _validate(_ready(("NEW-1", 1)), uow)
    [problem] = result.problems
    assert (problem.code, problem.sku, problem.key) == (
        ProblemCode.PRICE_MISSING,
        "NEW-1",
        "NEW-1",
    )
    assert result.price is None
    assert result.payable is None


def test_inactive_or_unknown_products_are_unavailable() -> None:
    result = _validate(_ready(("RUN-OLD", 1), ("GONE-1", 1)))
    assert [(p.code, p.key) for p in result.problems][:2] == [
        (ProblemCode.PRODUCT_UNAVAILABLE, "RUN-OLD"),
        (ProblemCode.PRODUCT_UNAVAILABLE, "GONE-1"),
    ]


def test_a_method_that_cannot_ship_the_cart_is_reported_and_left_out() -> None:
    # 3 x 900 g + 10 x 300 g = 5,700 g: heavier than express's last band.
    result = _validate(_ready(("SN-W-43", 3), ("BOOK", 10), method="express"))
    [problem] = result.problems
    assert problem.code is ProblemCode.SHIPPING_UNAVAILABLE
    assert problem.reason == "parcel_too_heavy"
    assert result.price is not None
    assert result.price.breakdown.shipping is None


def test_validation_refuses_a_limit_below_one() -> None:
    with pytest.raises(ValidationError, match="alternatives"):
        _validate(_ready(("BOOK", 1)), alternatives=0)


# -- the frozen price ------------------------------------------------------------


def test_freezing_on_the_cart_records_checkout_started() -> None:
    cart = _ready(("SN-W-43", 1))
    cart.pull_events()
    price = price_cart(cart, uow=_shop(), settings=PRICING, at=NOW)
    frozen = cart.freeze_price(price, hold_for=timedelta(minutes=15))
    assert cart.frozen_price == frozen
    [event] = cart.pull_events()
    assert event == CheckoutStarted(
        cart_id=cart_id("c-1"),
        grand_total=eur("84.80"),  # 79.90 + 4.90
        frozen_until=NOW + timedelta(minutes=15),
    )
    cart.unfreeze_price(at=NOW)
    assert cart.frozen_price is None


def test_a_price_of_another_cart_cannot_be_frozen() -> None:
    price = price_cart(_ready(("BOOK", 1)), uow=_shop(), settings=PRICING, at=NOW)
    other = Cart(cart_id="c-2", currency="EUR", locale="de_DE", updated_at=NOW)
    with pytest.raises(ValidationError, match="not of cart c-2"):
        other.freeze_price(price, hold_for=timedelta(minutes=15))


def _raise_book_price(uow: InMemoryUnitOfWork, amount: str) -> None:
    with uow:
        shop = uow.price_lists.get(PriceListId("shop"))
        shop.set_price("BOOK", eur(amount), at=NOW + timedelta(minutes=1))
        uow.price_lists.save(shop)
        uow.commit()


def test_while_the_price_holds_the_customer_pays_what_they_saw() -> None:
    uow = _shop()
    cart = _ready(("BOOK", 1))
    cart.freeze_price(
        price_cart(cart, uow=uow, settings=PRICING, at=NOW),
        hold_for=timedelta(minutes=30),
    )
    _raise_book_price(uow, "26.00")
    later = NOW + timedelta(minutes=10)
    result = validate_cart(
        cart, uow=uow, pricing=PRICING, inventory=INVENTORY, at=later
    )
    assert result.ok
    assert result.payable is not None
    assert result.payable.grand_total == eur("28.90")  # 24.00 + 4.90, as frozen
    assert result.price is not None
    assert result.price.grand_total == eur("30.90")  # 26.00 + 4.90 today


def test_after_the_price_ran_out_a_new_total_is_reported_not_applied() -> None:
    uow = _shop()
    cart = _ready(("BOOK", 1))
    cart.freeze_price(
        price_cart(cart, uow=uow, settings=PRICING, at=NOW),
        hold_for=timedelta(minutes=30),
    )
    _raise_book_price(uow, "26.00")
    later = NOW + timedelta(minutes=30)
    result = validate_cart(
        cart, uow=uow, pricing=PRICING, inventory=INVENTORY, at=later
    )
    [problem] = result.problems
    assert problem.code is ProblemCode.TOTAL_CHANGED
    assert (problem.seen, problem.now) == (eur("28.90"), eur("30.90"))
    assert result.payable is not None
    assert result.payable.grand_total == eur("30.90")


def _frozen(cart: Cart) -> bool:
    return cart.frozen_price is not None


def test_changing_the_cart_ends_the_frozen_price() -> None:
    uow = _shop()
    cart = _ready(("BOOK", 1))
    cart.freeze_price(
        price_cart(cart, uow=uow, settings=PRICING, at=NOW),
        hold_for=timedelta(minutes=30),
    )
    cart.choose_payment_method("card", at=NOW)  # the price does not depend on it
    assert _frozen(cart)
    cart.change_quantity("BOOK", 2, at=NOW, settings=SETTINGS)
    assert not _frozen(cart)
    result = validate_cart(cart, uow=uow, pricing=PRICING, inventory=INVENTORY, at=NOW)
    # The customer changed the cart: its new total, 2 x 24.00 + 4.90, is no news.
    assert result.ok
    assert result.payable is not None
    assert result.payable.grand_total == eur("52.90")


def test_a_price_from_before_a_change_cannot_be_frozen() -> None:
    uow = _shop()
    cart = _ready(("BOOK", 1))
    price = price_cart(cart, uow=uow, settings=PRICING, at=NOW)
    cart.add("SN-W-43", 1, at=NOW, settings=SETTINGS)
    with pytest.raises(ValidationError, match="before its last change"):
        cart.freeze_price(price, hold_for=timedelta(minutes=30))
    assert cart.frozen_price is None


def test_a_frozen_price_is_for_the_customer_it_was_computed_for() -> None:
    uow = _shop()
    cart = _ready(("BOOK", 1))
    business = CustomerFacts(
        business=True, vat_id="FR40303265045", vat_id_confirmed=True
    )
    cart.freeze_price(
        price_cart(cart, uow=uow, settings=PRICING, at=NOW, customer=business),
        hold_for=timedelta(minutes=30),
    )
    consumer = validate_cart(
        cart, uow=uow, pricing=PRICING, inventory=INVENTORY, at=NOW
    )
    # The frozen price was for a business; a consumer's price is priced anew.
    assert consumer.price is not None
    assert consumer.payable == consumer.price.breakdown


def test_while_the_price_holds_moved_line_prices_are_not_reported() -> None:
    uow = _shop()
    cart = _ready()
    cart.add("BOOK", 1, at=NOW, settings=SETTINGS, unit_price_seen=eur("24.00"))
    cart.freeze_price(
        price_cart(cart, uow=uow, settings=PRICING, at=NOW),
        hold_for=timedelta(minutes=30),
    )
    _raise_book_price(uow, "26.00")
    later = NOW + timedelta(minutes=5)
    held = validate_cart(cart, uow=uow, pricing=PRICING, inventory=INVENTORY, at=later)
    assert held.ok
    expired = validate_cart(
        cart,
        uow=uow,
        pricing=PRICING,
        inventory=INVENTORY,
        at=NOW + timedelta(minutes=30),
    )
    assert expired.codes() == [ProblemCode.PRICE_CHANGED, ProblemCode.TOTAL_CHANGED]


def _apply_voucher(cart: Cart) -> None:
    cart.apply_coupon("WILLKOMMEN10", at=NOW)


def test_fingerprints_differ_by_each_input_the_price_depends_on() -> None:
    base = _ready(("BOOK", 1))
    moved = attrs.evolve(ADDRESS, postal_code="10115")
    changes: list[Callable[[Cart], None]] = [
        lambda c: c.add("SN-W-43", 1, at=NOW, settings=SETTINGS),
        _apply_voucher,
        lambda c: c.choose_shipping_method("express", at=NOW),
        lambda c: c.assign_customer("customer-2", at=NOW),
        lambda c: c.set_shipping_address(moved, at=NOW),
    ]
    prints = {cart_fingerprint(base)}
    for change in changes:
        changed = copy.deepcopy(base)
        change(changed)
        prints.add(cart_fingerprint(changed))
    prints.add(cart_fingerprint(base, CustomerFacts(customer_group="b2b")))
    assert len(prints) == len(changes) + 2
    same = copy.deepcopy(base)
    same.choose_payment_method("card", at=NOW)
    assert cart_fingerprint(same) == cart_fingerprint(base)


def test_exclusive_promotions_weigh_free_shipping_at_the_rate_price() -> None:
    uow = _shop()
    with uow:
        uow.promotions.add(
            Promotion(
                promotion_id="TWO",
                name="2 EUR off",
                action=AmountOff(amount=eur("2.00")),
                exclusive=True,
            )
        )
        uow.promotions.add(
            Promotion(
                promotion_id="SHIP",
                name="Free shipping",
                action=FreeShipping(),
                exclusive=True,
            )
        )
        uow.commit()
    cart = _cart(("SN-W-43", 1), ("BOOK", 3))
    price = price_cart(cart, uow=uow, settings=PRICING, at=NOW)
    # 151.90 passes the 150.00 threshold, but 2.00 off would take it below:
    # free shipping is worth 4.90, more than 2.00, and wins.
    assert [a.promotion_id for a in price.promotions.applied] == ["SHIP"]
    assert price.breakdown.grand_total == eur("151.90")


def test_a_cart_with_a_frozen_price_survives_the_sqlite_store(tmp_path: Path) -> None:
    cart = _ready(("BOOK", 1))
    cart.freeze_price(
        price_cart(cart, uow=_shop(), settings=PRICING, at=NOW),
        hold_for=timedelta(minutes=30),
    )
    database = SQLiteDatabase(tmp_path / "shop.db")
    with SQLiteUnitOfWork(database) as uow:
        uow.carts.add(cart)
        uow.commit()
    with SQLiteUnitOfWork(database) as uow:
        loaded = uow.carts.get("c-1")
    assert loaded.frozen_price == cart.frozen_price
    assert loaded == cart


def test_a_frozen_price_must_end_after_it_began() -> None:
    price = price_cart(_cart(("BOOK", 1)), uow=_shop(), settings=PRICING, at=NOW)
    frozen = price.freeze(timedelta(minutes=1))
    with pytest.raises(ValidationError, match="must hold after") as error:
        attrs.evolve(frozen, until=frozen.frozen_at)
    assert error.value.field == "until"
