"""Strategies for orders: the checkout's snapshot and its lifecycle."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

import attrs
from hypothesis import assume
from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.money import sum_money
from commercekit.orders import (
    ORDER_BUTTON_LABELS,
    CancelReason,
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
    OrderPlaced,
    OrderStatus,
    OrderStatusChanged,
    OrderTransition,
    RefundDue,
    order_id,
)
from commercekit.payments import PaymentMethodKind, PaymentStatus
from commercekit.ports import DomainEvent
from commercekit.pricing import Discount, PricedLine
from commercekit.promotions import AppliedPromotion, PromotionId, normalize_code
from commercekit.testing.strategies._cart import _CUSTOM_LINES, _customer_ids
from commercekit.testing.strategies._common import _NOW_AND_THEN
from commercekit.testing.strategies._money import _instants, _numbered, addresses, money
from commercekit.testing.strategies._payment_methods import _METHOD_CODES_BY_KIND
from commercekit.testing.strategies._payments import _WAITING
from commercekit.testing.strategies._pricing import _price_breakdown
from commercekit.testing.strategies._promotions import _SHIPPING_METHODS
from commercekit.values import Address

__all__ = [
    "legal_acceptances",
    "moves",
    "order_events",
    "order_ids",
    "order_lines",
    "order_transitions",
    "orders",
    "refunds_due",
]

_ORDER_COUNTRIES: Final = ("DE", "AT", "FR", "NL", "PL", "US")
"""Countries both :func:`tax_contexts` and :func:`addresses` know: orders ship there."""
_ORDER_LOCALES: Final = ("de_DE", "en_GB", "fr_FR", "nl_NL")
_ORDER_NAMES: Final = (
    "Weißer Sneaker",
    "Laufschuh Nordlicht",
    "Wanderstiefel",
    "Socken (3er-Pack)",
    "Das Turnschuh-Buch",
)
_ORDER_OPTIONS: Final = st.sampled_from(
    [{}, {"size": "42"}, {"size": "43", "color": "weiß"}, {"color": "schwarz"}]
)
_GUEST_EMAILS: Final = ("guest@example.com", "jörg@example.de")
_LEGAL_DOCUMENTS: Final = st.sampled_from(
    [
        {"terms": "2026-05", "withdrawal": "2026-05"},
        {"terms": "2025-11", "withdrawal": "3", "privacy": "2025-09"},
        {},
    ]
)
_COUPON_SOURCES: Final = frozenset({"SUMMER10", "WELCOME"})
"""The discount sources of :func:`discounts` that a coupon unlocked."""
_STAFF: Final = st.sampled_from(["staff-7", "staff-12"])
_SHIPPERS: Final = st.sampled_from(["system", "warehouse", "staff-7"])
_STEP_DAYS: Final = 3
_CHECKOUT_KINDS: Final = (
    PaymentMethodKind.GATEWAY,
    PaymentMethodKind.INVOICE,
    PaymentMethodKind.CASH_ON_DELIVERY,
    PaymentMethodKind.PREPAYMENT,
)
"""The payment methods checkout takes for a whole order; the gateway first."""
_SHIPS_FIRST: Final = frozenset(
    {PaymentMethodKind.INVOICE, PaymentMethodKind.CASH_ON_DELIVERY}
)
_ASKED_REASONS: Final = (CancelReason.CUSTOMER, CancelReason.MERCHANT)
"""Why an order that is no longer waiting for its payment is canceled."""
_WAITING_KINDS: Final = (PaymentMethodKind.GATEWAY, PaymentMethodKind.PREPAYMENT)
"""The methods a placed order waits for: checkout confirms the others at once."""
_PAID_WITH: Final = {
    PaymentMethodKind.GATEWAY: PaymentStatus.AUTHORIZED,
    PaymentMethodKind.INVOICE: PaymentStatus.AUTHORIZED,
    PaymentMethodKind.CASH_ON_DELIVERY: PaymentStatus.AUTHORIZED,
    PaymentMethodKind.PREPAYMENT: PaymentStatus.CAPTURED,
}
"""The payment's status once it lets the order ship (a prepayment: transferred)."""
_SHIPPING_STATUSES: Final = (
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
_ORDER_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    OrderPlaced,
    OrderStatusChanged,
    OrderConfirmed,
    OrderCanceled,
    OrderLinesCanceled,
    OrderLinesShipped,
)
_EVENT_STATUSES: Final[dict[type[DomainEvent], tuple[OrderStatus, ...]]] = {
    OrderPlaced: tuple(OrderStatus),
    OrderStatusChanged: tuple(OrderStatus)[1:],
    OrderConfirmed: (
        OrderStatus.CONFIRMED,
        OrderStatus.IN_FULFILLMENT,
        *_SHIPPING_STATUSES,
    ),
    OrderCanceled: (OrderStatus.CANCELED,),
    OrderLinesCanceled: tuple(OrderStatus),
    OrderLinesShipped: _SHIPPING_STATUSES,
}
"""Where an order drawn for an event of the kind is driven: it records one on
the way (for lines canceled, a partial cancel is made to happen)."""
_OWN_MOVES: Final = (
    Move("confirm", "placed", "awaiting_approval", cond="needs_approval"),
    Move("approve", "awaiting_approval", "confirmed"),
    Move("cancel", "awaiting_approval", "canceled"),
    Move("hold", "in_fulfillment", "on_hold"),
    Move("release", "on_hold", "in_fulfillment"),
)
"""An application's own moves: an approval step and a warehouse hold."""


