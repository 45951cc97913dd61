"""Placing an order: one unit of work to store it, then the payment, then its result.

1. Outside any transaction: the cart is validated and priced (the frozen
   price while it holds), the payment method and the order button checked.
2. One unit of work: the order is numbered and stored with its snapshot,
   the cart's own stock holds are released and the order's reserved,
   the coupons redeemed, the payment created; ``OrderPlaced`` is recorded.
   A method without a provider (invoice, cash on delivery) is authorized
   here, and the order confirmed at once.
3. Outside any transaction: the provider is asked, with an idempotency
   key derived from the order (:func:`~commercekit.payments.authorize_payment`
   keeps its own three steps).
4. One unit of work: the result is recorded on the order. Approved: the
   order is confirmed and the cart removed. Declined: the order is
   canceled (``payment_declined``), its stock released and coupons given
   back; the cart was never touched. Requires action or pending: the
   order waits, placed, with its stock, until the payment is told or the
   sweep cancels it.

A checkout token makes it idempotent: the same token places one order, and
a repeat (a double click, a retry after a timeout, a racing thread) goes on
from where the first call got, with the same idempotency key, so the
provider authorizes once.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

from commercekit.cart import Cart, CartPrice, validate_cart
from commercekit.errors import DuplicateError, ValidationError, VersionConflictError
from commercekit.inventory import release_stock_in, reserve_stock_in
from commercekit.orders._errors import CheckoutBlockedError, OrderRuleError
from commercekit.orders._events import OrderPlaced
from commercekit.orders._model import Order
from commercekit.orders._payment import _payment_key, _remove_cart
from commercekit.orders._ports import OrdersUnitOfWork
from commercekit.orders._settings import OrderSettings
from commercekit.orders._settle import follow_payment
from commercekit.orders._snapshot import _build_order
from commercekit.orders._status import OrderStatus
from commercekit.orders._values import LegalAcceptance
from commercekit.payments import (
    AuthorizeRequest,
    Payment,
    PaymentDeclinedError,
    PaymentGateway,
    PaymentMethod,
    PaymentMethodKind,
    PaymentStatus,
    RequiredAction,
    authorize_payment,
    open_cash_on_delivery_payment,
    open_invoice_payment,
    open_prepayment,
)
from commercekit.ports import Clock, IdFactory
from commercekit.pricing import PriceBreakdown
from commercekit.values import CustomerFacts, as_utc, identifier

__all__ = ["PlacementOutcome", "PlacementResult", "place_order"]


class PlacementOutcome(enum.StrEnum):
    """What became of a placed order right away."""

    CONFIRMED = "confirmed"
    """Paid (authorized), or by a method that ships first: it may ship."""
    REQUIRES_ACTION = "requires_action"
    """The customer must act (3-D Secure, a redirect, a bank transfer):
    hand them ``PlacementResult.action``."""
    AWAITING_PAYMENT = "awaiting_payment"
    """The provider answers later: the order waits, placed."""


@attrs.frozen(kw_only=True)
class PlacementResult:
    """What :func:`place_order` did.

    Args:
        order: The order as stored.
        outcome: Confirmed, requires action, or awaiting payment.
        payment: Its payment as stored; ``None`` for an order that costs
            nothing (a 100% voucher), which is confirmed at once.
        action: What the storefront hands the customer, for requires action.
    """

    order: Order
    outcome: PlacementOutcome
    payment: Payment | None
    action: RequiredAction | None = None


_SUPPORTED = frozenset(
    {
        PaymentMethodKind.GATEWAY,
        PaymentMethodKind.INVOICE,
        PaymentMethodKind.CASH_ON_DELIVERY,
        PaymentMethodKind.PREPAYMENT,
    }
)


def _now(clock: Clock) -> datetime:
    return as_utc(clock.now(), field="clock.now()")


def _method(
    cart: Cart, breakdown: PriceBreakdown, settings: OrderSettings
) -> PaymentMethod:
    address = cart.billing_address or cart.shipping_address
    assert address is not None  # noqa: S101 - validation asks for it first
    assert cart.payment_method is not None  # noqa: S101 - and for the method
    method = settings.payment_methods.require(
        cart.payment_method, address.country, breakdown.amount_due
    )
    if method.kind not in _SUPPORTED:
        msg = (
            f"payment method {method.code!r} ({method.kind}) cannot pay a whole "
            "order: take store credit as part of a split tender"
        )
        raise OrderRuleError(msg, rule="unsupported_payment_method")
    if method.fee is not None:
        msg = (
            f"payment method {method.code!r} carries a fee, which checkout does not "
            "add to the order yet: offer it without a fee"
        )
        raise OrderRuleError(msg, rule="unsupported_payment_method")
    return method


def _check_acceptance(
    acceptance: LegalAcceptance | None, customer: CustomerFacts, settings: OrderSettings
) -> None:
    given: object = acceptance
    if given is not None and not isinstance(given, LegalAcceptance):
        msg = f"acceptance must be a LegalAcceptance, not {acceptance!r}"
        raise ValidationError(msg, field="acceptance")
    if customer.business:
        return
    if acceptance is None or not settings.names_obligation_to_pay(
        acceptance.button_label
    ):
        label = None if acceptance is None else acceptance.button_label
        msg = (
            "a consumer order is placed only by a button that names the obligation "
            f"to pay, such as 'zahlungspflichtig bestellen' (got {label!r})"
        )
        raise OrderRuleError(msg, rule="order_button_label")


@attrs.frozen
class _Checked:
    cart: Cart
    price: CartPrice
    breakdown: PriceBreakdown
    customer: CustomerFacts
    method: PaymentMethod


def _check(
    cart_id: str,
    *,
    acceptance: LegalAcceptance | None,
    customer: CustomerFacts | None,
    uow: OrdersUnitOfWork,
    settings: OrderSettings,
    at: datetime,
) -> _Checked:
    with uow:
        cart = uow.carts.get(cart_id)
        earlier = (
            0
            if cart.customer_id is None
            else uow.orders.count_for_customer(cart.customer_id)
        )
    facts = attrs.evolve(customer or CustomerFacts(), order_count=earlier)
    validation = validate_cart(
        cart,
        uow=uow,
        pricing=settings.pricing,
        inventory=settings.inventory,
        at=at,
        customer=facts,
    )
    if validation.problems or validation.price is None or validation.payable is None:
        raise CheckoutBlockedError(
            cart_id=cart.cart_id, problems=validation.problems, rule="checkout_blocked"
        )
    _check_acceptance(acceptance, facts, settings)
    method = _method(cart, validation.payable, settings)
    return _Checked(cart, validation.price, validation.payable, facts, method)


def _new_payment(
    order: Order,
    method: PaymentMethod,
    settings: OrderSettings,
    ids: IdFactory,
    at: datetime,
) -> Payment:
    code, amount = ids.new_id(), order.amount_due
    if method.kind is PaymentMethodKind.INVOICE:
        return open_invoice_payment(
            payment_id=code,
            order_id=order.order_id,
            amount=amount,
            at=at,
            method=method.code,
        )
    if method.kind is PaymentMethodKind.CASH_ON_DELIVERY:
        return open_cash_on_delivery_payment(
            payment_id=code,
            order_id=order.order_id,
            amount=amount,
            at=at,
            method=method.code,
        )
    if method.kind is PaymentMethodKind.PREPAYMENT:
        return open_prepayment(
            payment_id=code,
            order_id=order.order_id,
            amount=amount,
            at=at,
            reference=order.number,
            bank_details=settings.bank_details,
            method=method.code,
        )
    return Payment(
        payment_id=code,
        order_id=order.order_id,
        method=method.code,
        amount=amount,
        created_at=at,
    )


def _applied_coupons(checked: _Checked) -> tuple[str, ...]:
    """The cart's coupon codes that unlocked a promotion the order got."""
    used = {
        promotion.coupon_code
        for promotion in checked.price.promotions.applied
        if promotion.coupon_code is not None
    }
    return tuple(code for code in checked.cart.coupon_codes if code in used)


