"""The orders context's Hypothesis strategies and their ``st.from_type`` hook.

Each property states, in a merchant's words, what makes a drawn value one
the library could have made: totals that add up, and a history that is a
path through the order lifecycle.
"""

from __future__ import annotations

import inspect
import typing
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import commercekit.orders
from commercekit.errors import ValidationError
from commercekit.money import Money, from_minor_units, sum_money, zero
from commercekit.orders import (
    ORDER_BUTTON_LABELS,
    CancelReason,
    FulfillmentStatus,
    LegalAcceptance,
    Move,
    Order,
    OrderCanceled,
    OrderConfirmed,
    OrderId,
    OrderLifecycle,
    OrderLine,
    OrderLinesCanceled,
    OrderLinesShipped,
    OrderPage,
    OrderPlaced,
    OrderSettings,
    OrderStatus,
    OrderStatusChanged,
    OrderTransition,
    PlacementOutcome,
    PlacementResult,
    RefundDue,
)
from commercekit.payments import PaymentMethodKind, PaymentStatus
from commercekit.ports import DomainEvent
from commercekit.pricing import PriceMode
from commercekit.testing import strategies as cks

REGISTERED: list[Any] = [
    OrderId,
    Order,
    OrderLine,
    LegalAcceptance,
    OrderTransition,
    Move,
    OrderPage,
    PlacementResult,
    OrderSettings,
    RefundDue,
    OrderPlaced,
    OrderStatusChanged,
    OrderConfirmed,
    OrderCanceled,
    OrderLinesCanceled,
    OrderLinesShipped,
]
"""The public types with a strategy of commercekit's, registered for from_type."""
ENUMS: list[type[Any]] = [
    OrderStatus,
    FulfillmentStatus,
    CancelReason,
    PlacementOutcome,
]
"""The public enums, which Hypothesis draws by itself."""
NOT_DRAWN = {
    "OrderLifecycle",  # a state machine class, not a value
    "OrderRepository",  # the ports: protocols, implemented by adapters
    "OrderNumberSequence",
    "OrdersUnitOfWork",
    "CheckoutBlockedError",  # errors are raised, not drawn
    "OrderRuleError",
}
EVENTS: list[type[DomainEvent]] = [
    OrderPlaced,
    OrderStatusChanged,
    OrderConfirmed,
    OrderCanceled,
    OrderLinesCanceled,
    OrderLinesShipped,
]
MOVES = {(move.source, move.event, move.target) for move in OrderLifecycle.moves}
CHECKOUT_KINDS = {
    PaymentMethodKind.GATEWAY,
    PaymentMethodKind.INVOICE,
    PaymentMethodKind.CASH_ON_DELIVERY,
    PaymentMethodKind.PREPAYMENT,
}
AFTER_CONFIRMATION = {
    OrderStatus.CONFIRMED,
    OrderStatus.IN_FULFILLMENT,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
}


def at_most(examples: int) -> settings:
    """The profile's number of examples, but no more than ``examples``.

    Drawing an order prices a cart and drives the order's lifecycle a step
    at a time, some tens of milliseconds an example: the ci profile's 300
    would make this file slow.
    """
    return settings(max_examples=min(settings().max_examples, examples))


def _sum(amounts: list[Money], currency: str) -> Money:
    return sum_money(amounts, currency) if amounts else zero(currency)


# -- registration ----------------------------------------------------------------


def _public_types() -> set[str]:
    """The classes and NewTypes of the package's ``__all__``."""
    found = set()
    for name in commercekit.orders.__all__:
        value = getattr(commercekit.orders, name)
        if inspect.isclass(value) or isinstance(value, typing.NewType):
            found.add(name)
    return found


def test_every_public_orders_type_is_drawn() -> None:
    """A public type of the orders package is registered, an enum, or named
    here as not a value (a port, an error, the lifecycle class): a new type
    without a strategy fails here."""
    covered = {kind.__name__ for kind in REGISTERED + ENUMS} | NOT_DRAWN
    assert _public_types() == covered


@pytest.mark.parametrize("kind", REGISTERED + ENUMS, ids=lambda k: k.__name__)
@at_most(5)
@given(data=st.data())
def test_from_type_builds_every_public_orders_type(
    kind: Any, data: st.DataObject
) -> None:
    """st.from_type(T) works for every public orders type, through the entry
    point, and gives a T (an order id is checked text, ``ord-…``)."""
    value = data.draw(st.from_type(kind))
    if kind is OrderId:
        assert isinstance(value, str)
        assert value.startswith("ord-")
    elif kind in ENUMS:
        assert isinstance(value, kind)
    else:
        assert type(value) is kind


