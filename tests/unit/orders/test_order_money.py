"""The money of an order stays right when settlements, captures and sweeps meet.

Each test reproduces a way the provider could end up holding or keeping
money an order no longer costs (found in a second review), and shows it
does not.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.money import Money, money
from commercekit.orders import (
    Order,
    OrderRuleError,
    OrderStatus,
    cancel_order,
    cancel_order_lines,
    capture_order,
    expire_unpaid_orders,
    recover_placements,
    settle_payment,
)
from commercekit.payments import (
    GatewayUnavailableError,
    PaymentStatus,
    TransactionKind,
    record_bank_transfer,
)
from commercekit.testing import (
    CheckoutScenario,
    FakePaymentGateway,
    GatewayCall,
    Script,
)

WHITE_42 = CheckoutScenario.WHITE_42


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def shop(handler: Any = None) -> CheckoutScenario:
    store = InMemoryStore()
    scenario = CheckoutScenario(lambda: InMemoryUnitOfWork(store))
    if handler is not None:
        scenario.gateway = FakePaymentGateway(handler, clock=scenario.clock)
    scenario.open()
    return scenario


def ports(scenario: CheckoutScenario, *, ids: bool = True) -> dict[str, Any]:
    given: dict[str, Any] = {
        "uow": scenario.new_uow(),
        "gateway": scenario.gateway,
        "clock": scenario.clock,
        "settings": scenario.settings,
    }
    if ids:
        given["ids"] = scenario.ids
    return given


def load(scenario: CheckoutScenario, order_id: str) -> Order:
    with scenario.new_uow() as uow:
        return uow.orders.get(order_id)


def moved(scenario: CheckoutScenario, kind: TransactionKind) -> Money:
    amounts = [e.amount for e in scenario.gateway.ledger if e.kind is kind]
    return sum(amounts, eur("0.00"))


def kept(scenario: CheckoutScenario) -> Money:
    """What the provider took and did not give back."""
    return moved(scenario, TransactionKind.CAPTURE) - moved(
        scenario, TransactionKind.REFUND
    )


def test_two_settlements_at_once_refund_once() -> None:
    """While the pair's refund is on its way, a second settlement runs (here
    inside the provider call, as a second process would): 113.95 goes back
    in all, what the book and the pair cost."""
    state: dict[str, Any] = {}

    def second_settlement(call: GatewayCall) -> None:
        key = call.idempotency_key or ""
        if call.operation == "refund" and key.endswith("-refund-2") and state:
            state.clear()
            settle_payment(state_order[0], **ports(scenario, ids=False))

    state_order: list[str] = []
    scenario = shop(second_settlement)
    scenario.cart("cart-1", {WHITE_42: 2, "BOOK": 1})
    order = scenario.place("cart-1").order
    state_order.append(order.order_id)
    capture_order(order.order_id, **ports(scenario, ids=False))
    cancel_order_lines(order.order_id, {"BOOK": 1}, **ports(scenario))
    state["armed"] = True
    after = cancel_order_lines(order.order_id, {WHITE_42: 1}, **ports(scenario))
    assert after.amount_due == eur("94.90")
    assert moved(scenario, TransactionKind.REFUND) == eur("113.95")
    assert kept(scenario) == eur("94.90")


def test_a_capture_whose_reply_was_lost_is_taken_once() -> None:
    """208.85 captured, reply lost; the book (24.00) is canceled; capturing
    again finishes the first capture with its key, and the book's share goes
    back: the provider keeps 184.85, what the order costs."""
    state = {"lose": True}

    def lose_first_capture(call: GatewayCall) -> Script | None:
        if call.operation == "capture" and state["lose"]:
            state["lose"] = False
            return Script.lose_reply()
        return None

    scenario = shop(lose_first_capture)
    scenario.cart("cart-1", {WHITE_42: 2, "BOOK": 1})
    order = scenario.place("cart-1").order
    with pytest.raises(GatewayUnavailableError):
        capture_order(order.order_id, **ports(scenario, ids=False))
    cancel_order_lines(order.order_id, {"BOOK": 1}, **ports(scenario))
    payment = capture_order(order.order_id, **ports(scenario, ids=False))
    assert moved(scenario, TransactionKind.CAPTURE) == eur("208.85")
    assert kept(scenario) == eur("184.85")
    assert payment.captured - payment.refunded == eur("184.85")


def test_a_checkout_retried_at_its_deadline_keeps_no_hold() -> None:
    """The first press timed out before reaching the provider; the customer
    presses again just as the order's payment deadline passes, and the sweep
    expires the order while the retry's authorization is on its way. The
    order is canceled, and the hold the provider made is voided."""
    state: dict[str, Any] = {}

    def sweep_during_retry(call: GatewayCall) -> None:
        if call.operation == "authorize" and call.attempt == 2 and state:
            state.clear()
            expire_unpaid_orders(**ports(scenario, ids=False))

    scenario = shop(sweep_during_retry)
    scenario.cart("cart-1", {WHITE_42: 1})
    with pytest.raises(GatewayUnavailableError):
        scenario.place("cart-1", payment_token="tok_timeout")
    scenario.clock.advance(timedelta(hours=1))
    state["armed"] = True
    with pytest.raises(OrderRuleError) as caught:
        scenario.place("cart-1", payment_token="tok_timeout")
    assert caught.value.rule == "order_canceled"
    order = load(scenario, caught.value.order_id or "")
    assert order.status == OrderStatus.CANCELED
    assert order.payment_status is PaymentStatus.VOIDED
    kinds = [entry.kind for entry in scenario.gateway.ledger]
    assert kinds == [TransactionKind.AUTHORIZATION, TransactionKind.VOID]


def test_money_transferred_toward_an_expired_prepayment_is_owed_back() -> None:
    scenario = shop()
    scenario.cart("cart-1", {WHITE_42: 1}, payment_method="prepayment")
    result = scenario.place("cart-1")
    assert result.payment is not None
    with scenario.new_uow() as uow:
        payment = uow.payments.get(result.payment.payment_id)
        record_bank_transfer(
            payment, eur("50.00"), result.order.number, at=scenario.clock.now()
        )
        uow.payments.save(payment)
        uow.commit()
    scenario.clock.advance(timedelta(days=7))
    assert expire_unpaid_orders(**ports(scenario, ids=False)) == [result.order.order_id]
    order = load(scenario, result.order.order_id)
    assert [(due.amount, due.offline) for due in order.refunds] == [
        (eur("50.00"), True)
    ]


def test_a_paid_invoice_whose_line_is_canceled_owes_the_difference() -> None:
    scenario = shop()
    scenario.cart("cart-1", {WHITE_42: 2, "BOOK": 1}, payment_method="invoice")
    order = scenario.place("cart-1").order
    with scenario.new_uow() as uow:
        payment = uow.payments.get(order.payment_id or "")
        payment.capture(payment.amount, at=scenario.clock.now(), reference="bank-1")
        uow.payments.save(payment)
        uow.commit()
    after = cancel_order_lines(order.order_id, {"BOOK": 1}, **ports(scenario))
    assert [(due.amount, due.offline) for due in after.refunds] == [
        (eur("24.00"), True)
    ]
    canceled = cancel_order(order.order_id, **ports(scenario))
    assert [due.amount for due in canceled.refunds] == [eur("24.00"), eur("184.85")]


def test_an_order_whose_promotion_was_removed_still_cancels() -> None:
    scenario = shop()
    scenario.cart("cart-1", {WHITE_42: 1}, coupon=CheckoutScenario.COUPON)
    order = scenario.place("cart-1").order
    with scenario.new_uow() as uow:
        uow.promotions.remove("SNEAKER10")
        uow.commit()
    assert cancel_order(order.order_id, **ports(scenario)).status == (
        OrderStatus.CANCELED
    )


def test_the_expiry_sweep_goes_on_past_an_order_the_provider_fails() -> None:
    """The provider fails (HTTP 500) when asked about the first order: it
    stays placed for the next sweep, and the second order still expires."""

    def fail_first_status(call: GatewayCall) -> Script | None:
        if call.operation == "status" and call.reference == "fake-pay-1":
            return Script.fail("HTTP 500")
        return None

    scenario = shop(fail_first_status)
    scenario.cart("cart-1", {WHITE_42: 1})
    first = scenario.place("cart-1", payment_token="tok_3ds").order
    scenario.cart("cart-2", {"BOOK": 1})
    second = scenario.place("cart-2", payment_token="tok_3ds").order
    scenario.clock.advance(timedelta(hours=2))
    assert expire_unpaid_orders(**ports(scenario, ids=False)) == [second.order_id]
    assert load(scenario, first.order_id).status == OrderStatus.PLACED


def test_a_settlement_that_read_before_another_refund_refunds_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Settlement A reads the order and payment; settlement B (another
    process) refunds the pair in full; then A works out what is owed. A
    reads what it notes in the transaction that notes it, so it refunds
    nothing more: 113.95 in all."""
    import commercekit.orders._settle as settle_module  # noqa: PLC0415

    scenario = shop()
    scenario.cart("cart-1", {WHITE_42: 2, "BOOK": 1})
    order = scenario.place("cart-1").order
    capture_order(order.order_id, **ports(scenario, ids=False))
    cancel_order_lines(order.order_id, {"BOOK": 1}, **ports(scenario))
    finish = settle_module._finish_refunds
    state = {"armed": True}

    def other_process_first(*args: Any, **kwargs: Any) -> Any:
        result = finish(*args, **kwargs)
        if state["armed"]:
            state["armed"] = False
            cancel_order_lines(order.order_id, {WHITE_42: 1}, **ports(scenario))
        return result

    monkeypatch.setattr(settle_module, "_finish_refunds", other_process_first)
    settle_payment(order.order_id, **ports(scenario, ids=False))
    assert moved(scenario, TransactionKind.REFUND) == eur("113.95")
    assert kept(scenario) == eur("94.90")