def _spend_budgets(uow: OrdersUnitOfWork, order: Order) -> None:
    """Count what each budgeted promotion gave the order against its budget."""
    spent: list[str] = []
    for applied in order.promotions:
        stored = uow.promotions.get(applied.promotion_id).promotion
        if applied.amount.amount and stored.budget is not None:
            uow.promotions.record_spent(applied.promotion_id, applied.amount)
            spent.append(applied.promotion_id)
    order.budgets = tuple(spent)


def _store(
    checked: _Checked,
    *,
    checkout_token: str,
    acceptance: LegalAcceptance | None,
    uow: OrdersUnitOfWork,
    settings: OrderSettings,
    ids: IdFactory,
    at: datetime,
    actor: str,
) -> tuple[Order, Payment | None] | None:
    """Step 2; ``None`` if an order with the token exists already."""
    cart, method = checked.cart, checked.method
    free = not checked.breakdown.amount_due.amount
    ships_first = free or method.kind in {
        PaymentMethodKind.INVOICE,
        PaymentMethodKind.CASH_ON_DELIVERY,
    }
    with uow:
        if uow.orders.by_checkout_token(checkout_token) is not None:
            return None
        waiting = uow.orders.placed_from_cart(cart.cart_id)
        if waiting is not None:
            msg = (
                f"cart {cart.cart_id} became order {waiting.number}, which awaits "
                "its payment: let the customer finish it, or cancel it "
                "(cancel_order) before a new checkout"
            )
            raise OrderRuleError(
                msg, rule="order_awaiting_payment", order_id=waiting.order_id
            )
        stored_version = uow.carts.get(cart.cart_id).version
        if stored_version != cart.version:
            raise VersionConflictError(
                kind="cart",
                key=cart.cart_id,
                expected_version=cart.version,
                actual_version=stored_version,
            )
        order = _build_order(
            order_id=ids.new_id(),
            number=settings.number(uow.order_numbers.next_number()),
            checkout_token=checkout_token,
            cart=cart,
            price=checked.price,
            breakdown=checked.breakdown,
            customer=checked.customer,
            payment_method=method.code,
            payment_kind=method.kind,
            acceptance=acceptance,
            coupons=_applied_coupons(checked),
            at=at,
            payment_due_by=None if ships_first else at + settings.window_for(method),
            uow=uow,
        )
        uow.track(order)  # OrderPlaced goes out before the stock's events
        order.record(
            OrderPlaced(
                order_id=order.order_id,
                number=order.number,
                cart_id=cart.cart_id,
                customer_id=order.customer_id,
                total=order.amount_due,
                payment_method=method.code,
                at=at,
            )
        )
        release_stock_in(uow, reference=cart.cart_id, at=at)
        units: dict[str, int] = {}
        for line in order.lines:
            if not line.custom:
                units[line.sku] = units.get(line.sku, 0) + line.quantity
        if units:
            reserve_stock_in(
                uow,
                units,
                reference=order.order_id,
                settings=settings.inventory,
                at=at,
                ids=ids,
            )
        customer_key = order.customer_id or order.email or order.order_id
        for code in order.coupons:
            uow.coupons.redeem(
                code, order_id=order.order_id, customer=customer_key, at=at
            )
        _spend_budgets(uow, order)
        payment = None if free else _new_payment(order, method, settings, ids, at)
        if payment is not None:
            uow.payments.add(payment)
            order.record_payment(payment.payment_id, payment.status)
        if ships_first:
            order.confirm(at=at, actor=actor, lifecycle=settings.lifecycle)
            _remove_cart(uow, order)
        uow.orders.add(order)
        uow.commit()
    return order, payment