# -- orders ----------------------------------------------------------------------


@at_most(40)
@given(cks.orders())
def test_the_grand_total_is_everything_net_plus_all_vat(order: Order) -> None:
    """What the customer pays is the net of the goods and shipping plus their
    VAT: grand_total == net_total + tax_total. In gross prices that is the
    goods plus shipping; in net prices the goods plus shipping are the net."""
    assert order.grand_total == order.net_total + order.tax_total
    shown = order.goods_total + order.shipping_total
    if order.mode is PriceMode.GROSS:
        assert order.grand_total == shown
    else:
        assert order.net_total == shown
    if order.active_units:
        cash = from_minor_units(order.cash_rounding_minor, order.currency)
        assert order.amount_due == order.grand_total + cash
    else:
        assert order.amount_due == zero(order.currency)


@at_most(40)
@given(cks.orders())
def test_the_rates_add_up_to_the_order_totals(order: Order) -> None:
    """The VAT summary an invoice prints adds up: the rates' net amounts are
    the order's net total, their VAT its VAT total, and each rate's gross is
    its net plus its VAT."""
    rates = order.rates()
    code = order.currency
    assert _sum([rate.net for rate in rates], code) == order.net_total
    assert _sum([rate.tax for rate in rates], code) == order.tax_total
    for rate in rates:
        assert rate.gross_minor == rate.net_minor + rate.tax_minor
        assert rate.currency == code


@at_most(40)
@given(cks.orders())
def test_the_goods_total_is_the_sum_of_the_active_lines(order: Order) -> None:
    """The goods cost what their lines still count for: goods_total is the sum
    of the totals of the lines with units not canceled (a fully canceled
    line counts 0), and each line's counts are possible ones: no more
    canceled and shipped than ordered, no more returned than shipped."""
    active = [line.total for line in order.lines if line.active]
    assert order.goods_total == _sum(active, order.currency)
    for line in order.lines:
        assert line.currency == order.currency
        assert line.canceled + line.shipped <= line.quantity
        assert line.returned <= line.shipped
        assert line.total_minor in {line.net_minor + line.tax_minor, line.net_minor}
        if not line.active:
            assert line.total == zero(order.currency)
    if order.shipping is not None:
        assert order.shipping.currency == order.currency


@at_most(40)
@given(cks.orders())
def test_the_history_is_a_path_through_the_lifecycle(order: Order) -> None:
    """Every history entry is a move of the order lifecycle (its source, event
    and target), each starts where the one before ended, the first where
    every order starts (placed), the last where the order is now; and they
    are in time order, none before the order was placed."""
    history = order.history
    for entry in history:
        assert (entry.source, entry.event, entry.target) in MOVES
    previous: str = OrderStatus.PLACED
    for entry in history:
        assert entry.source == previous
        previous = entry.target
    assert previous == order.status
    instants = [order.placed_at, *(entry.at for entry in history)]
    assert instants == sorted(instants)
    assert (not history) is (order.status == OrderStatus.PLACED)


@at_most(40)
@given(cks.orders())
def test_the_statuses_agree_with_the_lines_and_the_payment(order: Order) -> None:
    """What the lines say fits the status: nothing ships before confirmation,
    a partially shipped order has units shipped and units open, a shipped
    one none open; a canceled order has every unit canceled, says why, and
    waits for no payment; an order past placed was paid, or ships first; an
    order that cost nothing at checkout has no payment, any other has one."""
    status = order.status
    shipped = sum(line.shipped for line in order.lines)
    if status in {
        OrderStatus.PLACED,
        OrderStatus.CONFIRMED,
        OrderStatus.IN_FULFILLMENT,
    }:
        assert shipped == 0
        assert order.open_units == order.active_units > 0
    if status == OrderStatus.PARTIALLY_SHIPPED:
        assert shipped > 0
        assert order.open_units > 0
        assert order.fulfillment_status is FulfillmentStatus.PARTIALLY_SHIPPED
    if status == OrderStatus.SHIPPED:
        assert order.fulfillment_status is FulfillmentStatus.SHIPPED
    if status in {OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED}:
        assert shipped > 0
        assert order.open_units == 0
    if status == OrderStatus.CANCELED:
        assert order.active_units == 0
        assert order.fulfillment_status is FulfillmentStatus.NOTHING_TO_SHIP
        assert order.cancel_reason in set(CancelReason)
        assert order.payment_due_by is None
        assert order.grand_total == zero(order.currency)
    else:
        assert order.cancel_reason is None
    if status in AFTER_CONFIRMATION:
        assert order.payment_due_by is None
        assert order.payment_allows_shipping
    ordered = sum(line.net_minor + line.tax_minor for line in order.lines)
    shipping = 0 if order.shipping is None else order.shipping.gross_minor
    due = ordered + shipping + order.cash_rounding_minor
    # Checkout starts a payment for every order that costs something.
    assert (order.payment_id is None) == (due == 0)
    assert order.pull_events() == []
    assert order.version >= 1


