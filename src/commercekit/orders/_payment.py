"""Keeping an order and its payment in step, and giving back what it held."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final

from commercekit.errors import NotFoundError
from commercekit.inventory import release_stock_in
from commercekit.orders._model import Order
from commercekit.orders._ports import OrdersUnitOfWork
from commercekit.orders._settings import OrderSettings
from commercekit.orders._status import _PAID, CancelReason, OrderStatus
from commercekit.payments import Payment, PaymentStatus
from commercekit.ports import Clock, IdFactory
from commercekit.values import as_utc

__all__: list[str] = []

_LOST: Final = frozenset(
    {PaymentStatus.FAILED, PaymentStatus.EXPIRED, PaymentStatus.VOIDED}
)
_RETRIES: Final = 5
"""How often a step reloads and tries again after a version conflict."""


def _now_of(clock: Clock) -> datetime:
    return as_utc(clock.now(), field="clock.now()")


def _payment_key(order_id: str, operation: str, *parts: object) -> str:
    """The idempotency key of a payment operation for an order."""
    return "-".join(("order", order_id, operation, *(str(part) for part in parts)))


def _remove_cart(uow: OrdersUnitOfWork, order: Order) -> None:
    """Remove the cart an order came from, unless it changed after placement."""
    try:
        cart = uow.carts.get(order.cart_id)
    except NotFoundError:
        return
    if cart.updated_at <= order.placed_at:
        uow.carts.remove(order.cart_id, expected_version=cart.version)


def _sku_units(order: Order, units: Mapping[str, int]) -> dict[str, int]:
    """Line units as stock units: SKU to units (custom lines hold no stock)."""
    by_sku: dict[str, int] = {}
    for key, count in units.items():
        line = order.line(key)
        if not line.custom:
            by_sku[line.sku] = by_sku.get(line.sku, 0) + count
    return by_sku


def _give_back(
    uow: OrdersUnitOfWork,
    order: Order,
    canceled: Mapping[str, int],
    *,
    at: datetime,
    ids: IdFactory | None = None,
) -> None:
    """Release what canceled units held.

    Their stock always; once the whole order is gone, also its coupon uses
    and what it took of promotion budgets.
    """
    if order.status == OrderStatus.CANCELED:
        release_stock_in(uow, reference=order.order_id, at=at)
        for code in order.coupons:
            uow.coupons.release(code, order.order_id)
        for applied in order.promotions:
            if applied.promotion_id not in order.budgets:
                continue  # it spent no budget at placement
            try:
                uow.promotions.record_spent(applied.promotion_id, -applied.amount)
            except NotFoundError:
                continue  # the promotion is gone, and its budget with it
        return
    units = _sku_units(order, canceled)
    if units:
        release_stock_in(uow, reference=order.order_id, at=at, units=units, ids=ids)


def _cancel_reason(payment: Payment) -> str:
    if payment.status is PaymentStatus.FAILED:
        return CancelReason.PAYMENT_DECLINED
    return CancelReason.PAYMENT_EXPIRED


def _follow(
    order: Order,
    payment: Payment,
    *,
    uow: OrdersUnitOfWork,
    settings: OrderSettings,
    at: datetime,
    actor: str,
) -> bool:
    """Move a placed order after its payment; whether anything changed."""
    changed = order.payment_status is not payment.status
    order.record_payment(payment.payment_id, payment.status)
    if order.status != OrderStatus.PLACED:
        return changed
    if payment.status in _PAID:
        order.confirm(at=at, actor=actor, lifecycle=settings.lifecycle)
        _remove_cart(uow, order)
        return True
    if payment.status in _LOST:
        canceled = order.cancel(
            at=at,
            reason=_cancel_reason(payment),
            actor=actor,
            lifecycle=settings.lifecycle,
        )
        _give_back(uow, order, canceled, at=at)
        return True
    return changed