def _result(order: Order, payment: Payment | None) -> PlacementResult:
    if order.status == OrderStatus.CANCELED:
        if payment is not None and payment.status is PaymentStatus.FAILED:
            raise PaymentDeclinedError(
                payment_id=payment.payment_id,
                order_id=order.order_id,
                decline_code=payment.decline_code or "declined",
                customer_message=payment.decline_message
                or "The payment was declined. Please choose another payment method.",
            )
        msg = (
            f"order {order.number} of this checkout was canceled "
            f"({order.cancel_reason}): start a new checkout"
        )
        raise OrderRuleError(msg, rule="order_canceled", order_id=order.order_id)
    if payment is not None and payment.status is PaymentStatus.REQUIRES_ACTION:
        outcome = PlacementOutcome.REQUIRES_ACTION
    elif order.status == OrderStatus.PLACED:
        outcome = PlacementOutcome.AWAITING_PAYMENT
    else:
        outcome = PlacementOutcome.CONFIRMED
    return PlacementResult(
        order=order,
        outcome=outcome,
        payment=payment,
        action=None if payment is None else payment.action,
    )


def place_order(
    cart_id: str,
    *,
    checkout_token: str,
    acceptance: LegalAcceptance | None,
    uow: OrdersUnitOfWork,
    gateway: PaymentGateway,
    clock: Clock,
    ids: IdFactory,
    settings: OrderSettings,
    payment_token: str | None = None,
    customer: CustomerFacts | None = None,
    return_url: str | None = None,
    metadata: Mapping[str, str] | None = None,
    actor: str = "customer",
) -> PlacementResult:
    """Turn a cart into an order, hold its stock, and start its payment.

    See the module's steps above. Call :func:`~commercekit.cart.start_checkout`
    first: it freezes the price the customer sees beside the order button,
    and that is the price the order records.

    Args:
        cart_id: The cart.
        checkout_token: Made by the storefront once per checkout page (and
            sent with the order button): the same token places one order.
        acceptance: The order button's label and the legal texts accepted;
            required for a consumer (§ 312j BGB).
        uow: A unit of work with every store checkout touches.
        gateway: The payment provider, for a gateway method.
        clock: Tells the time.
        ids: Makes the order's, reservations' and payment's ids.
        settings: The shop's settings.
        payment_token: The provider's token for the customer's means of
            payment (never card data); required for a gateway method.
        customer: The customer's facts (group, VAT id); the count of earlier
            orders is read from the orders repository.
        return_url: Where the provider sends the customer back after a
            redirect.
        metadata: Sent to the provider with the authorization.
        actor: Who placed it, for the history.

    Returns:
        The order, its payment, and what became of it.

    Raises:
        CheckoutBlockedError: if the cart's validation found problems;
            nothing was stored.
        PromotionBudgetExceededError: if a promotion's budget ran out
            since the price was frozen; nothing stored.
        OrderRuleError: ``order_button_label`` without the § 312j button,
            ``unsupported_payment_method``; ``order_awaiting_payment`` when
            the cart's earlier order (another checkout token) still waits
            for its payment; ``order_canceled`` when this checkout's order
            was canceled.
        PaymentMethodUnavailableError: for a method not offered here.
        InsufficientStockError: if the stock went meanwhile; nothing stored.
        CouponUnavailableError: if a coupon's last use went meanwhile.
        PaymentDeclinedError: if the provider declined; the order is
            canceled (its id is on the error), stock and coupons are as
            before, the cart unchanged. Placing again with the same token
            raises it again: a new attempt takes a new token.
        GatewayUnavailableError: if the provider did not answer: the order
            is stored and waits; call again with the same token (and
            payment token) to go on, or let the recovery sweep find out.
        VersionConflictError: if the cart changed while it was placed.
        NotFoundError: for an unknown cart.
    """
    checkout_token = identifier(checkout_token, field="checkout_token")
    actor = identifier(actor, field="actor")
    now = _now(clock)
    with uow:
        existing = uow.orders.by_checkout_token(checkout_token)
    stored: tuple[Order, Payment | None] | None = None
    if existing is None:
        checked = _check(
            cart_id,
            acceptance=acceptance,
            customer=customer,
            uow=uow,
            settings=settings,
            at=now,
        )
        _check_request(checked, payment_token, return_url, metadata)
        try:
            stored = _store(
                checked,
                checkout_token=checkout_token,
                acceptance=acceptance,
                uow=uow,
                settings=settings,
                ids=ids,
                at=now,
                actor=actor,
            )
        except DuplicateError as exc:
            if exc.kind != "checkout token":
                raise
            stored = None  # a racing call with the token stored it first
    if stored is None:
        order, payment = _stored(checkout_token, cart_id, uow)
    else:
        order, payment = stored
    if (
        payment is not None
        and order.status == OrderStatus.PLACED
        and payment.status is PaymentStatus.PENDING
        and payment.provider_reference is None
    ):
        if payment_token is None:
            msg = "the order's payment was not sent yet: give the payment_token"
            raise ValidationError(msg, field="payment_token")
        with contextlib.suppress(PaymentDeclinedError):  # the order follows below
            payment = authorize_payment(
                payment.payment_id,
                payment_token,
                idempotency_key=_payment_key(order.order_id, "authorize"),
                uow=uow,
                gateway=gateway,
                clock=clock,
                return_url=return_url,
                metadata=metadata,
            )
    order, payment = follow_payment(
        order.order_id,
        uow=uow,
        clock=clock,
        settings=settings,
        gateway=gateway,
        actor="system",
    )
    return _result(order, payment)