@pytest.mark.parametrize("status", list(OrderStatus), ids=str)
@at_most(8)
@given(data=st.data())
def test_every_status_is_reachable(status: OrderStatus, data: st.DataObject) -> None:
    """Orders reach each status asked for, by the lifecycle's moves, in JPY
    (no minor unit) too."""
    currency = data.draw(st.sampled_from(["EUR", "JPY"]))
    order = data.draw(cks.orders(currency, statuses=[status]))
    assert order.status == status


@at_most(25)
@given(cks.orders(statuses=[OrderStatus.PLACED]))
def test_placed_orders_wait_for_their_payment(order: Order) -> None:
    """A placed order waits for a payment that may still come (pending, or
    the customer must act), until its payment is due."""
    assert order.payment_status in {
        PaymentStatus.PENDING,
        PaymentStatus.REQUIRES_ACTION,
    }
    assert not order.ships_before_payment
    assert order.payment_due_by is not None
    assert order.payment_due_by > order.placed_at


@at_most(25)
@given(cks.orders())
def test_orders_carry_what_checkout_stored(order: Order) -> None:
    """A guest leaves an e-mail address, a customer an id; the promotions are
    those the discounts came from, and the coupons those that unlocked
    them; a consumer pressed a button that names the obligation to pay."""
    assert (order.customer_id is None) is (order.email is not None)
    sources = {d.source for line in order.lines for d in line.discounts}
    assert {p.promotion_id for p in order.promotions} == sources
    assert set(order.coupons) == {
        p.coupon_code for p in order.promotions if p.coupon_code is not None
    }
    if not order.customer.business:
        assert order.acceptance is not None
    if order.acceptance is not None:
        label = order.acceptance.button_label.strip().casefold()
        assert label in ORDER_BUTTON_LABELS
    assert (order.shipping is None) is (order.shipping_method is None)


