"""The inventory context's errors."""

from __future__ import annotations

import attrs

from commercekit.errors import BusinessRuleError

__all__ = ["InsufficientStockError"]


@attrs.define(slots=False)
class InsufficientStockError(BusinessRuleError):
    """Fewer units are available than a reservation or a removal needs.

    Nothing was changed. ``available`` is on hand minus reserved at the time
    of the refusal, summed over the locations looked at.

    Args:
        sku: The SKU asked for.
        wanted: How many units were wanted.
        available: How many were available.
        location: The stock location, if one was named.

    >>> str(InsufficientStockError(sku="SNEAKER-42", wanted=3, available=1))
    'cannot take 3 of SKU SNEAKER-42: only 1 available'
    """

    code = "insufficient_stock"

    sku: str = attrs.field(kw_only=True)
    wanted: int = attrs.field(kw_only=True)
    available: int = attrs.field(kw_only=True)
    location: str | None = attrs.field(default=None, kw_only=True)
    rule: str = attrs.field(default="insufficient_stock", kw_only=True)

    def _default_message(self) -> str:
        where = "" if self.location is None else f" at {self.location!r}"
        left = max(self.available, 0)
        return (
            f"cannot take {self.wanted} of SKU {self.sku}{where}: only {left} available"
        )
