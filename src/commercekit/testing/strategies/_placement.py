"""Strategies for placed orders, pages of orders and a shop's order settings."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Final

from hypothesis import assume
from hypothesis import strategies as st

from commercekit.orders import (
    ORDER_BUTTON_LABELS,
    Move,
    Order,
    OrderLifecycle,
    OrderPage,
    OrderSettings,
    PlacementOutcome,
    PlacementResult,
    extend_lifecycle,
)
from commercekit.payments import (
    Payment,
    PaymentMethod,
    PaymentMethodKind,
    PaymentMethods,
    RequiredAction,
    open_cash_on_delivery_payment,
    open_invoice_payment,
    open_prepayment,
)
from commercekit.testing.strategies._checkout import cart_pricing_settings
from commercekit.testing.strategies._common import _NOW_AND_THEN
from commercekit.testing.strategies._inventory import inventory_settings
from commercekit.testing.strategies._money import _numbered
from commercekit.testing.strategies._orders import (
    _CHECKOUT_KINDS,
    _SHIPS_FIRST,
    _WAITING_KINDS,
    _placed_order,
    orders,
)
from commercekit.testing.strategies._payment_methods import (
    _METHOD_CODES_BY_KIND,
    _METHOD_NAMES_BY_CODE,
    _SERVED,
)
from commercekit.testing.strategies._payments import required_actions

__all__ = [
    "order_pages",
    "order_settings",
    "placement_results",
]


def _page_key(order: Order) -> tuple[datetime, str]:
    return (order.placed_at, order.order_id)


def _order_number(order: Order) -> str:
    return order.number


def _order_token(order: Order) -> str:
    return order.checkout_token


def _order_key(order: Order) -> str:
    return order.order_id


@st.composite
def _order_page(draw: st.DrawFn, code: str) -> OrderPage:
    found = draw(
        st.lists(
            orders(code),
            max_size=3,
            unique_by=(_order_key, _order_number, _order_token),
        )
    )
    found.sort(key=_page_key, reverse=True)
    limit = draw(st.integers(max(1, len(found)), 50))
    offset = draw(st.integers(0, 100))
    total = offset + len(found)
    if len(found) == limit:
        total += draw(st.integers(0, 100))
    return OrderPage(orders=tuple(found), total=total, offset=offset, limit=limit)


def order_pages(currency: str = "EUR") -> st.SearchStrategy[OrderPage]:
    """Draw pages of a query's orders, as a repository returns them.

    Up to three :func:`orders` (each id, number and checkout token once),
    newest first (placed last first, then by id descending); the page size
    asked for is at least as many (1 to 50), after 0 to 100 orders; only a
    full page may have more after it.

    Args:
        currency: The currency code of every amount.
    """
    return _order_page(currency.strip().upper())


@st.composite
def _placement(draw: st.DrawFn, code: str) -> PlacementResult:
    outcome = draw(st.sampled_from(PlacementOutcome))
    gateway = PaymentMethodKind.GATEWAY
    kinds = {
        PlacementOutcome.CONFIRMED: (gateway, *sorted(_SHIPS_FIRST)),
        PlacementOutcome.REQUIRES_ACTION: _WAITING_KINDS,
        PlacementOutcome.AWAITING_PAYMENT: (gateway,),
    }[outcome]
    kind = draw(st.sampled_from(kinds))
    order = draw(_placed_order(code, kind, 1))
    # A payment asks for more than 0: a cart that costs nothing pays nothing.
    assume(order.amount_due.amount > 0)
    payment = _checkout_payment(draw, order, kind, outcome)
    order.record_payment(payment.payment_id, payment.status)
    if outcome is PlacementOutcome.CONFIRMED:
        actor = "customer" if kind in _SHIPS_FIRST else "system"
        order.confirm(at=order.placed_at, actor=actor)
    order.pull_events()
    payment.pull_events()
    order.version = draw(st.integers(1, 2))
    payment.version = draw(st.integers(1, 2))
    return PlacementResult(
        order=order, outcome=outcome, payment=payment, action=payment.action
    )


def _checkout_payment(
    draw: st.DrawFn, order: Order, kind: PaymentMethodKind, outcome: PlacementOutcome
) -> Payment:
    """The payment checkout started for ``order``, as the provider answered."""
    code, at, due = draw(_numbered("pay")), order.placed_at, order.amount_due
    method = order.payment_method
    if kind is PaymentMethodKind.INVOICE:
        return open_invoice_payment(
            payment_id=code, order_id=order.order_id, amount=due, at=at, method=method
        )
    if kind is PaymentMethodKind.CASH_ON_DELIVERY:
        return open_cash_on_delivery_payment(
            payment_id=code, order_id=order.order_id, amount=due, at=at, method=method
        )
    if kind is PaymentMethodKind.PREPAYMENT:
        return open_prepayment(
            payment_id=code,
            order_id=order.order_id,
            amount=due,
            at=at,
            reference=order.number,
            bank_details={"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
            method=method,
        )
    payment = Payment(
        payment_id=code,
        order_id=order.order_id,
        method=method,
        amount=due,
        created_at=at,
    )
    reference = draw(_numbered("psp"))
    if outcome is PlacementOutcome.CONFIRMED:
        payment.authorize(due, at=at, reference=reference)
    elif outcome is PlacementOutcome.REQUIRES_ACTION:
        action = draw(required_actions().filter(_not_a_transfer))
        payment.require_action(action, at=at, reference=reference)
    else:  # the provider answers later; its reference may be known already
        payment.provider_reference = draw(st.none() | st.just(reference))
    return payment


def _not_a_transfer(action: RequiredAction) -> bool:
    return action.kind != "bank_transfer"


def placement_results(currency: str = "EUR") -> st.SearchStrategy[PlacementResult]:
    """Draw what :func:`~commercekit.orders.place_order` returns.

    The order is one of :func:`orders` as checkout stored it, for more than
    0, and its payment is the one checkout started, for its amount due:
    confirmed at once (a gateway authorized it, or an invoice or cash on
    delivery ships first); requiring action (a gateway's redirect or 3-D
    Secure challenge, or a prepayment's bank transfer: the action is handed
    back); or awaiting the provider's answer (pending). The order's
    payment id and status are the payment's; neither has recorded events.

    Args:
        currency: The currency code of every amount.
    """
    return _placement(currency.strip().upper())


@functools.cache
def _approval_lifecycle() -> type[OrderLifecycle]:
    """An application's lifecycle with an approval step for large orders."""
    return extend_lifecycle(
        "ApprovalLifecycle",
        statuses=["awaiting_approval"],
        moves=[
            Move("confirm", "placed", "awaiting_approval", cond=_needs_approval),
            Move("approve", "awaiting_approval", "confirmed"),
            Move("cancel", "awaiting_approval", "canceled"),
        ],
    )


