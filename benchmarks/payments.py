"""Benchmark the payment lifecycle against bare python-statemachine.

Run it with ``python benchmarks/payments.py`` (about 10 seconds), ``--full``
(more rounds) or ``--tiny`` (a smoke run used by
``tests/integration/test_benchmarks.py``; its figures mean nothing).

DESIGN asks that binding a machine to a loaded aggregate be cheap. Cases and
their baselines, exactly:

1. ``bind``. Library: ``PaymentLifecycle(model=payment, state_field="status")``
   on a loaded ``Payment`` that is ``authorized``. Baseline: the same class
   bound the same way to a bare object whose only attribute is ``status``:
   the cost of python-statemachine itself.

2. ``capture 1.00``. Library: ``payment.capture(money("1.00", "EUR"), at=T)``
   on a fresh copy of an authorized 100.00 payment (the copy is made outside
   the timing by handing out pre-built copies): the rule checks, the
   machine's validators and condition, the ledger entry and the event.
   Baseline: bind the bare machine to a bare object holding the same amounts
   as ``Decimal`` and send ``capture`` with the amount (the same validators
   and condition run against the bare object): the machine's share.

The script prints each case's median time per call and the median of the
per-round ratios library/baseline.
"""

from __future__ import annotations

import copy
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import choose_size, duration, interleaved

from commercekit.money import Money, money
from commercekit.payments import Payment, PaymentLifecycle, PaymentStatus

T = datetime(2026, 6, 1, 9, tzinfo=UTC)


class _Bare:
    """What the bare machine is bound to: a status and the amounts it reads."""

    def __init__(self) -> None:
        self.status = PaymentStatus.AUTHORIZED
        self.capturable = Decimal("100.00")
        self.refundable = Decimal(0)

    def _check(self, _rule: str, requested: Decimal, allowed: Decimal) -> None:
        if requested > allowed:
            raise ValueError(_rule)


def _authorized() -> Payment:
    payment = Payment(
        payment_id="pay-1",
        order_id="order-1",
        method="card",
        amount=money("100.00", "EUR"),
        created_at=T,
    )
    payment.authorize(money("100.00", "EUR"), at=T, reference="auth-1")
    payment.pull_events()
    return payment


def main(argv: list[str] | None = None) -> None:
    """Run the cases and print their ratios."""
    rounds, seconds, copies = choose_size(
        argv,
        description=__doc__ or "",
        default=(9, 0.3, 20_000),
        full=(21, 1.0, 60_000),
        tiny=(2, 0.0, 10),
        full_help="more and longer rounds",
    )
    payment = _authorized()

    def bind_library() -> object:
        return PaymentLifecycle(model=payment, state_field="status")

    def bind_bare() -> object:
        return PaymentLifecycle(model=_Bare(), state_field="status")

    one: Money = money("1.00", "EUR")
    pool = [copy.deepcopy(payment) for _ in range(copies)]
    bare_amount = Decimal("1.00")

    def capture_library() -> None:
        (pool.pop() if pool else copy.deepcopy(payment)).capture(one, at=T)

    def capture_bare() -> None:
        PaymentLifecycle(model=_Bare(), state_field="status").send(
            "capture", amount=bare_amount
        )

    print(f"{'case':<16} {'baseline':>10} {'library':>10} {'ratio':>7}")
    for name, baseline, library in (
        ("bind", bind_bare, bind_library),
        ("capture 1.00", capture_bare, capture_library),
    ):
        timing = interleaved(baseline, library, rounds=rounds, round_seconds=seconds)
        print(
            f"{name:<16} {duration(timing.baseline_seconds):>10} "
            f"{duration(timing.library_seconds):>10} "
            f"{timing.library_over_baseline:>6.2f}x ratio"
        )


if __name__ == "__main__":
    main()
