"""The orders context's errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import attrs

from commercekit.errors import BusinessRuleError

if TYPE_CHECKING:
    from commercekit.cart import CartProblem

__all__ = ["CheckoutBlockedError", "OrderRuleError"]


@attrs.define(slots=False)
class OrderRuleError(BusinessRuleError):
    """An order's business rule refused a move its lifecycle has.

    Its ``rule`` says which:

    * ``payment_required``: confirming or shipping an order whose payment
      is not authorized, by a method that does not ship first;
    * ``shipped_orders_are_returned``: canceling an order, or units, that
      shipped: take them back as a return;
    * ``nothing_to_cancel`` / ``nothing_to_ship``: more units than the
      line has open;
    * ``order_button_label``: a consumer order without a button that
      names the obligation to pay (§ 312j BGB);
    * ``unsupported_payment_method``: a method ``place_order`` cannot run;
    * ``order_awaiting_payment``: a new checkout of a cart whose order still
      waits for its payment (finish or cancel that one first);
    * ``order_canceled``: placing again with the token of a canceled order.

    Args:
        message: The rule in words.
        rule: Its stable name.
        order_id: The order, if one exists yet.
    """

    code: ClassVar[str] = "order_rule"

    order_id: str | None = attrs.field(default=None, kw_only=True)


@attrs.define(slots=False)
class CheckoutBlockedError(BusinessRuleError):
    """The cart cannot become an order: its validation found problems.

    Nothing was stored, reserved or redeemed. Show the customer
    ``problems`` (the cart validation's, each with its data), let
    them settle them, and place the order again.

    Args:
        message: A summary in words.
        cart_id: The cart.
        problems: What validation found, line problems first.
    """

    code: ClassVar[str] = "checkout_blocked"

    cart_id: str = attrs.field(default="", kw_only=True)
    problems: tuple[CartProblem, ...] = attrs.field(default=(), kw_only=True)

    def _default_message(self) -> str:
        codes = ", ".join(str(problem.code) for problem in self.problems)
        return f"cart {self.cart_id!r} cannot be ordered yet: {codes}"
