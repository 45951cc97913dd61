"""Cancel, ship and settle: the order services after placement."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import InvalidTransitionError, ValidationError
from commercekit.money import Money, money
from commercekit.orders import (
    CancelReason,
    Order,
    OrderRuleError,
    OrderStatus,
    OrdersUnitOfWork,
    advance_order,
    cancel_order,
    cancel_order_lines,
    settle_payment,
    ship_order,
)
from commercekit.payments import PaymentStatus, TransactionKind, capture_payment
from commercekit.testing import CheckoutScenario
from commercekit.values import Sku

WHITE_42 = CheckoutScenario.WHITE_42
Factory = Callable[[], OrdersUnitOfWork]


def eur(amount: str) -> Money:
    return money(amount, "EUR")


@pytest.fixture(params=["memory", "sqlite"])
def scenario(request: pytest.FixtureRequest, tmp_path: Path) -> CheckoutScenario:
    factory: Factory
    if request.param == "memory":
        store = InMemoryStore()
        factory = lambda: InMemoryUnitOfWork(store)  # noqa: E731
    else:
        database = SQLiteDatabase(tmp_path / "orders.db")
        factory = lambda: SQLiteUnitOfWork(database)  # noqa: E731
    built = CheckoutScenario(factory)
    built.open()
    return built


def _ports(scenario: CheckoutScenario) -> dict[str, Any]:
    return {
        "uow": scenario.new_uow(),
        "gateway": scenario.gateway,
        "clock": scenario.clock,
        "settings": scenario.settings,
        "ids": scenario.ids,
    }


def _levels(scenario: CheckoutScenario, code: str) -> tuple[int, int]:
    with scenario.new_uow() as uow:
        level = uow.stock.level(Sku(code))
    return level.on_hand, level.reserved


def _uses(scenario: CheckoutScenario) -> int:
    with scenario.new_uow() as uow:
        return uow.coupons.uses(CheckoutScenario.COUPON)


def _place(scenario: CheckoutScenario, lines: dict[str, int], **cart: Any) -> Order:
    scenario.cart("cart-1", lines, **cart)
    return scenario.place("cart-1").order


def test_canceling_an_authorized_order_voids_it_and_gives_everything_back(
    scenario: CheckoutScenario,
) -> None:
    order = _place(scenario, {WHITE_42: 2}, coupon=CheckoutScenario.COUPON)
    assert (_levels(scenario, WHITE_42), _uses(scenario)) == ((10, 2), 1)
    canceled = cancel_order(order.order_id, reason="customer", **_ports(scenario))
    assert canceled.status == OrderStatus.CANCELED
    assert canceled.cancel_reason == CancelReason.CUSTOMER
    assert canceled.payment_status is PaymentStatus.VOIDED
    assert (_levels(scenario, WHITE_42), _uses(scenario)) == ((10, 0), 0)
    assert [e.kind for e in scenario.gateway.ledger] == [
        TransactionKind.AUTHORIZATION,
        TransactionKind.VOID,
    ]
    # a retry settles again, and moves nothing twice
    again = cancel_order(order.order_id, reason="customer", **_ports(scenario))
    assert again.status == OrderStatus.CANCELED
    assert len(scenario.gateway.ledger) == 2


def test_canceling_lines_after_capture_refunds_their_share(
    scenario: CheckoutScenario,
) -> None:
    """2 pairs with 10% off: 179.90 - 17.99 = 161.91, + 4.95 = 166.86.

    One canceled: the pair left keeps half the line, 161.91 / 2 = 80.955,
    half up 80.96 (its discount 89.95 - 80.96 = 8.99); the order is
    80.96 + 4.95 = 85.91, and 166.86 - 85.91 = 80.95 goes back.
    """
    order = _place(scenario, {WHITE_42: 2}, coupon=CheckoutScenario.COUPON)
    assert order.amount_due == eur("166.86")
    capture_payment(
        order.payment_id or "",
        idempotency_key="capture-1",
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
    )
    after = cancel_order_lines(order.order_id, {WHITE_42: 1}, **_ports(scenario))
    assert after.status == OrderStatus.CONFIRMED
    assert after.amount_due == eur("85.91")
    assert after.discount_total == eur("8.99")
    assert after.payment_status is PaymentStatus.PARTIALLY_REFUNDED
    assert _levels(scenario, WHITE_42) == (10, 1)
    assert _uses(scenario) == 1  # the order goes on: its coupon stays used
    refunds = [e for e in scenario.gateway.ledger if e.kind is TransactionKind.REFUND]
    assert [e.amount for e in refunds] == [eur("80.95")]
    # settling again refunds nothing more
    settle_payment(
        order.order_id,
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert (
        len([e for e in scenario.gateway.ledger if e.kind is TransactionKind.REFUND])
        == 1
    )


def test_canceling_lines_before_capture_leaves_the_authorization(
    scenario: CheckoutScenario,
) -> None:
    order = _place(scenario, {WHITE_42: 2, "BOOK": 1})
    after = cancel_order_lines(order.order_id, {"BOOK": 1}, **_ports(scenario))
    assert after.amount_due == eur("184.85")  # 2 x 89.95 + 4.95
    assert after.payment_status is PaymentStatus.AUTHORIZED
    assert [e.kind for e in scenario.gateway.ledger] == [TransactionKind.AUTHORIZATION]
    assert _levels(scenario, "BOOK") == (10, 0)


def test_canceling_an_invoice_order_voids_its_payment_locally(
    scenario: CheckoutScenario,
) -> None:
    order = _place(scenario, {"BOOK": 1}, payment_method="invoice")
    canceled = cancel_order(order.order_id, **_ports(scenario))
    assert canceled.payment_status is PaymentStatus.VOIDED
    assert scenario.gateway.calls == []


def test_shipping_takes_the_units_off_the_shelf(scenario: CheckoutScenario) -> None:
    order = _place(scenario, {WHITE_42: 3})
    ports = _ports(scenario)
    del ports["gateway"]
    shipped = ship_order(order.order_id, {WHITE_42: 2}, **ports)
    assert shipped.status == OrderStatus.PARTIALLY_SHIPPED
    assert _levels(scenario, WHITE_42) == (8, 1)
    ports["uow"] = scenario.new_uow()
    done = ship_order(order.order_id, {WHITE_42: 1}, **ports)
    assert done.status == OrderStatus.SHIPPED
    assert _levels(scenario, WHITE_42) == (7, 0)
    with pytest.raises(OrderRuleError) as caught:
        cancel_order(order.order_id, **_ports(scenario))
    assert caught.value.rule == "shipped_orders_are_returned"


def test_canceling_a_partially_shipped_order_cancels_the_rest(
    scenario: CheckoutScenario,
) -> None:
    order = _place(scenario, {WHITE_42: 2, "BOOK": 1})
    ports = _ports(scenario)
    del ports["gateway"]
    ship_order(order.order_id, {WHITE_42: 2}, **ports)
    after = cancel_order(order.order_id, reason="merchant", **_ports(scenario))
    assert after.status == OrderStatus.SHIPPED
    assert after.line("BOOK").canceled == 1
    assert _levels(scenario, "BOOK") == (10, 0)
    assert after.amount_due == eur("184.85")


def test_advance_moves_the_status_and_keeps_the_rules(
    scenario: CheckoutScenario,
) -> None:
    order = _place(scenario, {WHITE_42: 1})
    common: dict[str, Any] = {
        "uow": scenario.new_uow(),
        "clock": scenario.clock,
        "settings": scenario.settings,
    }
    started = advance_order(order.order_id, "start_fulfillment", **common)
    assert started.status == OrderStatus.IN_FULFILLMENT
    with pytest.raises(InvalidTransitionError):
        advance_order(order.order_id, "complete", **common)
    with pytest.raises(ValidationError, match="ship_order"):
        advance_order(order.order_id, "ship", **common)