def order_ids() -> st.SearchStrategy[OrderId]:
    """Draw order ids as an id factory makes them, ``ord-1`` to ``ord-99999``."""
    return _numbered("ord").map(order_id)


def _button_label(label: str) -> str:
    """A label as a shop shows it: its first letter capitalized."""
    return label[:1].upper() + label[1:]


def legal_acceptances() -> st.SearchStrategy[LegalAcceptance]:
    """Draw what a customer accepted with the order button.

    The button's words are one of
    :data:`~commercekit.orders.ORDER_BUTTON_LABELS` (so they name the
    obligation to pay, § 312j BGB), capitalized as a shop shows them; the
    legal texts' versions are those of terms and withdrawal policy, also of
    a privacy notice, or none; pressed at a second from 2019 to 2027.
    """
    return st.builds(
        LegalAcceptance,
        button_label=st.sampled_from(sorted(ORDER_BUTTON_LABELS)).map(_button_label),
        accepted_at=_instants(),
        documents=_LEGAL_DOCUMENTS,
    )


def refunds_due(currency: str | None = None) -> st.SearchStrategy[RefundDue]:
    """Draw a refund an order noted: its key, and more than 0 going back.

    Args:
        currency: The refund's currency; any when ``None``.
    """
    return st.builds(
        RefundDue,
        key=st.builds(
            "order-{}-refund-{}".format,
            order_ids(),
            st.integers(min_value=1, max_value=50),
        ),
        amount=money(currency, min_value=Decimal("0.01"), max_value=Decimal(10_000)),
    )


def _order_line(draw: st.DrawFn, priced: PricedLine) -> OrderLine:
    """A line as checkout stores it from a priced line: nothing canceled yet."""
    return OrderLine(
        key=priced.key,
        sku=priced.sku,
        name=draw(st.sampled_from(_ORDER_NAMES)),
        options=draw(_ORDER_OPTIONS),
        quantity=priced.quantity,
        unit_price=priced.unit_price,
        tax=priced.tax,
        subtotal_minor=priced.subtotal_minor,
        total_minor=priced.total_minor,
        net_minor=priced.net_minor,
        tax_minor=priced.tax_minor,
        discounts=priced.discounts,
    )


def _customized(draw: st.DrawFn, line: OrderLine, taken: set[str]) -> OrderLine:
    """The line as a custom one (gift wrap, engraving), if its key is free."""
    key = draw(st.sampled_from(sorted(_CUSTOM_LINES)))
    if key in taken:
        return line
    return attrs.evolve(
        line, key=key, sku=key, name=_CUSTOM_LINES[key], options={}, custom=True
    )


@st.composite
def _order_line_counts(draw: st.DrawFn, code: str) -> OrderLine:
    breakdown = draw(_price_breakdown(code, min_lines=1))
    line = _order_line(draw, draw(st.sampled_from(breakdown.lines)))
    if draw(_NOW_AND_THEN):
        line = _customized(draw, line, set())
    canceled = draw(st.integers(0, line.quantity))
    shipped = draw(st.integers(0, line.quantity - canceled))
    returned = draw(st.integers(0, shipped))
    return attrs.evolve(line, canceled=canceled, shipped=shipped, returned=returned)


