"""The port through which stock is kept, and the inventory unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from commercekit.inventory._model import (
    Reservation,
    ReservationId,
    StockLevel,
    StockLocationId,
    StockMovement,
)
from commercekit.ports import UnitOfWork
from commercekit.values import Sku

__all__ = ["InventoryUnitOfWork", "StockStore"]


class StockStore(Protocol):
    """Keeps stock levels per SKU and location, reservations, and the ledger.

    Contract (checked by ``commercekit.testing.contracts.StockStoreContract``):

    * **Levels.** For each SKU and location the store keeps ``on_hand`` and
      ``reserved``; ``available`` is on hand minus reserved. On hand and
      reserved never go below zero. Reserved exceeds on hand only by
      backorders (``backorder=True``); without them available never goes
      below zero.
    * **The ledger.** Every change of a level is one
      :class:`~commercekit.inventory.StockMovement`, written in the same
      transaction: :meth:`receive` a ``receipt``, :meth:`adjust` an
      ``adjustment``, :meth:`reserve` a ``reservation``, :meth:`release` and
      :meth:`expire` a ``release``, :meth:`commit` a ``commit`` (reservation
      movements carry the reservation id as ``reference``). So the sums of
      ``on_hand_change`` and ``reserved_change`` over a SKU's movements at a
      location are its level there. A refused call writes none.
    * :meth:`receive` adds ``quantity`` (1 or more) to on hand.
    * :meth:`adjust` adds ``delta`` (not 0, either sign) to on hand, with a
      non-empty ``reason``. A negative delta that would take on hand below
      reserved (or below zero) raises
      :class:`~commercekit.inventory.InsufficientStockError` (``wanted`` is
      ``-delta``, ``available`` what could be removed).
    * :meth:`level` is the SKU's level at ``location``, or summed over all
      locations (``location`` ``None``). A SKU or location never stocked has
      zeros, not an error.
    * :meth:`reserve` is atomic: however many units of work reserve at once,
      a reservation succeeds only if ``available >= quantity`` at its
      location at that moment (checked and taken in one step), else
      :class:`~commercekit.inventory.InsufficientStockError` naming SKU,
      wanted and available. ``backorder=True`` skips the check (a backorder
      or preorder); reserved may then exceed on hand. It is idempotent: a
      reservation id that exists returns the stored reservation as it is
      (active, released or committed) and changes nothing, if the SKU,
      location, quantity and reference match; otherwise
      :class:`~commercekit.errors.DuplicateError`. This holds after the
      reservation ended too: a retry of a reservation that was released, or
      that expired and was swept, returns it released (``active`` false)
      and takes no units, however many are available. One id stands for one
      hold in the ledger; a caller that still wants the units reserves
      under a new id.
    * :meth:`release` ends an active reservation unused: reserved goes down
      by its quantity. It returns ``True`` if it did, ``False`` if the
      reservation was released or committed already: releasing twice
      releases once.
    * :meth:`commit` ends an active reservation as shipped: on hand and
      reserved both go down by its quantity, and the stored reservation
      (with ``committed_at``) is returned. Committing again returns it and
      changes nothing. A released reservation cannot be committed:
      :class:`~commercekit.errors.InvalidTransitionError` (state
      ``"released"``, event ``"commit"``); reserve again instead. A
      backorder ships only from units that no ordinary reservation holds;
      while there are too few such units it raises
      :class:`~commercekit.inventory.InsufficientStockError`. An expired
      reservation that no sweep released yet can still be committed.
    * :meth:`expire` releases every active reservation whose ``expires_at``
      is at or before ``at`` (reason ``"expired"``) and returns their ids,
      by expiry, then id.
    * :meth:`reservation` returns a reservation as stored;
      :meth:`reservations_for` lists those made for a reference (a cart or
      an order), active or ended, by ``reserved_at``, then id; an unknown
      reference has none.
    * :meth:`movements` lists a SKU's movements at all locations, oldest
      first (by ``at``, then in the order they were written).
    * An unknown reservation id raises
      :class:`~commercekit.errors.NotFoundError` (``kind="stock
      reservation"``). Bad input (a bad SKU, location, quantity, naive
      instant) raises :class:`~commercekit.errors.ValidationError`.
    * Nothing is visible to other units of work before the commit; leaving
      the block without a commit undoes every change in it. A refused call
      leaves the block usable: it can go on and commit.
    """

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
        ...

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
        """Put goods a customer sent back on hand again; return the new level.

        The movement is a ``return`` naming ``reference`` (such as the
        return's id), so the ledger tells returned goods from new ones.
        """
        ...

    def adjust(
        self,
        sku: Sku,
        location: StockLocationId,
        delta: int,
        *,
        at: datetime,
        reason: str,
    ) -> StockLevel:
        """Correct on hand by ``delta``, for ``reason``; return the new level.

        Raises:
            InsufficientStockError: if on hand would go below reserved.
        """
        ...

    def level(self, sku: Sku, location: StockLocationId | None = None) -> StockLevel:
        """The SKU's level at ``location``, or over all locations."""
        ...

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
        """Hold ``quantity`` units for a cart or order, if they are available.

        Raises:
            InsufficientStockError: if fewer are available (and no backorder).
            DuplicateError: if the id was used for another reservation.
        """
        ...

    def release(self, reservation_id: ReservationId, *, at: datetime) -> bool:
        """End an active reservation unused; whether it was active."""
        ...

    def commit(self, reservation_id: ReservationId, *, at: datetime) -> Reservation:
        """Take a reservation's units off on hand: they were shipped.

        Raises:
            InvalidTransitionError: if it was released.
            InsufficientStockError: for a backorder not yet on hand.
        """
        ...

    def expire(self, at: datetime) -> list[ReservationId]:
        """Release the active reservations that expired by ``at``."""
        ...

    def reservation(self, reservation_id: ReservationId) -> Reservation:
        """The reservation with this id, as stored."""
        ...

    def reservations_for(self, reference: str) -> list[Reservation]:
        """The reservations made for ``reference``, active or ended."""
        ...

    def movements(self, sku: Sku) -> list[StockMovement]:
        """The SKU's ledger, oldest first."""
        ...


class InventoryUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that has the inventory context's store, ``stock``."""

    stock: StockStore
