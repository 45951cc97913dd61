"""The demo's shop: catalog, prices, voucher, stock, shipping, payments, orders.

Private to ``python -m commercekit demo`` (:mod:`commercekit.cli` walks the
story); nothing here is public API. Every instant is fixed and every id
sequential, so the demo prints the same lines on every run.
"""

from __future__ import annotations

from datetime import UTC, datetime

from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.cart import Cart, CartPricingSettings, CartSettings
from commercekit.catalog import LocalizedText, Product, ProductId, Variant
from commercekit.inventory import (
    InventorySettings,
    StockLocation,
    StockPolicy,
    receive_stock,
)
from commercekit.money import Money, format_money, money
from commercekit.orders import LegalAcceptance, OrderSettings
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
    WeightBand,
    ZoneRate,
)
from commercekit.promotions import AmountOff, Coupon, Promotion
from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
from commercekit.values import Sku

__all__: list[str] = []

_MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)
_LAST_FRIDAY = datetime(2026, 1, 2, 18, tzinfo=UTC)
_CUSTOMER = "customer-7"
_CUSTOMER_CART = "cart-of-customer-7"


def _eur(amount: str) -> Money:
    return money(amount, "EUR")


def _show(amount: Money) -> str:
    """An amount as a German shop shows it: ``168,70 €``."""
    return format_money(amount, "de_DE")


def _sneaker(
    pid: str, name: str, *, text: str, color: str, brand: str, sizes: list[int]
) -> Product:
    code = pid.upper()
    return Product(
        product_id=ProductId(pid),
        name=LocalizedText(name),
        description=LocalizedText(text),
        brand=brand,
        categories=["shoes/sneakers"],
        attributes={"material": "Leder"},
        variants=[
            Variant(
                sku=f"{code}-{size}",
                options={"color": color, "size": str(size)},
                weight_grams=900,
            )
            for size in sizes
        ],
        created_at=_MONDAY,
    )


_BOOK = "BOOK-SNEAKER"
_WHITE = _sneaker(
    "sn-w",
    "Weißer Sneaker",
    text="Der weiße Klassiker aus Glattleder.",
    color="weiß",
    brand="Nordlicht",
    sizes=[41, 42, 43],
)
_CATALOG = (
    _WHITE,
    _sneaker(
        "sn-b",
        "Schwarzer Sneaker",
        text="Schwarz, mit weißer Naht.",
        color="schwarz",
        brand="Südwind",
        sizes=[42, 43],
    ),
    _sneaker(
        "sn-g",
        "Grüner Sneaker",
        text="Grünes Canvas, die weiße Sohle rutschfest.",
        color="grün",
        brand="Waldläufer",
        sizes=[41],
    ),
    Product(
        product_id=ProductId("book"),
        name=LocalizedText("Das Turnschuh-Buch"),
        description=LocalizedText("Hundert Jahre Turnschuhe, gebunden."),
        categories=["books"],
        variants=[Variant(sku=_BOOK, weight_grams=300, tax_category="reduced")],
        created_at=_MONDAY,
    ),
)

# Unit prices incl. VAT by model, with quantity tiers: a pair of white
# sneakers costs less from 2 pairs on.
_PRICES: dict[str, dict[int, Money]] = {
    "SN-W": {1: _eur("79.90"), 2: _eur("74.90")},
    "SN-B": {1: _eur("59.90")},
    "SN-G": {1: _eur("69.90")},
    "BOOK": {1: _eur("24.00")},
}


def _tiers(code: str) -> dict[int, Money]:
    return _PRICES[code.rsplit("-", 1)[0]]


def _price_of(code: Sku) -> list[Money]:
    """The price of one unit, for the search's "from" price."""
    return [_tiers(code)[1]]


_VOUCHER = _eur("10.00")
_VOUCHER_CODE = "WILLKOMMEN10"
_WELCOME = Promotion(
    promotion_id="WELCOME",
    name="10 EUR welcome voucher",
    action=AmountOff(amount=_VOUCHER),
    coupon_codes={_VOUCHER_CODE},
)

_BERLIN = StockLocation(location_id="berlin", name="Lager Berlin", priority=1)
_HAMBURG = StockLocation(location_id="hamburg", name="Laden Hamburg", priority=2)
_STOCK = (
    ("SN-W-42", _HAMBURG, 2),
    ("SN-W-43", _BERLIN, 4),
    ("SN-W-43", _HAMBURG, 1),
    ("SN-B-43", _BERLIN, 3),
    (_BOOK, _BERLIN, 10),
)
_INVENTORY = InventorySettings(
    locations=[_BERLIN, _HAMBURG],
    policies={"SN-W-43": StockPolicy(low_stock_threshold=3)},
)