def order_lines(currency: str = "EUR") -> st.SearchStrategy[OrderLine]:
    """Draw lines of orders: a priced line, and what became of its units.

    The amounts are those of a line of :func:`price_breakdowns` (so they add
    up: in gross mode ``total == net + tax``, in net mode ``total == net``,
    with the line's own discounts and its parts of order discounts), its
    name one of a few products', with options or not; now and then it is a
    custom line (gift wrap, engraving). Of its units some may be canceled,
    some of the rest shipped, and some of those returned.

    Args:
        currency: The currency code of every amount.
    """
    return _order_line_counts(currency.strip().upper())


def _applied_promotions(
    lines: Iterable[OrderLine], currency: str
) -> tuple[AppliedPromotion, ...]:
    """The promotions that gave the lines' discounts: one per discount source."""
    given: dict[str, list[Discount]] = {}
    for line in lines:
        for discount in line.discounts:
            given.setdefault(discount.source, []).append(discount)
    return tuple(
        AppliedPromotion(
            promotion_id=PromotionId(source),
            name=next((d.label for d in found if d.label), source),
            amount=sum_money([d.amount for d in found], currency),
            coupon_code=normalize_code(source) if source in _COUPON_SOURCES else None,
        )
        for source, found in given.items()
    )


@functools.cache
def _addresses_in(country: str | None) -> st.SearchStrategy[Address]:
    """:func:`addresses` in ``country`` (or anywhere), built once."""
    return addresses(None if country is None else [country])


def _payment_window(kind: PaymentMethodKind) -> timedelta:
    """:class:`~commercekit.orders.OrderSettings`' default wait for a payment."""
    if kind is PaymentMethodKind.PREPAYMENT:
        return timedelta(days=7)
    return timedelta(hours=1)


@st.composite
def _placed_order(
    draw: st.DrawFn, code: str, kind: PaymentMethodKind, min_lines: int
) -> Order:
    """An order as checkout stores it from a priced cart, before its payment.

    It has recorded :class:`~commercekit.orders.OrderPlaced`, as checkout does.
    """
    breakdown = draw(
        _price_breakdown(code, min_lines=min_lines, ship_to=_ORDER_COUNTRIES)
    )
    context = breakdown.context
    lines = [_order_line(draw, priced) for priced in breakdown.lines]
    if draw(_NOW_AND_THEN):
        lines[-1] = _customized(draw, lines[-1], {line.key for line in lines})
    customer = draw(st.none() | _customer_ids())
    promotions = _applied_promotions(lines, breakdown.currency)
    business = context.buyer.business
    placed_at = context.supplied_at
    order = Order(
        order_id=draw(order_ids()),
        number=draw(st.integers(1, 999_999).map(lambda n: f"{n:06d}")),
        checkout_token=draw(_numbered("chk")),
        cart_id=draw(_numbered("cart")),
        placed_at=placed_at,
        currency=breakdown.currency,
        mode=breakdown.mode,
        locale=draw(st.sampled_from(_ORDER_LOCALES)),
        customer_id=customer,
        email=None if customer else draw(st.sampled_from(_GUEST_EMAILS)),
        customer=context.buyer,
        shipping_address=draw(_addresses_in(context.ship_to)),
        billing_address=draw(st.none() | st.none() | _addresses_in(None)),
        lines=lines,
        shipping_method=(
            draw(st.sampled_from(_SHIPPING_METHODS)) if breakdown.shipping else None
        ),
        shipping=breakdown.shipping,
        payment_method=draw(st.sampled_from(_METHOD_CODES_BY_KIND[kind])),
        payment_kind=kind,
        payment_due_by=(
            None if kind in _SHIPS_FIRST else placed_at + _payment_window(kind)
        ),
        promotions=promotions,
        coupons=tuple(p.coupon_code for p in promotions if p.coupon_code),
        acceptance=(
            None
            if business and draw(st.booleans())
            else draw(
                legal_acceptances().map(
                    lambda accepted: attrs.evolve(accepted, accepted_at=placed_at)
                )
            )
        ),
        cash_rounding_minor=breakdown.due_minor
        - breakdown.net_minor
        - breakdown.tax_minor,
    )
    order.record(
        OrderPlaced(
            order_id=order.order_id,
            number=order.number,
            cart_id=order.cart_id,
            customer_id=order.customer_id,
            total=order.amount_due,
            payment_method=order.payment_method,
            at=placed_at,
        )
    )
    return order


def _some_units(draw: st.DrawFn, order: Order, most: int) -> dict[str, int]:
    """One to ``most`` open units of the order, by line key; shrinks to one unit."""
    units: dict[str, int] = {}
    left = most
    for line in order.lines:
        if left and line.open:
            count = draw(st.integers(0, min(line.open, left)))
            if count:
                units[line.key] = count
                left -= count
    if not units:
        first = next(line for line in order.lines if line.open)
        units[first.key] = 1
    return units


