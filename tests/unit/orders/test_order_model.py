"""The Order snapshot: line shares, totals, rules and the audit history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from commercekit.errors import InvalidTransitionError, ValidationError
from commercekit.money import Money, money
from commercekit.orders import (
    CancelReason,
    FulfillmentStatus,
    LegalAcceptance,
    Move,
    Order,
    OrderCanceled,
    OrderConfirmed,
    OrderLifecycle,
    OrderLine,
    OrderLinesCanceled,
    OrderLinesShipped,
    OrderRuleError,
    OrderStatus,
    OrderStatusChanged,
    extend_lifecycle,
    order_status,
)
from commercekit.payments import PaymentStatus
from commercekit.pricing import (
    Discount,
    PricedShipping,
    PriceMode,
    ShippingBasis,
    ShippingPart,
    TaxDecision,
    TaxTreatment,
)
from commercekit.values import Address

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
T1 = datetime(2026, 6, 1, 10, tzinfo=UTC)
STANDARD = TaxDecision(
    percent=Decimal(19),
    country="DE",
    category="standard",
    treatment=TaxTreatment.DOMESTIC,
    reason="a sale within DE",
)
REDUCED = TaxDecision(
    percent=Decimal(7),
    country="DE",
    category="reduced",
    treatment=TaxTreatment.DOMESTIC,
    reason="a sale within DE",
)


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def fulfillment(subject: Order) -> FulfillmentStatus:
    """Read afresh: mypy would keep an asserted property narrowed."""
    return subject.fulfillment_status


def sneakers(quantity: int = 3, **changes: object) -> OrderLine:
    """3 pairs at 89.95 gross with 27.00 off (a 10% coupon): 242.85 gross.

    VAT by hand: 242.85 / 1.19 = 204.07 net, 38.78 VAT.
    """
    fields: dict[str, object] = {
        "key": "SN-W-42",
        "sku": "SN-W-42",
        "name": "Weißer Sneaker",
        "options": {"size": "42"},
        "quantity": quantity,
        "unit_price": eur("89.95"),
        "tax": STANDARD,
        "subtotal_minor": 26985,
        "total_minor": 24285,
        "net_minor": 20407,
        "tax_minor": 3878,
        "discounts": (Discount(eur("27.00"), "SNEAKER10", "10% off"),),
    }
    fields.update(changes)
    return OrderLine(**fields)  # type: ignore[arg-type]


def book() -> OrderLine:
    """One book at 24.00 gross, 7% VAT: 22.43 net, 1.57 VAT."""
    return OrderLine(
        key="BOOK",
        sku="BOOK",
        name="Das Turnschuh-Buch",
        quantity=1,
        unit_price=eur("24.00"),
        tax=REDUCED,
        subtotal_minor=2400,
        total_minor=2400,
        net_minor=2243,
        tax_minor=157,
    )


def shipping() -> PricedShipping:
    """4.95 all at 19% (a one-rate split): 4.16 net, 0.79 VAT."""
    part = ShippingPart(
        percent=Decimal(19),
        country="DE",  # type: ignore[arg-type]
        treatment=TaxTreatment.DOMESTIC,
        currency="EUR",
        amount_minor=495,
        net_minor=416,
        tax_minor=79,
        gross_minor=495,
    )
    return PricedShipping(
        basis=ShippingBasis.NET,
        parts=(part,),
        currency="EUR",
        amount_minor=495,
        net_minor=416,
        tax_minor=79,
        gross_minor=495,
    )


def order(*lines: OrderLine, ships_first: bool = False) -> Order:
    return Order(
        order_id="order-1",
        number="000001",
        checkout_token="token-1",
        cart_id="cart-1",
        placed_at=T0,
        currency="EUR",
        mode=PriceMode.GROSS,
        locale="de_DE",
        customer_id="customer-1",
        shipping_address=Address(
            name="Erika Mustermann",
            street="Heidestraße 17",
            postal_code="51147",
            city="Köln",
            country="DE",
        ),
        lines=lines or (sneakers(), book()),
        shipping_method="dhl",
        shipping=shipping(),
        payment_method="invoice" if ships_first else "paypal",
        payment_kind="invoice" if ships_first else "gateway",
        acceptance=LegalAcceptance(
            button_label="Zahlungspflichtig bestellen",
            accepted_at=T0,
            documents={"terms": "2026-05"},
        ),
    )


def paid(subject: Order) -> Order:
    subject.record_payment("pay-1", PaymentStatus.AUTHORIZED)
    subject.confirm(at=T0)
    return subject


# -- the share rule -------------------------------------------------------------


def test_a_line_read_for_some_units_takes_its_share_of_each_amount() -> None:
    """2 of 3 pairs: 242.85 * 2/3 = 161.90 gross; 38.78 * 2/3 = 25.853 -> 25.85
    VAT; net 161.90 - 25.85 = 136.05; subtotal 269.85 * 2/3 = 179.90; so the
    discount kept is 179.90 - 161.90 = 18.00."""
    line = sneakers(canceled=1)
    assert line.active == 2
    assert line.total == eur("161.90")
    assert line.tax_amount == eur("25.85")
    assert line.net == eur("136.05")
    assert line.gross == eur("161.90")
    assert line.subtotal == eur("179.90")
    assert line.discount_total == eur("18.00")
    assert line.active_discounts() == (Discount(eur("18.00"), "SNEAKER10", "10% off"),)


def test_a_share_of_half_a_cent_rounds_half_up() -> None:
    """1 of 2 units of a 0.05 line is 0.025: half up, 0.03."""
    line = OrderLine(
        key="PIN",
        sku="PIN",
        name="Pin",
        quantity=2,
        unit_price=eur("0.025"),
        tax=STANDARD,
        subtotal_minor=5,
        total_minor=5,
        net_minor=4,
        tax_minor=1,
        canceled=1,
    )
    assert line.total == eur("0.03")
    assert line.tax_amount == eur("0.01")
    assert line.net == eur("0.02")


def test_every_unit_canceled_leaves_nothing() -> None:
    line = sneakers(canceled=3)
    assert (line.total, line.tax_amount, line.discount_total) == (
        eur("0.00"),
        eur("0.00"),
        eur("0.00"),
    )
    assert line.active_discounts() == ()


def test_a_line_refuses_more_units_canceled_and_shipped_than_ordered() -> None:
    with pytest.raises(ValidationError, match="more than the 3 ordered"):
        sneakers(canceled=2, shipped=2)
    with pytest.raises(ValidationError, match="returned"):
        sneakers(shipped=1, returned=2)


def test_a_line_refuses_amounts_that_do_not_add_up() -> None:
    with pytest.raises(ValidationError, match="neither net"):
        sneakers(net_minor=20000)


# -- totals -----------------------------------------------------------------------


def test_order_totals_are_the_lines_and_shipping() -> None:
    """242.85 + 24.00 + 4.95 = 271.80; VAT 38.78 + 1.57 + 0.79 = 41.14."""
    subject = order()
    assert subject.goods_total == eur("266.85")
    assert subject.shipping_total == eur("4.95")
    assert subject.grand_total == eur("271.80")
    assert subject.tax_total == eur("41.14")
    assert subject.net_total == eur("230.66")
    assert subject.amount_due == eur("271.80")
    assert subject.discount_total == eur("27.00")
    rates = subject.rates()
    assert [(rate.percent, rate.net, rate.tax) for rate in rates] == [
        (Decimal(19), eur("208.23"), eur("39.57")),
        (Decimal(7), eur("22.43"), eur("1.57")),
    ]


def test_a_partial_cancel_keeps_the_discount_allocation() -> None:
    """One pair of three canceled: the order keeps 2/3 of the coupon's 27.00.

    Totals: 161.90 + 24.00 + 4.95 = 190.85; VAT 25.85 + 1.57 + 0.79 = 28.21.
    """
    subject = paid(order())
    subject.cancel_lines({"SN-W-42": 1}, at=T1, reason=CancelReason.CUSTOMER)
    assert subject.status == OrderStatus.CONFIRMED
    assert subject.grand_total == eur("190.85")
    assert subject.tax_total == eur("28.21")
    assert subject.discount_total == eur("18.00")
    event = subject.pull_events()[-1]
    assert isinstance(event, OrderLinesCanceled)
    assert event.units == {"SN-W-42": 1}
    assert event.total == eur("190.85")


def test_canceling_every_unit_cancels_the_order_and_its_shipping() -> None:
    subject = paid(order())
    subject.cancel_lines({"SN-W-42": 3, "BOOK": 1}, at=T1, reason="customer")
    assert subject.status == OrderStatus.CANCELED
    assert subject.cancel_reason == "customer"
    assert subject.grand_total == eur("0.00")
    assert subject.shipping_total == eur("0.00")
    assert subject.amount_due == eur("0.00")
    assert subject.fulfillment_status is FulfillmentStatus.NOTHING_TO_SHIP


# -- the lifecycle and its rules -------------------------------------------------


def test_an_unpaid_order_is_neither_confirmed_nor_shipped() -> None:
    subject = order()
    with pytest.raises(OrderRuleError) as caught:
        subject.confirm(at=T0)
    assert caught.value.rule == "payment_required"
    assert subject.status == OrderStatus.PLACED
    assert subject.history == ()


def test_an_invoice_order_is_confirmed_and_ships_before_payment() -> None:
    subject = order(ships_first=True)
    subject.confirm(at=T0)
    subject.ship({"SN-W-42": 3, "BOOK": 1}, at=T1)
    assert subject.status == OrderStatus.SHIPPED
    assert subject.payment_status is None


def test_an_order_whose_authorization_lapsed_does_not_ship() -> None:
    subject = paid(order())
    subject.record_payment("pay-1", PaymentStatus.EXPIRED)
    with pytest.raises(OrderRuleError, match="not paid"):
        subject.ship({"BOOK": 1}, at=T1)
    assert subject.line("BOOK").shipped == 0
    assert subject.status == OrderStatus.CONFIRMED


def test_shipping_part_then_the_rest() -> None:
    subject = paid(order())
    subject.ship({"SN-W-42": 1}, at=T1)
    assert subject.status == OrderStatus.PARTIALLY_SHIPPED
    assert subject.fulfillment_status is FulfillmentStatus.PARTIALLY_SHIPPED
    subject.ship({"SN-W-42": 2, "BOOK": 1}, at=T1)
    assert subject.status == OrderStatus.SHIPPED
    assert fulfillment(subject) is FulfillmentStatus.SHIPPED
    shipped = [e for e in subject.pull_events() if isinstance(e, OrderLinesShipped)]
    assert [dict(event.units) for event in shipped] == [
        {"SN-W-42": 1},
        {"SN-W-42": 2, "BOOK": 1},
    ]


def test_shipping_more_than_is_open_is_refused() -> None:
    subject = paid(order())
    with pytest.raises(OrderRuleError) as caught:
        subject.ship({"BOOK": 2}, at=T1)
    assert caught.value.rule == "nothing_to_ship"


def test_after_a_partial_shipment_only_the_open_units_cancel() -> None:
    subject = paid(order())
    subject.ship({"SN-W-42": 2}, at=T1)
    canceled = subject.cancel(at=T1, reason="merchant")
    assert canceled == {"SN-W-42": 1, "BOOK": 1}
    assert subject.status == OrderStatus.SHIPPED
    assert subject.line("SN-W-42").shipped == 2
    assert subject.cancel_reason is None  # the order itself was not canceled
    with pytest.raises(OrderRuleError) as caught:
        subject.cancel_lines({"SN-W-42": 1}, at=T1, reason="customer")
    assert caught.value.rule == "shipped_orders_are_returned"


def test_shipped_units_are_returned_not_canceled() -> None:
    subject = paid(order())
    subject.ship({"SN-W-42": 2}, at=T1)
    with pytest.raises(OrderRuleError) as caught:
        subject.cancel_lines({"SN-W-42": 2}, at=T1, reason="customer")
    assert caught.value.rule == "nothing_to_cancel"


def test_a_shipped_order_is_not_canceled() -> None:
    subject = paid(order())
    subject.ship({"SN-W-42": 3, "BOOK": 1}, at=T1)
    with pytest.raises(OrderRuleError) as caught:
        subject.cancel(at=T1, reason="customer")
    assert caught.value.rule == "shipped_orders_are_returned"
    assert subject.status == OrderStatus.SHIPPED


def test_a_canceled_order_is_not_canceled_again() -> None:
    subject = order()
    subject.cancel(at=T1, reason="customer")
    with pytest.raises(InvalidTransitionError, match="canceled"):
        subject.cancel(at=T1, reason="customer")


def test_every_move_is_in_the_history_and_an_event() -> None:
    subject = paid(order())
    subject.start_fulfillment(at=T1, actor="warehouse")
    subject.ship({"SN-W-42": 3, "BOOK": 1}, at=T1, actor="warehouse")
    subject.deliver(at=T1, actor="carrier")
    subject.complete(at=T1)
    assert [(h.source, h.event, h.target, h.actor) for h in subject.history] == [
        ("placed", "confirm", "confirmed", "system"),
        ("confirmed", "start_fulfillment", "in_fulfillment", "warehouse"),
        ("in_fulfillment", "ship", "shipped", "warehouse"),
        ("shipped", "deliver", "delivered", "carrier"),
        ("delivered", "complete", "completed", "system"),
    ]
    changes = [e for e in subject.pull_events() if isinstance(e, OrderStatusChanged)]
    assert [change.target for change in changes] == [
        "confirmed",
        "in_fulfillment",
        "shipped",
        "delivered",
        "completed",
    ]
    assert subject.fulfillment_status is FulfillmentStatus.DELIVERED


def test_confirm_and_cancel_record_their_events() -> None:
    subject = paid(order())
    subject.cancel(at=T1, reason="merchant", actor="staff-3")
    events = subject.pull_events()
    assert isinstance(events[1], OrderConfirmed)
    assert isinstance(events[-1], OrderCanceled)
    assert events[-1].reason == "merchant"
    assert subject.history[-1].reason == "merchant"
    assert subject.history[-1].actor == "staff-3"


def test_a_refused_event_names_the_order_state_and_event() -> None:
    subject = order()
    with pytest.raises(InvalidTransitionError) as caught:
        subject.deliver(at=T1)
    assert (caught.value.key, caught.value.state, caught.value.event) == (
        "order-1",
        "placed",
        "deliver",
    )


# -- the table and extensions --------------------------------------------------------


@pytest.mark.parametrize("status", list(OrderStatus))
def test_the_events_table_agrees_with_the_machine(status: OrderStatus) -> None:
    """The table answers what a machine bound in that status would."""

    class Model:
        def __init__(self) -> None:
            self.status = status

    machine = OrderLifecycle(model=Model(), state_field="status")
    events = {str(event) for event in machine.allowed_events}
    assert OrderLifecycle.events_from(status) == events


def test_the_events_table_refuses_an_unknown_status() -> None:
    with pytest.raises(ValidationError, match="no status"):
        OrderLifecycle.events_from("awaiting_approval")


def approval() -> type[OrderLifecycle]:
    def large(model: Order) -> bool:
        return model.grand_total > eur("250.00")

    return extend_lifecycle(
        "Approval",
        statuses=["awaiting_approval"],
        moves=[
            Move("confirm", "placed", "awaiting_approval", cond=large),
            Move("approve", "awaiting_approval", "confirmed"),
            Move("cancel", "awaiting_approval", "canceled"),
        ],
    )


def test_an_extension_diverts_large_orders_to_approval() -> None:
    lifecycle = approval()
    large = order()  # 271.80
    large.record_payment("pay-1", PaymentStatus.AUTHORIZED)
    large.confirm(at=T0, lifecycle=lifecycle)
    assert large.status == "awaiting_approval"
    assert not any(isinstance(e, OrderConfirmed) for e in large.pull_events())
    large.fire("approve", at=T1, actor="staff-1", lifecycle=lifecycle)
    assert large.status == OrderStatus.CONFIRMED
    small = order(book())  # 28.95
    small.record_payment("pay-2", PaymentStatus.AUTHORIZED)
    small.confirm(at=T0, lifecycle=lifecycle)
    assert small.status == OrderStatus.CONFIRMED


def test_an_extension_leaves_the_library_lifecycle_alone() -> None:
    lifecycle = approval()
    assert issubclass(lifecycle, OrderLifecycle)
    assert "awaiting_approval" not in OrderLifecycle.statuses
    assert "approve" not in {move.event for move in OrderLifecycle.moves}
    assert lifecycle.events_from("awaiting_approval") == {"approve", "cancel"}


def test_an_extended_status_needs_its_lifecycle() -> None:
    lifecycle = approval()
    subject = order()
    subject.record_payment("pay-1", PaymentStatus.AUTHORIZED)
    subject.confirm(at=T0, lifecycle=lifecycle)
    with pytest.raises(ValidationError, match="does not have"):
        subject.fire("approve", at=T1, actor="staff-1")


def test_an_extension_refuses_unknown_statuses_and_clashes() -> None:
    with pytest.raises(ValidationError, match="unknown status"):
        extend_lifecycle("Bad", moves=[Move("go", "placed", "nowhere")])
    with pytest.raises(ValidationError, match="exist already"):
        extend_lifecycle("Bad", statuses=["placed"])
    with pytest.raises(ValidationError, match="final status"):
        extend_lifecycle("Bad", moves=[Move("revive", "canceled", "placed")])
    with pytest.raises(ValidationError, match="identifier"):
        extend_lifecycle("not a name")


def test_a_stored_status_reads_as_the_enum_or_text() -> None:
    assert order_status("placed") is OrderStatus.PLACED
    assert order_status("awaiting_approval") == "awaiting_approval"
    with pytest.raises(ValidationError):
        order_status(" placed")


def test_the_order_repr_hides_personal_data() -> None:
    text = repr(order())
    assert "Erika" not in text
    assert "Heidestraße" not in text


def test_units_cancel_only_where_the_lifecycle_lets_the_order_cancel() -> None:
    """An extension's status without a cancel move (a B2B order being
    packed under a fixed contract) refuses canceling units too."""
    packing = extend_lifecycle(
        "Packing",
        statuses=["packing"],
        moves=[
            Move("pack", "confirmed", "packing"),
            Move("ship", "packing", "shipped", cond="all_shipped"),
            Move("ship", "packing", "partially_shipped"),
        ],
    )
    subject = paid(order())
    subject.fire("pack", at=T1, actor="warehouse", lifecycle=packing)
    with pytest.raises(InvalidTransitionError):
        subject.cancel_lines({"BOOK": 1}, at=T1, reason="customer", lifecycle=packing)
    assert subject.line("BOOK").canceled == 0
