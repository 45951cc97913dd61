"""Build an order's snapshot from a cart and the breakdown the customer accepted."""

from __future__ import annotations

from datetime import datetime

from commercekit.cart import Cart, CartPrice, CartUnitOfWork
from commercekit.catalog import LocalizedText
from commercekit.errors import NotFoundError, UsageError
from commercekit.orders._model import Order
from commercekit.orders._values import LegalAcceptance, OrderLine
from commercekit.payments import PaymentMethodKind
from commercekit.pricing import PriceBreakdown, PricedLine
from commercekit.values import CustomerFacts, FrozenMap

__all__: list[str] = []


def _name_of(text: LocalizedText, locale: str) -> str:
    return text.get(locale)


def _line(
    priced: PricedLine, cart: Cart, uow: CartUnitOfWork, locale: str
) -> OrderLine:
    cart_line = next((line for line in cart.lines if line.key == priced.key), None)
    name: str | None = None
    options: FrozenMap[str, str] = FrozenMap()
    custom = cart_line is not None and cart_line.custom
    if cart_line is not None and cart_line.custom:
        name = cart_line.name
    else:
        try:
            product = uow.products.get_by_sku(priced.sku)
        except NotFoundError:
            product = None
        if product is not None:
            name = _name_of(product.name, locale)
            options = FrozenMap(product.variant(priced.sku).options)
    return OrderLine(
        key=priced.key,
        sku=priced.sku,
        name=name or (cart_line.name if cart_line and cart_line.name else priced.sku),
        options=options,
        quantity=priced.quantity,
        unit_price=priced.unit_price,
        tax=priced.tax,
        subtotal_minor=priced.subtotal_minor,
        total_minor=priced.total_minor,
        net_minor=priced.net_minor,
        tax_minor=priced.tax_minor,
        discounts=priced.discounts,
        custom=custom,
    )


def _build_order(
    *,
    order_id: str,
    number: str,
    checkout_token: str,
    cart: Cart,
    price: CartPrice,
    breakdown: PriceBreakdown,
    customer: CustomerFacts,
    payment_method: str,
    payment_kind: PaymentMethodKind,
    acceptance: LegalAcceptance | None,
    coupons: tuple[str, ...],
    at: datetime,
    payment_due_by: datetime | None,
    uow: CartUnitOfWork,
) -> Order:
    """The order for ``cart`` at ``breakdown``'s figures, read inside ``uow``."""
    if cart.shipping_address is None:  # validation refuses it first
        msg = f"cart {cart.cart_id} has no shipping address"
        raise UsageError(msg)
    lines = tuple(_line(priced, cart, uow, cart.locale) for priced in breakdown.lines)
    order = Order(
        order_id=order_id,
        number=number,
        checkout_token=checkout_token,
        cart_id=cart.cart_id,
        placed_at=at,
        currency=breakdown.currency,
        mode=breakdown.mode,
        locale=cart.locale,
        customer_id=cart.customer_id,
        email=cart.guest_email,
        customer=customer,
        shipping_address=cart.shipping_address,
        billing_address=cart.billing_address,
        lines=lines,
        shipping_method=cart.shipping_method if breakdown.shipping else None,
        shipping=breakdown.shipping,
        payment_method=payment_method,
        payment_kind=payment_kind,
        payment_due_by=payment_due_by,
        promotions=price.promotions.applied,
        coupons=coupons,
        acceptance=acceptance,
        cash_rounding_minor=breakdown.due_minor
        - breakdown.net_minor
        - breakdown.tax_minor,
    )
    if (
        order.amount_due != breakdown.amount_due
        or order.tax_total != breakdown.tax_total
    ):
        msg = (
            f"the order's totals ({order.amount_due}, VAT {order.tax_total}) differ "
            f"from the breakdown's ({breakdown.amount_due}, VAT {breakdown.tax_total})"
        )
        raise UsageError(msg)
    return order
