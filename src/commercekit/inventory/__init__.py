"""Inventory: stock per SKU and location, reservations, and the stock ledger.

* a :class:`StockStore` keeps, for each SKU and stock location, what
  is on hand and what is reserved (:class:`StockLevel`; available is on hand
  minus reserved), and never lets either go below zero;
* :meth:`StockStore.reserve` holds units for a cart or order atomically,
  with an expiry, or refuses with :class:`InsufficientStockError`;
  :meth:`~StockStore.release`, :meth:`~StockStore.commit` (shipped) and
  :meth:`~StockStore.expire` (the sweep) end a :class:`Reservation`;
* every change is a :class:`StockMovement` of a :class:`MovementKind` in a
  ledger, so any level can be explained.
"""

from commercekit.inventory._errors import InsufficientStockError
from commercekit.inventory._model import (
    MovementKind,
    Reservation,
    ReservationId,
    StockLevel,
    StockLocationId,
    StockMovement,
    reservation_id,
    stock_location_id,
)
from commercekit.inventory._ports import InventoryUnitOfWork, StockStore

__all__ = [
    "InsufficientStockError",
    "InventoryUnitOfWork",
    "MovementKind",
    "Reservation",
    "ReservationId",
    "StockLevel",
    "StockLocationId",
    "StockMovement",
    "StockStore",
    "reservation_id",
    "stock_location_id",
]
