"""The promotions context's errors."""

from __future__ import annotations

from typing import Final

import attrs

from commercekit.errors import BusinessRuleError

__all__ = ["COUPON_RULES", "CouponUnavailableError"]

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
