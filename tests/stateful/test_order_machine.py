"""Orders over whole lifecycles: place, pay, cancel lines, cancel, ship, at random.

Hypothesis places orders of random lines (some with the coupon), paid by
card, by a card that needs 3-D Secure, by a card that is declined, or on
invoice; pays waiting ones; cancels units, whole orders, ships units, and
captures what orders cost, and lets the clock run so the sweep expires
unpaid orders. A step the rules
refuse (shipping an unpaid order, canceling a shipped unit) must be refused
with the library's error and change nothing.

After every step these hold, in the words a merchant would use:

* an order's total is the sum of its active lines, shipping and VAT:
  ``grand_total == net_total + tax_total``, the goods total is the sum of
  the lines' totals, net and VAT are the lines' plus shipping's (while any
  unit is active), and the VAT rates add up to them;
* the stock held for orders is exactly what they still have to ship: for
  each SKU, reserved units equal the active, unshipped units of all orders;
  on hand fell by exactly what shipped;
* the provider never keeps more than an order costs: what it took and did
  not give back is at most the amount due, and a canceled order's payment
  holds and keeps nothing;
* the coupon is used once per order that holds it and was not canceled;
* no order moved outside the diagram: every history entry is a move of
  ``OrderLifecycle.moves``, each starts where the one before ended, and the
  last ends at the order's status.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import CommerceError
from commercekit.money import zero
from commercekit.orders import (
    CheckoutBlockedError,
    Order,
    OrderLifecycle,
    OrderStatus,
    OrdersUnitOfWork,
    cancel_order,
    cancel_order_lines,
    capture_order,
    expire_unpaid_orders,
    recover_placements,
    ship_order,
)
from commercekit.payments import PaymentDeclinedError
from commercekit.testing import CheckoutScenario
from commercekit.values import Sku

STEPS = settings(
    max_examples=min(settings().max_examples, 40),
    stateful_step_count=25,
    suppress_health_check=[HealthCheck.too_slow],
    deadline=None,
)
STOCK = 6
MOVES = {(str(m.source), m.event, str(m.target)) for m in OrderLifecycle.moves}
SHIPPABLE = {
    OrderStatus.CONFIRMED,
    OrderStatus.IN_FULFILLMENT,
    OrderStatus.PARTIALLY_SHIPPED,
}
CANCELABLE = {
    OrderStatus.PLACED,
    OrderStatus.CONFIRMED,
    OrderStatus.IN_FULFILLMENT,
    OrderStatus.PARTIALLY_SHIPPED,
}

lines = st.dictionaries(
    st.sampled_from(CheckoutScenario.SKUS), st.integers(1, 3), min_size=1, max_size=3
)
payments = st.sampled_from(["tok_visa", "tok_3ds", "tok_declined", "invoice"])


class OrderMachine(RuleBasedStateMachine):
    """Drives checkout and the order services; checks the stores after each step."""

    orders = Bundle("orders")

    def make_uow_factory(self) -> Callable[[], OrdersUnitOfWork]:
        raise NotImplementedError

    @initialize()
    def open_shop(self) -> None:
        self.scenario = CheckoutScenario(self.make_uow_factory(), stock=STOCK)
        self.scenario.open()
        self.carts = 0
        self.placed: dict[str, bool] = {}  # order id -> holds the coupon

    # -- helpers --------------------------------------------------------------

    def load(self, order_id: str) -> Order:
        with self.scenario.new_uow() as uow:
            return uow.orders.get(order_id)

    def all_orders(self) -> list[Order]:
        return [self.load(order_id) for order_id in self.placed]

    def ports(self) -> dict[str, Any]:
        scenario = self.scenario
        return {
            "uow": scenario.new_uow(),
            "gateway": scenario.gateway,
            "clock": scenario.clock,
            "settings": scenario.settings,
            "ids": scenario.ids,
        }

    def refused(self, order_id: str, step: Callable[[], object]) -> None:
        """Run a step the rules should refuse; it must change nothing."""
        before = self.load(order_id)
        try:
            step()
        except CommerceError:
            assert self.load(order_id) == before
        else:
            raise AssertionError("the step should have been refused")

    # -- rules ------------------------------------------------------------------

    @rule(target=orders, wanted=lines, payment=payments, coupon=st.booleans())
    def place(self, wanted: dict[str, int], payment: str, coupon: bool) -> str:
        self.carts += 1
        cart_id = f"cart-{self.carts}"
        method = "invoice" if payment == "invoice" else "paypal"
        code = CheckoutScenario.COUPON if coupon else None
        checked = self.scenario.cart(
            cart_id, wanted, payment_method=method, coupon=code
        )
        if not checked.ok:
            try:
                self.scenario.place(cart_id)
            except CheckoutBlockedError:
                return "none"
            raise AssertionError("a cart with problems was placed")
        token = "tok_visa" if payment == "invoice" else payment
        if payment == "tok_declined":
            with pytest.raises(PaymentDeclinedError) as declined:
                self.scenario.place(cart_id, payment_token=token)
            order_id = declined.value.order_id
            assert self.load(order_id).status == OrderStatus.CANCELED
        else:
            order_id = self.scenario.place(cart_id, payment_token=token).order.order_id
        self.placed[order_id] = coupon
        return order_id

    @rule(order_id=orders)
    def pay(self, order_id: str) -> None:
        """The customer passes the 3-D Secure challenge; the sweep learns it."""
        if order_id == "none":
            return
        order = self.load(order_id)
        with self.scenario.new_uow() as uow:
            payment = uow.payments.get(order.payment_id or "")
        if order.status != OrderStatus.PLACED or payment.provider_reference is None:
            return
        self.scenario.gateway.complete(payment.provider_reference)
        self.scenario.clock.advance(self.scenario.settings.recovery_grace)
        recover_placements(
            uow=self.scenario.new_uow(),
            gateway=self.scenario.gateway,
            clock=self.scenario.clock,
            settings=self.scenario.settings,
        )
        assert self.load(order_id).status == OrderStatus.CONFIRMED

    @rule(order_id=orders, data=st.data())
    def cancel_some(self, order_id: str, data: st.DataObject) -> None:
        if order_id == "none":
            return
        order = self.load(order_id)
        line = data.draw(st.sampled_from(order.lines))
        units = data.draw(st.integers(1, line.quantity))

        def step() -> Order:
            return cancel_order_lines(order_id, {line.key: units}, **self.ports())

        if order.status not in CANCELABLE or units > line.open:
            self.refused(order_id, step)
            return
        after = step()
        assert after.line(line.key).canceled == line.canceled + units

    @rule(order_id=orders)
    def cancel(self, order_id: str) -> None:
        if order_id == "none":
            return
        order = self.load(order_id)

        def step() -> Order:
            return cancel_order(order_id, **self.ports())

        if order.status not in CANCELABLE:
            if order.status != OrderStatus.CANCELED:
                self.refused(order_id, step)
            return
        after = step()
        shipped = any(line.shipped for line in order.lines)
        expected = OrderStatus.SHIPPED if shipped else OrderStatus.CANCELED
        assert after.status == expected

    @rule(order_id=orders, data=st.data())
    def ship(self, order_id: str, data: st.DataObject) -> None:
        if order_id == "none":
            return
        order = self.load(order_id)
        line = data.draw(st.sampled_from(order.lines))
        units = data.draw(st.integers(1, line.quantity))
        ports = self.ports()
        del ports["gateway"]

        def step() -> Order:
            return ship_order(order_id, {line.key: units}, **ports)

        if order.status not in SHIPPABLE or units > line.open:
            self.refused(order_id, step)
            return
        after = step()
        assert after.line(line.key).shipped == line.shipped + units

    @rule(order_id=orders)
    def capture(self, order_id: str) -> None:
        """Take the order's amount due from its authorization (at shipment)."""
        if order_id == "none":
            return
        order = self.load(order_id)
        if order.status not in SHIPPABLE or order.payment_kind != "gateway":
            return
        payment = capture_order(
            order_id,
            uow=self.scenario.new_uow(),
            gateway=self.scenario.gateway,
            clock=self.scenario.clock,
            settings=self.scenario.settings,
        )
        assert payment.captured - payment.refunded <= order.amount_due

    @rule(minutes=st.sampled_from([10, 61]))
    def time_passes(self, minutes: int) -> None:
        self.scenario.clock.advance(timedelta(minutes=minutes))
        expired = expire_unpaid_orders(
            uow=self.scenario.new_uow(),
            gateway=self.scenario.gateway,
            clock=self.scenario.clock,
            settings=self.scenario.settings,
        )
        for order_id in expired:
            assert self.load(order_id).status == OrderStatus.CANCELED

    # -- invariants ------------------------------------------------------------------

    @invariant()
    def totals_add_up(self) -> None:
        for order in self.all_orders():
            currency = order.currency
            active = order.active_units > 0
            shipping = order.shipping if active else None
            goods = sum((line.total for line in order.lines), zero(currency))
            net = sum((line.net for line in order.lines), zero(currency))
            tax = sum((line.tax_amount for line in order.lines), zero(currency))
            if shipping is not None:
                net += shipping.net
                tax += shipping.tax
            assert order.goods_total == goods
            assert order.net_total == net
            assert order.tax_total == tax
            assert order.grand_total == net + tax
            rates = order.rates()
            assert sum((rate.net for rate in rates), zero(currency)) == net
            assert sum((rate.tax for rate in rates), zero(currency)) == tax

    @invariant()
    def stock_held_is_stock_to_ship(self) -> None:
        orders = self.all_orders()
        with self.scenario.new_uow() as uow:
            for code in CheckoutScenario.SKUS:
                level = uow.stock.level(Sku(code))
                units = [line for order in orders for line in order.lines]
                mine = [line for line in units if line.sku == code]
                assert level.reserved == sum(line.open for line in mine)
                assert level.on_hand == STOCK - sum(line.shipped for line in mine)

    @invariant()
    def the_provider_keeps_no_more_than_the_order_costs(self) -> None:
        """At the provider, no order's payment holds or keeps more than the
        order's amount due; a canceled order's keeps nothing."""
        gateway = self.scenario.gateway
        for order in self.all_orders():
            if order.payment_id is None or order.payment_kind != "gateway":
                continue
            with self.scenario.new_uow() as uow:
                reference = uow.payments.get(order.payment_id).provider_reference
            if reference is None:
                continue
            kept = gateway.captured(reference) - gateway.refunded(reference)
            held = gateway.held(reference)
            assert kept <= order.amount_due
            if order.status == OrderStatus.CANCELED:
                assert kept.amount == 0
                assert held.amount == 0

    @invariant()
    def coupon_used_once_per_live_order(self) -> None:
        with self.scenario.new_uow() as uow:
            uses = uow.coupons.uses(CheckoutScenario.COUPON)
        live = [
            order
            for order in self.all_orders()
            if self.placed[order.order_id] and order.status != OrderStatus.CANCELED
        ]
        assert uses == len(live)

    @invariant()
    def history_follows_the_diagram(self) -> None:
        for order in self.all_orders():
            status = str(OrderStatus.PLACED)
            for entry in order.history:
                move = (str(entry.source), entry.event, str(entry.target))
                assert move in MOVES, move
                assert str(entry.source) == status
                status = str(entry.target)
            assert status == str(order.status)


class InMemoryOrderMachine(OrderMachine):
    def make_uow_factory(self) -> Callable[[], OrdersUnitOfWork]:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store)


class SQLiteOrderMachine(OrderMachine):
    """Each example gets a new database file, removed when it ends."""

    def make_uow_factory(self) -> Callable[[], OrdersUnitOfWork]:
        self.folder = Path(tempfile.mkdtemp(prefix="order-machine-"))
        self.database = SQLiteDatabase(self.folder / "shop.sqlite3")
        database = self.database
        return lambda: SQLiteUnitOfWork(database)

    def teardown(self) -> None:
        self.database.close()
        shutil.rmtree(self.folder, ignore_errors=True)


TestInMemoryOrderMachine = InMemoryOrderMachine.TestCase
TestInMemoryOrderMachine.settings = STEPS
TestSQLiteOrderMachine = SQLiteOrderMachine.TestCase
TestSQLiteOrderMachine.settings = STEPS
