"""Benchmark commercekit.pricing.price_lines against a careful bare-Decimal loop.

Run it with ``python benchmarks/pricing.py`` (about 30 seconds), ``--full``
(more and longer rounds, and a 10,000-line cart) or ``--tiny`` (a smoke run
used by ``tests/integration/test_benchmarks.py``; its figures mean nothing).

The work, for carts of 10, 100 and 1,000 lines (and 10,000 with ``--full``):
gross prices in EUR, every line at 19% or 7% (alternating), quantities 1-5,
an order discount of 10% of the goods allocated over the lines by their
value, and 4.90 shipping split over the two rates by the goods' net values.
VAT is rounded per rate total and allocated back over the lines.

Library: ``price_lines(lines, currency="EUR", mode=GROSS, tax=provider,
context=context, shipping=..., order_discounts=[discount])`` with the
``LineItem`` objects, the ``EUTaxProvider`` and the ``TaxContext`` built
beforehand. It returns the frozen ``PriceBreakdown`` with ``Money`` amounts.

Baseline: :func:`bare_price`, written plainly below, doing the same sums on
the same figures as ``Decimal`` and ``int`` cents: line subtotals
(``unit * quantity`` quantized half-up), the discount allocated over them
(largest remainder on cents), goods per rate, each rate's net for the
shipping split (``gross * 100 / (100 + rate)`` rounded half-up), the
shipping split (largest remainder), each rate's net and tax on goods plus
shipping, the tax allocated over the lines and shipping (largest remainder),
and per line the net and gross as ``Decimal``. It knows the two rates in
advance, asks no tax provider, checks nothing, and returns plain tuples.

Promotions: a cart of 100 lines gets 1, 3, 10 and 50 promotions (5% off
the order, 3.00 off the order, buy 2 get 1 free on three SKUs, in turn) with
``apply_promotions``, then is priced with ``price_lines`` as above, without
the order discount. Baseline: the same ``bare_price`` of the same cart (with
its 10% order discount), so the ratio says what promotions and pricing
together cost against plain arithmetic on one discount; it grows with the
number of promotions, as each reads and discounts the cart in turn.

Before timing, the script checks that library and baseline agree on every
line's net, tax and gross and on every rate's totals, so like is compared
with like. Method as in ``benchmarks/money.py``: interleaved rounds of about
0.35 seconds (1 second with ``--full``), the garbage collector paused while a
side runs, and the median of the per-round ratios library/baseline.
"""

from __future__ import annotations

import platform
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from _timing import choose_size, duration, interleaved

from commercekit.money import Money
from commercekit.pricing import (
    Discount,
    EUTaxProvider,
    LineItem,
    PriceBreakdown,
    PriceMode,
    TaxContext,
    TaxSettings,
    price_lines,
)
from commercekit.promotions import (
    AmountOff,
    BuyXGetY,
    PercentOff,
    Promotion,
    PromotionContext,
    Scope,
    apply_promotions,
)

SEED = 20_261_125
RATES = (Decimal(19), Decimal(7))
SHIPPING = Decimal("4.90")
DISCOUNT_SHARE = Decimal("0.10")


@dataclass(frozen=True)
class Settings:
    """How long and how large a run is.

    Attributes:
        rounds: The number of interleaved rounds per size.
        round_seconds: About how long one round takes; ``0`` for one call.
        sizes: The cart sizes, in lines.
        promotion_counts: How many promotions the promotions cases apply.
        promotion_lines: The cart size of the promotions cases.
    """

    rounds: int
    round_seconds: float
    sizes: tuple[int, ...]
    promotion_counts: tuple[int, ...] = (1, 3, 10, 50)
    promotion_lines: int = 100


DEFAULT = Settings(15, 0.35, (10, 100, 1_000))
FULL = Settings(41, 1.0, (10, 100, 1_000, 10_000))
TINY = Settings(3, 0.0, (10,), (1, 3), 10)

_CENT = Decimal("0.01")


