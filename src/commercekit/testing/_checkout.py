"""A small shop to place orders in: for tests of checkout, and of your adapters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from commercekit.cart import (
    Cart,
    CartPricingSettings,
    CartSettings,
    CartValidation,
    start_checkout,
)
from commercekit.catalog import LocalizedText, Product, ProductId, Variant
from commercekit.inventory import InventorySettings, StockLocation, receive_stock
from commercekit.money import Money, money
from commercekit.orders import (
    LegalAcceptance,
    OrderSettings,
    OrdersUnitOfWork,
    PlacementResult,
    place_order,
)
from commercekit.payments import PaymentMethod, PaymentMethods
from commercekit.pricing import (
    EUTaxProvider,
    PriceList,
    PriceListId,
    PriceMode,
    ShippingMethod,
    ShippingZone,
    TableRates,
    TaxSettings,
    ZoneRate,
)
from commercekit.promotions import Coupon, PercentOff, Promotion
from commercekit.testing._helpers import FixedClock, SequentialIds
from commercekit.testing._payment_gateway import FakePaymentGateway
from commercekit.values import Address

__all__ = ["CheckoutScenario"]

_START = datetime(2026, 6, 1, 9, tzinfo=UTC)
"""When the scenario's clock starts."""


def _eur(amount: str) -> Money:
    return money(amount, "EUR")


