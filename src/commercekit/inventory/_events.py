"""The inventory context's domain events.

The services record them and the unit of work writes them to its outbox in
the same transaction as the stock change, so a subscriber (a reorder job, a
storefront cache) hears of every committed change, at least once.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from commercekit.inventory._model import (
    ReservationId,
    ReservationKind,
    StockLocationId,
)
from commercekit.ports import DomainEvent
from commercekit.values import Sku

__all__ = [
    "ReleaseReason",
    "StockAdjusted",
    "StockCommitted",
    "StockRanLow",
    "StockReceived",
    "StockReleased",
    "StockReserved",
]


class ReleaseReason(enum.StrEnum):
    """Why a reservation ended unused."""

    RELEASED = "released"
    """Someone released it, as when a cart is emptied or an order canceled."""
    EXPIRED = "expired"
    """Its expiry passed and the sweep released it."""


@attrs.frozen(kw_only=True)
class StockReceived(DomainEvent):
    """Goods came in: ``quantity`` units of ``sku`` are on hand at ``location``.

    Args:
        sku: The SKU.
        location: Where they came in.
        quantity: How many units.
        at: When, in UTC.
    """

    sku: Sku
    location: StockLocationId
    quantity: int
    at: datetime


@attrs.frozen(kw_only=True)
class StockAdjusted(DomainEvent):
    """On hand was corrected by ``delta`` units (a count, a loss, a find).

    Args:
        sku: The SKU.
        location: Where.
        delta: Units added to on hand; negative when units were lost.
        reason: Why, as the merchant gave it.
        at: When, in UTC.
    """

    sku: Sku
    location: StockLocationId
    delta: int
    reason: str
    at: datetime


@attrs.frozen(kw_only=True)
class StockReserved(DomainEvent):
    """Units were reserved for a cart or an order.

    Args:
        reservation_id: The reservation.
        reference: The cart or order it is held for.
        sku: The SKU.
        location: Where the units are held (and will ship from).
        quantity: How many units.
        kind: From available stock, or a backorder or preorder.
        expires_at: When a sweep may release it; ``None`` for never.
        at: When, in UTC.
    """

    reservation_id: ReservationId
    reference: str
    sku: Sku
    location: StockLocationId
    quantity: int
    kind: ReservationKind
    expires_at: datetime | None
    at: datetime


@attrs.frozen(kw_only=True)
class StockReleased(DomainEvent):
    """A reservation ended unused, and its units are available again.

    Args:
        reservation_id: The reservation.
        reference: The cart or order it was held for.
        sku: The SKU.
        location: Where the units were held.
        quantity: How many units.
        reason: Released by someone, or expired and swept.
        at: When, in UTC.
    """

    reservation_id: ReservationId
    reference: str
    sku: Sku
    location: StockLocationId
    quantity: int
    reason: ReleaseReason
    at: datetime


@attrs.frozen(kw_only=True)
class StockCommitted(DomainEvent):
    """A reservation's units shipped: they left on hand.

    Args:
        reservation_id: The reservation.
        reference: The cart or order it was held for.
        sku: The SKU.
        location: Where the units shipped from.
        quantity: How many units.
        at: When, in UTC.
    """

    reservation_id: ReservationId
    reference: str
    sku: Sku
    location: StockLocationId
    quantity: int
    at: datetime


@attrs.frozen(kw_only=True)
class StockRanLow(DomainEvent):
    """A change took a SKU's available units to its low-stock threshold or below.

    Recorded once per crossing: when the available units go from above
    ``threshold`` to at or below it. Changes that keep it below record
    nothing; once it is above again (a delivery, a release), the next fall
    records it again.

    Args:
        sku: The SKU.
        available: The units available after the change, over the
            settings' locations (a location's backorders count as none
            there, not less).
        threshold: The SKU's ``low_stock_threshold``, from its
            :class:`~commercekit.inventory.StockPolicy`.
        at: When, in UTC.
    """

    sku: Sku
    available: int
    threshold: int
    at: datetime
