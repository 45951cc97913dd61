"""What the stock stores of both adapter families do alike."""

from __future__ import annotations

from datetime import datetime

from commercekit.errors import ValidationError
from commercekit.inventory import (
    MovementKind,
    StockLevel,
    StockLocationId,
    StockMovement,
)
from commercekit.values import Sku

__all__: list[str] = []


def _check_reference(value: object) -> str:
    """A reservation's reference (a cart or an order) as the stores take it."""
    if (
        not isinstance(value, str)
        or not value.strip()
        or value != value.strip()
        or not value.isprintable()
    ):
        msg = (
            "reference must be non-empty printable text without surrounding "
            f"space, not {value!r}"
        )
        raise ValidationError(msg, field="reference")
    return value


class _StockIntake:
    """Receipts and returns: goods coming on hand, each a ledger movement.

    The adapter supplies :meth:`_take_in`, which adds one movement's units
    to on hand and records the movement, as one atomic step.
    """

    def _take_in(self, movement: StockMovement) -> StockLevel:
        raise NotImplementedError

    def receive(
        self,
        sku: Sku,
        location: StockLocationId,
        quantity: int,
        *,
        at: datetime,
        reason: str = "",
    ) -> StockLevel:
        """Add goods that came in to on hand; return the new level there."""
        return self._take_in(
            StockMovement(
                sku=sku,
                location=location,
                kind=MovementKind.RECEIPT,
                quantity=quantity,
                reason=reason,
                at=at,
            )
        )

    def receive_return(
        self,
        sku: Sku,
        location: StockLocationId,
        quantity: int,
        *,
        at: datetime,
        reference: str,
        reason: str = "",
    ) -> StockLevel:
        """Put returned goods on hand again; return the new level there."""
        return self._take_in(
            StockMovement(
                sku=sku,
                location=location,
                kind=MovementKind.RETURN,
                quantity=quantity,
                reference=reference,
                reason=reason,
                at=at,
            )
        )
