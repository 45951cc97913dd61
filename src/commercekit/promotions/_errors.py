"""The promotions context's errors."""

from __future__ import annotations

from typing import Final

import attrs

from commercekit.errors import BusinessRuleError
from commercekit.money import Money, format_money

__all__ = ["COUPON_RULES", "CouponUnavailableError", "PromotionBudgetExceededError"]

_MESSAGES: Final = {
    "coupon_not_yet_valid": (
        "coupon {coupon!r} is not valid yet: it can be used from the start "
        "of its validity period"
    ),
    "coupon_expired": "coupon {coupon!r} has expired and can no longer be used",
    "coupon_used_up": (
        "coupon {coupon!r} has been used as often as it may be: it is used up"
    ),
    "coupon_customer_limit": (
        "coupon {coupon!r} has been used as often as one customer may use it"
    ),
}

COUPON_RULES: Final = frozenset(_MESSAGES)
"""The rules a :class:`CouponUnavailableError` names.

``"coupon_not_yet_valid"`` and ``"coupon_expired"`` (the validity window),
``"coupon_used_up"`` (the total usage limit) and ``"coupon_customer_limit"``
(the limit per customer).
"""


@attrs.define(slots=False)
class CouponUnavailableError(BusinessRuleError):
    """A coupon exists but cannot be used now, and ``rule`` says why.

    The rule is one of :data:`COUPON_RULES`:

    * ``"coupon_not_yet_valid"``: before the coupon's ``valid_from``;
    * ``"coupon_expired"``: at or after its ``valid_until``;
    * ``"coupon_used_up"``: its total usage limit is reached;
    * ``"coupon_customer_limit"``: this customer reached the limit per customer.

    Args:
        coupon: The coupon's code.
        rule: Which rule refused it.

    >>> str(CouponUnavailableError(coupon="SUMMER-2026", rule="coupon_expired"))
    "coupon 'SUMMER-2026' has expired and can no longer be used"
    """

    code = "coupon_unavailable"

    coupon: str = attrs.field(kw_only=True)
    rule: str = attrs.field(kw_only=True)

    def _default_message(self) -> str:
        template = _MESSAGES.get(self.rule)
        if template is None:
            return f"coupon {self.coupon!r} cannot be used: refused by {self.rule!r}"
        return template.format(coupon=self.coupon)


@attrs.define(slots=False)
class PromotionBudgetExceededError(BusinessRuleError):
    """Recording a discount would take a promotion past its budget.

    Nothing was recorded. It happens when two orders were priced with the
    same budget left and the later one is placed after the earlier used it:
    price the cart again (the promotion gives what is left, or stops).

    Args:
        promotion_id: The promotion.
        budget: Its budget.
        spent: What it had given when the amount was refused.
        amount: The amount refused.

    >>> from commercekit.money import money
    >>> str(
    ...     PromotionBudgetExceededError(
    ...         promotion_id="SPRING",
    ...         budget=money("100.00", "EUR"),
    ...         spent=money("95.00", "EUR"),
    ...         amount=money("10.00", "EUR"),
    ...     )
    ... )
    "promotion 'SPRING' has €5.00 of its budget of €100.00 left, not €10.00"
    """

    code = "promotion_budget_exceeded"

    promotion_id: str = attrs.field(kw_only=True)
    budget: Money = attrs.field(kw_only=True)
    spent: Money = attrs.field(kw_only=True)
    amount: Money = attrs.field(kw_only=True)
    rule: str = attrs.field(default="promotion_budget_exceeded", kw_only=True)

    def _default_message(self) -> str:
        left = format_money(self.budget - self.spent, "en")
        budget = format_money(self.budget, "en")
        amount = format_money(self.amount, "en")
        return (
            f"promotion {self.promotion_id!r} has {left} of its budget of "
            f"{budget} left, not {amount}"
        )
