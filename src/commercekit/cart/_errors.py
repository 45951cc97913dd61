"""The cart context's errors."""

from __future__ import annotations

import attrs

from commercekit.errors import BusinessRuleError, NotFoundError

__all__ = ["CartLimitError", "CartLineNotFoundError"]


@attrs.define(slots=False)
class CartLimitError(BusinessRuleError):
    """A change would pass one of the cart's limits; nothing was changed.

    Args:
        limit: The setting that refused it: ``"max_quantity_per_line"`` or
            ``"max_lines"`` (see :class:`~commercekit.cart.CartSettings`).
        maximum: The limit's value.
        requested: What the change asked for: the line's new quantity, or the
            number of lines.
        key: The line concerned (its SKU for a catalog line).

    >>> str(CartLimitError(limit="max_quantity_per_line", maximum=99,
    ...                    requested=100, key="SNEAKER-42"))
    'line SNEAKER-42 would hold 100, more than the 99 allowed (max_quantity_per_line)'
    """

    code = "cart_limit"

    limit: str = attrs.field(kw_only=True)
    maximum: int = attrs.field(kw_only=True)
    requested: int = attrs.field(kw_only=True)
    key: str = attrs.field(kw_only=True)
    rule: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.rule:
            self.rule = self.limit
        super().__attrs_post_init__()

    def _default_message(self) -> str:
        if self.limit == "max_lines":
            return (
                f"cannot add line {self.key}: the cart would have {self.requested} "
                f"lines, more than the {self.maximum} allowed ({self.limit})"
            )
        return (
            f"line {self.key} would hold {self.requested}, more than the "
            f"{self.maximum} allowed ({self.limit})"
        )


@attrs.define(slots=False)
class CartLineNotFoundError(NotFoundError):
    """The cart has no line with the key asked for.

    Args:
        key: The line's key (its SKU for a catalog line).
        cart_id: The cart that was looked in.

    >>> str(CartLineNotFoundError(key="SNEAKER-42", cart_id="cart-1"))
    "cart cart-1 has no line 'SNEAKER-42'"
    """

    code = "cart_line_not_found"

    cart_id: str = attrs.field(default="", kw_only=True)
    kind: str = attrs.field(default="cart line", kw_only=True)

    def _default_message(self) -> str:
        return f"cart {self.cart_id} has no line {self.key!r}"
