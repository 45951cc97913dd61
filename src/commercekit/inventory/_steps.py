"""Release and commit steps inside a unit of work the caller entered.

An order that cancels one line, or ships part of its units, ends part of
its reservations in the same transaction as its own change. These steps
do what :func:`~commercekit.inventory.release_stock` and
:func:`~commercekit.inventory.commit_stock` do for a reference, and can
also take a number of units of a SKU: a reservation that holds more than
that is ended and the units that stay are reserved again at the same
location, with the same expiry (the ledger shows both moves).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from commercekit.errors import ValidationError
from commercekit.inventory._events import (
    ReleaseReason,
    StockReserved,
)
from commercekit.inventory._model import (
    Reservation,
    ReservationId,
    ReservationKind,
    _identifier,
    _stock_quantity,
    _utc,
    reservation_id,
)
from commercekit.inventory._ports import InventoryUnitOfWork
from commercekit.inventory._service import _committed, _released
from commercekit.inventory._service_common import _Events, _recorder
from commercekit.ports import IdFactory
from commercekit.values import Sku, sku

__all__ = ["commit_stock_in", "release_stock_in"]


def _units(units: Mapping[str, int] | None) -> dict[Sku, int] | None:
    if units is None:
        return None
    given: object = units
    if not isinstance(given, Mapping):
        msg = f"units must map SKUs to quantities, not {given!r}"
        raise ValidationError(msg, field="units")
    wanted: dict[Sku, int] = {}
    for code, quantity in units.items():
        key = sku(code)
        if key in wanted:
            msg = f"{code!r} and another key both name the SKU {key!r}"
            raise ValidationError(msg, field="units")
        wanted[key] = _stock_quantity(quantity, field="quantity")
    return wanted


def _kind(held: Reservation) -> ReservationKind:
    return ReservationKind.BACKORDER if held.backorder else ReservationKind.STOCK


class _Split:
    """Ends reservations, and reserves again the units that stay."""

    def __init__(
        self, uow: InventoryUnitOfWork, at: datetime, ids: IdFactory | None
    ) -> None:
        self.uow = uow
        self.at = at
        self.ids = ids
        self.events: _Events = _recorder(uow)

    def release(self, held: Reservation) -> ReservationId | None:
        if not self.uow.stock.release(held.reservation_id, at=self.at):
            return None
        self.events.record(_released(held, ReleaseReason.RELEASED, self.at))
        return held.reservation_id

    def again(self, held: Reservation, quantity: int) -> Reservation:
        """Reserve ``quantity`` of ``held``'s units anew, where it held them."""
        if self.ids is None:
            msg = "ids are needed to split a reservation"
            raise ValidationError(msg, field="ids")
        made = self.uow.stock.reserve(
            held.sku,
            quantity,
            reservation_id=reservation_id(self.ids.new_id()),
            reference=held.reference,
            location=held.location,
            expires_at=held.expires_at,
            at=self.at,
            backorder=held.backorder,
        )
        self.events.record(
            StockReserved(
                reservation_id=made.reservation_id,
                reference=made.reference,
                sku=made.sku,
                location=made.location,
                quantity=made.quantity,
                kind=_kind(made),
                expires_at=made.expires_at,
                at=self.at,
            )
        )
        return made


def _split_of(holds: list[Reservation], quantity: int) -> Reservation | None:
    """The reservation that taking ``quantity`` from ``holds`` in order splits."""
    left = quantity
    for held in holds:
        if left == 0:
            return None
        if held.quantity > left:
            return held
        left -= held.quantity
    return None


def _newest_first(holds: list[Reservation]) -> list[Reservation]:
    return list(reversed(holds))


def _on_hand_first(holds: list[Reservation]) -> list[Reservation]:
    return sorted(holds, key=lambda held: held.backorder)


