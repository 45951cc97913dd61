"""What the stock stores of both adapter families do alike."""

from __future__ import annotations

from datetime import datetime

from commercekit.adapters._checks import _check_delta
from commercekit.errors import ValidationError
from commercekit.inventory import (
    MAX_STOCK_QUANTITY,
    MovementKind,
    StockLevel,
    StockLocationId,
    StockMovement,
)
from commercekit.values import Sku, as_utc, identifier

__all__: list[str] = []


def _check_reference(value: object) -> str:
    """A reservation's reference (a cart or an order) as the stores take it."""
    return identifier(value, field="reference")


def _check_at(value: object) -> datetime:
    """An instant the stores act at, in UTC; one UTC cannot express is refused."""
    try:
        return as_utc(value, field="at")  # type: ignore[arg-type]
    except OverflowError as exc:
        msg = f"at {value!r} is out of range: it cannot be expressed in UTC"
        raise ValidationError(msg, field="at") from exc


def _check_stock_delta(value: object) -> int:
    """An adjustment's delta: not 0, and at most ``MAX_STOCK_QUANTITY`` either way."""
    delta = _check_delta(value)
    if abs(delta) > MAX_STOCK_QUANTITY:
        msg = (
            f"delta {delta} is out of range: one call moves at most "
            f"{MAX_STOCK_QUANTITY:_} units"
        )
        raise ValidationError(msg, field="delta")
    return delta


def _check_level(
    after: int, *, what: str, item: Sku, location: StockLocationId, field: str
) -> None:
    """Refuse a change that would take ``what`` at a location past the bound.

    Args:
        after: On hand or reserved as the change would leave it.
        what: ``"on hand"`` or ``"reserved"``.
        item: The SKU.
        location: The location.
        field: The argument that asked for the change (``quantity``, ``delta``).

    Raises:
        ValidationError: if ``after`` passes ``MAX_STOCK_QUANTITY``.
    """
    if after > MAX_STOCK_QUANTITY:
        msg = (
            f"{field} is out of range: {what} of SKU {item} at {location!r} "
            f"would be {after}, past the most a level holds, {MAX_STOCK_QUANTITY:_}"
        )
        raise ValidationError(msg, field=field)


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
