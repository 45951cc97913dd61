"""The order aggregate: the checkout's snapshot, its lifecycle and its history."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs
from statemachine.exceptions import TransitionNotAllowed

from commercekit.errors import InvalidTransitionError, ValidationError
from commercekit.money import Money, from_minor_units, zero
from commercekit.orders._errors import OrderRuleError
from commercekit.orders._events import (
    OrderCanceled,
    OrderConfirmed,
    OrderLinesCanceled,
    OrderLinesShipped,
    OrderStatusChanged,
)
from commercekit.orders._fields import (
    _budgets,
    _cart_id,
    _checkout_token,
    _coupons,
    _currency,
    _customer_id,
    _email,
    _history,
    _id,
    _instant,
    _lines,
    _locale,
    _minor,
    _mode,
    _number,
    _optional_instant,
    _payment_id,
    _payment_kind,
    _payment_method,
    _payment_status,
    _promotions,
    _reason_text,
    _refunds,
    _shipping_method,
    _typed,
    _units,
    _version,
)
from commercekit.orders._lifecycle import OrderLifecycle
from commercekit.orders._status import (
    _PAID,
    FulfillmentStatus,
    OrderStatus,
    OrderTransition,
    order_status,
)
from commercekit.orders._values import LegalAcceptance, OrderLine, RefundDue
from commercekit.payments import PaymentMethodKind, PaymentStatus
from commercekit.ports import EventRecorder
from commercekit.pricing import PricedShipping, PriceMode, TaxRateTotal
from commercekit.promotions import AppliedPromotion
from commercekit.values import (
    Address,
    CustomerFacts,
    FrozenMap,
    as_utc,
    identifier,
    personal,
    redacted,
)

__all__ = ["Order"]

_SHIPS_FIRST: Final = frozenset(
    {PaymentMethodKind.INVOICE, PaymentMethodKind.CASH_ON_DELIVERY}
)


@attrs.define(kw_only=True)
class Order(EventRecorder):
    """An order: what the customer bought at checkout, as it was priced then.

    The lines, discounts, VAT, shipping and totals are a snapshot of the
    checkout's price breakdown, stored line by line and never recomputed
    from today's catalog or promotions. What changes is what becomes of
    the units (canceled, shipped, returned: each line counts them), the
    statuses, and the audit history.

    Three statuses sit side by side: ``status`` (the lifecycle,
    :class:`~commercekit.orders.OrderLifecycle`), ``payment_status`` (the
    payment's, as last recorded) and ``fulfillment_status`` (read from
    the lines). Every move of the lifecycle appends an
    :class:`~commercekit.orders.OrderTransition` to ``history`` and
    records :class:`~commercekit.orders.OrderStatusChanged`.

    Totals are the active units' (ordered minus canceled), by the share
    rule of :class:`~commercekit.orders.OrderLine`, plus shipping while any
    unit is active: ``grand_total == net_total + tax_total``, and the
    rates' totals add up to them.

    The e-mail address and the addresses are personal data: ``repr`` hides
    them. Its id, number, checkout token, cart and placing time never change
    (setting one raises ``attrs.exceptions.FrozenAttributeError``).

    Args:
        order_id: Its identifier.
        number: The human-friendly order number (from the number sequence).
        checkout_token: The token of the checkout that placed it: placing
            again with it returns this order.
        cart_id: The cart it was placed from.
        placed_at: When it was placed, in UTC.
        currency: The currency code.
        mode: Whether its prices were gross or net.
        locale: The customer's locale.
        customer_id: The customer's id; ``None`` for a guest.
        email: The guest's e-mail address, if a guest.
        customer: The customer's facts it was priced for.
        shipping_address: Where it ships.
        billing_address: Where it is billed, if not the shipping address.
        lines: Its lines, as priced.
        shipping_method: The shipping method's code, if it ships at a price.
        shipping: Shipping and its VAT, split over the rates; ``None`` for
            none.
        payment_method: The payment method's code.
        payment_kind: How its method is paid (through the provider, on
            invoice, ...); invoice and cash on delivery ship before payment.
        payment_id: The payment started for it, once started.
        payment_status: The payment's status as last recorded.
        payment_due_by: Until when it waits for its payment while placed.
        promotions: The promotions that gave it discounts.
        coupons: The coupon codes redeemed for it.
        acceptance: The order button's label and the legal texts accepted.
        cash_rounding_minor: The cash rounding of the amount due at checkout.
        refunds: The refunds its cancellations owe, each noted before the
            provider is asked, so a settlement that lost its answer is
            finished, with its key, before the next.
        budgets: The promotions whose budget the order spent (what each gave
            it), given back when the whole order is canceled.
        status: Its lifecycle status.
        cancel_reason: Why it was canceled, once it was.
        history: Its lifecycle's moves, oldest first.
        version: The stored version, for optimistic concurrency.
    """

    order_id: str = attrs.field(converter=_id, on_setattr=attrs.setters.frozen)
    number: str = attrs.field(converter=_number, on_setattr=attrs.setters.frozen)
    checkout_token: str = attrs.field(
        converter=_checkout_token, on_setattr=attrs.setters.frozen
    )
    cart_id: str = attrs.field(converter=_cart_id, on_setattr=attrs.setters.frozen)
    placed_at: datetime = attrs.field(
        converter=_instant, on_setattr=attrs.setters.frozen
    )
    currency: str = attrs.field(converter=_currency)
    mode: PriceMode = attrs.field(converter=_mode)
    locale: str = attrs.field(converter=_locale)
    customer_id: str | None = attrs.field(converter=_customer_id)
    email: str | None = attrs.field(
        default=None, converter=_email, metadata=personal(), repr=redacted
    )
    customer: CustomerFacts = attrs.field(
        factory=CustomerFacts, validator=_typed(CustomerFacts, "customer")
    )
    shipping_address: Address = attrs.field(
        validator=_typed(Address, "shipping_address"), metadata=personal()
    )
    billing_address: Address | None = attrs.field(
        default=None,
        validator=_typed(Address, "billing_address", optional=True),
        metadata=personal(),
    )
    lines: tuple[OrderLine, ...] = attrs.field(converter=_lines)
    shipping_method: str | None = attrs.field(default=None, converter=_shipping_method)
    shipping: PricedShipping | None = attrs.field(
        default=None, validator=_typed(PricedShipping, "shipping", optional=True)
    )
    payment_method: str = attrs.field(converter=_payment_method)
    payment_kind: PaymentMethodKind = attrs.field(
        default=PaymentMethodKind.GATEWAY, converter=_payment_kind
    )
    payment_id: str | None = attrs.field(default=None, converter=_payment_id)
    payment_status: PaymentStatus | None = attrs.field(
        default=None, converter=_payment_status
    )
    payment_due_by: datetime | None = attrs.field(
        default=None, converter=_optional_instant
    )
    promotions: tuple[AppliedPromotion, ...] = attrs.field(
        default=(), converter=_promotions
    )
    coupons: tuple[str, ...] = attrs.field(default=(), converter=_coupons)
    acceptance: LegalAcceptance | None = attrs.field(
        default=None, validator=_typed(LegalAcceptance, "acceptance", optional=True)
    )
    cash_rounding_minor: int = attrs.field(default=0, validator=_minor)
    refunds: tuple[RefundDue, ...] = attrs.field(default=(), converter=_refunds)
    budgets: tuple[str, ...] = attrs.field(default=(), converter=_budgets)
    status: str = attrs.field(default=OrderStatus.PLACED, converter=order_status)
    cancel_reason: str | None = attrs.field(default=None, converter=_reason_text)
    history: tuple[OrderTransition, ...] = attrs.field(default=(), converter=_history)
    version: int = attrs.field(default=0, validator=_version)

    def __attrs_post_init__(self) -> None:
        for line in self.lines:
            if line.currency != self.currency:
                msg = f"line {line.key} is in {line.currency}, not {self.currency}"
                raise ValidationError(msg, field="lines")
        if self.shipping is not None and self.shipping.currency != self.currency:
            msg = (
                f"shipping is in {self.shipping.currency}, the order in {self.currency}"
            )
            raise ValidationError(msg, field="shipping")

    # -- reading -------------------------------------------------------------

    @property
    def active_units(self) -> int:
        """Units that count: ordered minus canceled, over all lines."""
        return sum(line.active for line in self.lines)

    @property
    def open_units(self) -> int:
        """Units still to ship."""
        return sum(line.open for line in self.lines)

    @property
    def ships_before_payment(self) -> bool:
        """Whether it may ship unpaid: on invoice, cash on delivery, or free.

        Free is read from the checkout's snapshot (the lines and shipping as
        ordered, with the cash rounding): an order whose amount due was 0
        needs no payment.
        """
        if self.payment_kind in _SHIPS_FIRST:
            return True
        shipping = 0 if self.shipping is None else self.shipping.gross_minor
        ordered = sum(line.net_minor + line.tax_minor for line in self.lines)
        return ordered + shipping + self.cash_rounding_minor == 0

    @property
    def payment_allows_shipping(self) -> bool:
        """Whether the order may ship: paid (authorized), or a ship-first method."""
        return self.ships_before_payment or self.payment_status in _PAID

    @property
    def fulfillment_status(self) -> FulfillmentStatus:
        """How far its units have gone, read from the lines (and ``delivered``)."""
        if self.status in {OrderStatus.DELIVERED, OrderStatus.COMPLETED}:
            return FulfillmentStatus.DELIVERED
        shipped = sum(line.shipped for line in self.lines)
        if not self.active_units:
            return FulfillmentStatus.NOTHING_TO_SHIP
        if not self.open_units:
            return FulfillmentStatus.SHIPPED
        if shipped:
            return FulfillmentStatus.PARTIALLY_SHIPPED
        return FulfillmentStatus.UNFULFILLED

    def _money(self, minor: int) -> Money:
        return from_minor_units(minor, self.currency)

    def _shipping_counts(self) -> bool:
        return self.shipping is not None and self.active_units > 0

    @property
    def goods_total(self) -> Money:
        """The active units after discounts, in the price mode."""
        return sum((line.total for line in self.lines), zero(self.currency))

    @property
    def discount_total(self) -> Money:
        """The active units' discounts."""
        return sum((line.discount_total for line in self.lines), zero(self.currency))

    @property
    def shipping_total(self) -> Money:
        """Shipping in the price mode; 0 once every unit is canceled."""
        if self.shipping is None or not self._shipping_counts():
            return zero(self.currency)
        return self.shipping.amount

    @property
    def net_total(self) -> Money:
        """Everything net: the active units and shipping."""
        total = sum((line.net for line in self.lines), zero(self.currency))
        if self.shipping is not None and self._shipping_counts():
            total += self.shipping.net
        return total

    @property
    def tax_total(self) -> Money:
        """All VAT: the active units' and shipping's."""
        total = sum((line.tax_amount for line in self.lines), zero(self.currency))
        if self.shipping is not None and self._shipping_counts():
            total += self.shipping.tax
        return total

    @property
    def grand_total(self) -> Money:
        """What the customer pays for the active units: ``net + tax``."""
        return self.net_total + self.tax_total

    @property
    def amount_due(self) -> Money:
        """The grand total with the checkout's cash rounding; 0 once all is canceled."""
        if not self.active_units:
            return zero(self.currency)
        return self.grand_total + self._money(self.cash_rounding_minor)

    def rates(self) -> tuple[TaxRateTotal, ...]:
        """The totals per VAT rate of the active units and shipping, highest first."""
        sums: dict[tuple[Decimal, str, str], list[int]] = {}
        for line in self.lines:
            key = (line.tax.percent, str(line.tax.country), str(line.tax.treatment))
            entry = sums.setdefault(key, [0, 0])
            entry[0] += line.active_net_minor
            entry[1] += line.active_tax_minor
        if self.shipping is not None and self._shipping_counts():
            for part in self.shipping.parts:
                key = (part.percent, str(part.country), str(part.treatment))
                entry = sums.setdefault(key, [0, 0])
                entry[0] += part.net_minor
                entry[1] += part.tax_minor
        return tuple(
            TaxRateTotal(
                percent=percent,
                country=country,  # type: ignore[arg-type]
                treatment=treatment,  # type: ignore[arg-type]
                currency=self.currency,
                net_minor=net,
                tax_minor=tax,
                gross_minor=net + tax,
            )
            for (percent, country, treatment), (net, tax) in sorted(
                sums.items(), key=lambda item: (-item[0][0], item[0][1], item[0][2])
            )
        )

    def line(self, key: str) -> OrderLine:
        """The line with ``key``.

        Raises:
            ValidationError: if the order has none.
        """
        for line in self.lines:
            if line.key == key:
                return line
        msg = f"order {self.order_id} has no line {key!r}"
        raise ValidationError(msg, field="key")

    def allowed_events(
        self, lifecycle: type[OrderLifecycle] = OrderLifecycle
    ) -> frozenset[str]:
        """The events its lifecycle has a move for now (no machine is built)."""
        return lifecycle.events_from(self.status)

    # -- the lifecycle ---------------------------------------------------------

    def _send(
        self,
        event: str,
        *,
        at: datetime,
        actor: str,
        reason: str | None,
        lifecycle: type[OrderLifecycle],
    ) -> None:
        """Move the status by ``event`` and write the history.

        A refused move changes nothing.
        """
        source = self.status
        try:
            lifecycle.events_from(source)
        except ValidationError as exc:
            msg = (
                f"order {self.order_id} has the status {str(source)!r}, which "
                f"{lifecycle.__name__} does not have: move it with the lifecycle "
                "it was placed under"
            )
            raise ValidationError(msg, field="status") from exc
        machine = lifecycle(model=self, state_field="status")
        try:
            machine.send(event)
        except TransitionNotAllowed as exc:
            raise InvalidTransitionError(
                aggregate="order", key=self.order_id, state=str(source), event=event
            ) from exc
        self.status = order_status(self.status)
        entry = OrderTransition(
            source=source,
            target=self.status,
            event=event,
            actor=actor,
            at=at,
            reason=reason,
        )
        self.history = (*self.history, entry)
        self.record(
            OrderStatusChanged(
                order_id=self.order_id,
                source=entry.source,
                target=entry.target,
                event=event,
                actor=entry.actor,
                at=entry.at,
                reason=reason,
            )
        )

    def fire(
        self,
        event: str,
        *,
        at: datetime,
        actor: str,
        reason: str | None = None,
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> None:
        """Send any event of ``lifecycle``: the way to an extension's moves.

        Use the methods below for the library's events: they also keep the
        lines and payment in step.

        Raises:
            InvalidTransitionError: if the lifecycle has no move for it now.
            OrderRuleError: if a rule refuses it.
            ValidationError: for a status the lifecycle does not have.
        """
        self._send(
            event,
            at=_at(at),
            actor=identifier(actor, field="actor"),
            reason=reason,
            lifecycle=lifecycle,
        )

    def note_refund(self, amount: Money, *, offline: bool = False) -> RefundDue:
        """Note a refund the order owes, with its key, before it is sent.

        An ``offline`` refund is one the merchant pays outside the provider.
        """
        key = f"order-{self.order_id}-refund-{len(self.refunds) + 1}"
        due = RefundDue(key, amount, offline=offline)
        self.refunds = (*self.refunds, due)
        return due

    def record_payment(self, payment_id: str, status: PaymentStatus) -> None:
        """Note the payment's id and its status now (no lifecycle move)."""
        self.payment_id = identifier(payment_id, field="payment_id")
        self.payment_status = _payment_status(status)

    def confirm(
        self,
        *,
        at: datetime,
        actor: str = "system",
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> None:
        """Confirm a placed order: paid, or paid by a method that ships first.

        Records :class:`~commercekit.orders.OrderConfirmed` when it reaches
        ``confirmed`` (an extension may divert it elsewhere first).

        Raises:
            OrderRuleError: ``payment_required``.
            InvalidTransitionError: unless placed.
        """
        self.fire("confirm", at=at, actor=actor, lifecycle=lifecycle)
        if self.status == OrderStatus.CONFIRMED:
            self.payment_due_by = None
            self.record(
                OrderConfirmed(order_id=self.order_id, number=self.number, at=at)
            )

    def start_fulfillment(
        self,
        *,
        at: datetime,
        actor: str = "system",
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> None:
        """The warehouse starts on a confirmed order.

        Raises:
            OrderRuleError: ``payment_required``.
            InvalidTransitionError: unless confirmed.
        """
        self.fire("start_fulfillment", at=at, actor=actor, lifecycle=lifecycle)

    def ship(
        self,
        units: Mapping[str, int],
        *,
        at: datetime,
        actor: str = "system",
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> None:
        """Record that ``units`` (line key to units) shipped.

        The order is ``shipped`` once every active unit has, else
        ``partially_shipped``. Records
        :class:`~commercekit.orders.OrderLinesShipped`.

        Raises:
            OrderRuleError: ``nothing_to_ship`` for more units than a line
                has open; ``payment_required`` for an unpaid order whose
                method does not ship first.
            InvalidTransitionError: before confirmation or after shipment.
            ValidationError: for an unknown line or bad units.
        """
        wanted = _units(units, "units")
        before = self.lines
        self.lines = self._moved(wanted, "shipped", "nothing_to_ship", "to ship")
        try:
            self.fire("ship", at=at, actor=actor, lifecycle=lifecycle)
        except Exception:
            self.lines = before
            raise
        self.record(
            OrderLinesShipped(order_id=self.order_id, units=FrozenMap(wanted), at=at)
        )

    def deliver(
        self,
        *,
        at: datetime,
        actor: str = "system",
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> None:
        """The carrier delivered a shipped order."""
        self.fire("deliver", at=at, actor=actor, lifecycle=lifecycle)

    def complete(
        self,
        *,
        at: datetime,
        actor: str = "system",
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> None:
        """Close a delivered order."""
        self.fire("complete", at=at, actor=actor, lifecycle=lifecycle)

    def _moved(
        self, units: Mapping[str, int], field: str, rule: str, open_: str
    ) -> tuple[OrderLine, ...]:
        """The lines with ``units`` of their open units counted in ``field``.

        Raises:
            OrderRuleError: ``rule``, for more units than a line has open.
            ValidationError: for an unknown line.
        """
        changed: dict[str, OrderLine] = {}
        for key, count in units.items():
            line = self.line(key)
            if count > line.open:
                msg = (
                    f"line {key} of order {self.order_id} has {line.open} units "
                    f"{open_}, not {count}"
                )
                raise OrderRuleError(msg, rule=rule, order_id=self.order_id)
            changed[key] = attrs.evolve(line, **{field: getattr(line, field) + count})
        return tuple(changed.get(line.key, line) for line in self.lines)

    def _refuse_shipped(self, what: str) -> None:
        if self.status in {
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
            OrderStatus.COMPLETED,
        }:
            msg = (
                f"order {self.order_id} is {self.status}: {what} is no longer "
                "possible; take the goods back as a return"
            )
            raise OrderRuleError(
                msg, rule="shipped_orders_are_returned", order_id=self.order_id
            )

    def cancel(
        self,
        *,
        at: datetime,
        reason: str,
        actor: str = "system",
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> dict[str, int]:
        """Cancel every unit that has not shipped.

        Before anything shipped the order is ``canceled``; after a partial
        shipment the open units are canceled and the order is ``shipped``.
        Records :class:`~commercekit.orders.OrderCanceled` (or, after a
        partial shipment, :class:`~commercekit.orders.OrderLinesCanceled`).

        Returns:
            The units canceled, by line key.

        Raises:
            OrderRuleError: ``shipped_orders_are_returned`` once it shipped
                in full.
            InvalidTransitionError: for a canceled or completed order.
        """
        at = _at(at)
        reason = identifier(reason, field="reason")
        actor = identifier(actor, field="actor")
        self._refuse_shipped("canceling it")
        before = self.lines
        canceled = {line.key: line.open for line in before if line.open}
        self.lines = tuple(
            attrs.evolve(line, canceled=line.canceled + line.open) for line in before
        )
        try:
            self._send("cancel", at=at, actor=actor, reason=reason, lifecycle=lifecycle)
        except Exception:
            self.lines = before
            raise
        if self.status == OrderStatus.CANCELED:
            self.cancel_reason = reason
            self.payment_due_by = None
            self.record(
                OrderCanceled(
                    order_id=self.order_id, number=self.number, reason=reason, at=at
                )
            )
        elif canceled:
            self._lines_canceled(canceled, reason, at)
        return canceled

    def cancel_lines(
        self,
        units: Mapping[str, int],
        *,
        at: datetime,
        reason: str,
        actor: str = "system",
        lifecycle: type[OrderLifecycle] = OrderLifecycle,
    ) -> None:
        """Cancel some units of some lines (line key to units), before they ship.

        The canceled units take their share of the line's discounts and VAT
        with them (the promotions are not run again: a threshold the rest
        no longer reaches keeps its discount). Canceling every unit left
        cancels the order; canceling the last open units of a partially
        shipped order leaves it ``shipped``. Records
        :class:`~commercekit.orders.OrderLinesCanceled`.

        Raises:
            OrderRuleError: ``nothing_to_cancel`` for more units than a line
                has open (shipped units are returned, not canceled);
                ``shipped_orders_are_returned`` once it shipped in full.
            InvalidTransitionError: for a canceled or completed order.
            ValidationError: for an unknown line or bad units.
        """
        at = _at(at)
        reason = identifier(reason, field="reason")
        actor = identifier(actor, field="actor")
        wanted = _units(units, "units")
        self._refuse_shipped("canceling units")
        if "cancel" not in self.allowed_events(lifecycle):
            # Units cancel only where the lifecycle lets the order cancel.
            raise InvalidTransitionError(
                aggregate="order",
                key=self.order_id,
                state=str(self.status),
                event="cancel",
            )
        left = self._moved(
            wanted,
            "canceled",
            "nothing_to_cancel",
            "open (shipped units are returned, not canceled)",
        )
        if not any(line.open for line in left):
            # Nothing open is left: the order's cancel move says where it goes.
            self.cancel(at=at, reason=reason, actor=actor, lifecycle=lifecycle)
            return
        self.lines = left
        self._lines_canceled(wanted, reason, at)

    def _lines_canceled(
        self, units: Mapping[str, int], reason: str, at: datetime
    ) -> None:
        self.record(
            OrderLinesCanceled(
                order_id=self.order_id,
                units=FrozenMap(units),
                total=self.amount_due,
                reason=reason,
                at=at,
            )
        )


def _at(value: object) -> datetime:
    if not isinstance(value, datetime):
        msg = f"at must be a datetime, not {value!r}"
        raise ValidationError(msg, field="at")
    return as_utc(value, field="at")