def _open_units(order: Order) -> dict[str, int]:
    return {line.key: line.open for line in order.lines if line.open}


class _OrderRun:
    """Drives an order by its own methods, as checkout and the services do.

    Each step comes 0 seconds to 3 days after the last; while the order
    waits for its payment, no later than its payment is due.
    """

    def __init__(
        self,
        draw: st.DrawFn,
        order: Order,
        kind: PaymentMethodKind,
        *,
        cancel_some: bool,
    ) -> None:
        self.draw = draw
        self.order = order
        self.kind = kind
        self.payment_id = draw(_numbered("pay"))
        self.now = order.placed_at
        self.owed_cancel = cancel_some
        self.free = not order.amount_due.amount
        """An order that cost nothing at checkout: it never has a payment."""

    def later(self) -> datetime:
        until = self.order.payment_due_by
        most = timedelta(days=_STEP_DAYS)
        if self.order.status == OrderStatus.PLACED and until is not None:
            most = max(timedelta(0), min(most, until - self.now))
        seconds = int(most.total_seconds())
        self.now += timedelta(seconds=self.draw(st.integers(0, seconds)))
        return self.now

    def pay(self, status: PaymentStatus) -> None:
        if not self.free:
            self.order.record_payment(self.payment_id, status)

    def checkout(self) -> None:
        """Record the payment checkout started; a ship-first method confirms.

        So does an order that costs nothing: it needs no payment.
        """
        if self.order.ships_before_payment:
            self.pay(PaymentStatus.AUTHORIZED)
            self.order.confirm(at=self.now, actor="customer")
        elif self.kind is PaymentMethodKind.PREPAYMENT:
            self.pay(PaymentStatus.REQUIRES_ACTION)
        else:
            self.pay(self.draw(st.sampled_from(sorted(_WAITING))))

    def confirm(self) -> None:
        """The payment allows shipping: the order follows it."""
        self.pay(_PAID_WITH[self.kind])
        self.order.confirm(at=self.later())

    def cancel_some(self, keep: int) -> None:
        """Now and then (or when owed) cancel open units, leaving ``keep`` open."""
        order = self.order
        if order.open_units <= keep:
            return
        if not (self.owed_cancel or self.draw(_NOW_AND_THEN)):
            return
        self.owed_cancel = False
        units = _some_units(self.draw, order, order.open_units - keep)
        reason = self.draw(st.sampled_from(_ASKED_REASONS))
        actor = "customer" if reason is CancelReason.CUSTOMER else self.draw(_STAFF)
        order.cancel_lines(units, at=self.later(), reason=reason, actor=actor)

    def cancel(self) -> None:
        """Cancel every open unit: by the order's cancel, or all its lines'."""
        order = self.order
        placed = order.status == OrderStatus.PLACED
        reason = self.draw(st.sampled_from(CancelReason if placed else _ASKED_REASONS))
        if reason is CancelReason.CUSTOMER:
            actor = "customer"
        elif reason is CancelReason.MERCHANT:
            actor = self.draw(_STAFF)
        else:  # the payment failed, or never came: the provider's answer first
            actor = "system"
            self.pay(PaymentStatus.FAILED)
        at = self.later()
        due = order.payment_due_by
        if reason is CancelReason.PAYMENT_EXPIRED and due is not None:
            # The sweep finds it once its payment is due.
            swept = due + timedelta(seconds=self.draw(st.integers(0, 3600)))
            at = self.now = max(at, swept)
        if self.draw(st.booleans()):
            order.cancel(at=at, reason=reason, actor=actor)
        else:
            order.cancel_lines(_open_units(order), at=at, reason=reason, actor=actor)
        self.settle()

    def settle(self) -> None:
        """End the payment of a canceled order, as the services do."""
        if self.order.status != OrderStatus.CANCELED:
            return  # the shipped units are still to be paid
        status = self.order.payment_status
        if status in _WAITING:
            self.pay(PaymentStatus.FAILED)
        elif status is PaymentStatus.AUTHORIZED:
            self.pay(PaymentStatus.VOIDED)

    def ship_some(self) -> None:
        """Ship some open units, leaving at least one open."""
        order = self.order
        units = _some_units(self.draw, order, order.open_units - 1)
        order.ship(units, at=self.later(), actor=self.draw(_SHIPPERS))
        if self.kind is PaymentMethodKind.GATEWAY and self.draw(_NOW_AND_THEN):
            self.pay(PaymentStatus.PARTIALLY_CAPTURED)

    def finish_shipping(self) -> None:
        """Ship every open unit, or, after a partial shipment, cancel the rest."""
        order = self.order
        if order.status == OrderStatus.PARTIALLY_SHIPPED and self.draw(_NOW_AND_THEN):
            self.cancel()
        else:
            order.ship(_open_units(order), at=self.later(), actor=self.draw(_SHIPPERS))
        if self.kind is not PaymentMethodKind.PREPAYMENT and self.draw(st.booleans()):
            self.pay(PaymentStatus.CAPTURED)

    def return_some(self) -> None:
        """Now and then count some shipped units back, as a return does."""
        order = self.order
        if not self.draw(_NOW_AND_THEN):
            return
        order.lines = tuple(
            attrs.evolve(line, returned=self.draw(st.integers(0, line.shipped)))
            for line in order.lines
        )


