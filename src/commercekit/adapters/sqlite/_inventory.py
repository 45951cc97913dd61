"""The SQLite stock store."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

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
from commercekit.adapters.sqlite._columns import (
    _instant,
    _optional_instant,
    _optional_text,
    _readable,
    _storage,
    _text,
)
from commercekit.errors import (
    InvalidTransitionError,
    NotFoundError,
    StorageError,
)
from commercekit.inventory import (
    MAX_STOCK_QUANTITY,
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
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__ = ["SQLiteStockStore"]

# Adds units to on hand only while it stays within the bound (a new row's
# :delta is within it already); the row count says whether it added.
_ADD_ON_HAND = (
    "INSERT INTO stock_levels (sku, location, on_hand) VALUES (:sku, :location, "
    ":delta) ON CONFLICT (sku, location) DO UPDATE SET on_hand = on_hand + :delta "
    "WHERE on_hand + :delta <= :most"
)

# Removes units from on hand only where the reserved ones stay covered.
_REMOVE_ON_HAND = (
    "UPDATE stock_levels SET on_hand = on_hand + :delta "
    "WHERE sku = :sku AND location = :location AND on_hand + :delta >= reserved"
)

# Takes a reservation only while enough is available: the check and the
# take are one statement, and its row count says whether it took.
_RESERVE = (
    "UPDATE stock_levels SET reserved = reserved + :quantity "
    "WHERE sku = :sku AND location = :location "
    "AND on_hand - reserved >= :quantity"
)

_BACKORDER = (
    "INSERT INTO stock_levels (sku, location, reserved) "
    "VALUES (:sku, :location, :quantity) "
    "ON CONFLICT (sku, location) DO UPDATE SET reserved = reserved + :quantity "
    "WHERE reserved + :quantity <= :most"
)

_SHIP = (
    "UPDATE stock_levels SET on_hand = on_hand - :quantity, "
    "reserved = reserved - :quantity "
    "WHERE sku = :sku AND location = :location AND on_hand >= :quantity"
)

_RESERVATION_COLUMNS = (
    "reservation_id, sku, location, quantity, reference, backorder, "
    "reserved_at, expires_at, released_at, committed_at"
)


_HELD_BY_ORDINARY = (
    "SELECT COALESCE(SUM(quantity), 0) FROM stock_reservations "
    "WHERE sku = ? AND location = ? AND backorder = 0 "
    "AND released_at IS NULL AND committed_at IS NULL"
)
"""The units the active ordinary reservations of a SKU hold at a location."""


class SQLiteStockStore(_StockIntake, StockStore):
    """Stock levels, reservations and the stock ledger in a SQLite database.

    Three tables. ``stock_levels`` holds on hand and reserved per SKU and
    location (the primary key), each kept at zero or more by a ``CHECK``
    constraint. ``stock_reservations`` holds one row per reservation, with
    its instants as UTC ISO 8601 text (``released_at`` and ``committed_at``
    ``NULL`` while it is active; indexed by expiry for the sweep).
    ``stock_movements`` is the ledger, indexed by SKU and time.

    Every write runs in a savepoint of the unit of work's transaction, so a
    refusal leaves nothing behind and the block can go on. :meth:`reserve`
    is a conditional ``UPDATE stock_levels SET reserved = reserved + ?
    WHERE ... AND on_hand - reserved >= ?`` checked by its row count: the
    database itself never reserves a unit that is not available. Additions
    to on hand and backorders are conditional the same way, so no level
    passes :data:`~commercekit.inventory.MAX_STOCK_QUANTITY` (SQLite would
    store a sum past its 64-bit integers as an inexact ``REAL``).

    Args:
        uow: The unit of work whose connection the store uses.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    # -- plumbing --------------------------------------------------------------

    def _storage(
        self, action: str
    ) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return _storage(self._uow, action)

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[sqlite3.Connection]:
        """Run one write as a whole, in a savepoint: a failure undoes all of it."""
        conn = self._uow.connection
        with self._storage("write stock to"):
            conn.execute("SAVEPOINT stock_write")
        try:
            with self._storage("write stock to"):
                yield conn
        except BaseException:
            conn.execute("ROLLBACK TO stock_write")
            conn.execute("RELEASE stock_write")
            raise
        with self._storage("write stock to"):
            conn.execute("RELEASE stock_write")

    @staticmethod
    def _counts(conn: sqlite3.Connection, item: str, location: str) -> tuple[int, int]:
        row = conn.execute(
            "SELECT on_hand, reserved FROM stock_levels WHERE sku = ? AND location = ?",
            (item, location),
        ).fetchone()
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def _level(
        self, conn: sqlite3.Connection, item: Sku, location: StockLocationId
    ) -> StockLevel:
        on_hand, reserved = self._counts(conn, item, location)
        with _readable("stock level"):
            return StockLevel(
                sku=item, location=location, on_hand=on_hand, reserved=reserved
            )

    @staticmethod
    def _record(conn: sqlite3.Connection, movement: StockMovement) -> None:
        conn.execute(
            "INSERT INTO stock_movements "
            "(sku, location, kind, quantity, reference, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                movement.sku,
                movement.location,
                movement.kind.value,
                movement.quantity,
                movement.reference,
                movement.reason,
                _text(movement.at),
            ),
        )

    @staticmethod
    def _fetch(conn: sqlite3.Connection, key: ReservationId) -> Reservation:
        row: tuple[Any, ...] | None = conn.execute(
            f"SELECT {_RESERVATION_COLUMNS} FROM stock_reservations "  # noqa: S608
            "WHERE reservation_id = ?",
            (key,),
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="stock reservation", key=key)
        return _reservation(row)

    def _add_on_hand(
        self, conn: sqlite3.Connection, movement: StockMovement, field: str
    ) -> None:
        """Add a movement's units to on hand, if it stays within the bound."""
        added = conn.execute(
            _ADD_ON_HAND,
            {
                "sku": movement.sku,
                "location": movement.location,
                "delta": movement.quantity,
                "most": MAX_STOCK_QUANTITY,
            },
        ).rowcount
        if added != 1:
            on_hand, _ = self._counts(conn, movement.sku, movement.location)
            _check_level(
                on_hand + movement.quantity,
                what="on hand",
                item=movement.sku,
                location=movement.location,
                field=field,
            )
            msg = f"on hand of SKU {movement.sku} did not change"
            raise StorageError(msg)

    # -- levels ----------------------------------------------------------------

    def _take_in(self, movement: StockMovement) -> StockLevel:
        with self._atomic() as conn:
            self._add_on_hand(conn, movement, "quantity")
            self._record(conn, movement)
            return self._level(conn, movement.sku, movement.location)

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
        where = {
            "sku": movement.sku,
            "location": movement.location,
            "delta": movement.quantity,
        }
        with self._atomic() as conn:
            if movement.quantity > 0:
                self._add_on_hand(conn, movement, "delta")
            elif conn.execute(_REMOVE_ON_HAND, where).rowcount != 1:
                on_hand, reserved = self._counts(conn, movement.sku, movement.location)
                raise InsufficientStockError(
                    sku=movement.sku,
                    wanted=-movement.quantity,
                    available=max(on_hand - reserved, 0),
                    location=movement.location,
                )
            self._record(conn, movement)
            return self._level(conn, movement.sku, movement.location)

    def level(self, sku: Sku, location: StockLocationId | None = None) -> StockLevel:
        """The SKU's level at ``location``, or over all locations."""
        item = _check_sku(sku)
        with self._storage("read stock from") as conn:
            if location is not None:
                return self._level(conn, item, stock_location_id(location))
            on_hand, reserved = conn.execute(
                "SELECT coalesce(sum(on_hand), 0), coalesce(sum(reserved), 0) "
                "FROM stock_levels WHERE sku = ?",
                (item,),
            ).fetchone()
        with _readable("stock level"):
            return StockLevel(
                sku=item, location=None, on_hand=int(on_hand), reserved=int(reserved)
            )

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
        where = {
            "sku": wanted.sku,
            "location": wanted.location,
            "quantity": wanted.quantity,
            "most": MAX_STOCK_QUANTITY,
        }
        with self._atomic() as conn:
            with contextlib.suppress(NotFoundError):
                return _same_reservation(
                    self._fetch(conn, wanted.reservation_id), wanted
                )
            if wanted.backorder:
                if conn.execute(_BACKORDER, where).rowcount != 1:
                    _, reserved = self._counts(conn, wanted.sku, wanted.location)
                    _check_level(
                        reserved + wanted.quantity,
                        what="reserved",
                        item=wanted.sku,
                        location=wanted.location,
                        field="quantity",
                    )
                    msg = f"reserved of SKU {wanted.sku} did not change"
                    raise StorageError(msg)
            elif conn.execute(_RESERVE, where).rowcount != 1:
                on_hand, reserved = self._counts(conn, wanted.sku, wanted.location)
                raise InsufficientStockError(
                    sku=wanted.sku,
                    wanted=wanted.quantity,
                    available=max(on_hand - reserved, 0),
                    location=wanted.location,
                )
            conn.execute(
                f"INSERT INTO stock_reservations ({_RESERVATION_COLUMNS}) "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                (
                    wanted.reservation_id,
                    wanted.sku,
                    wanted.location,
                    wanted.quantity,
                    wanted.reference,
                    int(wanted.backorder),
                    _text(wanted.reserved_at),
                    _optional_text(wanted.expires_at),
                ),
            )
            self._record(
                conn,
                _reservation_movement(
                    wanted, MovementKind.RESERVATION, wanted.reserved_at
                ),
            )
        return wanted

    def release(self, reservation_id: ReservationId, *, at: datetime) -> bool:
        """End an active reservation unused; whether it was active."""
        key = _check_reservation_id(reservation_id)
        instant = _check_at(at)
        with self._atomic() as conn:
            return self._release(conn, self._fetch(conn, key), instant, "")

    def _release(
        self,
        conn: sqlite3.Connection,
        stored: Reservation,
        at: datetime,
        reason: str,
    ) -> bool:
        released = conn.execute(
            "UPDATE stock_reservations SET released_at = ? WHERE reservation_id = ? "
            "AND released_at IS NULL AND committed_at IS NULL",
            (_text(at), stored.reservation_id),
        ).rowcount
        if released != 1:
            return False
        conn.execute(
            "UPDATE stock_levels SET reserved = reserved - ? "
            "WHERE sku = ? AND location = ?",
            (stored.quantity, stored.sku, stored.location),
        )
        self._record(
            conn, _reservation_movement(stored, MovementKind.RELEASE, at, reason)
        )
        return True

    def commit(self, reservation_id: ReservationId, *, at: datetime) -> Reservation:
        """Take a reservation's units off on hand: they were shipped."""
        key = _check_reservation_id(reservation_id)
        instant = _check_at(at)
        with self._atomic() as conn:
            stored = self._fetch(conn, key)
            if stored.committed_at is not None:
                return stored
            if stored.released_at is not None:
                raise InvalidTransitionError(
                    aggregate="stock reservation",
                    key=key,
                    state="released",
                    event="commit",
                )
            if stored.backorder:
                # A backorder ships only from stock no ordinary reservation holds.
                on_hand, _ = self._counts(conn, stored.sku, stored.location)
                (covered,) = conn.execute(
                    _HELD_BY_ORDINARY, (stored.sku, stored.location)
                ).fetchone()
                if on_hand - covered < stored.quantity:
                    raise InsufficientStockError(
                        sku=stored.sku,
                        wanted=stored.quantity,
                        available=on_hand - covered,
                        location=stored.location,
                    )
            shipped = conn.execute(
                _SHIP,
                {
                    "sku": stored.sku,
                    "location": stored.location,
                    "quantity": stored.quantity,
                },
            ).rowcount
            if shipped != 1:
                on_hand, _ = self._counts(conn, stored.sku, stored.location)
                raise InsufficientStockError(
                    sku=stored.sku,
                    wanted=stored.quantity,
                    available=on_hand,
                    location=stored.location,
                )
            conn.execute(
                "UPDATE stock_reservations SET committed_at = ? "
                "WHERE reservation_id = ?",
                (_text(instant), key),
            )
            self._record(
                conn, _reservation_movement(stored, MovementKind.COMMIT, instant)
            )
            return self._fetch(conn, key)

    def expire(self, at: datetime) -> list[ReservationId]:
        """Release the active reservations that expired by ``at``."""
        instant = _check_at(at)
        released: list[ReservationId] = []
        with self._atomic() as conn:
            rows = conn.execute(
                f"SELECT {_RESERVATION_COLUMNS} FROM stock_reservations "  # noqa: S608
                "WHERE expires_at <= ? AND released_at IS NULL "
                "AND committed_at IS NULL ORDER BY expires_at, reservation_id",
                (_text(instant),),
            ).fetchall()
            for row in rows:
                stored = _reservation(row)
                if self._release(conn, stored, instant, "expired"):
                    released.append(stored.reservation_id)
        return released

    def reservation(self, reservation_id: ReservationId) -> Reservation:
        """The reservation with this id, as stored."""
        key = _check_reservation_id(reservation_id)
        with self._storage("read stock from") as conn:
            return self._fetch(conn, key)

    def reservations_for(self, reference: str) -> list[Reservation]:
        """The reservations made for ``reference``, active or ended."""
        wanted = _check_reference(reference)
        with self._storage("read stock from") as conn:
            rows = conn.execute(
                f"SELECT {_RESERVATION_COLUMNS} FROM stock_reservations "  # noqa: S608
                "WHERE reference = ? ORDER BY reserved_at, reservation_id",
                (wanted,),
            ).fetchall()
        return [_reservation(row) for row in rows]

    def movements(self, sku: Sku) -> list[StockMovement]:
        """The SKU's ledger, oldest first."""
        item = _check_sku(sku)
        with self._storage("read stock from") as conn:
            rows = conn.execute(
                "SELECT sku, location, kind, quantity, reference, reason, at "
                "FROM stock_movements WHERE sku = ? ORDER BY at, movement_id",
                (item,),
            ).fetchall()
        with _readable("stock movement"):
            return [
                StockMovement(
                    sku=row[0],
                    location=row[1],
                    kind=row[2],
                    quantity=row[3],
                    reference=row[4],
                    reason=row[5],
                    at=_instant(row[6]),
                )
                for row in rows
            ]


def _reservation(row: tuple[Any, ...]) -> Reservation:
    with _readable("stock reservation"):
        return Reservation(
            reservation_id=row[0],
            sku=row[1],
            location=row[2],
            quantity=row[3],
            reference=row[4],
            backorder=bool(row[5]),
            reserved_at=_instant(row[6]),
            expires_at=_optional_instant(row[7]),
            released_at=_optional_instant(row[8]),
            committed_at=_optional_instant(row[9]),
        )