_DHL_PRICE, _FREE_FROM = _eur("4.90"), _eur("200.00")
_GERMANY = ShippingZone("DE", ["DE"])
_RATES = TableRates(
    [
        ShippingMethod(
            "standard",
            "DHL Paket",
            [ZoneRate(_GERMANY, price=_DHL_PRICE, free_above=_FREE_FROM)],
        ),
        ShippingMethod(
            "express",
            "DHL Express",
            [
                ZoneRate(
                    _GERMANY,
                    bands=[
                        WeightBand(1000, _eur("9.90")),
                        WeightBand(5000, _eur("14.90")),
                    ],
                )
            ],
        ),
    ]
)
# Kauf auf Rechnung carries the shop's risk: Germany only, and only for
# orders from 10 EUR up to 150 EUR.
_INVOICE_FROM, _INVOICE_UP_TO = _eur("10.00"), _eur("150.00")
_PAYMENT_METHODS = PaymentMethods(
    [
        PaymentMethod(
            code="card", name="Kreditkarte", kind="gateway", currencies=["EUR"]
        ),
        PaymentMethod(code="paypal", name="PayPal", kind="gateway", currencies=["EUR"]),
        PaymentMethod(
            code="invoice",
            name="Kauf auf Rechnung",
            kind="invoice",
            currencies=["EUR"],
            countries=["DE"],
            min_amounts=[_INVOICE_FROM],
            max_amounts=[_INVOICE_UP_TO],
        ),
        PaymentMethod(
            code="prepayment", name="Vorkasse", kind="prepayment", currencies=["EUR"]
        ),
    ]
)

_TAX = EUTaxProvider(TaxSettings(merchant_country="DE"))
_PRICING = CartPricingSettings(tax=_TAX, default_ship_to="DE", shipping_rates=_RATES)
_CARTS = CartSettings()
_ORDERS = OrderSettings(
    pricing=_PRICING, inventory=_INVENTORY, payment_methods=_PAYMENT_METHODS
)

# What the customer sees beside the order button, and accepts by pressing it.
_ORDER_BUTTON = "Zahlungspflichtig bestellen"
_LEGAL_TEXTS = {"terms": "2026-01", "withdrawal": "2026-01", "privacy": "2025-11"}
# The storefront makes one checkout token per checkout page; the provider's
# token stands for the customer's PayPal account. Neither is a secret.
_CHECKOUT_PAGE = "checkout-7f3a"
_PAYPAL = "tok_paypal"


def _acceptance(at: datetime) -> LegalAcceptance:
    """The customer pressed the order button at ``at``, accepting the texts."""
    return LegalAcceptance(
        button_label=_ORDER_BUTTON, accepted_at=at, documents=_LEGAL_TEXTS
    )


def _describe() -> list[str]:
    """What the shop sells and how, in two lines."""
    white, book = _PRICES["SN-W"], _PRICES["BOOK"]
    return [
        f"The shop: white sneakers {_show(white[1])} a pair, {_show(white[2])} "
        f"from 2 pairs; a book at {_show(book[1])};",
        f"a {_show(_VOUCHER)} voucher {_VOUCHER_CODE}; stock in Berlin and "
        f"Hamburg; DHL Paket {_show(_DHL_PRICE)}, free from {_show(_FREE_FROM)}.",
    ]


class _Shop:
    """The demo's store: one SQLite database, a standing clock, readable ids.

    Checkout makes the order's, its reservations' and its payment's ids
    from one factory, :attr:`ids`: ``id-1``, ``id-2``, ... in the order it
    asks. Every unit of work publishes to one :class:`RecordingPublisher`,
    so the demo can count the events the outbox let out.
    """

    def __init__(self, database: SQLiteDatabase) -> None:
        self.database = database
        self.clock = FixedClock(_MONDAY)
        self.ids = SequentialIds("id-")
        self.event_ids = SequentialIds("event-")
        self.publisher = RecordingPublisher()

    def uow(self) -> SQLiteUnitOfWork:
        """A new unit of work over the shop's database."""
        return SQLiteUnitOfWork(
            self.database,
            publisher=self.publisher,
            clock=self.clock,
            ids=self.event_ids,
        )

    def at(self, hour: int, minute: int) -> datetime:
        """Set the clock to that time of the Monday, and return it."""
        return self.clock.set(_MONDAY.replace(hour=hour, minute=minute))


def _open_shop(shop: _Shop) -> None:
    """Store the catalog, the price list, the voucher, the stock and a cart.

    The cart is the customer's, left with a pair of black sneakers last
    Friday.
    """
    price_list = PriceList(
        list_id=PriceListId("shop"), currency="EUR", mode=PriceMode.GROSS
    )
    for product in _CATALOG:
        for variant in product.variants:
            price_list.set_price(variant.sku, _tiers(variant.sku), at=_MONDAY)
    with shop.uow() as uow:
        for product in _CATALOG:
            uow.products.add(product)
        uow.price_lists.add(price_list)
        uow.promotions.add(_WELCOME)
        uow.coupons.add(Coupon(code=_VOUCHER_CODE, promotion_id="WELCOME"))
        uow.commit()
    for code, location, units in _STOCK:
        receive_stock(
            code, location.location_id, units, uow=shop.uow(), clock=shop.clock
        )
    old = Cart(
        cart_id=_CUSTOMER_CART,
        currency="EUR",
        locale="de_DE",
        updated_at=_LAST_FRIDAY,
        customer_id=_CUSTOMER,
    )
    old.add("SN-B-43", 1, at=_LAST_FRIDAY, settings=_CARTS)
    with shop.uow() as uow:
        uow.carts.add(old)
        uow.commit()
