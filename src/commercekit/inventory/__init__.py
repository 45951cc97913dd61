"""Inventory: stock per SKU and location, reservations, and the stock ledger.

* a :class:`StockStore` keeps, for each SKU and stock location, what
  is on hand and what is reserved (:class:`StockLevel`; available is on hand
  minus reserved), and never lets either go below zero;
* :meth:`StockStore.reserve` holds units for a cart or order atomically,
  with an expiry, or refuses with :class:`InsufficientStockError`;
  :meth:`~StockStore.release`, :meth:`~StockStore.commit` (shipped) and
  :meth:`~StockStore.expire` (the sweep) end a :class:`Reservation`;
* every change is a :class:`StockMovement` of a :class:`MovementKind` in a
  ledger, so any level can be explained;
* :class:`InventorySettings` name the :class:`StockLocation` objects in play
  and each SKU's :class:`StockPolicy` (backorders, preorders, a low-stock
  threshold);
* an :class:`AllocationStrategy` (by default :class:`FewestShipments`)
  decides which locations ship a request;
* the services :func:`reserve_stock`, :func:`release_stock`,
  :func:`commit_stock`, :func:`sweep_expired`, :func:`receive_stock` and
  :func:`adjust_stock` run one unit of work each and record the context's
  events (:class:`StockReserved`, :class:`StockReleased`,
  :class:`StockCommitted`, :class:`StockRanLow`, ...);
  :class:`StockAvailability` tells the catalog and the cart what can be sold,
  by the rule :func:`available_to_sell`;
* no quantity and no level passes :data:`MAX_STOCK_QUANTITY`.
"""

from typing import Final

from commercekit.inventory._allocation import (
    Allocation,
    AllocationPlan,
    AllocationStrategy,
    ByPriority,
    FewestShipments,
    allocate_by_priority,
    allocate_fewest_shipments,
)
from commercekit.inventory._availability import available_to_sell
from commercekit.inventory._errors import InsufficientStockError
from commercekit.inventory._events import (
    ReleaseReason,
    StockAdjusted,
    StockCommitted,
    StockRanLow,
    StockReceived,
    StockReleased,
    StockReserved,
)
from commercekit.inventory._model import MAX_STOCK_QUANTITY as _MAX_STOCK_QUANTITY
from commercekit.inventory._model import (
    MovementKind,
    Reservation,
    ReservationId,
    ReservationKind,
    StockLevel,
    StockLocationId,
    StockMovement,
    reservation_id,
    stock_location_id,
)
from commercekit.inventory._ports import InventoryUnitOfWork, StockStore
from commercekit.inventory._reserve import reserve_stock, reserve_stock_in
from commercekit.inventory._service import (
    StockAvailability,
    adjust_stock,
    commit_stock,
    receive_stock,
    release_stock,
    sweep_expired,
)
from commercekit.inventory._settings import (
    InventorySettings,
    StockLocation,
    StockPolicy,
)
from commercekit.inventory._steps import commit_stock_in, release_stock_in

MAX_STOCK_QUANTITY: Final = _MAX_STOCK_QUANTITY
"""The most units of one SKU any inventory call moves, and any level holds (10**12).

A receipt, a return, an adjustment (either way) or a reservation moves at
most this many units, and on hand and reserved of a SKU at one location
never pass it; beyond it the services and the stores raise
:class:`~commercekit.errors.ValidationError` naming the argument. A million
million is beyond any real stock, and small enough that a level stays exact
in a 64-bit integer column (SQLite's) and in a JSON number, with room for
sums over many locations.
"""

__all__ = [
    "MAX_STOCK_QUANTITY",
    "Allocation",
    "AllocationPlan",
    "AllocationStrategy",
    "ByPriority",
    "FewestShipments",
    "InsufficientStockError",
    "InventorySettings",
    "InventoryUnitOfWork",
    "MovementKind",
    "ReleaseReason",
    "Reservation",
    "ReservationId",
    "ReservationKind",
    "StockAdjusted",
    "StockAvailability",
    "StockCommitted",
    "StockLevel",
    "StockLocation",
    "StockLocationId",
    "StockMovement",
    "StockPolicy",
    "StockRanLow",
    "StockReceived",
    "StockReleased",
    "StockReserved",
    "StockStore",
    "adjust_stock",
    "allocate_by_priority",
    "allocate_fewest_shipments",
    "available_to_sell",
    "commit_stock",
    "commit_stock_in",
    "receive_stock",
    "release_stock",
    "release_stock_in",
    "reservation_id",
    "reserve_stock",
    "reserve_stock_in",
    "stock_location_id",
    "sweep_expired",
]
