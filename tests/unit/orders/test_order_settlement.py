"""Money, stock and coupons stay right around cancels, retries and sweeps.

Each test here reproduces a way an order and its payment could drift apart
(found in review), and shows they do not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import ValidationError
from commercekit.money import Money, money
from commercekit.orders import (
    Move,
    Order,
    OrderRuleError,
    OrderStatus,
    OrdersUnitOfWork,
    cancel_order,
    cancel_order_lines,
    capture_order,
    expire_unpaid_orders,
    extend_lifecycle,
    follow_payment,
    recover_placements,
    settle_payment,
)
from commercekit.payments import (
    CardDataError,
    GatewayUnavailableError,
    PaymentMethod,
    PaymentMethods,
    PaymentStatus,
    TransactionKind,
)
from commercekit.pricing import PriceList, PriceListId, PriceMode
from commercekit.promotions import FreeShipping, MinSubtotal, PercentOff, Promotion
from commercekit.testing import CheckoutScenario, GatewayCall, Script
from commercekit.values import Sku

WHITE_42 = CheckoutScenario.WHITE_42
Factory = Callable[[], OrdersUnitOfWork]


def eur(amount: str) -> Money:
    return money(amount, "EUR")


@pytest.fixture(params=["memory", "sqlite"])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "memory":
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)
    database = SQLiteDatabase(tmp_path / "settle.db")
    return lambda: SQLiteUnitOfWork(database)


@pytest.fixture
def scenario(factory: Factory) -> CheckoutScenario:
    built = CheckoutScenario(factory)
    built.open()
    return built


def ports(scenario: CheckoutScenario) -> dict[str, Any]:
    return {
        "uow": scenario.new_uow(),
        "gateway": scenario.gateway,
        "clock": scenario.clock,
        "settings": scenario.settings,
        "ids": scenario.ids,
    }


def load(scenario: CheckoutScenario, order_id: str) -> Order:
    with scenario.new_uow() as uow:
        return uow.orders.get(order_id)


def refunded(scenario: CheckoutScenario) -> Money:
    entries = scenario.gateway.ledger
    refunds = [e.amount for e in entries if e.kind is TransactionKind.REFUND]
    return sum(refunds, eur("0.00"))


def captured_order(scenario: CheckoutScenario, lines: dict[str, int]) -> Order:
    scenario.cart("cart-1", lines)
    order = scenario.place("cart-1").order
    capture_order(
        order.order_id,
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    return load(scenario, order.order_id)


def test_a_refund_whose_reply_was_lost_is_finished_before_the_next(
    factory: Factory,
) -> None:
    """Three lines, captured 208.85 (2 x 89.95 + 24.00 + 4.95). The book's
    refund (24.00) is processed but its reply lost; then a pair is canceled
    too. The settlement finishes the book's refund with its key and refunds
    the pair's 89.95: 113.95 in all, what the canceled units cost."""

    def lose_first_refund_reply(call: GatewayCall) -> Script | None:
        first = (call.idempotency_key or "").endswith("-refund-1")
        if call.operation == "refund" and first and call.attempt == 1:
            return Script.lose_reply()
        return None

    scenario = CheckoutScenario(factory)
    scenario.gateway = type(scenario.gateway)(
        lose_first_refund_reply, clock=scenario.clock
    )
    scenario.open()
    order = captured_order(scenario, {WHITE_42: 2, "BOOK": 1})
    assert order.payment_status is PaymentStatus.CAPTURED
    with pytest.raises(GatewayUnavailableError):
        cancel_order_lines(order.order_id, {"BOOK": 1}, **ports(scenario))
    after = cancel_order_lines(order.order_id, {WHITE_42: 1}, **ports(scenario))
    assert after.amount_due == eur("94.90")
    assert refunded(scenario) == eur("113.95")
    with scenario.new_uow() as uow:
        payment = uow.payments.get(after.payment_id or "")
    assert payment.captured - payment.refunded == eur("94.90")
    assert [due.amount for due in after.refunds] == [eur("24.00"), eur("89.95")]
    # settling again moves nothing
    settle_payment(
        order.order_id,
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert refunded(scenario) == eur("113.95")


def test_capture_takes_no_more_than_the_order_costs(scenario: CheckoutScenario) -> None:
    """The book canceled before capture: the authorization was for 208.85,
    the order costs 184.85, and that is what is captured."""
    scenario.cart("cart-1", {WHITE_42: 2, "BOOK": 1})
    order = scenario.place("cart-1").order
    cancel_order_lines(order.order_id, {"BOOK": 1}, **ports(scenario))
    payment = capture_order(
        order.order_id,
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert payment.captured == eur("184.85")
    assert load(scenario, order.order_id).payment_status is (
        PaymentStatus.PARTIALLY_CAPTURED
    )
    again = capture_order(
        order.order_id,
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert again.captured == eur("184.85")


def test_a_canceled_order_is_not_reported_confirmed_on_a_retry(
    scenario: CheckoutScenario,
) -> None:
    scenario.cart("cart-1", {WHITE_42: 1})
    order = scenario.place("cart-1").order
    cancel_order(order.order_id, **ports(scenario))
    with pytest.raises(OrderRuleError) as caught:
        scenario.place("cart-1")
    assert caught.value.rule == "order_canceled"
    assert caught.value.order_id == order.order_id


def test_a_token_is_not_taken_for_another_cart(scenario: CheckoutScenario) -> None:
    scenario.cart("cart-1", {WHITE_42: 1})
    scenario.place("cart-1", token="token-1")
    scenario.cart("cart-2", {"BOOK": 1})
    with pytest.raises(ValidationError, match="cart-1"):
        scenario.place("cart-2", token="token-1")


def test_a_payment_token_with_card_data_stores_nothing(
    scenario: CheckoutScenario,
) -> None:
    scenario.cart("cart-1", {WHITE_42: 1})
    with pytest.raises(CardDataError):
        scenario.place("cart-1", payment_token="4111 1111 1111 1111")
    with scenario.new_uow() as uow:
        assert uow.orders.by_checkout_token("token-cart-1") is None
        assert uow.stock.level(Sku(WHITE_42)).reserved == 0


def test_a_coupon_whose_promotion_did_not_apply_is_not_used(
    scenario: CheckoutScenario,
) -> None:
    with scenario.new_uow() as uow:
        stored = uow.promotions.get("SNEAKER10")
        rule = MinSubtotal(amount=eur("500.00"))
        changed = Promotion(
            promotion_id="SNEAKER10",
            name="10% off from 500",
            action=PercentOff(percent=10),
            coupon_codes={CheckoutScenario.COUPON},
            conditions=[rule],
        )
        uow.promotions.save(changed, expected_version=stored.version)
        uow.commit()
    scenario.cart("cart-1", {WHITE_42: 1}, coupon=CheckoutScenario.COUPON)
    order = scenario.place("cart-1").order
    assert order.coupons == ()
    assert order.discount_total == eur("0.00")
    with scenario.new_uow() as uow:
        assert uow.coupons.uses(CheckoutScenario.COUPON) == 0


def test_promotion_budgets_are_spent_and_given_back(scenario: CheckoutScenario) -> None:
    """A 10% promotion with a budget of 100.00: an order that got 9.00 off
    spends 9.00 of it; canceling the whole order gives it back."""
    with scenario.new_uow() as uow:
        stored = uow.promotions.get("SNEAKER10")
        budgeted = Promotion(
            promotion_id="SNEAKER10",
            name="10% off",
            action=PercentOff(percent=10),
            coupon_codes={CheckoutScenario.COUPON},
            budget=eur("100.00"),
        )
        uow.promotions.save(budgeted, expected_version=stored.version)
        uow.commit()
    scenario.cart("cart-1", {WHITE_42: 1}, coupon=CheckoutScenario.COUPON)
    order = scenario.place("cart-1").order
    with scenario.new_uow() as uow:
        assert uow.promotions.spent("SNEAKER10") == eur("9.00")
    cancel_order(order.order_id, **ports(scenario))
    cancel_order(order.order_id, **ports(scenario))  # a repeat gives back nothing
    with scenario.new_uow() as uow:
        assert uow.promotions.spent("SNEAKER10") == eur("0.00")


def test_an_order_that_costs_nothing_is_confirmed_without_a_payment(
    scenario: CheckoutScenario,
) -> None:
    with scenario.new_uow() as uow:
        free = PriceList(
            list_id=PriceListId("gifts"),
            currency="EUR",
            mode=PriceMode.GROSS,
            priority=5,
        )
        free.set_price("BOOK", {1: eur("0.00")}, at=scenario.clock.now())
        uow.price_lists.add(free)
        uow.promotions.add(
            Promotion(promotion_id="ship-free", name="Free", action=FreeShipping())
        )
        uow.commit()
    scenario.cart("cart-1", {"BOOK": 1})
    result = scenario.place("cart-1")
    assert result.payment is None
    assert result.order.status == OrderStatus.CONFIRMED
    assert result.order.amount_due == eur("0.00")
    assert scenario.gateway.calls == []


def test_a_partly_refunded_payment_keeps_the_order_paid(
    scenario: CheckoutScenario,
) -> None:
    """A payment captured and then partly refunded by the provider, told to a
    waiting order: the order is confirmed, and the sweep never cancels it."""
    scenario.cart("cart-1", {WHITE_42: 1})
    result = scenario.place("cart-1", payment_token="tok_pending")
    assert result.payment is not None
    with scenario.new_uow() as uow:
        payment = uow.payments.get(result.payment.payment_id)
        at = scenario.clock.now()
        payment.authorize(payment.amount, at=at, reference="fake-pay-1")
        payment.capture(payment.amount, at=at)
        payment.refund(eur("10.00"), at=at)
        uow.payments.save(payment)
        uow.commit()
    order, _ = follow_payment(
        result.order.order_id,
        uow=scenario.new_uow(),
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert order.status == OrderStatus.CONFIRMED
    scenario.clock.advance(timedelta(days=1))
    assert (
        expire_unpaid_orders(
            uow=scenario.new_uow(),
            gateway=scenario.gateway,
            clock=scenario.clock,
            settings=scenario.settings,
        )
        == []
    )


def test_recovery_is_not_stuck_behind_prepayments(scenario: CheckoutScenario) -> None:
    scenario.cart("cart-1", {"BOOK": 1}, payment_method="prepayment")
    scenario.place("cart-1")
    scenario.clock.advance(timedelta(minutes=1))
    scenario.cart("cart-2", {WHITE_42: 1})
    with pytest.raises(GatewayUnavailableError):
        scenario.place("cart-2", payment_token="tok_lost_reply")
    scenario.clock.advance(timedelta(minutes=30))
    moved = recover_placements(
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
        limit=1,
    )
    assert len(moved) == 1
    assert load(scenario, moved[0]).status == OrderStatus.CONFIRMED


def test_a_refused_cancel_leaves_the_order_as_it_was(
    scenario: CheckoutScenario,
) -> None:
    scenario.cart("cart-1", {WHITE_42: 1})
    order = scenario.place("cart-1").order
    with pytest.raises(ValidationError):
        order.cancel(at=scenario.clock.now(), reason="customer", actor="")
    assert order.status == OrderStatus.CONFIRMED
    assert order.line(WHITE_42).canceled == 0


def test_an_extension_that_is_no_whole_machine_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a whole machine"):
        extend_lifecycle(
            "Stuck",
            statuses=["awaiting_approval"],
            moves=[Move("confirm", "placed", "awaiting_approval")],
        )


def test_a_cart_waiting_for_a_payment_is_not_ordered_twice(
    scenario: CheckoutScenario,
) -> None:
    """The customer leaves the 3-D Secure page and presses the order button
    in another tab (a new checkout token): refused while the first order
    waits; once it is canceled, the new checkout goes through."""
    scenario.cart("cart-1", {WHITE_42: 1})
    first = scenario.place("cart-1", token="tab-1", payment_token="tok_3ds").order
    with pytest.raises(OrderRuleError) as caught:
        scenario.place("cart-1", token="tab-2")
    assert caught.value.rule == "order_awaiting_payment"
    assert caught.value.order_id == first.order_id
    with scenario.new_uow() as uow:
        assert uow.stock.level(Sku(WHITE_42)).reserved == 1
    cancel_order(first.order_id, **ports(scenario))
    second = scenario.place("cart-1", token="tab-2")
    assert second.order.status == OrderStatus.CONFIRMED
    with scenario.new_uow() as uow:
        assert uow.stock.level(Sku(WHITE_42)).reserved == 1


@pytest.mark.parametrize(
    "method",
    [
        PaymentMethod(
            code="cod",
            name="Nachnahme",
            kind="cash_on_delivery",
            currencies=["EUR"],
            fee=money("5.00", "EUR"),
        ),
        PaymentMethod(
            code="gift", name="Gutschein", kind="store_credit", currencies=["EUR"]
        ),
    ],
    ids=["with a fee", "store credit"],
)
def test_a_method_checkout_cannot_run_is_refused_before_anything_is_stored(
    scenario: CheckoutScenario, method: PaymentMethod
) -> None:
    """A method fee is not on the order's breakdown, and store credit pays
    part of an order (split tender), not a whole one: checkout refuses both
    with the rule, and stores, reserves and redeems nothing."""
    methods = PaymentMethods([*scenario.settings.payment_methods.methods, method])
    scenario.settings = attrs.evolve(scenario.settings, payment_methods=methods)
    scenario.cart("cart-1", {WHITE_42: 1}, payment_method=method.code)
    with pytest.raises(OrderRuleError) as caught:
        scenario.place("cart-1")
    assert caught.value.rule == "unsupported_payment_method"
    with scenario.new_uow() as uow:
        assert uow.orders.by_checkout_token("token-cart-1") is None
        assert uow.stock.level(Sku(WHITE_42)).reserved == 0