def _stored(
    checkout_token: str, cart_id: str, uow: OrdersUnitOfWork
) -> tuple[Order, Payment | None]:
    """The order a checkout token placed (a repeat, or a racer's), and its payment."""
    with uow:
        order = uow.orders.by_checkout_token(checkout_token)
        assert order is not None  # noqa: S101 - found, or stored by a racer
        if order.cart_id != cart_id:
            msg = (
                f"checkout token {checkout_token!r} placed an order from cart "
                f"{order.cart_id!r}, not {cart_id!r}: each checkout takes its own"
            )
            raise ValidationError(msg, field="checkout_token")
        if order.payment_id is None:
            return order, None
        return order, uow.payments.get(order.payment_id)


def _check_request(
    checked: _Checked,
    payment_token: str | None,
    return_url: str | None,
    metadata: Mapping[str, str] | None,
) -> None:
    """Refuse what the provider request would refuse, before anything is stored."""
    due = checked.breakdown.amount_due
    if checked.method.kind is not PaymentMethodKind.GATEWAY or not due.amount:
        return
    if payment_token is None:
        msg = f"payment method {checked.method.code!r} needs a payment_token"
        raise ValidationError(msg, field="payment_token")
    AuthorizeRequest(  # checks the token, URL and metadata for card data
        payment_id="check",
        amount=due,
        token=payment_token,
        idempotency_key="check",
        return_url=return_url,
        metadata=dict(metadata or {}),
    )