def test_a_checkout_retried_while_recovery_gives_it_up_keeps_no_hold() -> None:
    """The first press never reached the provider; a quarter of an hour
    later the customer presses again, and the recovery sweep, asking the
    provider meanwhile, hears it never received the payment and cancels the
    order (``payment_lost``). The retry's request arrives after all: the
    payment takes the approval, and the hold is voided."""
    state: dict[str, Any] = {}

    def recovery_during_retry(call: GatewayCall) -> None:
        if call.operation == "authorize" and call.attempt == 2 and state:
            state.clear()
            recover_placements(**ports(scenario, ids=False))

    scenario = shop(recovery_during_retry)
    scenario.cart("cart-1", {WHITE_42: 1})
    with pytest.raises(GatewayUnavailableError):
        scenario.place("cart-1", payment_token="tok_timeout")
    scenario.clock.advance(timedelta(minutes=20))
    state["armed"] = True
    with pytest.raises(OrderRuleError) as caught:
        scenario.place("cart-1", payment_token="tok_timeout")
    assert caught.value.rule == "order_canceled"
    order = load(scenario, caught.value.order_id or "")
    assert order.cancel_reason == "payment_lost"
    assert order.payment_status is PaymentStatus.VOIDED
    kinds = [entry.kind for entry in scenario.gateway.ledger]
    assert kinds == [TransactionKind.AUTHORIZATION, TransactionKind.VOID]
