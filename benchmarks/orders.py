"""Benchmark the order lifecycle and order placement.

Run it with ``python benchmarks/orders.py`` (about 20 seconds), ``--full``
(more rounds, and 1,000 orders placed) or ``--tiny`` (a smoke run used by
``tests/integration/test_benchmarks.py``; its figures mean nothing).

Cases and their baselines, exactly:

1. ``confirm``: load an order, bind its lifecycle machine and fire one
   transition. Library: ``order.confirm(at=T)`` on a freshly loaded copy of
   a placed, paid order (the copies are made outside the timing, as a
   repository's ``get`` hands out copies): it binds ``OrderLifecycle`` to the
   order, runs the ``payment_required`` validator, moves the status, writes
   the audit entry and records two events. Baselines: (a) bare
   python-statemachine: ``OrderLifecycle(model=bare, state_field="status")``
   then ``send("confirm")``, bound to a bare object holding only what the
   validator reads, already in ``placed``: the same machine definition, the
   machine's own cost; (b) a dict table: ``TABLE[(status, "confirm")]``
   read and assigned.

2. ``events now``: "which events are allowed for this order now?", asked
   for one order of a list page. Library: ``order.allowed_events()`` (a
   table derived once from the machine's moves). Baseline: a dict lookup of
   the status in a prebuilt dict of frozensets.

3. ``place``: orders placed per second on SQLite (a file database in a
   temporary directory): ``place_order`` of a one-line cart through the fake
   gateway, each from its own cart (built outside the timing), the whole
   checkout: validation, pricing, the unit of work that stores, reserves and
   redeems, the authorization, and the unit of work that confirms. No
   baseline: the figure is a rate.

The script prints each case's median time per call and the median of the
per-round ratios library/baseline.
"""

from __future__ import annotations

import copy
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import choose_size, duration, interleaved

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.orders import Order, OrderLifecycle, OrderStatus
from commercekit.payments import PaymentStatus
from commercekit.testing import CheckoutScenario

T = datetime(2026, 6, 1, 10, tzinfo=UTC)


class _Bare:
    """What the bare machine is bound to: a status and what the rules read."""

    def __init__(self) -> None:
        self.status = OrderStatus.PLACED
        self.order_id = "order-1"
        self.payment_allows_shipping = True
        self.payment_status = PaymentStatus.AUTHORIZED
        self.payment_method = "paypal"
        self.open_units = 1


def _placed_order() -> Order:
    """A real placed order, paid, as the in-memory store hands it out."""
    store = InMemoryStore()
    scenario = CheckoutScenario(lambda: InMemoryUnitOfWork(store))
    scenario.open()
    scenario.cart("cart-1", {CheckoutScenario.WHITE_42: 1})
    result = scenario.place("cart-1", payment_token="tok_3ds")  # noqa: S106 - a test token
    order, payment = result.order, result.payment
    if payment is None:  # pragma: no cover - a pair of sneakers costs something
        msg = "the order has no payment"
        raise LookupError(msg)
    order.record_payment(payment.payment_id, PaymentStatus.AUTHORIZED)
    order.pull_events()
    return order


def _lifecycle_cases(
    rounds: int, seconds: float, copies: int
) -> list[tuple[str, Any, Any]]:
    order = _placed_order()
    pool = [copy.deepcopy(order) for _ in range(copies)]
    table = {
        (str(move.source), move.event): move.target for move in OrderLifecycle.moves
    }
    bare = _Bare()

    def confirm_library() -> None:
        (pool.pop() if pool else copy.deepcopy(order)).confirm(at=T)

    def confirm_machine() -> None:
        OrderLifecycle(model=_Bare(), state_field="status").send("confirm")

    def confirm_table() -> None:
        bare.status = table[("placed", "confirm")]  # type: ignore[assignment]

    allowed = {
        status: OrderLifecycle.events_from(status) for status in OrderLifecycle.statuses
    }

    def events_library() -> object:
        return order.allowed_events()

    def events_dict() -> object:
        return allowed[order.status]

    return [
        ("confirm vs machine", confirm_machine, confirm_library),
        ("confirm vs table", confirm_table, confirm_library),
        ("events now vs dict", events_dict, events_library),
    ]


def _place_rate(count: int) -> tuple[float, int]:
    """Place ``count`` orders on a SQLite file; return seconds and orders."""
    from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        database = SQLiteDatabase(Path(folder) / "shop.db")
        scenario = CheckoutScenario(
            lambda: SQLiteUnitOfWork(database), stock=count + 10
        )
        scenario.open()
        for number in range(count):
            scenario.cart(f"cart-{number}", {CheckoutScenario.WHITE_42: 1})
        start = time.perf_counter()
        for number in range(count):
            scenario.place(f"cart-{number}")
        return time.perf_counter() - start, count


def main(argv: list[str] | None = None) -> None:
    """Run the cases and print their ratios and the placement rate."""
    rounds, seconds, copies, orders = choose_size(
        argv,
        description=__doc__ or "",
        default=(9, 0.3, 20_000, 200),
        full=(21, 1.0, 60_000, 1_000),
        tiny=(2, 0.0, 10, 3),
        full_help="more and longer rounds, and 1,000 orders placed",
    )
    print(f"{'case':<22} {'baseline':>10} {'library':>10} {'ratio':>7}")
    for name, baseline, library in _lifecycle_cases(rounds, seconds, copies):
        timing = interleaved(baseline, library, rounds=rounds, round_seconds=seconds)
        print(
            f"{name:<22} {duration(timing.baseline_seconds):>10} "
            f"{duration(timing.library_seconds):>10} "
            f"{timing.library_over_baseline:>6.2f}x ratio"
        )
    elapsed, count = _place_rate(orders)
    print(
        f"place on SQLite: {count} orders in {elapsed:.2f} s, "
        f"{count / elapsed:.0f} orders/s ({duration(elapsed / count)} each)"
    )


if __name__ == "__main__":
    main()
