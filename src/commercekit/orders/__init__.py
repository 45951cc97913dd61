"""Orders: checkout turns a cart into an order, and the order's lifecycle.

* :func:`place_order` validates and prices a cart, stores the
  :class:`Order` (a snapshot of the checkout), reserves its stock, redeems
  its coupons and starts its payment: idempotent by a checkout token, with
  no transaction held open while the provider is asked.
* :class:`OrderLifecycle` is the order's state machine, built from its
  :class:`Move` list; :func:`extend_lifecycle` adds an application's own
  statuses and moves (a manual approval step) without forking it.
* :func:`cancel_order` and :func:`cancel_order_lines` cancel before
  shipment and settle the payment; :func:`ship_order` records shipped
  units; :func:`expire_unpaid_orders` and :func:`recover_placements` are
  the sweeps.
* :class:`OrderRepository` stores orders and answers the shop's queries;
  :class:`OrderNumberSequence` numbers them; :class:`OrdersUnitOfWork` has
  every store checkout touches.
"""

from commercekit.orders._checkout import PlacementOutcome, PlacementResult, place_order
from commercekit.orders._errors import CheckoutBlockedError, OrderRuleError
from commercekit.orders._events import (
    OrderCanceled,
    OrderConfirmed,
    OrderLinesCanceled,
    OrderLinesShipped,
    OrderPlaced,
    OrderStatusChanged,
)
from commercekit.orders._lifecycle import Move, OrderLifecycle, extend_lifecycle
from commercekit.orders._model import Order
from commercekit.orders._ports import (
    OrderNumberSequence,
    OrderPage,
    OrderRepository,
    OrdersUnitOfWork,
)
from commercekit.orders._service import (
    advance_order,
    cancel_order,
    cancel_order_lines,
    expire_unpaid_orders,
    recover_placements,
    ship_order,
)
from commercekit.orders._settings import ORDER_BUTTON_LABELS, OrderSettings
from commercekit.orders._settle import capture_order, follow_payment, settle_payment
from commercekit.orders._status import (
    CancelReason,
    FulfillmentStatus,
    OrderStatus,
    OrderTransition,
    order_status,
)
from commercekit.orders._values import (
    LegalAcceptance,
    OrderId,
    OrderLine,
    RefundDue,
    order_id,
)

__all__ = [
    "ORDER_BUTTON_LABELS",
    "CancelReason",
    "CheckoutBlockedError",
    "FulfillmentStatus",
    "LegalAcceptance",
    "Move",
    "Order",
    "OrderCanceled",
    "OrderConfirmed",
    "OrderId",
    "OrderLifecycle",
    "OrderLine",
    "OrderLinesCanceled",
    "OrderLinesShipped",
    "OrderNumberSequence",
    "OrderPage",
    "OrderPlaced",
    "OrderRepository",
    "OrderRuleError",
    "OrderSettings",
    "OrderStatus",
    "OrderStatusChanged",
    "OrderTransition",
    "OrdersUnitOfWork",
    "PlacementOutcome",
    "PlacementResult",
    "RefundDue",
    "advance_order",
    "cancel_order",
    "cancel_order_lines",
    "capture_order",
    "expire_unpaid_orders",
    "extend_lifecycle",
    "follow_payment",
    "order_id",
    "order_status",
    "place_order",
    "recover_placements",
    "settle_payment",
    "ship_order",
]
