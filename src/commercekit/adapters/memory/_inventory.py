"""The in-memory stock store."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from commercekit.adapters._checks import (
    _check_reason,
    _reservation_movement,
    _same_reservation,
)
from commercekit.adapters._stock import (
    _check_at,
    _check_level,
    _check_reference,
    _check_stock_delta,
    _StockIntake,
)
from commercekit.errors import InvalidTransitionError, NotFoundError
from commercekit.inventory import (
    InsufficientStockError,
    MovementKind,
    Reservation,
    ReservationId,
    StockLevel,
    StockLocationId,
    StockMovement,
    StockStore,
    stock_location_id,
)
from commercekit.inventory import reservation_id as _check_reservation_id
from commercekit.values import Sku
from commercekit.values import sku as _check_sku

if TYPE_CHECKING:
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryStockStore"]

_LEVELS = "inventory.levels"
_RESERVATIONS = "inventory.reservations"
_MOVEMENTS = "inventory.movements"


def _key(item: Sku, location: StockLocationId) -> str:
    # Neither a SKU nor a location holds a control character.
    return f"{item}\x00{location}"


class InMemoryStockStore(_StockIntake, StockStore):
    """Stock in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Three tables: on hand and reserved by SKU and location, the reservations
    by id, and the movements by SKU. A transaction holds the store's lock
    from start to end, so checking what is available and reserving it cannot
    interleave with another unit of work.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    # -- rows ----------------------------------------------------------------

    def _counts(self, item: Sku, location: StockLocationId) -> tuple[int, int]:
        row = self._uow.read(_LEVELS, _key(item, location))
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def _set(
        self, item: Sku, location: StockLocationId, on_hand: int, reserved: int
    ) -> StockLevel:
        level = StockLevel(
            sku=item, location=location, on_hand=on_hand, reserved=reserved
        )
        self._uow.write(_LEVELS, _key(item, location), (on_hand, reserved))
        return level

    def _record(self, movement: StockMovement) -> None:
        ledger = self._uow.read(_MOVEMENTS, movement.sku) or []
        ledger.append(movement)
        self._uow.write(_MOVEMENTS, movement.sku, ledger)

    def _stored(self, key: ReservationId) -> Reservation:
        stored = self._uow.read(_RESERVATIONS, key)
        if not isinstance(stored, Reservation):
            raise NotFoundError(kind="stock reservation", key=key)
        return stored

    # -- levels ----------------------------------------------------------------

    def _take_in(self, movement: StockMovement) -> StockLevel:
        on_hand, reserved = self._counts(movement.sku, movement.location)
        _check_level(
            on_hand + movement.quantity,
            what="on hand",
            item=movement.sku,
            location=movement.location,
            field="quantity",
        )
        level = self._set(
            movement.sku, movement.location, on_hand + movement.quantity, reserved
        )
        self._record(movement)
        return level

    def adjust(
        self,
        sku: Sku,
        location: StockLocationId,
        delta: int,
        *,
        at: datetime,
        reason: str,
    ) -> StockLevel:
        """Correct on hand by ``delta``, for ``reason``; return the new level."""
        movement = StockMovement(
            sku=sku,
            location=location,
            kind=MovementKind.ADJUSTMENT,
            quantity=_check_stock_delta(delta),
            reason=_check_reason(reason),
            at=at,
        )
        on_hand, reserved = self._counts(movement.sku, movement.location)
        _check_level(
            on_hand + movement.quantity,
            what="on hand",
            item=movement.sku,
            location=movement.location,
            field="delta",
        )
        if on_hand + movement.quantity < reserved and movement.quantity < 0:
            raise InsufficientStockError(
                sku=movement.sku,
                wanted=-movement.quantity,
                available=max(on_hand - reserved, 0),
                location=movement.location,
            )
        level = self._set(
            movement.sku, movement.location, on_hand + movement.quantity, reserved
        )
        self._record(movement)
        return level

    def level(self, sku: Sku, location: StockLocationId | None = None) -> StockLevel:
        """The SKU's level at ``location``, or over all locations."""
        item = _check_sku(sku)
        if location is not None:
            where = stock_location_id(location)
            on_hand, reserved = self._counts(item, where)
            return StockLevel(
                sku=item, location=where, on_hand=on_hand, reserved=reserved
            )
        prefix = f"{item}\x00"
        on_hand = reserved = 0
        for key, row in self._uow.rows(_LEVELS):
            if key.startswith(prefix):
                on_hand += int(row[0])
                reserved += int(row[1])
        return StockLevel(sku=item, location=None, on_hand=on_hand, reserved=reserved)

    # -- reservations ------------------------------------------------------------

    def reserve(
        self,
        sku: Sku,
        quantity: int,
        *,
        reservation_id: ReservationId,
        reference: str,
        location: StockLocationId,
        expires_at: datetime | None,
        at: datetime,
        backorder: bool = False,
    ) -> Reservation:
        """Hold ``quantity`` units for a cart or order, if they are available."""
        wanted = Reservation(
            reservation_id=reservation_id,
            sku=sku,
            location=location,
            quantity=quantity,
            reference=reference,
            reserved_at=at,
            expires_at=expires_at,
            backorder=backorder,
        )
        stored = self._uow.read(_RESERVATIONS, wanted.reservation_id)
        if isinstance(stored, Reservation):
            return _same_reservation(stored, wanted)
        on_hand, reserved = self._counts(wanted.sku, wanted.location)
        if not wanted.backorder and on_hand - reserved < wanted.quantity:
            raise InsufficientStockError(
                sku=wanted.sku,
                wanted=wanted.quantity,
                available=max(on_hand - reserved, 0),
                location=wanted.location,
            )
        _check_level(
            reserved + wanted.quantity,
            what="reserved",
            item=wanted.sku,
            location=wanted.location,
            field="quantity",
        )
        self._set(wanted.sku, wanted.location, on_hand, reserved + wanted.quantity)
        self._uow.write(_RESERVATIONS, wanted.reservation_id, wanted)
        self._record(
            _reservation_movement(wanted, MovementKind.RESERVATION, wanted.reserved_at)
        )
        return wanted

    def release(self, reservation_id: ReservationId, *, at: datetime) -> bool:
        """End an active reservation unused; whether it was active."""
        return self._release(reservation_id, at, "")

    def _release(self, key: str, at: datetime, reason: str) -> bool:
        instant = _check_at(at)
        stored = self._stored(_check_reservation_id(key))
        if not stored.active:
            return False
        on_hand, reserved = self._counts(stored.sku, stored.location)
        self._set(stored.sku, stored.location, on_hand, reserved - stored.quantity)
        self._uow.write(
            _RESERVATIONS,
            stored.reservation_id,
            attrs.evolve(stored, released_at=instant),
        )
        self._record(
            _reservation_movement(stored, MovementKind.RELEASE, instant, reason)
        )
        return True

    def commit(self, reservation_id: ReservationId, *, at: datetime) -> Reservation:
        """Take a reservation's units off on hand: they were shipped."""
        instant = _check_at(at)
        stored = self._stored(_check_reservation_id(reservation_id))
        if stored.committed_at is not None:
            return stored
        if stored.released_at is not None:
            raise InvalidTransitionError(
                aggregate="stock reservation",
                key=stored.reservation_id,
                state="released",
                event="commit",
            )
        on_hand, reserved = self._counts(stored.sku, stored.location)
        # A backorder ships only from stock that no ordinary reservation holds.
        covered = (
            sum(
                other.quantity
                for _, other in self._uow.rows(_RESERVATIONS)
                if other.active
                and not other.backorder
                and other.sku == stored.sku
                and other.location == stored.location
            )
            if stored.backorder
            else 0
        )
        if on_hand - covered < stored.quantity:
            raise InsufficientStockError(
                sku=stored.sku,
                wanted=stored.quantity,
                available=on_hand - covered,
                location=stored.location,
            )
        self._set(
            stored.sku,
            stored.location,
            on_hand - stored.quantity,
            reserved - stored.quantity,
        )
        committed = attrs.evolve(stored, committed_at=instant)
        self._uow.write(_RESERVATIONS, stored.reservation_id, committed)
        self._record(_reservation_movement(stored, MovementKind.COMMIT, instant))
        return committed

    def expire(self, at: datetime) -> list[ReservationId]:
        """Release the active reservations that expired by ``at``."""
        instant = _check_at(at)
        due = sorted(
            (stored.expires_at, stored.reservation_id)
            for _, stored in self._uow.rows(_RESERVATIONS)
            if stored.active
            and stored.expires_at is not None
            and stored.expires_at <= instant
        )
        for _, key in due:
            self._release(key, instant, "expired")
        return [key for _, key in due]

    def reservation(self, reservation_id: ReservationId) -> Reservation:
        """The reservation with this id, as stored."""
        return self._stored(_check_reservation_id(reservation_id))

    def reservations_for(self, reference: str) -> list[Reservation]:
        """The reservations made for ``reference``, active or ended."""
        wanted = _check_reference(reference)
        return sorted(
            (
                stored
                for _, stored in self._uow.rows(_RESERVATIONS)
                if stored.reference == wanted
            ),
            key=lambda stored: (stored.reserved_at, stored.reservation_id),
        )

    def movements(self, sku: Sku) -> list[StockMovement]:
        """The SKU's ledger, oldest first."""
        item = _check_sku(sku)
        ledger: list[StockMovement] = self._uow.read(_MOVEMENTS, item) or []
        return sorted(ledger, key=lambda movement: movement.at)
