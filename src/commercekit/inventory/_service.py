"""The inventory use cases that end, sweep and correct stock, and availability.

Plain functions that take their ports as keyword-only arguments. Each opens
its unit of work, changes stock through the store, records its events on a
small recorder that the unit of work tracks, and commits: the events reach
the outbox in the same transaction as the change. Reserving is in
``_reserve``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from commercekit.catalog import Availability
from commercekit.errors import ValidationError
from commercekit.inventory._availability import _units, available_to_sell
from commercekit.inventory._events import (
    ReleaseReason,
    StockAdjusted,
    StockCommitted,
    StockReceived,
    StockReleased,
)
from commercekit.inventory._model import (
    Reservation,
    ReservationId,
    StockLevel,
    _identifier,
    _stock_quantity,
    reservation_id,
    stock_location_id,
)
from commercekit.inventory._ports import InventoryUnitOfWork, StockStore
from commercekit.inventory._service_common import (
    _check_settings,
    _now,
    _ran_low,
    _recorder,
)
from commercekit.inventory._settings import InventorySettings
from commercekit.ports import Clock
from commercekit.values import Sku, sku

__all__ = [
    "StockAvailability",
    "adjust_stock",
    "commit_stock",
    "receive_stock",
    "release_stock",
    "sweep_expired",
]


def _released(
    reservation: Reservation, reason: ReleaseReason, at: datetime
) -> StockReleased:
    return StockReleased(
        reservation_id=reservation.reservation_id,
        reference=reservation.reference,
        sku=reservation.sku,
        location=reservation.location,
        quantity=reservation.quantity,
        reason=reason,
        at=at,
    )


def _committed(reservation: Reservation, at: datetime) -> StockCommitted:
    return StockCommitted(
        reservation_id=reservation.reservation_id,
        reference=reservation.reference,
        sku=reservation.sku,
        location=reservation.location,
        quantity=reservation.quantity,
        at=at,
    )


def _targets(
    store: StockStore,
    reference: str | None,
    reservation_ids: Iterable[str] | None,
) -> list[Reservation]:
    if (reference is None) == (reservation_ids is None):
        msg = "give either a reference or reservation_ids"
        raise ValidationError(msg, field="reference")
    if reference is not None:
        return store.reservations_for(_identifier(reference, "reference"))
    given: object = reservation_ids
    if isinstance(given, str) or not isinstance(given, Iterable):
        msg = f"reservation_ids must be a list of ids, not {given!r}"
        raise ValidationError(msg, field="reservation_ids")
    keys = list(dict.fromkeys(reservation_id(key) for key in given))
    return [store.reservation(key) for key in keys]


def release_stock(
    *,
    reference: str | None = None,
    reservation_ids: Iterable[str] | None = None,
    uow: InventoryUnitOfWork,
    clock: Clock,
) -> list[ReservationId]:
    """Release a cart's or order's reservations, or the ones named, unused.

    Ended reservations are skipped: releasing twice releases once. Records
    :class:`~commercekit.inventory.StockReleased` (reason ``released``) for
    each reservation this call released, and commits.

    Args:
        reference: Release every active reservation of this cart or order.
        reservation_ids: Or release these; give exactly one of the two.
        uow: A unit of work with the stock store (not yet entered).
        clock: Tells the time of the release.

    Returns:
        The ids of the reservations this call released, in the order found.

    Raises:
        NotFoundError: for an unknown reservation id; nothing is released.
        ValidationError: for both or neither of reference and ids, or a bad one.
    """
    now = _now(clock)
    with uow:
        events = _recorder(uow)
        released: list[ReservationId] = []
        for reservation in _targets(uow.stock, reference, reservation_ids):
            if uow.stock.release(reservation.reservation_id, at=now):
                released.append(reservation.reservation_id)
                events.record(_released(reservation, ReleaseReason.RELEASED, now))
        uow.commit()
    return released


def commit_stock(
    *,
    reference: str | None = None,
    reservation_ids: Iterable[str] | None = None,
    uow: InventoryUnitOfWork,
    clock: Clock,
) -> list[Reservation]:
    """Ship a cart's or order's reservations, or the ones named: all or none.

    With a ``reference``, its active reservations ship and the ended ones are
    skipped. Named reservations ship if active; committed ones are skipped
    (committing twice ships once); a released one is refused. Records
    :class:`~commercekit.inventory.StockCommitted` for each reservation this
    call committed, and commits.

    Args:
        reference: Commit every active reservation of this cart or order.
        reservation_ids: Or commit these; give exactly one of the two.
        uow: A unit of work with the stock store (not yet entered).
        clock: Tells the time of the shipment.

    Returns:
        The reservations this call committed, as stored after it.

    Raises:
        InvalidTransitionError: for a named reservation that was released.
        InsufficientStockError: for a backorder or preorder whose units are
            not on hand yet.
        NotFoundError: for an unknown reservation id.
        ValidationError: for both or neither of reference and ids, or a bad one.

    In every error case nothing is committed.
    """
    now = _now(clock)
    with uow:
        events = _recorder(uow)
        committed: list[Reservation] = []
        for reservation in _targets(uow.stock, reference, reservation_ids):
            if reservation.committed_at is not None or (
                reference is not None and not reservation.active
            ):
                continue
            shipped = uow.stock.commit(reservation.reservation_id, at=now)
            committed.append(shipped)
            events.record(_committed(shipped, now))
        uow.commit()
    return committed


def sweep_expired(*, uow: InventoryUnitOfWork, clock: Clock) -> list[ReservationId]:
    """Release every active reservation whose expiry has passed by now.

    Run it from a periodic job. Records
    :class:`~commercekit.inventory.StockReleased` (reason ``expired``) for
    each, and commits.

    Args:
        uow: A unit of work with the stock store (not yet entered).
        clock: Tells what "now" is.

    Returns:
        The ids of the reservations released, by expiry, then id.
    """
    now = _now(clock)
    with uow:
        events = _recorder(uow)
        expired = uow.stock.expire(now)
        for key in expired:
            events.record(
                _released(uow.stock.reservation(key), ReleaseReason.EXPIRED, now)
            )
        uow.commit()
    return expired


def receive_stock(
    item: str,
    location: str,
    quantity: int,
    *,
    uow: InventoryUnitOfWork,
    clock: Clock,
    reason: str = "",
) -> StockLevel:
    """Put goods that came in on hand, and record that they did.

    Records :class:`~commercekit.inventory.StockReceived` and commits.

    Args:
        item: The SKU.
        location: Where they came in.
        quantity: How many units, 1 or more.
        uow: A unit of work with the stock store (not yet entered).
        clock: Tells the time of the receipt.
        reason: A note for the ledger, such as the delivery note.

    Returns:
        The level at ``location`` after the receipt.

    Raises:
        ValidationError: for a bad SKU or location, a quantity below 1 or
            above :data:`~commercekit.inventory.MAX_STOCK_QUANTITY`, or one
            that would take on hand there past it.
    """
    code, place = sku(item), stock_location_id(location)
    units = _stock_quantity(quantity, field="quantity")
    now = _now(clock)
    with uow:
        events = _recorder(uow)
        level = uow.stock.receive(code, place, units, at=now, reason=reason)
        events.record(StockReceived(sku=code, location=place, quantity=units, at=now))
        uow.commit()
    return level


def adjust_stock(
    item: str,
    location: str,
    delta: int,
    *,
    reason: str,
    uow: InventoryUnitOfWork,
    settings: InventorySettings,
    clock: Clock,
) -> StockLevel:
    """Correct on hand after a count, a loss or a find.

    Records :class:`~commercekit.inventory.StockAdjusted`, and
    :class:`~commercekit.inventory.StockRanLow` if the correction took the
    SKU's available units to its threshold or below; commits.

    Args:
        item: The SKU.
        location: Where.
        delta: Units to add to on hand; negative to remove them.
        reason: Why, for the ledger; required.
        uow: A unit of work with the stock store (not yet entered).
        settings: The locations and the SKU's low-stock threshold.
        clock: Tells the time of the correction.

    Returns:
        The level at ``location`` after the correction.

    Raises:
        InsufficientStockError: if on hand would go below what is reserved.
        ValidationError: for a bad SKU or location, an empty reason, a delta
            of 0 or of more than
            :data:`~commercekit.inventory.MAX_STOCK_QUANTITY` units either
            way, or one that would take on hand past it.
    """
    code, place = sku(item), stock_location_id(location)
    units = _stock_quantity(delta, field="delta", signed=True)
    settings = _check_settings(settings)
    now = _now(clock)
    with uow:
        events = _recorder(uow)
        before = _units(uow.stock, code, settings.location_ids)
        level = uow.stock.adjust(code, place, units, at=now, reason=reason)
        after = _units(uow.stock, code, settings.location_ids)
        events.record(
            StockAdjusted(sku=code, location=place, delta=units, reason=reason, at=now)
        )
        events.record_all(_ran_low(code, before, after, settings, now))
        uow.commit()
    return level


class StockAvailability(Availability):
    """The catalog's :class:`~commercekit.catalog.Availability`, read from stock.

    A SKU is in stock when units of it are available at one of the
    settings' locations, or when its policy sells it beyond that now (a
    backorder, or a preorder before the release): when
    :func:`~commercekit.inventory.available_to_sell` is ``None`` or above 0.
    The cart and the search use it to offer only what can be sold.

    Each call of :meth:`in_stock` opens a block on ``uow``, reads, and leaves
    it without committing; give it a unit of work of its own, not one whose
    block is open.

    Args:
        uow: A unit of work with the stock store.
        settings: The locations and the SKUs' policies.
        clock: Tells whether a preorder is still accepted.
    """

    def __init__(
        self,
        uow: InventoryUnitOfWork,
        *,
        settings: InventorySettings,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._settings = _check_settings(settings)
        self._clock = clock

    def in_stock(self, skus: Collection[Sku]) -> set[Sku]:
        """Return those of ``skus`` that can be sold now.

        Raises:
            ValidationError: for a malformed SKU, or a single string in place
                of a collection of SKUs (``in_stock(["SNEAKER-42"])``, not
                ``in_stock("SNEAKER-42")``).
        """
        given: object = skus  # checked at run time too, for untyped callers
        if isinstance(given, str | bytes) or not isinstance(given, Iterable):
            msg = (
                f"skus must be a collection of SKUs, such as [{given!r}], not {given!r}"
            )
            raise ValidationError(msg, field="skus")
        wanted = {sku(code) for code in skus}
        now = _now(self._clock)
        sellable: set[Sku] = set()
        with self._uow as uow:
            for item in sorted(wanted):
                units = available_to_sell(uow.stock, item, self._settings, now)
                if units is None or units > 0:
                    sellable.add(item)
        return sellable
