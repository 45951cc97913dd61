"""Benchmark commercekit.money against the same work done with bare ``Decimal``.

Run it with ``python benchmarks/money.py`` (about 30 seconds), ``--full`` (more
and longer rounds, a few minutes) or ``--tiny`` (a smoke run of well under a
second, used by ``tests/integration/test_benchmarks.py``; its figures mean
nothing).

Cases and their baselines, exactly:

1. ``allocate, 100 weights`` and ``allocate, 10000 weights``.
   Library: ``commercekit.money.allocate(total, weights)`` with ``total`` a
   ``Money`` in EUR and ``weights`` a list of ``Decimal`` with 2 places.
   Baseline: :func:`bare_allocate`, written plainly below, doing the same
   largest-remainder split on the same ``Decimal`` total and weights: turn the
   total into integer cents (``int(total * 100)``) and each weight into an
   integer (``int(weight * 100)``, as every weight has 2 places), ``divmod``
   ``cents * weight`` by the sum of the weights for each weight, hand the
   leftover cents one each to the largest remainders (the earlier position
   first among equals), and build one ``Decimal`` per part with
   ``Decimal(cents).scaleb(-2)``. It validates nothing and returns bare
   ``Decimal`` instead of ``Money``.

2. ``1000 Money additions``.
   Library: ``acc = acc + value`` over 1,000 ``Money`` values in EUR, from a
   ``Money`` zero built beforehand.
   Baseline: ``acc = acc + value`` over the same 1,000 amounts as ``Decimal``,
   from ``Decimal(0)``.

3. ``sum_money over 1000 values``.
   Library: ``commercekit.money.sum_money(values, "EUR")`` over the same 1,000
   ``Money`` values. Baseline: the same bare ``Decimal`` loop as in case 2.

Before timing, the script checks that library and baseline give the same
amounts (and exits with an error otherwise), so like is compared with like.

Method: inputs come from ``random.Random(SEED)``: weights are ``Decimal`` with
2 places, totals and amounts are whole cents. For each case the number of
calls per timing is chosen so that one round (baseline then library) takes
about 0.35 seconds (1 second with ``--full``; ``--tiny`` makes one call). Each
round times the baseline, then the library, each over that many calls with
``time.perf_counter`` (the garbage collector paused during a timing, as
``timeit`` does), and computes the ratio library/baseline. The script prints
the median of those per-round ratios and the median time per call of each
side.
"""

from __future__ import annotations

import platform
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from _timing import Timing, choose_size, duration, interleaved

from commercekit.money import Money, allocate, sum_money

SEED = 20_240_501
CURRENCY = "EUR"


@dataclass(frozen=True)
class Settings:
    """How long and how large a run is.

    Attributes:
        rounds: The number of interleaved rounds per case.
        round_seconds: About how long one round (baseline and library) takes;
            ``0`` means one call per timing.
        small_weights: The number of weights of the small allocate case.
        large_weights: The number of weights of the large allocate case.
        additions: The number of amounts added up.
    """

    rounds: int
    round_seconds: float
    small_weights: int
    large_weights: int
    additions: int


DEFAULT = Settings(15, 0.35, 100, 10_000, 1_000)
FULL = Settings(51, 1.0, 100, 10_000, 1_000)
TINY = Settings(3, 0.0, 10, 100, 50)


@dataclass(frozen=True)
class Case:
    """One comparison: the same work done plainly and with the library.

    Attributes:
        label: What the line of output is about.
        baseline_name: How the baseline is called in the output.
        baseline: The plain version, called with no arguments.
        library: The commercekit version, called with no arguments.
    """

    label: str
    baseline_name: str
    baseline: Callable[[], object]
    library: Callable[[], object]


