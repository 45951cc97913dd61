"""The reserve use case: every line of a cart or order, or none of them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from commercekit.errors import DuplicateError, UsageError, ValidationError
from commercekit.inventory._allocation import (
    AllocationPlan,
    AllocationStrategy,
    FewestShipments,
)
from commercekit.inventory._availability import _available, _units
from commercekit.inventory._errors import InsufficientStockError
from commercekit.inventory._events import StockReserved
from commercekit.inventory._model import (
    Reservation,
    ReservationKind,
    StockLocationId,
    _identifier,
    _stock_quantity,
    _utc,
    reservation_id,
)
from commercekit.inventory._ports import InventoryUnitOfWork, StockStore
from commercekit.inventory._service_common import (
    _check_settings,
    _now,
    _ran_low,
    _recorder,
)
from commercekit.inventory._settings import InventorySettings
from commercekit.ports import Clock, IdFactory
from commercekit.values import Sku, sku

__all__ = ["reserve_stock", "reserve_stock_in"]

_FEWEST_SHIPMENTS = FewestShipments()


def _items(items: Mapping[str, int]) -> dict[Sku, int]:
    given: object = items  # checked at run time too, for untyped callers
    if not isinstance(given, Mapping) or not given:
        msg = f"items must map SKUs to quantities, at least one, not {given!r}"
        raise ValidationError(msg, field="items")
    wanted: dict[Sku, int] = {}
    for code, quantity in items.items():
        key = sku(code)
        if key in wanted:
            msg = f"{code!r} and another key both name the SKU {key!r}"
            raise ValidationError(msg, field="items")
        wanted[key] = _stock_quantity(quantity, field="quantity")
    return wanted


def _expiry(
    now: datetime, expires_at: datetime | None, hold_for: timedelta | None
) -> datetime | None:
    if expires_at is not None and hold_for is not None:
        msg = "give expires_at or hold_for, not both"
        raise ValidationError(msg, field="expires_at")
    if hold_for is not None:
        given: object = hold_for
        if not isinstance(given, timedelta) or hold_for <= timedelta(0):
            msg = f"hold_for must be a positive timedelta, not {given!r}"
            raise ValidationError(msg, field="hold_for")
        try:
            return now + hold_for
        except OverflowError as exc:
            msg = (
                f"hold_for {hold_for} is out of range: from {now.isoformat()} it "
                "ends after the year 9999; give expires_at=None to hold for good"
            )
            raise ValidationError(msg, field="hold_for") from exc
    if expires_at is None:
        return None
    instant = _utc(expires_at, "expires_at")
    if instant <= now:
        msg = f"expires_at {instant.isoformat()} must come after now, {now.isoformat()}"
        raise ValidationError(msg, field="expires_at")
    return instant


def _held(
    store: StockStore, reference: str, wanted: Mapping[Sku, int]
) -> list[Reservation] | None:
    """The reference's active reservations if they hold ``wanted``; else none.

    ``None`` when the reference holds nothing: reserve. Its active
    reservations, SKU by SKU in the order of ``wanted``, when they hold
    exactly the units wanted of each SKU: a retry, which reserves nothing.

    Raises:
        DuplicateError: if the reference holds other units.
    """
    active = [held for held in store.reservations_for(reference) if held.active]
    if not active:
        return None
    holds: dict[Sku, int] = {}
    for held in active:
        holds[held.sku] = holds.get(held.sku, 0) + held.quantity
    if holds != dict(wanted):
        summary = ", ".join(f"{units} x {item}" for item, units in holds.items())
        msg = (
            f"{reference!r} holds other stock already ({summary}): release it "
            f"first, with release_stock(reference={reference!r}), then reserve "
            "again"
        )
        raise DuplicateError(msg, kind="stock reservation", key=reference)
    order = {item: position for position, item in enumerate(wanted)}
    return sorted(active, key=lambda held: order[held.sku])


def _reserved(reservation: Reservation, kind: ReservationKind) -> StockReserved:
    return StockReserved(
        reservation_id=reservation.reservation_id,
        reference=reservation.reference,
        sku=reservation.sku,
        location=reservation.location,
        quantity=reservation.quantity,
        kind=kind,
        expires_at=reservation.expires_at,
        at=reservation.reserved_at,
    )


def _checked_plan(
    plan: object,
    wanted: Mapping[Sku, int],
    settings: InventorySettings,
    strategy: AllocationStrategy,
) -> AllocationPlan:
    """The strategy's plan, if it keeps to the request and the locations."""
    if not isinstance(plan, AllocationPlan):
        msg = f"the allocation strategy {strategy!r} returned {plan!r}, not a plan"
        raise UsageError(msg)
    known = set(settings.location_ids)
    for part in plan.allocations:
        if part.location not in known or part.sku not in wanted:
            msg = (
                f"the allocation strategy {strategy!r} allocated SKU {part.sku} "
                f"at {part.location!r}, which the request or settings do not name"
            )
            raise UsageError(msg)
    for item, quantity in wanted.items():
        if plan.allocated(item) > quantity:
            msg = (
                f"the allocation strategy {strategy!r} allocated "
                f"{plan.allocated(item)} of SKU {item}, more than the {quantity} "
                "wanted"
            )
            raise UsageError(msg)
    return plan