def _drive(run: _OrderRun, target: OrderStatus) -> None:
    """Move the order to ``target`` through a path its lifecycle allows."""
    status, order = OrderStatus, run.order
    # Units every partial cancel leaves open: two, to ship some but not all.
    keep = 2 if target is status.PARTIALLY_SHIPPED else 1
    cancel_from = None
    if target is status.CANCELED:
        ways = [status.CONFIRMED, status.IN_FULFILLMENT]
        if not order.ships_before_payment:
            ways.insert(0, status.PLACED)
        cancel_from = run.draw(st.sampled_from(ways))
    run.checkout()
    if not order.ships_before_payment:
        run.cancel_some(keep)
        if target is status.PLACED:
            return
        if cancel_from is status.PLACED:
            run.cancel()
            return
        run.confirm()
    run.cancel_some(keep)
    if target is status.CONFIRMED:
        return
    if cancel_from is status.CONFIRMED:
        run.cancel()
        return
    started = target is status.IN_FULFILLMENT or cancel_from is not None
    if started or run.draw(st.booleans()):
        order.start_fulfillment(at=run.later(), actor=run.draw(_SHIPPERS))
        run.cancel_some(keep)
    if target is status.IN_FULFILLMENT:
        return
    if cancel_from is not None:
        run.cancel()
        return
    _ship(run, target)


def _ship(run: _OrderRun, target: OrderStatus) -> None:
    """Ship the order, in rounds, to ``target`` (partially shipped or later)."""
    status, order = OrderStatus, run.order
    rounds = run.draw(st.integers(1 if target is status.PARTIALLY_SHIPPED else 0, 3))
    for _ in range(rounds):
        if order.open_units < 2:  # noqa: PLR2004 - one to ship, one to keep
            break
        run.ship_some()
        run.cancel_some(1)
    if target is status.PARTIALLY_SHIPPED:
        return
    run.finish_shipping()
    if target in {status.DELIVERED, status.COMPLETED}:
        order.deliver(at=run.later())
        run.return_some()
    if target is status.COMPLETED:
        order.complete(at=run.later())


@st.composite
def _order(
    draw: st.DrawFn,
    code: str,
    statuses: tuple[OrderStatus, ...],
    *,
    cancel_some: bool = False,
) -> Order:
    """An order driven to one of ``statuses``, with the events it recorded."""
    target = draw(st.sampled_from(statuses))
    waits = target is OrderStatus.PLACED
    kinds = _WAITING_KINDS if waits else _CHECKOUT_KINDS
    kind = draw(st.sampled_from(kinds))
    keep = 2 if target is OrderStatus.PARTIALLY_SHIPPED else 1
    order = draw(_placed_order(code, kind, keep + cancel_some))
    # An order that costs nothing is confirmed at checkout: it never waits.
    assume(not waits or not order.ships_before_payment)
    _drive(_OrderRun(draw, order, kind, cancel_some=cancel_some), target)
    return order


def _statuses(statuses: Iterable[OrderStatus] | None) -> tuple[OrderStatus, ...]:
    chosen = tuple(OrderStatus) if statuses is None else tuple(statuses)
    if not chosen or not all(isinstance(s, OrderStatus) for s in chosen):
        msg = f"statuses must be some OrderStatus members, not {chosen!r}"
        raise ValidationError(msg, field="statuses")
    return chosen


