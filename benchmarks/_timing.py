"""The timing every benchmark shares: interleaved rounds and median ratios.

Not a benchmark itself (its name starts with ``_``, so the smoke test skips
it); the scripts beside it import it as ``_timing``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

_S = TypeVar("_S")


@dataclass(frozen=True)
class Timing:
    """The medians of one comparison.

    Attributes:
        baseline_seconds: Median time per call of the baseline.
        library_seconds: Median time per call of the library.
        library_over_baseline: Median of the per-round ratios library/baseline
            (how many times the baseline's time the library takes).
        baseline_over_library: Median of the per-round ratios baseline/library
            (how many times faster than the baseline the library is).
    """

    baseline_seconds: float
    library_seconds: float
    library_over_baseline: float
    baseline_over_library: float


def time_calls(func: Callable[[], object], calls: int) -> float:
    """Time ``calls`` calls of ``func`` with the garbage collector paused.

    Args:
        func: What to call.
        calls: How many times.

    Returns:
        The elapsed seconds, by ``time.perf_counter``.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(calls):
            func()
        return time.perf_counter() - start
    finally:
        if gc_was_enabled:
            gc.enable()


def seconds_per_call(func: Callable[[], object]) -> float:
    """Estimate one call's duration, doubling the calls until 20 ms pass.

    Args:
        func: What to call.

    Returns:
        Seconds per call.
    """
    calls = 1
    while True:
        elapsed = time_calls(func, calls)
        if elapsed >= 0.02:
            return elapsed / calls
        calls *= 2


def interleaved(
    baseline: Callable[[], object],
    library: Callable[[], object],
    *,
    rounds: int,
    round_seconds: float,
) -> Timing:
    """Time baseline and library in interleaved rounds.

    Each round times the baseline, then the library, each over the same number
    of calls, chosen so that a round takes about ``round_seconds`` (one call
    when it is ``0``).

    Args:
        baseline: The plain version, called with no arguments.
        library: The commercekit version, called with no arguments.
        rounds: How many rounds.
        round_seconds: About how long one round takes.

    Returns:
        The median times per call and the medians of the per-round ratios.
    """
    calls = 1
    if round_seconds > 0:
        per_round = seconds_per_call(baseline) + seconds_per_call(library)
        calls = max(1, round(round_seconds / per_round))
    baseline_times: list[float] = []
    library_times: list[float] = []
    for _ in range(rounds):
        baseline_times.append(time_calls(baseline, calls) / calls)
        library_times.append(time_calls(library, calls) / calls)
    pairs = list(zip(baseline_times, library_times, strict=True))
    return Timing(
        baseline_seconds=statistics.median(baseline_times),
        library_seconds=statistics.median(library_times),
        library_over_baseline=statistics.median(lib / max(b, 1e-9) for b, lib in pairs),
        baseline_over_library=statistics.median(b / max(lib, 1e-9) for b, lib in pairs),
    )


def duration(seconds: float) -> str:
    """Show a duration in a readable unit.

    Args:
        seconds: The duration.

    Returns:
        For example ``41.2 us`` or ``3.10 ms``.
    """
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def choose_size(
    argv: list[str] | None,
    *,
    description: str,
    default: _S,
    full: _S,
    tiny: _S,
    full_help: str,
    tiny_help: str = "a smoke run: few rounds, one call each, small sizes",
) -> _S:
    """Read ``--full`` or ``--tiny`` from the command line.

    Args:
        argv: The arguments, without the program name; ``None`` for sys.argv.
        description: What the benchmark does, for ``--help``.
        default: The settings of a plain run.
        full: The settings of ``--full``.
        tiny: The settings of ``--tiny``.
        full_help: What ``--full`` does.
        tiny_help: What ``--tiny`` does.

    Returns:
        The settings chosen.
    """
    parser = argparse.ArgumentParser(description=description)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--full", action="store_true", help=full_help)
    size.add_argument("--tiny", action="store_true", help=tiny_help)
    args = parser.parse_args(argv)
    if args.full:
        return full
    if args.tiny:
        return tiny
    return default