def _parts(
    item: Sku,
    quantity: int,
    *,
    available: int,
    plan: AllocationPlan,
    settings: InventorySettings,
    now: datetime,
) -> list[tuple[StockLocationId, int, ReservationKind]]:
    """Where ``item``'s units are reserved, how many, and of which kind.

    The plan's parts come from stock; what it leaves short becomes one
    backorder or preorder at the preferred location that ships the SKU's
    other units, or the preferred location when none does.

    Raises:
        InsufficientStockError: if the plan is short of a SKU whose policy
            takes neither backorders nor preorders now.
    """
    parts = [part for part in plan.allocations if part.sku == item]
    found: list[tuple[StockLocationId, int, ReservationKind]] = [
        (part.location, part.quantity, ReservationKind.STOCK) for part in parts
    ]
    shortfall = quantity - sum(part.quantity for part in parts)
    if shortfall:
        kind = settings.policy(item).shortfall(now)
        if kind is None:
            raise InsufficientStockError(sku=item, wanted=quantity, available=available)
        ships = {part.location for part in parts}
        where = next(
            (place for place in settings.location_ids if place in ships),
            settings.location_ids[0],
        )
        found.append((where, shortfall, kind))
    return found


def reserve_stock(
    items: Mapping[str, int],
    *,
    reference: str,
    uow: InventoryUnitOfWork,
    settings: InventorySettings,
    clock: Clock,
    ids: IdFactory,
    expires_at: datetime | None = None,
    hold_for: timedelta | None = None,
    strategy: AllocationStrategy = _FEWEST_SHIPMENTS,
) -> list[Reservation]:
    """Reserve every line of a cart or order, or none of them.

    The units available at the settings' locations are allocated by
    ``strategy`` (by default :class:`~commercekit.inventory.FewestShipments`),
    and each part is reserved at its location. A SKU with fewer units
    available than wanted is reserved as far as they go, and the rest as a
    preorder or backorder if its :class:`~commercekit.inventory.StockPolicy`
    accepts one, at the preferred location that ships the SKU's other units
    (or the preferred location, when none does); else nothing is reserved.

    Records :class:`~commercekit.inventory.StockReserved` for each
    reservation and :class:`~commercekit.inventory.StockRanLow` for each SKU
    whose available units fell to its threshold or below, and commits.

    **Idempotent per reference.** A checkout that reserved and committed but
    lost the reply (a crash, a timeout) may call again with the same
    ``reference`` and ``items``: if the reference's active reservations hold
    exactly the units wanted of each SKU, they are returned as they are
    (with their locations and expiry), and nothing is reserved, recorded or
    committed. If they hold other units, the call is refused with
    :class:`~commercekit.errors.DuplicateError`: release them first
    (``release_stock(reference=...)``), then reserve again. Reservations of
    the reference that were released (or expired and swept) or committed do
    not count: a cart whose hold expired reserves anew.

    Args:
        items: SKUs to the units wanted (1 or more each).
        reference: The cart or order the units are held for.
        uow: A unit of work with the stock store (not yet entered).
        settings: The locations and the SKUs' policies.
        clock: Tells the time of the reservations.
        ids: Makes the reservations' ids.
        expires_at: When a sweep may release the reservations.
        hold_for: Or how long from now; give at most one of the two, or
            neither for reservations that never expire (an order's).
        strategy: Decides which locations ship.

    Returns:
        The reservations made (or, on a retry, held), SKU by SKU in the order
        of ``items``.

    Raises:
        DuplicateError: if ``reference`` holds active reservations of other
            SKUs or quantities; nothing is reserved.
        InsufficientStockError: for the first SKU (in the order of ``items``)
            that is short and may not be backordered or preordered; it names
            the SKU, the units wanted and the units available over all the
            settings' locations. Nothing is reserved.
        ValidationError: for bad items (a quantity below 1 or above
            :data:`~commercekit.inventory.MAX_STOCK_QUANTITY`), a bad
            reference or expiry.
        UsageError: for a strategy that breaks its contract.
    """
    now = _now(clock)
    expiry = _expiry(now, expires_at, hold_for)
    with uow:
        made = reserve_stock_in(
            uow,
            items,
            reference=reference,
            settings=settings,
            at=now,
            ids=ids,
            expires_at=expiry,
            strategy=strategy,
        )
        uow.commit()
    return made