class CheckoutScenario:
    """A sneaker shop on the stores you give it, ready to take orders.

    It sells white sneakers (sizes 41 to 43, 89.95 EUR a pair) and a book
    (24.00 EUR, reduced VAT), prices gross, taxes by German VAT, ships
    with DHL at 4.95 EUR within Germany, and takes PayPal (through the
    :class:`~commercekit.testing.FakePaymentGateway`), invoice and
    prepayment. The coupon ``SNEAKER10`` gives 10% off, up to
    ``coupon_limit`` uses. Stock: ``stock`` units of each SKU in
    one warehouse. Clock, ids and the gateway are fixed and sequential, so
    runs repeat.

    Point it at any unit of work factory (the in-memory one, SQLite, your
    own adapters): :meth:`open` stores the catalog, prices, coupon and
    stock; :meth:`cart` fills a cart up to the order button; :meth:`place`
    presses it.

    Args:
        new_uow: Makes a new unit of work over the store.
        stock: Units of each SKU in the warehouse.
        coupon_limit: How often the coupon may be used.
        clock: The clock (a :class:`~commercekit.testing.FixedClock` at
            2026-06-01 09:00 UTC unless given): pass one to share it with
            the units of work ``new_uow`` makes.
    """

    WHITE_42 = "SN-W-42"
    """The SKU of the white sneaker in size 42."""
    SKUS = ("SN-W-41", "SN-W-42", "SN-W-43", "BOOK")
    """Every SKU the shop sells."""
    COUPON = "SNEAKER10"
    """The 10%-off coupon code."""

    def __init__(
        self,
        new_uow: Callable[[], OrdersUnitOfWork],
        *,
        stock: int = 10,
        coupon_limit: int = 100,
        clock: FixedClock | None = None,
    ) -> None:
        self.new_uow = new_uow
        self.stock = stock
        self.coupon_limit = coupon_limit
        self.clock = clock if clock is not None else FixedClock(_START)
        self.ids = SequentialIds("id-")
        self.gateway = FakePaymentGateway(clock=self.clock)
        self.cart_settings = CartSettings()
        self.warehouse = StockLocation(location_id="berlin", name="Lager Berlin")
        germany = ShippingZone("DE", ["DE"])
        rates = TableRates(
            [
                ShippingMethod(
                    "dhl", "DHL Paket", [ZoneRate(germany, price=_eur("4.95"))]
                )
            ]
        )
        self.settings = OrderSettings(
            pricing=CartPricingSettings(
                tax=EUTaxProvider(TaxSettings(merchant_country="DE")),
                default_ship_to="DE",
                shipping_rates=rates,
                freeze_for=timedelta(minutes=30),
            ),
            inventory=InventorySettings(locations=[self.warehouse]),
            payment_methods=PaymentMethods(
                [
                    PaymentMethod(
                        code="paypal", name="PayPal", kind="gateway", currencies=["EUR"]
                    ),
                    PaymentMethod(
                        code="invoice",
                        name="Kauf auf Rechnung",
                        kind="invoice",
                        currencies=["EUR"],
                    ),
                    PaymentMethod(
                        code="prepayment",
                        name="Vorkasse",
                        kind="prepayment",
                        currencies=["EUR"],
                    ),
                ]
            ),
            bank_details={"iban": "DE89370400440532013000"},
        )
        self.acceptance = LegalAcceptance(
            button_label="Zahlungspflichtig bestellen",
            accepted_at=_START,
            documents={"terms": "2026-05", "withdrawal": "2026-05"},
        )
        self.address = Address(
            name="Erika Mustermann",
            street="Heidestraße 17",
            postal_code="51147",
            city="Köln",
            country="DE",
        )

    def open(self) -> None:
        """Store the catalog, the price list, the coupon and the stock."""
        white = Product(
            product_id=ProductId("sn-w"),
            name=LocalizedText("Weißer Sneaker"),
            variants=[
                Variant(
                    sku=f"SN-W-{size}",
                    options={"color": "weiß", "size": str(size)},
                    weight_grams=900,
                )
                for size in (41, 42, 43)
            ],
            created_at=_START,
        )
        book = Product(
            product_id=ProductId("book"),
            name=LocalizedText("Das Turnschuh-Buch"),
            variants=[Variant(sku="BOOK", weight_grams=300, tax_category="reduced")],
            created_at=_START,
        )
        prices = PriceList(
            list_id=PriceListId("shop"), currency="EUR", mode=PriceMode.GROSS
        )
        for code in self.SKUS:
            price = _eur("24.00") if code == "BOOK" else _eur("89.95")
            prices.set_price(code, {1: price}, at=_START - timedelta(days=1))
        with self.new_uow() as uow:
            uow.products.add(white)
            uow.products.add(book)
            uow.price_lists.add(prices)
            uow.promotions.add(
                Promotion(
                    promotion_id="SNEAKER10",
                    name="10% off",
                    action=PercentOff(percent=10),
                    coupon_codes={self.COUPON},
                )
            )
            uow.coupons.add(
                Coupon(
                    code=self.COUPON,
                    promotion_id="SNEAKER10",
                    usage_limit=self.coupon_limit,
                )
            )
            uow.commit()
        for code in self.SKUS:
            receive_stock(
                code,
                self.warehouse.location_id,
                self.stock,
                uow=self.new_uow(),
                clock=self.clock,
            )

    def cart(
        self,
        cart_id: str,
        lines: Mapping[str, int],
        *,
        payment_method: str = "paypal",
        coupon: str | None = None,
        customer_id: str | None = "customer-1",
    ) -> CartValidation:
        """Store a cart with ``lines`` (SKU to units), ready for the order button.

        It has the shipping address, DHL, the payment method, an e-mail for
        a guest, and the coupon if given; its price is frozen by
        :func:`~commercekit.cart.start_checkout`, whose validation it
        returns.
        """
        at = self.clock.now()
        cart = Cart(
            cart_id=cart_id,
            currency="EUR",
            locale="de_DE",
            updated_at=at,
            customer_id=customer_id,
        )
        for code, units in lines.items():
            price = _eur("24.00") if code == "BOOK" else _eur("89.95")
            category = "reduced" if code == "BOOK" else "standard"
            cart.add(
                code,
                units,
                at=at,
                settings=self.cart_settings,
                unit_price_seen=price,
                tax_category=category,
            )
        if customer_id is None:
            cart.set_guest_email("erika@example.com", at=at)
        cart.set_shipping_address(self.address, at=at)
        cart.choose_shipping_method("dhl", at=at)
        cart.choose_payment_method(payment_method, at=at)
        if coupon is not None:
            cart.apply_coupon(coupon, at=at)
        with self.new_uow() as uow:
            uow.carts.add(cart)
            uow.commit()
        return start_checkout(
            cart_id,
            uow=self.new_uow(),
            clock=self.clock,
            pricing=self.settings.pricing,
            inventory=self.settings.inventory,
        )

    def place(
        self,
        cart_id: str,
        *,
        token: str | None = None,
        payment_token: str = "tok_visa",  # noqa: S107 - a fake provider's test token
    ) -> PlacementResult:
        """Press the order button for ``cart_id`` (checkout token ``token-<cart>``)."""
        return place_order(
            cart_id,
            checkout_token=token or f"token-{cart_id}",
            acceptance=self.acceptance,
            uow=self.new_uow(),
            gateway=self.gateway,
            clock=self.clock,
            ids=self.ids,
            settings=self.settings,
            payment_token=payment_token,
        )