def _taken(
    active: list[Reservation],
    wanted: Mapping[Sku, int],
    reference: str,
    *,
    ids: IdFactory | None,
    at: datetime,
    first: Callable[[list[Reservation]], list[Reservation]],
) -> dict[Sku, list[Reservation]]:
    """The active reservations of each wanted SKU, or a clear error.

    Everything that could refuse the step is checked here, before anything
    changes: the units held, and what a split needs (``ids``, and an
    expiry still ahead, since the rest is reserved again with it).
    """
    by_sku: dict[Sku, list[Reservation]] = {}
    for held in active:
        by_sku.setdefault(held.sku, []).append(held)
    for item, quantity in wanted.items():
        holds = by_sku.get(item, [])
        total = sum(held.quantity for held in holds)
        if total < quantity:
            msg = (
                f"{reference!r} holds {total} x {item}, fewer than the "
                f"{quantity} to take"
            )
            raise ValidationError(msg, field="units")
        by_sku[item] = first(holds)
        split = _split_of(by_sku[item], quantity)
        if split is None:
            continue
        if ids is None:
            msg = (
                f"taking {quantity} of {total} x {item} splits a reservation: give ids"
            )
            raise ValidationError(msg, field="ids")
        if split.expires_at is not None and split.expires_at <= at:
            msg = (
                f"reservation {split.reservation_id} of {reference!r} has "
                "expired: sweep it (sweep_expired) before taking part of it"
            )
            raise ValidationError(msg, field="units")
    return by_sku


def release_stock_in(
    uow: InventoryUnitOfWork,
    *,
    reference: str,
    at: datetime,
    units: Mapping[str, int] | None = None,
    ids: IdFactory | None = None,
) -> list[ReservationId]:
    """Release a reference's reservations, all or some units, in your transaction.

    Without ``units`` every active reservation of ``reference`` is released,
    as :func:`~commercekit.inventory.release_stock` does. With ``units``
    (SKU to units), only that many units of each SKU are released, the
    newest reservations first; a reservation holding more is released and
    the rest reserved again (``ids`` makes the new ids). Records
    :class:`~commercekit.inventory.StockReleased` and, for a rest,
    :class:`~commercekit.inventory.StockReserved`. It neither enters ``uow``
    nor commits.

    Returns:
        The ids of the reservations released.

    Raises:
        ValidationError: for a bad reference, instant or units, or units the
            reference does not hold.
    """
    reference = _identifier(reference, "reference")
    now = _utc(at, "at")
    wanted = _units(units)
    split = _Split(uow, now, ids)
    active = [held for held in uow.stock.reservations_for(reference) if held.active]
    released: list[ReservationId] = []
    if wanted is None:
        ended = (split.release(held) for held in active)
        return [key for key in ended if key is not None]
    by_sku = _taken(active, wanted, reference, ids=ids, at=now, first=_newest_first)
    for item, quantity in wanted.items():
        left = quantity
        for held in by_sku[item]:
            if left == 0:
                break
            if (key := split.release(held)) is not None:
                released.append(key)
            if held.quantity > left:
                split.again(held, held.quantity - left)
            left -= min(left, held.quantity)
    return released


def commit_stock_in(
    uow: InventoryUnitOfWork,
    *,
    reference: str,
    at: datetime,
    units: Mapping[str, int] | None = None,
    ids: IdFactory | None = None,
) -> list[Reservation]:
    """Commit a reference's reservations, all or some units, in your transaction.

    Without ``units`` every active reservation of ``reference`` ships, as
    :func:`~commercekit.inventory.commit_stock` does. With ``units`` (SKU to
    units), that many units of each SKU ship: reservations of stock on hand
    first, the oldest first; a reservation holding more is split (the units
    that ship are reserved anew and committed, the rest stays reserved;
    ``ids`` makes the new ids). Records
    :class:`~commercekit.inventory.StockCommitted` for what shipped. It
    neither enters ``uow`` nor commits.

    Returns:
        The reservations committed, as stored after it.

    Raises:
        InsufficientStockError: for a backorder whose units are not on hand.
        ValidationError: for a bad reference, instant or units, or units the
            reference does not hold.
    """
    reference = _identifier(reference, "reference")
    now = _utc(at, "at")
    wanted = _units(units)
    split = _Split(uow, now, ids)
    active = [held for held in uow.stock.reservations_for(reference) if held.active]
    targets: list[Reservation] = []
    if wanted is None:
        targets = active
    else:
        by_sku = _taken(
            active, wanted, reference, ids=ids, at=now, first=_on_hand_first
        )
        for item, quantity in wanted.items():
            left = quantity
            for held in by_sku[item]:
                if left == 0:
                    break
                if held.quantity <= left:
                    targets.append(held)
                    left -= held.quantity
                    continue
                split.release(held)
                split.again(held, held.quantity - left)
                targets.append(split.again(held, left))
                left = 0
    committed: list[Reservation] = []
    for held in targets:
        shipped = uow.stock.commit(held.reservation_id, at=now)
        committed.append(shipped)
        split.events.record(_committed(shipped, now))
    return committed
