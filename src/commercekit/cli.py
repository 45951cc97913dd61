"""The command line: ``python -m commercekit demo`` and, later, operator commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TextIO

import commercekit
from commercekit.adapters.sqlite import (
    MIGRATIONS,
    SQLiteDatabase,
    SQLiteProductSearch,
    SQLiteUnitOfWork,
)
from commercekit.catalog import LocalizedText, Product, ProductId, SearchQuery, Variant
from commercekit.money import (
    Money,
    allocate,
    format_money,
    money,
    quantize,
    sum_money,
)
from commercekit.values import Sku

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
    say("2. Price (the money kernel the later steps use):")
    say("   A 10.00 EUR order discount split over lines of 25.00, 12.50, 2.50:")
    lines = [money("25.00", "EUR"), money("12.50", "EUR"), money("2.50", "EUR")]
    shares = allocate(money("10.00", "EUR"), lines)
    for line, share in zip(lines, shares, strict=True):
        price, discount = format_money(line, "en_US"), format_money(share, "en_US")
        say(f"   {price:>8}  discount {discount}")
    say(f"   the shares add up to {format_money(sum_money(shares, 'EUR'), 'en_US')}")
    tax = quantize(money("2.35", "EUR") * Decimal("0.19"))
    say(f"   19% VAT on 2.35 EUR: 0.4465 -> {format_money(tax, 'de_DE')}")


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
