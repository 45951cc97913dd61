"""The command line: ``python -m commercekit demo`` and, later, operator commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import TextIO

import commercekit
from commercekit.adapters.sqlite import MIGRATIONS, SQLiteDatabase
from commercekit.money import allocate, format_money, money, quantize, sum_money

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
    ("commercekit.adapters", "in-memory and SQLite units of work with an event outbox"),
    (
        "commercekit.testing",
        "FixedClock, SequentialIds, RecordingPublisher, "
        "Hypothesis strategies, contract suites",
    ),
)


def run_demo(out: TextIO) -> None:
    """Print what this version of commercekit offers, with a worked example."""

    def say(line: str = "") -> None:
        print(line, file=out)

    say(f"commercekit {commercekit.__version__}")
    say()
    say("What this version offers:")
    for name, what in _OFFERS:
        say(f"  {name:<22} {what}")
    say()
    say("A 10.00 EUR order discount split over three lines (25.00, 12.50, 2.50):")
    lines = [money("25.00", "EUR"), money("12.50", "EUR"), money("2.50", "EUR")]
    shares = allocate(money("10.00", "EUR"), [line.amount for line in lines])
    for line, share in zip(lines, shares, strict=True):
        price, discount = format_money(line, "en_US"), format_money(share, "en_US")
        say(f"  {price:>8}  discount {discount}")
    say(f"  the shares add up to {format_money(sum_money(shares, 'EUR'), 'en_US')}")
    say()
    say("19% VAT on 2.35 EUR, rounded commercially:")
    tax = quantize(money("2.35", "EUR") * Decimal("0.19"))
    say(f"  2.35 x 0.19 = 0.4465 -> {format_money(tax, 'de_DE')}")
    say()
    with SQLiteDatabase() as database:
        version = database.schema_version
    say(
        f"The embedded SQLite store opens with schema version {version}"
        f" of {len(MIGRATIONS)}, no setup needed."
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