def test_orders_and_events_refuse_what_they_cannot_draw() -> None:
    with pytest.raises(ValidationError, match="statuses"):
        cks.orders(statuses=[])
    with pytest.raises(ValidationError, match="statuses"):
        cks.orders(statuses=["placed"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="kinds"):
        cks.order_events(kinds=[DomainEvent])
    with pytest.raises(ValidationError, match="kinds"):
        cks.order_events(kinds=[])


# -- lines, values, moves --------------------------------------------------------


@at_most(60)
@given(cks.order_lines())
def test_order_lines_add_up_for_their_active_units(line: OrderLine) -> None:
    """A line's amounts add up (gross: total is net plus VAT; net: total is
    net), its counts are possible, and the discounts its active units keep
    add up to its discount."""
    assert line.total_minor in {line.net_minor + line.tax_minor, line.net_minor}
    assert line.canceled + line.shipped <= line.quantity
    assert line.returned <= line.shipped
    assert line.open == line.quantity - line.canceled - line.shipped
    kept = line.active_discounts()
    assert _sum([d.amount for d in kept], line.currency) == line.discount_total
    assert line.gross == line.net + line.tax_amount


@at_most(30)
@given(cks.order_transitions())
def test_transitions_are_moves_of_the_lifecycle(entry: OrderTransition) -> None:
    """A history entry is a move of the lifecycle; only a cancel says why."""
    assert (entry.source, entry.event, entry.target) in MOVES
    assert (entry.reason is not None) is (entry.event == "cancel")


@at_most(30)
@given(cks.moves())
def test_moves_extend_the_lifecycle(move: Move) -> None:
    """Each move drawn is the library's, or extends its lifecycle: with a way
    into and out of each status of its own, a lifecycle built with it has
    its event where it starts."""
    if (move.source, move.event, move.target) in MOVES:
        return
    added = sorted({move.source, move.target} - set(OrderLifecycle.statuses))
    ways = [Move("divert", "placed", status) for status in added]
    ways += [Move("cancel", status, "canceled") for status in added]
    extended = commercekit.orders.extend_lifecycle(
        "Extended", statuses=added, moves=[move, *ways]
    )
    assert move.event in extended.events_from(move.source)


@at_most(30)
@given(cks.legal_acceptances())
def test_acceptances_name_the_obligation_to_pay(acceptance: LegalAcceptance) -> None:
    """The button's words are ones the law accepts (§ 312j BGB)."""
    assert acceptance.button_label.strip().casefold() in ORDER_BUTTON_LABELS


# -- events ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", EVENTS, ids=lambda k: k.__name__)
@at_most(10)
@given(data=st.data())
def test_order_events_are_what_an_order_recorded(
    kind: type[DomainEvent], data: st.DataObject
) -> None:
    """Each event of the kind asked for names an order id; a status change is
    a move of the lifecycle; units moved are 1 or more each; an amount is
    never below 0."""
    event = data.draw(cks.order_events(kinds=[kind]))
    assert type(event) is kind
    assert getattr(event, "order_id", "").startswith("ord-")
    if isinstance(event, OrderStatusChanged):
        assert (event.source, event.event, event.target) in MOVES
    if isinstance(event, OrderLinesCanceled | OrderLinesShipped):
        assert event.units
        assert all(units >= 1 for units in event.units.values())
    if isinstance(event, OrderLinesCanceled | OrderPlaced):
        assert event.total.amount >= 0
    if isinstance(event, OrderCanceled | OrderLinesCanceled):
        assert event.reason in set(CancelReason)


# -- pages, placements, settings -----------------------------------------------------


@at_most(20)
@given(cks.order_pages())
def test_order_pages_are_newest_first_and_count_right(page: OrderPage) -> None:
    """A page holds no more than asked for, newest first; there is more only
    after a full page, and the total counts at least what came so far."""
    assert len(page.orders) <= page.limit
    keys = [(order.placed_at, order.order_id) for order in page.orders]
    assert keys == sorted(keys, reverse=True)
    assert page.total >= page.offset + len(page.orders)
    if page.has_more:
        assert len(page.orders) == page.limit
    assert len({order.order_id for order in page.orders}) == len(page.orders)


@at_most(30)
@given(cks.placement_results())
def test_placement_results_agree_with_their_order_and_payment(
    result: PlacementResult,
) -> None:
    """Checkout's answer fits what it stored: the payment is the order's, for
    its amount due; confirmed means the order may ship; requires action
    hands the customer the payment's action; awaiting payment leaves the
    order placed with the payment pending."""
    order, payment = result.order, result.payment
    assert payment is not None  # the strategy places orders that cost something
    assert payment.order_id == order.order_id
    assert order.payment_id == payment.payment_id
    assert order.payment_status is payment.status
    assert payment.amount == order.amount_due
    assert payment.method == order.payment_method
    assert result.action == payment.action
    if result.outcome is PlacementOutcome.CONFIRMED:
        assert order.status == OrderStatus.CONFIRMED
        assert order.payment_allows_shipping
    elif result.outcome is PlacementOutcome.REQUIRES_ACTION:
        assert order.status == OrderStatus.PLACED
        assert payment.status is PaymentStatus.REQUIRES_ACTION
        assert result.action is not None
    else:
        assert order.status == OrderStatus.PLACED
        assert payment.status is PaymentStatus.PENDING
    assert order.pull_events() == []
    assert payment.pull_events() == []


@at_most(30)
@given(cks.order_settings("EUR"))
def test_order_settings_offer_methods_checkout_takes(settings_: OrderSettings) -> None:
    """Every method is in the shop's currency and carries no fee; at least one
    is offered; numbers have the digits asked for; the default order button
    ("Zahlungspflichtig bestellen") names the obligation to pay unless the
    shop chose other labels."""
    methods = list(settings_.payment_methods)
    assert methods
    for method in methods:
        assert method.currencies == ("EUR",)
        assert method.fee is None
    assert len(settings_.number(1)) == len(settings_.number_prefix) + max(
        settings_.number_width, 1
    )
    assert issubclass(settings_.lifecycle, OrderLifecycle)
    kinds = Counter(method.kind for method in methods)
    assert all(count == 1 for count in kinds.values())
    assert set(kinds) <= CHECKOUT_KINDS | {PaymentMethodKind.STORE_CREDIT}
    if settings_.button_labels == ORDER_BUTTON_LABELS:
        assert settings_.names_obligation_to_pay("Zahlungspflichtig bestellen")
