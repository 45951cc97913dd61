"""The command line: ``python -m commercekit demo`` and, later, operator commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TextIO

import commercekit
from commercekit.adapters.sqlite import (
    MIGRATIONS,
    SQLiteDatabase,
    SQLiteProductSearch,
    SQLiteUnitOfWork,
)
from commercekit.catalog import LocalizedText, Product, ProductId, SearchQuery, Variant
from commercekit.money import Money, format_money, money
from commercekit.pricing import (
    EUTaxProvider,
    LineItem,
    PriceContext,
    PriceList,
    PriceListId,
    PriceMode,
    SupplyKind,
    TaxContext,
    TaxSettings,
    price_lines,
    resolve_prices,
)
from commercekit.promotions import (
    AmountOff,
    FreeShipping,
    MinSubtotal,
    Promotion,
    PromotionContext,
    apply_promotions,
)
from commercekit.values import CustomerFacts, Sku

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
        "price lists and tiers, EU VAT rules and rates, the price breakdown",
    ),
    (
        "commercekit.promotions",
        "promotions as data, stacking, coupons redeemed atomically",
    ),
    ("commercekit.adapters", "in-memory and SQLite stores with an event outbox"),
    (
        "commercekit.testing",
        "fakes, Hypothesis strategies, contract suites for adapters",
    ),
)

_MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)


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
            Variant(sku=f"{code}-{size}", options={"color": color, "size": str(size)})
            for size in sizes
        ],
        created_at=_MONDAY,
    )


_CATALOG = (
    _sneaker(
        "sn-w",
        "Weißer Sneaker",
        text="Der weiße Klassiker aus Glattleder.",
        color="weiß",
        brand="Nordlicht",
        sizes=[41, 42, 43],
    ),
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
)
_PRICES = {"SN-W": "79.90", "SN-B": "59.90", "SN-G": "69.90"}


def _price_of(code: Sku) -> list[Money]:
    return [money(_PRICES[code.rsplit("-", 1)[0]], "EUR")]


def _find(say: Callable[[str], None], database: SQLiteDatabase) -> None:
    say("1. Find: a customer searches 'weisse sneaker' in size 42.")
    with SQLiteUnitOfWork(database) as uow:
        for product in _CATALOG:
            uow.products.add(product)
        uow.commit()
    search = SQLiteProductSearch(database)
    with SQLiteUnitOfWork(database) as uow:
        stored = list(uow.products.iterate())
    search.index(stored, prices=_price_of)
    query = SearchQuery(text="weisse sneaker", options={"size": {"42"}}, currency="EUR")
    result = search.search(query)
    for hit in result.hits:
        price = format_money(hit.price_from, "de_DE") if hit.price_from else "-"
        say(f"   {hit.name} ({hit.brand}): {', '.join(hit.skus)} from {price}")
    colors = ", ".join(
        f"{value} {count}" for value, count in result.facets.get("color", {}).items()
    )
    say(f"   {result.total} product(s); colors among them: {colors}")
    say("   ('weisse', 'weiße' and 'WEISSE' are one word to the search; the green")
    say("   sneaker comes in size 41 only, so the size filter leaves it out.)")


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
        say()
        _find(say, database)
    say()
    say(
        "2. Price: two pairs in size 42 and a book, a 10.00 EUR voucher code, shipping."
    )
    _price(say)


def _price(say: Callable[[str], None]) -> None:
    shop = PriceList(list_id=PriceListId("shop"), currency="EUR", mode=PriceMode.GROSS)
    shop.set_price(
        "SN-W-42", {1: money("79.90", "EUR"), 2: money("74.90", "EUR")}, at=_MONDAY
    )
    shop.set_price("BOOK-SNEAKER", money("24.00", "EUR"), at=_MONDAY)
    with SQLiteDatabase() as database:
        with SQLiteUnitOfWork(database) as uow:
            uow.price_lists.add(shop)
            uow.commit()
        quantities = {"SN-W-42": 2, "BOOK-SNEAKER": 1}
        prices = resolve_prices(
            quantities,
            PriceContext(currency="EUR", at=_MONDAY),
            uow=SQLiteUnitOfWork(database),
        )
    categories = {"SN-W-42": "standard", "BOOK-SNEAKER": "reduced"}
    cart = [
        LineItem(
            sku=code,
            quantity=quantities[code],
            unit_price=found.unit_price,
            tax_category=categories[code],
        )
        for code, found in prices.items()
    ]
    welcome = Promotion(
        promotion_id="WELCOME",
        name="10 EUR welcome voucher",
        action=AmountOff(amount=money("10.00", "EUR")),
        coupon_codes={"WILLKOMMEN10"},
        priority=1,
    )
    free_shipping = Promotion(
        promotion_id="SHIP",
        name="Free shipping from 200 EUR",
        action=FreeShipping(),
        conditions=[MinSubtotal(amount=money("200.00", "EUR"))],
    )
    promoted = apply_promotions(
        cart,
        [welcome, free_shipping],
        context=PromotionContext(
            currency="EUR", at=_MONDAY, coupon_codes=["willkommen10"]
        ),
        locale="de_DE",
    )
    germany = EUTaxProvider(TaxSettings(merchant_country="DE"))
    breakdown = price_lines(
        promoted.lines,
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=germany,
        context=TaxContext(ship_to="DE", supplied_at=_MONDAY),
        shipping=money("0.00" if promoted.free_shipping else "4.90", "EUR"),
    )

    def eur(amount: Money) -> str:
        return format_money(amount, "de_DE")

    for line in breakdown.lines:
        say(
            f"   {line.quantity} x {line.sku:<13} {eur(line.unit_price):>9}"
            f"  voucher -{eur(line.discount_total)}  {eur(line.total):>9}"
            f"  incl. {line.tax.percent}% VAT {eur(line.tax_amount)}"
        )
    if breakdown.shipping is not None:
        parts = " + ".join(
            f"{eur(part.amount)} at {part.percent}%"
            for part in breakdown.shipping.parts
        )
        say(f"   shipping {eur(breakdown.shipping.amount)} = {parts}")
    for rate in breakdown.rates:
        say(
            f"   VAT {rate.percent}%: net {eur(rate.net)}, tax {eur(rate.tax)}, "
            f"gross {eur(rate.gross)}"
        )
    say(
        f"   total {eur(breakdown.grand_total)} "
        f"(net {eur(breakdown.net_total)} + VAT {eur(breakdown.tax_total)})"
    )
    threshold = promoted.nearest_threshold()
    if threshold is not None:
        say(f"   The shop says: {threshold.message}")
    business = CustomerFacts(
        business=True, vat_id="FR40303265045", vat_id_confirmed=True
    )
    to_france = TaxContext(ship_to="FR", supplied_at=_MONDAY, buyer=business)
    decision = germany.decide("standard", SupplyKind.GOODS, to_france)
    say(
        f"   Shipped to a French business with a confirmed VAT id: "
        f"{decision.percent}% VAT, invoice note '{decision.note('de')}'"
    )


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