def _needs_approval(model: Order) -> bool:
    return model.grand_total.amount > _APPROVAL_ABOVE


_APPROVAL_ABOVE: Final = 1000


@st.composite
def _shop_methods(draw: st.DrawFn, code: str) -> PaymentMethods:
    kinds = draw(
        st.lists(
            st.sampled_from([*_CHECKOUT_KINDS, PaymentMethodKind.STORE_CREDIT]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    methods = []
    for kind in kinds:
        method = draw(st.sampled_from(_METHOD_CODES_BY_KIND[kind]))
        methods.append(
            PaymentMethod(
                code=method,
                name=_METHOD_NAMES_BY_CODE[method],
                kind=kind,
                currencies=[code],
                countries=draw(_SERVED),
            )
        )
    return PaymentMethods(methods)


def order_settings(currency: str = "EUR") -> st.SearchStrategy[OrderSettings]:
    """Draw a shop's settings for checkout and orders in ``currency``.

    Carts priced by :func:`cart_pricing_settings`, stock held by
    :func:`inventory_settings`; one to four payment methods of the kinds
    checkout takes (a gateway, invoice, cash on delivery, prepayment; store
    credit beside them), in ``currency``, without a fee, in all countries
    or some; the library's lifecycle, or now and then one extended by an
    approval step for orders above 1,000. A payment waits 5 minutes to a
    day (a prepayment a week, or as set), the recovery sweep 1 to 60
    minutes; order numbers have a prefix or not and 4 to 10 digits; the
    order button's labels are the library's or some of them; bank details
    for prepayments are given or not.

    Args:
        currency: The shop's currency.
    """
    code = currency.strip().upper()
    minutes = st.integers(5, 24 * 60).map(lambda n: timedelta(minutes=n))
    days = st.integers(3, 14).map(lambda n: timedelta(days=n))
    return st.builds(
        OrderSettings,
        pricing=cart_pricing_settings(code),
        inventory=inventory_settings(),
        payment_methods=_shop_methods(code),
        lifecycle=_NOW_AND_THEN.map(
            lambda extended: _approval_lifecycle() if extended else OrderLifecycle
        ),
        payment_window=minutes,
        payment_windows=st.just({PaymentMethodKind.PREPAYMENT.value: timedelta(days=7)})
        | days.map(lambda wait: {PaymentMethodKind.PREPAYMENT.value: wait})
        | minutes.map(lambda wait: {"paypal": wait}),
        recovery_grace=st.integers(1, 60).map(lambda n: timedelta(minutes=n)),
        number_prefix=st.sampled_from(["", "SO-", "2026-"]),
        number_width=st.integers(4, 10),
        button_labels=st.just(ORDER_BUTTON_LABELS)
        | st.sets(st.sampled_from(sorted(ORDER_BUTTON_LABELS)), min_size=1),
        bank_details=st.just({})
        | st.just({"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}),
    )
