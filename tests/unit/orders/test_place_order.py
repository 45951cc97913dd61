"""Placing orders: the sneaker story, declines, idempotency, waiting payments."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import NotFoundError
from commercekit.inventory import StockReserved
from commercekit.money import Money, money
from commercekit.orders import (
    CancelReason,
    CheckoutBlockedError,
    LegalAcceptance,
    Move,
    OrderConfirmed,
    OrderPlaced,
    OrderRuleError,
    OrderSettings,
    OrderStatus,
    OrderStatusChanged,
    OrdersUnitOfWork,
    PlacementOutcome,
    advance_order,
    expire_unpaid_orders,
    extend_lifecycle,
    follow_payment,
    place_order,
    recover_placements,
)
from commercekit.payments import (
    GatewayUnavailableError,
    HmacSignatureVerifier,
    NotificationResult,
    PaymentAuthorized,
    PaymentDeclinedError,
    PaymentStatus,
    TransactionKind,
    handle_notification,
)
from commercekit.pricing import PriceListId
from commercekit.testing import (
    CheckoutScenario,
    FixedClock,
    RecordingPublisher,
    SequentialIds,
)
from commercekit.values import CustomerFacts, Sku

Factory = Callable[[], OrdersUnitOfWork]
WHITE_42 = CheckoutScenario.WHITE_42
T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


@attrs.define
class Shop:
    """A scenario over one store, with the events it published."""

    scenario: CheckoutScenario
    publisher: RecordingPublisher

    def events(self) -> list[str]:
        return [type(event).__name__ for event in self.publisher.events]

    def levels(self) -> dict[str, tuple[int, int]]:
        with self.scenario.new_uow() as uow:
            return {
                code: (
                    uow.stock.level(Sku(code)).on_hand,
                    uow.stock.level(Sku(code)).reserved,
                )
                for code in CheckoutScenario.SKUS
            }

    def coupon_uses(self) -> int:
        with self.scenario.new_uow() as uow:
            return uow.coupons.uses(CheckoutScenario.COUPON)

    def cart(self, cart_id: str) -> Any:
        with self.scenario.new_uow() as uow:
            try:
                return uow.carts.get(cart_id)
            except NotFoundError:
                return None


@pytest.fixture(params=["memory", "sqlite"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Shop:
    events, clock, publisher = (
        SequentialIds("event-"),
        FixedClock(T0),
        RecordingPublisher(),
    )
    factory: Factory
    if request.param == "memory":
        store = InMemoryStore()

        def factory() -> OrdersUnitOfWork:
            return InMemoryUnitOfWork(
                store, publisher=publisher, clock=clock, ids=events
            )

    else:
        database = SQLiteDatabase(tmp_path / "shop.db")

        def factory() -> OrdersUnitOfWork:
            return SQLiteUnitOfWork(
                database, publisher=publisher, clock=clock, ids=events
            )

    scenario = CheckoutScenario(factory, clock=clock)
    scenario.open()
    return Shop(scenario, publisher)


# -- the sneaker story ---------------------------------------------------------


def test_the_sneaker_story(shop: Shop) -> None:
    """1 pair of white sneakers, size 42, 89.95 gross; DHL 4.95; 19% German
    VAT; PayPal through the fake gateway.

    By hand: 94.90 in all; VAT per rate total 94.90 - 94.90 / 1.19 = 94.90 -
    79.75 = 15.15, of which the pair 14.36 (75.59 net) and shipping 0.79
    (4.16 net).
    """
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    before = len(shop.publisher.events)
    result = scenario.place("cart-1")
    order = result.order
    assert result.outcome is PlacementOutcome.CONFIRMED
    assert order.status == OrderStatus.CONFIRMED
    assert order.payment_status is PaymentStatus.AUTHORIZED
    assert order.number == "000001"
    line = order.line(WHITE_42)
    assert (line.name, dict(line.options)) == (
        "Weißer Sneaker",
        {"color": "weiß", "size": "42"},
    )
    assert (line.quantity, line.unit_price, line.net, line.tax_amount) == (
        1,
        eur("89.95"),
        eur("75.59"),
        eur("14.36"),
    )
    assert order.shipping_total == eur("4.95")
    assert order.grand_total == eur("94.90")
    assert order.tax_total == eur("15.15")
    assert [(rate.net, rate.tax) for rate in order.rates()] == [
        (eur("79.75"), eur("15.15"))
    ]
    assert order.acceptance == scenario.acceptance
    # stock reserved for the order
    assert shop.levels()[WHITE_42] == (10, 1)
    with scenario.new_uow() as uow:
        held = uow.stock.reservations_for(order.order_id)
    assert [(r.sku, r.quantity, r.active) for r in held] == [(WHITE_42, 1, True)]
    # the provider holds the amount once
    entries = scenario.gateway.ledger
    assert [(e.kind, e.amount) for e in entries] == [
        (TransactionKind.AUTHORIZATION, eur("94.90"))
    ]
    # events in order
    assert shop.events()[before:] == [
        "OrderPlaced",
        "StockReserved",
        "PaymentAuthorized",
        "OrderStatusChanged",
        "OrderConfirmed",
    ]
    placed = shop.publisher.events[before]
    assert isinstance(placed, OrderPlaced)
    assert placed.total == eur("94.90")
    assert isinstance(shop.publisher.events[before + 1], StockReserved)
    assert isinstance(shop.publisher.events[before + 2], PaymentAuthorized)
    assert isinstance(shop.publisher.events[before + 3], OrderStatusChanged)
    assert isinstance(shop.publisher.events[before + 4], OrderConfirmed)
    # the cart is done
    assert shop.cart("cart-1") is None


def test_the_order_keeps_its_snapshot_when_the_catalog_moves(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1}, coupon=CheckoutScenario.COUPON)
    order = scenario.place("cart-1").order
    with scenario.new_uow() as uow:
        prices = uow.price_lists.get(PriceListId("shop"))
        prices.set_price(WHITE_42, {1: eur("129.95")}, at=scenario.clock.now())
        uow.price_lists.save(prices)
        uow.commit()
    with scenario.new_uow() as uow:
        stored = uow.orders.get(order.order_id)
    assert stored.line(WHITE_42).unit_price == eur("89.95")
    # 10% of 89.95 is 8.995, half up 9.00: 80.95 + 4.95
    assert stored.grand_total == order.grand_total == eur("85.90")
    assert stored.coupons == (CheckoutScenario.COUPON,)
    assert [p.promotion_id for p in stored.promotions] == ["SNEAKER10"]


# -- a declined payment --------------------------------------------------------


def test_a_declined_payment_leaves_stock_coupons_and_cart_as_before(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 2}, coupon=CheckoutScenario.COUPON)
    levels, uses, cart = shop.levels(), shop.coupon_uses(), shop.cart("cart-1")
    with pytest.raises(PaymentDeclinedError) as caught:
        scenario.place("cart-1", payment_token="tok_declined")
    error = caught.value
    assert error.decline_code == "card_declined"
    assert error.customer_message
    assert shop.levels() == levels
    assert shop.coupon_uses() == uses
    assert shop.cart("cart-1") == cart
    with scenario.new_uow() as uow:
        order = uow.orders.get(error.order_id)
        payment = uow.payments.get(order.payment_id or "")
    assert order.status == OrderStatus.CANCELED
    assert order.cancel_reason == CancelReason.PAYMENT_DECLINED
    assert payment.status is PaymentStatus.FAILED
    # the same token answers the same way; nothing moves again
    with pytest.raises(PaymentDeclinedError):
        scenario.place("cart-1", payment_token="tok_declined")
    assert shop.levels() == levels


def test_after_a_decline_a_new_attempt_with_a_new_token_goes_through(
    shop: Shop,
) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    with pytest.raises(PaymentDeclinedError):
        scenario.place("cart-1", token="attempt-1", payment_token="tok_declined")
    result = scenario.place("cart-1", token="attempt-2")
    assert result.outcome is PlacementOutcome.CONFIRMED
    assert result.order.number == "000002"
    assert shop.levels()[WHITE_42] == (10, 1)


# -- idempotency ---------------------------------------------------------------


def test_the_same_token_twice_places_one_order(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    first = scenario.place("cart-1")
    second = scenario.place("cart-1")
    assert second.order.order_id == first.order.order_id
    assert second.outcome is PlacementOutcome.CONFIRMED
    assert len(scenario.gateway.ledger) == 1
    assert shop.levels()[WHITE_42] == (10, 1)


def test_the_same_token_from_two_threads_places_one_order(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def press() -> None:
        barrier.wait()
        try:
            results.append(scenario.place("cart-1").order.order_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    assert [e.kind for e in scenario.gateway.ledger] == [TransactionKind.AUTHORIZATION]
    assert shop.levels()[WHITE_42] == (10, 1)
    with scenario.new_uow() as uow:
        assert uow.orders.for_customer("customer-1").total == 1


# -- payments that wait --------------------------------------------------------


def test_a_challenge_keeps_the_order_placed_with_its_stock(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    result = scenario.place("cart-1", payment_token="tok_3ds")
    assert result.outcome is PlacementOutcome.REQUIRES_ACTION
    assert result.action is not None
    assert result.action.kind == "three_d_secure"
    order = result.order
    assert order.status == OrderStatus.PLACED
    assert order.payment_due_by == scenario.clock.now() + timedelta(hours=1)
    assert shop.levels()[WHITE_42] == (10, 1)
    assert shop.cart("cart-1") is not None
    # the customer passes the challenge; the provider says so when asked
    assert result.payment is not None
    reference = result.payment.provider_reference or ""
    scenario.gateway.complete(reference)
    scenario.clock.advance(timedelta(minutes=20))
    moved = recover_placements(
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert moved == [order.order_id]
    with scenario.new_uow() as uow:
        assert uow.orders.get(order.order_id).status == OrderStatus.CONFIRMED
    assert shop.cart("cart-1") is None


def test_an_unfinished_challenge_expires(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1}, coupon=CheckoutScenario.COUPON)
    uses = shop.coupon_uses()
    order = scenario.place("cart-1", payment_token="tok_3ds").order
    assert shop.coupon_uses() == uses + 1
    scenario.clock.advance(timedelta(minutes=59))
    sweep: dict[str, Any] = {
        "uow": scenario.new_uow(),
        "gateway": scenario.gateway,
        "clock": scenario.clock,
        "settings": scenario.settings,
    }
    assert expire_unpaid_orders(**sweep) == []
    scenario.clock.advance(timedelta(minutes=1))
    assert expire_unpaid_orders(**sweep) == [order.order_id]
    with scenario.new_uow() as uow:
        stored = uow.orders.get(order.order_id)
        payment = uow.payments.get(stored.payment_id or "")
    assert stored.status == OrderStatus.CANCELED
    assert stored.cancel_reason == CancelReason.PAYMENT_EXPIRED
    # the provider still waits for the customer: nothing is failed locally
    assert payment.status is PaymentStatus.REQUIRES_ACTION
    assert shop.levels()[WHITE_42] == (10, 0)
    assert shop.coupon_uses() == uses
    assert "OrderCanceled" in shop.events()


def test_a_challenge_passed_after_expiry_is_voided(shop: Shop) -> None:
    """The customer finishes 3-D Secure after the order expired: the provider
    holds the money, the webhook is followed with the gateway, and the hold
    is voided; the order stays canceled, its stock and coupon released."""
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    result = scenario.place("cart-1", payment_token="tok_3ds")
    scenario.clock.advance(timedelta(hours=1))
    expire_unpaid_orders(
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    reference = result.payment.provider_reference if result.payment else None
    assert reference is not None
    scenario.gateway.complete(reference)
    webhook = scenario.gateway.notification(reference, "authorized")
    assert (
        handle_notification(
            webhook.body,
            webhook.signature,
            uow=scenario.new_uow(),
            verifier=HmacSignatureVerifier(scenario.gateway.webhook_secret),
            clock=scenario.clock,
        )
        is NotificationResult.APPLIED
    )
    order, payment = follow_payment(
        result.order.order_id,
        uow=scenario.new_uow(),
        clock=scenario.clock,
        settings=scenario.settings,
        gateway=scenario.gateway,
    )
    assert order.status == OrderStatus.CANCELED
    assert payment is not None
    assert payment.status is PaymentStatus.VOIDED
    assert [e.kind for e in scenario.gateway.ledger] == [
        TransactionKind.AUTHORIZATION,
        TransactionKind.VOID,
    ]
    assert shop.levels()[WHITE_42] == (10, 0)


def test_a_webhook_confirms_the_order_through_follow_payment(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    result = scenario.place("cart-1", payment_token="tok_pending")
    assert result.outcome is PlacementOutcome.AWAITING_PAYMENT
    assert result.payment is not None
    with scenario.new_uow() as uow:
        payment = uow.payments.get(result.payment.payment_id)
        payment.authorize(
            payment.amount,
            at=scenario.clock.now(),
            reference=payment.provider_reference or "",
        )
        uow.payments.save(payment)
        uow.commit()
    order, _ = follow_payment(
        result.order.order_id,
        uow=scenario.new_uow(),
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert order.status == OrderStatus.CONFIRMED
    again, _ = follow_payment(
        order.order_id,
        uow=scenario.new_uow(),
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert again.version == order.version  # in step: nothing saved


def test_invoice_orders_are_confirmed_at_once_without_the_provider(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {"BOOK": 1}, payment_method="invoice")
    result = scenario.place("cart-1")
    assert result.outcome is PlacementOutcome.CONFIRMED
    assert result.order.ships_before_payment
    assert result.payment is not None
    assert result.payment.status is PaymentStatus.AUTHORIZED
    assert scenario.gateway.calls == []
    assert shop.cart("cart-1") is None


def test_prepayment_waits_a_week_with_bank_details(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {"BOOK": 2}, payment_method="prepayment")
    result = scenario.place("cart-1")
    assert result.outcome is PlacementOutcome.REQUIRES_ACTION
    assert result.action is not None
    assert result.action.data["iban"] == "DE89370400440532013000"
    assert result.order.payment_due_by == scenario.clock.now() + timedelta(days=7)
    scenario.clock.advance(timedelta(days=7))
    assert expire_unpaid_orders(
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    ) == [result.order.order_id]
    assert shop.levels()["BOOK"] == (10, 0)


# -- a crash between the steps -------------------------------------------------


def test_a_lost_reply_is_recovered_by_the_sweep(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    with pytest.raises(GatewayUnavailableError):
        scenario.place("cart-1", payment_token="tok_lost_reply")
    with scenario.new_uow() as uow:
        order = uow.orders.by_checkout_token("token-cart-1")
    assert order is not None
    assert order.status == OrderStatus.PLACED
    settings = {"gateway": scenario.gateway, "settings": scenario.settings}
    assert (
        recover_placements(uow=scenario.new_uow(), clock=scenario.clock, **settings)  # type: ignore[arg-type]
        == []
    )  # too young: the customer may still retry
    scenario.clock.advance(timedelta(minutes=15))
    assert recover_placements(
        uow=scenario.new_uow(),
        clock=scenario.clock,
        **settings,  # type: ignore[arg-type]
    ) == [order.order_id]
    with scenario.new_uow() as uow:
        assert uow.orders.get(order.order_id).status == OrderStatus.CONFIRMED
    assert [e.kind for e in scenario.gateway.ledger] == [TransactionKind.AUTHORIZATION]


def test_a_payment_that_never_reached_the_provider_cancels_the_order(
    shop: Shop,
) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    with pytest.raises(GatewayUnavailableError):
        scenario.place("cart-1", payment_token="tok_timeout")
    scenario.clock.advance(timedelta(minutes=16))
    moved = recover_placements(
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        settings=scenario.settings,
    )
    assert len(moved) == 1
    with scenario.new_uow() as uow:
        order = uow.orders.get(moved[0])
    assert order.status == OrderStatus.CANCELED
    assert order.cancel_reason == CancelReason.PAYMENT_LOST
    assert shop.levels()[WHITE_42] == (10, 0)
    assert scenario.gateway.ledger == []


def test_a_retry_after_a_timeout_goes_on_with_the_same_key(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    with pytest.raises(GatewayUnavailableError):
        scenario.place("cart-1", payment_token="tok_timeout")
    result = scenario.place("cart-1", payment_token="tok_timeout")
    assert result.outcome is PlacementOutcome.CONFIRMED
    assert len(scenario.gateway.ledger) == 1


# -- what blocks placement -----------------------------------------------------


def test_a_consumer_order_needs_the_button_that_names_the_obligation_to_pay(
    shop: Shop,
) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    for label in ("Bestellen", "Weiter"):
        with pytest.raises(OrderRuleError) as caught:
            place_order(
                "cart-1",
                checkout_token=f"token-{label}",
                acceptance=LegalAcceptance(
                    button_label=label, accepted_at=scenario.clock.now()
                ),
                uow=scenario.new_uow(),
                gateway=scenario.gateway,
                clock=scenario.clock,
                ids=scenario.ids,
                settings=scenario.settings,
                payment_token="tok_visa",
            )
        assert caught.value.rule == "order_button_label"
    assert shop.levels()[WHITE_42] == (10, 0)
    with scenario.new_uow() as uow:
        assert uow.orders.for_customer("customer-1").total == 0


def test_a_business_order_needs_no_consumer_button(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    result = place_order(
        "cart-1",
        checkout_token="token-b2b",
        acceptance=None,
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        ids=scenario.ids,
        settings=scenario.settings,
        payment_token="tok_visa",
        customer=CustomerFacts(business=True),
    )
    assert result.order.customer.business
    assert result.order.acceptance is None


def test_a_cart_with_problems_is_not_placed(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 11})  # 10 in stock
    with pytest.raises(CheckoutBlockedError) as caught:
        scenario.place("cart-1")
    assert [str(problem.code) for problem in caught.value.problems] == [
        "partly_available"
    ]
    assert shop.levels()[WHITE_42] == (10, 0)


def test_earlier_orders_are_counted_for_the_customer(shop: Shop) -> None:
    scenario = shop.scenario
    scenario.cart("cart-1", {WHITE_42: 1})
    assert scenario.place("cart-1").order.customer.order_count == 0
    scenario.cart("cart-2", {"BOOK": 1})
    assert scenario.place("cart-2").order.customer.order_count == 1


# -- an extended lifecycle -----------------------------------------------------


def test_large_business_orders_wait_for_approval(shop: Shop) -> None:
    """An application's approval step, through place_order and advance_order."""

    def needs_approval(model: Any) -> bool:
        return bool(model.customer.business and model.grand_total > eur("150.00"))

    approval = extend_lifecycle(
        "Approval",
        statuses=["awaiting_approval"],
        moves=[
            Move("confirm", "placed", "awaiting_approval", cond=needs_approval),
            Move("approve", "awaiting_approval", "confirmed"),
            Move("cancel", "awaiting_approval", "canceled"),
        ],
    )
    scenario = shop.scenario
    settings: OrderSettings = attrs.evolve(scenario.settings, lifecycle=approval)
    scenario.cart("cart-1", {WHITE_42: 2})
    result = place_order(
        "cart-1",
        checkout_token="token-1",
        acceptance=None,
        uow=scenario.new_uow(),
        gateway=scenario.gateway,
        clock=scenario.clock,
        ids=scenario.ids,
        settings=settings,
        payment_token="tok_visa",
        customer=CustomerFacts(business=True),
    )
    assert result.order.status == "awaiting_approval"
    assert result.order.allowed_events(approval) == {"approve", "cancel"}
    approved = advance_order(
        result.order.order_id,
        "approve",
        uow=scenario.new_uow(),
        clock=scenario.clock,
        settings=settings,
        actor="staff-1",
    )
    assert approved.status == OrderStatus.CONFIRMED
    assert [(h.source, h.target) for h in approved.history] == [
        ("placed", "awaiting_approval"),
        ("awaiting_approval", "confirmed"),
    ]