def orders(
    currency: str = "EUR", *, statuses: Iterable[OrderStatus] | None = None
) -> st.SearchStrategy[Order]:
    """Draw orders in every status, or in ``statuses``, reached by their methods.

    An order is stored as checkout stores it: the lines, discounts, VAT and
    shipping of a cart of :func:`price_breakdowns` (at least one line; two
    or three where a partial shipment or cancel needs them; now and then
    one a custom line), priced for a customer or a guest (with an e-mail
    address) shipping to an address of :func:`addresses` in the country
    its VAT was decided for, with the promotions and coupons its discounts
    came from, and the order button's :func:`legal_acceptances` (a
    business may lack it). It is paid by a gateway (card, PayPal...), an
    invoice or cash on delivery (which ship first: confirmed at checkout)
    or a prepayment, waiting for the payment for the default window (an
    hour; a prepayment a week).

    Then :class:`~commercekit.orders.Order`'s own methods drive it, a step 0
    seconds to 3 days after the last (before the payment is due while it
    waits), to its status: the payment is recorded and the order
    confirmed; the warehouse starts on it or not; it ships in rounds,
    units are canceled now and then, the rest canceled after a partial
    shipment; it is canceled from placed (for any
    :class:`~commercekit.orders.CancelReason`), confirmed or in
    fulfillment; delivered (with some units returned now and then) and
    completed. The payment status follows, as the services record it.
    So its history is a path of its lifecycle and its lines' counts are
    what the moves did. It has recorded no events (as loaded) and has a
    version from 1 to 20.

    Args:
        currency: The currency code of every amount.
        statuses: The statuses to draw; all by default.

    Raises:
        ValidationError: for ``statuses`` that are empty or not statuses.
    """
    code, chosen = currency.strip().upper(), _statuses(statuses)

    @st.composite
    def build(draw: st.DrawFn) -> Order:
        order = draw(_order(code, chosen))
        order.pull_events()
        order.version = draw(st.integers(1, 20))
        return order

    return build()


def order_events(
    kinds: Iterable[type[DomainEvent]] | None = None, currency: str = "EUR"
) -> st.SearchStrategy[DomainEvent]:
    """Draw the orders context's events, of every kind or of ``kinds``.

    Each is an event an order of :func:`orders` recorded as its methods
    drove it (:class:`~commercekit.orders.OrderPlaced` as checkout records
    it), so its ids, units, totals and moves are the order's.

    Args:
        kinds: The event classes to draw from, such as ``[OrderCanceled]``;
            all six by default.
        currency: The currency code of every amount.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            the orders' event classes.
    """
    chosen = _ORDER_EVENTS if kinds is None else tuple(kinds)
    if not chosen or any(kind not in _ORDER_EVENTS for kind in chosen):
        names = ", ".join(kind.__name__ for kind in _ORDER_EVENTS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")
    code = currency.strip().upper()

    @st.composite
    def build(draw: st.DrawFn) -> DomainEvent:
        kind = draw(st.sampled_from(chosen))
        order = draw(
            _order(
                code,
                _EVENT_STATUSES[kind],
                cancel_some=kind is OrderLinesCanceled,
            )
        )
        recorded = [event for event in order.pull_events() if type(event) is kind]
        return draw(st.sampled_from(recorded))

    return build()


def order_transitions() -> st.SearchStrategy[OrderTransition]:
    """Draw entries of order histories: a move of the order lifecycle.

    Its source, event and target are one of
    :attr:`OrderLifecycle.moves <commercekit.orders.OrderLifecycle.moves>`; by
    the customer, the system or a staff member, at a second from 2019 to
    2027; a cancel gives a :class:`~commercekit.orders.CancelReason`, other
    moves no reason.
    """

    @st.composite
    def build(draw: st.DrawFn) -> OrderTransition:
        move = draw(st.sampled_from(OrderLifecycle.moves))
        reason = draw(st.sampled_from(CancelReason)) if move.event == "cancel" else None
        return OrderTransition(
            source=move.source,
            target=move.target,
            event=move.event,
            actor=draw(st.sampled_from(["customer", "system"]) | _STAFF),
            at=draw(_instants()),
            reason=reason,
        )

    return build()


def moves() -> st.SearchStrategy[Move]:
    """Draw moves of order lifecycles.

    The library's own (:attr:`OrderLifecycle.moves
    <commercekit.orders.OrderLifecycle.moves>`, with their conditions and
    rules), or an application's: an approval step (``confirm`` to
    ``awaiting_approval`` under a condition, then ``approve`` or ``cancel``)
    and a warehouse hold (``hold`` and ``release``).
    """
    return st.sampled_from(OrderLifecycle.moves + _OWN_MOVES)