def bare_allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split a total in cents by weights with 2 places, largest remainder first.

    Args:
        total: A non-negative amount in whole cents.
        weights: Non-negative weights with at most 2 decimal places.

    Returns:
        One amount per weight, in cents, adding up to ``total``.
    """
    cents = int(total * 100)
    integer_weights = [int(weight * 100) for weight in weights]
    weight_sum = sum(integer_weights)
    parts: list[int] = []
    remainders: list[int] = []
    for weight in integer_weights:
        part, remainder = divmod(cents * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    missing = cents - sum(parts)
    # A stable sort, reversed, keeps the earlier position first among equals.
    order = sorted(range(len(parts)), key=remainders.__getitem__, reverse=True)
    for index in order[:missing]:
        parts[index] += 1
    return [Decimal(part).scaleb(-2) for part in parts]


def bare_add(amounts: Sequence[Decimal]) -> Decimal:
    """Add up amounts with ``+`` in a loop.

    Args:
        amounts: The amounts.

    Returns:
        Their sum.
    """
    acc = Decimal(0)
    for amount in amounts:
        acc = acc + amount
    return acc


def money_add(start: Money, amounts: Sequence[Money]) -> Money:
    """Add up amounts of money with ``+`` in a loop.

    Args:
        start: The zero to start from.
        amounts: The amounts.

    Returns:
        Their sum.
    """
    acc = start
    for amount in amounts:
        acc = acc + amount
    return acc


def cents(rng: random.Random, low: int, high: int) -> Decimal:
    """Draw an amount in whole cents.

    Args:
        rng: The source of randomness.
        low: The smallest amount, in cents.
        high: The largest amount, in cents.

    Returns:
        A ``Decimal`` with 2 places.
    """
    return Decimal(rng.randint(low, high)).scaleb(-2)


def allocate_case(rng: random.Random, n_weights: int) -> Case:
    """Build and check the allocate case for ``n_weights`` weights.

    Args:
        rng: The source of the inputs.
        n_weights: How many parts to split into.

    Returns:
        The case, once library and baseline agree on every part.
    """
    total = cents(rng, 1_000_00, 9_999_999_99)
    weights = [cents(rng, 1, 100_000_00) for _ in range(n_weights)]
    total_money = Money(total, CURRENCY)
    expected = bare_allocate(total, weights)
    got = allocate(total_money, weights)
    if [str(part.amount) for part in got] != [str(part) for part in expected]:
        raise SystemExit(f"allocate over {n_weights} weights differs from baseline")
    if sum(expected) != total:
        raise SystemExit(f"baseline allocate over {n_weights} weights lost cents")
    return Case(
        label=f"allocate, {n_weights} weights",
        baseline_name="bare Decimal",
        baseline=partial(bare_allocate, total, weights),
        library=partial(allocate, total_money, weights),
    )


def addition_cases(rng: random.Random, n_amounts: int) -> list[Case]:
    """Build and check the cases adding up ``n_amounts`` amounts.

    Args:
        rng: The source of the inputs.
        n_amounts: How many amounts to add up.

    Returns:
        The ``+`` loop case and the ``sum_money`` case, once both agree with
        the bare ``Decimal`` loop.
    """
    amounts = [cents(rng, 1, 10_000_00) for _ in range(n_amounts)]
    values = [Money(amount, CURRENCY) for amount in amounts]
    start = Money(Decimal(0), CURRENCY)
    expected = bare_add(amounts)
    if money_add(start, values).amount != expected:
        raise SystemExit("adding Money with + differs from the bare Decimal loop")
    if sum_money(values, CURRENCY).amount != expected:
        raise SystemExit("sum_money differs from the bare Decimal loop")
    baseline = partial(bare_add, amounts)
    return [
        Case(
            label=f"{n_amounts} Money additions",
            baseline_name="bare Decimal +",
            baseline=baseline,
            library=partial(money_add, start, values),
        ),
        Case(
            label=f"sum_money over {n_amounts} values",
            baseline_name="bare Decimal +",
            baseline=baseline,
            library=partial(sum_money, values, CURRENCY),
        ),
    ]


def measure(case: Case, settings: Settings) -> Timing:
    """Time baseline and library of ``case`` in interleaved rounds.

    Args:
        case: What to compare.
        settings: How many rounds, and how long each.

    Returns:
        The medians of the times and of the per-round ratios.
    """
    return interleaved(
        case.baseline,
        case.library,
        rounds=settings.rounds,
        round_seconds=settings.round_seconds,
    )


def parse_settings(argv: list[str] | None) -> Settings:
    """Read the command line.

    Args:
        argv: The arguments, without the program name; ``None`` for sys.argv.

    Returns:
        The settings of the run.
    """
    return choose_size(
        argv,
        description="Time commercekit.money against bare Decimal loops.",
        default=DEFAULT,
        full=FULL,
        tiny=TINY,
        full_help="more and longer rounds (minutes)",
    )


def main(argv: list[str] | None = None) -> int:
    """Check, time and report every case.

    Args:
        argv: The arguments, without the program name; ``None`` for sys.argv.

    Returns:
        The exit status.
    """
    settings = parse_settings(argv)
    rng = random.Random(SEED)
    cases = [
        allocate_case(rng, settings.small_weights),
        allocate_case(rng, settings.large_weights),
        *addition_cases(rng, settings.additions),
    ]
    print(
        f"commercekit.money vs bare Decimal: Python {platform.python_version()}, "
        f"{settings.rounds} interleaved rounds per case, medians"
    )
    for case in cases:
        result = measure(case, settings)
        print(
            f"{case.label}: {duration(result.library_seconds)} per call vs "
            f"{duration(result.baseline_seconds)} {case.baseline_name} "
            f"-> ratio {result.library_over_baseline:.2f}x",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
