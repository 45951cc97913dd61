"""Stock levels, reservations and the ledger of stock movements."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Final, NewType

import attrs

from commercekit.errors import ValidationError
from commercekit.values import Sku, as_utc, identifier, sku

__all__ = [
    "MAX_STOCK_QUANTITY",
    "MovementKind",
    "Reservation",
    "ReservationId",
    "ReservationKind",
    "StockLevel",
    "StockLocationId",
    "StockMovement",
    "reservation_id",
    "stock_location_id",
]

MAX_STOCK_QUANTITY: Final = 10**12
"""The bound on every stock quantity and level (``commercekit.inventory``
documents it)."""

StockLocationId = NewType("StockLocationId", str)
"""A place that holds stock: a warehouse, a store, a supplier's drop-ship."""

ReservationId = NewType("ReservationId", str)
"""Identifies one reservation of stock; made by the ``IdFactory`` port."""


def _identifier(value: object, field: str) -> str:
    return identifier(value, field=field)


def _stock_quantity(value: object, *, field: str, signed: bool = False) -> int:
    """A number of units one call moves: 1 to ``MAX_STOCK_QUANTITY``.

    With ``signed``, an adjustment's: not 0, of either sign, and at most
    ``MAX_STOCK_QUANTITY`` units either way.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{field} must be an int, not {value!r}"
        raise ValidationError(msg, field=field)
    if signed and value == 0:
        msg = f"{field} must be a non-zero int, not {value!r}"
        raise ValidationError(msg, field=field)
    if not signed and value < 1:
        msg = f"{field} must be a positive int, not {value!r}"
        raise ValidationError(msg, field=field)
    if abs(value) > MAX_STOCK_QUANTITY:
        msg = (
            f"{field} {value} is out of range: one call moves at most "
            f"{MAX_STOCK_QUANTITY:_} units"
        )
        raise ValidationError(msg, field=field)
    return value


def _utc(value: object, field: str) -> datetime:
    """``value`` as an instant in UTC; one that UTC cannot express is refused.

    ``datetime.max`` west of UTC, or ``datetime.min`` east of it, lies
    outside the years 1 to 9999 once in UTC.
    """
    try:
        return as_utc(value, field=field)  # type: ignore[arg-type]
    except OverflowError as exc:
        msg = f"{field} {value!r} is out of range: it cannot be expressed in UTC"
        raise ValidationError(msg, field=field) from exc


def stock_location_id(value: str) -> StockLocationId:
    """Check a stock location's id and return it as a ``StockLocationId``.

    Raises:
        ValidationError: for anything but non-empty printable text without
            surrounding space.

    >>> stock_location_id("berlin-1")
    'berlin-1'
    """
    return StockLocationId(_identifier(value, "location"))


def reservation_id(value: str) -> ReservationId:
    """Check a reservation's id and return it as a ``ReservationId``.

    Raises:
        ValidationError: for anything but non-empty printable text without
            surrounding space.

    >>> reservation_id("res-1")
    'res-1'
    """
    return ReservationId(_identifier(value, "reservation_id"))


def _sku(value: object) -> Sku:
    return sku(value)  # type: ignore[arg-type]


def _location(value: object) -> StockLocationId:
    return stock_location_id(value)  # type: ignore[arg-type]


def _optional_location(value: object) -> StockLocationId | None:
    return None if value is None else _location(value)


def _count(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"{attribute.name} must be an int of 0 or more, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _positive(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    _stock_quantity(value, field=attribute.name)


def _at(value: object) -> datetime:
    return _utc(value, "at")


def _reserved_at(value: object) -> datetime:
    return _utc(value, "reserved_at")


def _expires_at(value: object) -> datetime | None:
    return None if value is None else _utc(value, "expires_at")


def _released_at(value: object) -> datetime | None:
    return None if value is None else _utc(value, "released_at")


def _committed_at(value: object) -> datetime | None:
    return None if value is None else _utc(value, "committed_at")


class MovementKind(enum.StrEnum):
    """Why stock moved: each kind changes on hand and reserved its own way."""

    RECEIPT = "receipt"
    """Goods came in, so on hand goes up."""
    RESERVATION = "reservation"
    """Units were held for a cart or an order, so reserved goes up."""
    RELEASE = "release"
    """A reservation ended unused (canceled or expired), so reserved goes down."""
    COMMIT = "commit"
    """Reserved units were shipped, so on hand and reserved both go down."""
    RETURN = "return"
    """Goods came back from a customer, so on hand goes up."""
    ADJUSTMENT = "adjustment"
    """A count, a loss or a find, with a reason; on hand goes up or down."""


class ReservationKind(enum.StrEnum):
    """Where the units of a reservation come from.

    The store records only whether a reservation skipped the availability
    check (``Reservation.backorder``); the services and their events tell a
    backorder from a preorder by the SKU's
    :class:`~commercekit.inventory.StockPolicy`.
    """

    STOCK = "stock"
    """Units that were available when reserved."""
    BACKORDER = "backorder"
    """Units the merchant stocks but has run out of; they ship when they come in."""
    PREORDER = "preorder"
    """Units of goods not released yet; they ship once released and in."""


@attrs.frozen(kw_only=True)
class StockLevel:
    """How much of a SKU is on hand and reserved, at one location or in all.

    Args:
        sku: The SKU.
        location: The location; ``None`` for the sum over all locations.
        on_hand: Units physically there.
        reserved: Units held for carts and orders.

    >>> level = StockLevel(sku="SNEAKER-42", location="berlin", on_hand=10, reserved=4)
    >>> level.available
    6
    """

    sku: Sku = attrs.field(converter=_sku)
    location: StockLocationId | None = attrs.field(converter=_optional_location)
    on_hand: int = attrs.field(validator=_count)
    reserved: int = attrs.field(validator=_count)

    @property
    def available(self) -> int:
        """On hand minus reserved, which is what can still be reserved.

        Below zero only where backorders reserved more than is on hand.
        """
        return self.on_hand - self.reserved


def _quantity(
    instance: StockMovement, attribute: attrs.Attribute[int], value: object
) -> None:
    quantity = _stock_quantity(value, field=attribute.name, signed=True)
    if quantity < 0 and instance.kind is not MovementKind.ADJUSTMENT:
        msg = f"a {instance.kind} moves a positive quantity, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _optional_text(
    _: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None:
        _identifier(value, attribute.name)


def _reason(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or "\x00" in value:
        msg = f"reason must be text, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _kind(value: object) -> MovementKind:
    try:
        return MovementKind(value)  # type: ignore[arg-type]
    except ValueError as exc:
        msg = f"kind must be one of {[k.value for k in MovementKind]}, not {value!r}"
        raise ValidationError(msg, field="kind") from exc


@attrs.frozen(kw_only=True)
class StockMovement:
    """One entry of the stock ledger: every change of stock is one of them.

    ``quantity`` is positive, except for an adjustment, whose sign says
    whether units were found (+) or lost (-). :attr:`on_hand_change` and
    :attr:`reserved_change` say what the movement did to the level, so the
    sum of a SKU's movements at a location explains its level there.

    Args:
        sku: The SKU.
        location: Where.
        kind: Why.
        quantity: How many units.
        reference: The reservation id, for reservations, releases and
            commits; else what the caller names (a delivery note), or ``None``.
        reason: Free text; required by adjustments.
        at: When, in UTC.

    >>> from datetime import UTC, datetime
    >>> movement = StockMovement(
    ...     sku="SNEAKER-42",
    ...     location="berlin",
    ...     kind=MovementKind.COMMIT,
    ...     quantity=2,
    ...     reference="res-1",
    ...     at=datetime(2026, 6, 1, tzinfo=UTC),
    ... )
    >>> movement.on_hand_change, movement.reserved_change
    (-2, -2)
    """

    sku: Sku = attrs.field(converter=_sku)
    location: StockLocationId = attrs.field(converter=_location)
    kind: MovementKind = attrs.field(converter=_kind)
    quantity: int = attrs.field(validator=_quantity)
    reference: str | None = attrs.field(default=None, validator=_optional_text)
    reason: str = attrs.field(default="", validator=_reason)
    at: datetime = attrs.field(converter=_at)

    @property
    def on_hand_change(self) -> int:
        """The units this movement added to on hand; negative when it removed some."""
        if self.kind in {MovementKind.RECEIPT, MovementKind.RETURN}:
            return self.quantity
        if self.kind is MovementKind.ADJUSTMENT:
            return self.quantity
        if self.kind is MovementKind.COMMIT:
            return -self.quantity
        return 0

    @property
    def reserved_change(self) -> int:
        """The units this movement added to reserved; negative when it removed some."""
        if self.kind is MovementKind.RESERVATION:
            return self.quantity
        if self.kind in {MovementKind.RELEASE, MovementKind.COMMIT}:
            return -self.quantity
        return 0


def _check_expiry(instance: Reservation, _: object, value: datetime | None) -> None:
    if value is not None and value <= instance.reserved_at:
        msg = f"expires_at {value.isoformat()} must come after reserved_at"
        raise ValidationError(msg, field="expires_at")


def _check_end(
    instance: Reservation,
    attribute: attrs.Attribute[datetime | None],
    value: datetime | None,
) -> None:
    if (
        attribute.name == "committed_at"
        and value is not None
        and instance.released_at is not None
    ):
        msg = "a reservation is either released or committed, not both"
        raise ValidationError(msg, field="committed_at")


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _reservation_id(value: object) -> ReservationId:
    return reservation_id(value)  # type: ignore[arg-type]


def _reference(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    _identifier(value, attribute.name)


@attrs.frozen(kw_only=True)
class Reservation:
    """Units of one SKU at one location, held for a cart or an order.

    A reservation is active until it is released (canceled, or expired and
    swept) or committed (shipped); it is never both.

    Args:
        reservation_id: Its id; reserving again with the same id is safe.
        sku: The SKU.
        location: Where the units are held.
        quantity: How many, 1 or more.
        reference: The cart or order it is held for.
        reserved_at: When it was made, in UTC.
        expires_at: When a sweep may release it; ``None`` for never.
        backorder: Whether it was allowed to reserve more than available.
        released_at: When it was released, if it was.
        committed_at: When it was committed, if it was.
    """

    reservation_id: ReservationId = attrs.field(converter=_reservation_id)
    sku: Sku = attrs.field(converter=_sku)
    location: StockLocationId = attrs.field(converter=_location)
    quantity: int = attrs.field(validator=_positive)
    reference: str = attrs.field(validator=_reference)
    reserved_at: datetime = attrs.field(converter=_reserved_at)
    expires_at: datetime | None = attrs.field(
        default=None,
        converter=_expires_at,
        validator=_check_expiry,
    )
    backorder: bool = attrs.field(default=False, validator=_flag)
    released_at: datetime | None = attrs.field(default=None, converter=_released_at)
    committed_at: datetime | None = attrs.field(
        default=None,
        converter=_committed_at,
        validator=_check_end,
    )

    @property
    def active(self) -> bool:
        """Whether it still holds its units, being neither released nor committed."""
        return self.released_at is None and self.committed_at is None