def _split(total: int, weights: Sequence[int]) -> list[int]:
    """Largest remainder on ints, ties to the earlier position."""
    weight_sum = sum(weights)
    if not weight_sum:
        return [0] * len(weights)
    parts = []
    remainders = []
    for weight in weights:
        part, remainder = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    order = sorted(range(len(parts)), key=remainders.__getitem__, reverse=True)
    for index in order[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _net_of(gross: int, percent: Decimal) -> int:
    exact = Decimal(gross) * 100 / (100 + percent)
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


BareResult = tuple[
    list[tuple[Decimal, Decimal, Decimal]], list[tuple[Decimal, Decimal, Decimal]]
]


def bare_price(
    lines: Sequence[tuple[Decimal, int, int]],
    discount: Decimal,
    shipping: Decimal,
) -> BareResult:
    """Price gross lines of two known rates with bare Decimals and int cents.

    Args:
        lines: ``(unit price, quantity, rate index)`` per line.
        discount: The order discount, in whole cents.
        shipping: The shipping price, in whole cents.

    Returns:
        Per line ``(net, tax, gross)``, and per rate ``(net, tax, gross)``.
    """
    subtotals = [
        int((unit * quantity).quantize(_CENT, ROUND_HALF_UP) * 100)
        for unit, quantity, _ in lines
    ]
    goods_total = sum(subtotals)
    taken = _split(min(int(discount * 100), goods_total), subtotals)
    totals = [s - t for s, t in zip(subtotals, taken, strict=True)]
    members: list[list[int]] = [[] for _ in RATES]
    for index, (_, _, rate) in enumerate(lines):
        members[rate].append(index)
    goods = [sum(totals[i] for i in group) for group in members]
    nets = [_net_of(g, percent) for g, percent in zip(goods, RATES, strict=True)]
    shares = _split(int(shipping * 100), nets)
    line_taxes = [0] * len(lines)
    rate_rows = []
    for group, amount, share, percent in zip(
        members, goods, shares, RATES, strict=True
    ):
        gross = amount + share
        tax = gross - _net_of(gross, percent)
        parts = _split(tax, [totals[i] for i in group] + [share])
        for index, part in zip(group, parts, strict=False):
            line_taxes[index] = part
        rate_rows.append(
            (
                Decimal(gross - tax).scaleb(-2),
                Decimal(tax).scaleb(-2),
                Decimal(gross).scaleb(-2),
            )
        )
    per_line = [
        (
            Decimal(total - tax).scaleb(-2),
            Decimal(tax).scaleb(-2),
            Decimal(total).scaleb(-2),
        )
        for total, tax in zip(totals, line_taxes, strict=True)
    ]
    return per_line, rate_rows


@dataclass(frozen=True)
class Cart:
    """One cart in both shapes, and the library's fixed arguments."""

    bare_lines: list[tuple[Decimal, int, int]]
    items: list[LineItem]
    discount: Decimal


def make_cart(rng: random.Random, size: int) -> Cart:
    """Draw a cart of ``size`` lines.

    Args:
        rng: The source of randomness.
        size: How many lines.

    Returns:
        The cart as bare tuples and as line items.
    """
    bare_lines = []
    items = []
    goods = Decimal(0)
    for index in range(size):
        unit = Decimal(rng.randint(99, 19_999)).scaleb(-2)
        quantity = rng.randint(1, 5)
        rate = index % 2
        goods += unit * quantity
        bare_lines.append((unit, quantity, rate))
        items.append(
            LineItem(
                sku=f"SKU-{index}",
                quantity=quantity,
                unit_price=Money(unit, "EUR"),
                tax_category="standard" if rate == 0 else "reduced",
            )
        )
    discount = (goods * DISCOUNT_SHARE).quantize(_CENT, ROUND_HALF_UP)
    return Cart(bare_lines, items, discount)


PROVIDER = EUTaxProvider(TaxSettings(merchant_country="DE"))
CONTEXT = TaxContext(ship_to="DE", supplied_at=datetime(2026, 1, 5, tzinfo=UTC))


def library_price(cart: Cart, discount: Discount, shipping: Money) -> PriceBreakdown:
    """Price ``cart`` with commercekit.

    Args:
        cart: The cart.
        discount: The order discount.
        shipping: The shipping price.

    Returns:
        The breakdown.
    """
    return price_lines(
        cart.items,
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=PROVIDER,
        context=CONTEXT,
        shipping=shipping,
        order_discounts=[discount],
    )


def check(cart: Cart, breakdown: PriceBreakdown, bare: BareResult) -> None:
    """Exit with an error unless library and baseline agree."""
    per_line, rate_rows = bare
    got_lines = [
        (line.net.amount, line.tax_amount.amount, line.gross.amount)
        for line in breakdown.lines
    ]
    got_rates = [(r.net.amount, r.tax.amount, r.gross.amount) for r in breakdown.rates]
    if got_lines != per_line or got_rates != rate_rows:
        raise SystemExit(f"a {len(cart.items)}-line cart: library and baseline differ")


def parse_settings(argv: list[str] | None) -> Settings:
    """Read the command line.

    Args:
        argv: The arguments, without the program name; ``None`` for sys.argv.

    Returns:
        The settings of the run.
    """
    return choose_size(
        argv,
        description="Time commercekit.pricing against a bare-Decimal loop.",
        default=DEFAULT,
        full=FULL,
        tiny=TINY,
        full_help="more rounds, larger carts",
    )


def main(argv: list[str] | None = None) -> int:
    """Check, time and report every cart size.

    Args:
        argv: The arguments, without the program name; ``None`` for sys.argv.

    Returns:
        The exit status.
    """
    settings = parse_settings(argv)
    rng = random.Random(SEED)
    shipping = Money(SHIPPING, "EUR")
    print(
        f"price_lines vs a bare-Decimal loop: Python {platform.python_version()}, "
        f"{settings.rounds} interleaved rounds per size, medians"
    )
    for size in settings.sizes:
        cart = make_cart(rng, size)
        discount = Discount(Money(cart.discount, "EUR"), source="TEN-PERCENT")
        library = partial(library_price, cart, discount, shipping)
        baseline = partial(bare_price, cart.bare_lines, cart.discount, SHIPPING)
        check(cart, library(), baseline())
        result = interleaved(
            baseline,
            library,
            rounds=settings.rounds,
            round_seconds=settings.round_seconds,
        )
        print(
            f"{size} lines, 2 rates, order discount, shipping: "
            f"{duration(result.library_seconds)} per cart "
            f"({duration(result.library_seconds / size)} per line) vs "
            f"{duration(result.baseline_seconds)} bare Decimal "
            f"-> ratio {result.library_over_baseline:.2f}x",
            flush=True,
        )
    _promotion_cases(rng, settings)
    return 0


def make_promotions(count: int) -> list[Promotion]:
    """``count`` promotions that all apply to every cart of :func:`make_cart`.

    In turn: 5% off the order, 3.00 off the order, and buy 2 get 1 free on
    three SKUs; priorities 0 to 4.
    """
    made = []
    for index in range(count):
        action: PercentOff | AmountOff | BuyXGetY
        if index % 3 == 0:
            action = PercentOff(percent=Decimal(5))
        elif index % 3 == 1:
            action = AmountOff(amount=Money("3.00", "EUR"))
        else:
            codes = {f"SKU-{index % 10 + step}" for step in range(3)}
            action = BuyXGetY(buy=2, get=1, scope=Scope(skus=codes))
        made.append(
            Promotion(
                promotion_id=f"P{index:03}",
                name=f"promotion {index}",
                action=action,
                priority=index % 5,
            )
        )
    return made


def promoted_price(
    cart: Cart, promotions: list[Promotion], shipping: Money
) -> PriceBreakdown:
    """Apply ``promotions`` to ``cart``, then price it."""
    context = PromotionContext(currency="EUR", at=CONTEXT.supplied_at)
    result = apply_promotions(cart.items, promotions, context=context)
    return price_lines(
        result.lines,
        currency="EUR",
        mode=PriceMode.GROSS,
        tax=PROVIDER,
        context=CONTEXT,
        shipping=shipping,
    )


def _promotion_cases(rng: random.Random, settings: Settings) -> None:
    """Time promotions plus pricing against the bare loop pricing the cart."""
    cart = make_cart(rng, settings.promotion_lines)
    shipping = Money(SHIPPING, "EUR")
    baseline = partial(bare_price, cart.bare_lines, cart.discount, SHIPPING)
    for count in settings.promotion_counts:
        promotions = make_promotions(count)
        breakdown = promoted_price(cart, promotions, shipping)
        if breakdown.grand_total != breakdown.net_total + breakdown.tax_total:
            raise SystemExit("a promoted cart does not add up")
        result = interleaved(
            baseline,
            partial(promoted_price, cart, promotions, shipping),
            rounds=settings.rounds,
            round_seconds=settings.round_seconds,
        )
        print(
            f"{settings.promotion_lines} lines, {count} promotion(s), then priced: "
            f"{duration(result.library_seconds)} per cart vs "
            f"{duration(result.baseline_seconds)} bare Decimal "
            f"-> ratio {result.library_over_baseline:.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