def reserve_stock_in(
    uow: InventoryUnitOfWork,
    items: Mapping[str, int],
    *,
    reference: str,
    settings: InventorySettings,
    at: datetime,
    ids: IdFactory,
    expires_at: datetime | None = None,
    strategy: AllocationStrategy = _FEWEST_SHIPMENTS,
) -> list[Reservation]:
    """The steps of :func:`reserve_stock` inside a unit of work you entered.

    For a use case that reserves stock beside other changes in one
    transaction (placing an order reserves, redeems coupons and stores the
    order at once). It neither enters ``uow`` nor commits: the caller does,
    and leaving the block without a commit undoes the reservations. The
    rules, the idempotency per reference, the events and the errors are
    those of :func:`reserve_stock`; ``at`` is the time of the reservations
    and ``expires_at`` (``None`` for never) must come after it.
    """
    wanted = _items(items)
    _identifier(reference, "reference")
    settings = _check_settings(settings)
    now = _utc(at, "at")
    expiry = None if expires_at is None else _expiry(now, expires_at, None)
    locations = settings.location_ids
    held = _held(uow.stock, reference, wanted)
    if held is not None:
        return held  # a retry: left without a commit, nothing changed
    events = _recorder(uow)
    available = {item: _available(uow.stock, item, locations) for item in wanted}
    before = {item: sum(units.values()) for item, units in available.items()}
    for item, quantity in wanted.items():
        if before[item] < quantity and settings.policy(item).shortfall(now) is None:
            raise InsufficientStockError(
                sku=item, wanted=quantity, available=before[item]
            )
    plan = _checked_plan(
        strategy.allocate(wanted, available, settings.locations),
        wanted,
        settings,
        strategy,
    )
    made: list[Reservation] = []
    for item, quantity in wanted.items():
        parts = _parts(
            item,
            quantity,
            available=before[item],
            plan=plan,
            settings=settings,
            now=now,
        )
        for place, units, kind in parts:
            try:
                reservation = uow.stock.reserve(
                    item,
                    units,
                    reservation_id=reservation_id(ids.new_id()),
                    reference=reference,
                    location=place,
                    expires_at=expiry,
                    at=now,
                    backorder=kind is not ReservationKind.STOCK,
                )
            except InsufficientStockError as exc:
                # The plan asked for more than a location has: the
                # strategy misjudged, or another unit of work took units
                # since they were read (a store that lets them overlap).
                total = _units(uow.stock, item, locations)
                raise InsufficientStockError(
                    sku=item, wanted=quantity, available=total
                ) from exc
            made.append(reservation)
            events.record(_reserved(reservation, kind))
    for item in wanted:
        after = _units(uow.stock, item, locations)
        events.record_all(_ran_low(item, before[item], after, settings, now))
    return made
