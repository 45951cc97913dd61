"""Strategies for inventory: stock, reservations, locations, allocation and events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Final

from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.inventory import (
    Allocation,
    AllocationPlan,
    InventorySettings,
    MovementKind,
    ReleaseReason,
    Reservation,
    ReservationId,
    ReservationKind,
    StockAdjusted,
    StockCommitted,
    StockLevel,
    StockLocation,
    StockLocationId,
    StockMovement,
    StockPolicy,
    StockRanLow,
    StockReceived,
    StockReleased,
    StockReserved,
    reservation_id,
    stock_location_id,
)
from commercekit.ports import DomainEvent
from commercekit.testing.strategies._money import _instants, skus
from commercekit.values import Sku

__all__ = [
    "allocation_plans",
    "allocations",
    "inventory_events",
    "inventory_settings",
    "reservations",
    "stock_levels",
    "stock_locations",
    "stock_movements",
    "stock_policies",
]

_LOCATIONS: Final = ("berlin", "hamburg", "wien-1", "dropship.eu")


def _locations() -> st.SearchStrategy[StockLocationId]:
    return st.sampled_from(_LOCATIONS).map(stock_location_id)


def _reservation_ids() -> st.SearchStrategy[ReservationId]:
    return st.integers(1, 99_999).map(lambda n: reservation_id(f"res-{n}"))


def stock_levels(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[StockLevel]:
    """Draw stock levels of a SKU at one location, or over all of them.

    On hand is 0 to 500 and reserved mostly at most on hand; now and then
    reserved exceeds on hand by up to 20 units, as backorders allow, so
    ``available`` goes below zero.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> StockLevel:
        on_hand = draw(st.integers(0, 500))
        if draw(st.integers(0, 9)) == 0:
            reserved = on_hand + draw(st.integers(1, 20))
        else:
            reserved = draw(st.integers(0, on_hand))
        return StockLevel(
            sku=draw(skus() if sku is None else sku),
            location=draw(st.none() | _locations()),
            on_hand=on_hand,
            reserved=reserved,
        )

    return build()


_RESERVATION_KINDS: Final = frozenset(
    {MovementKind.RESERVATION, MovementKind.RELEASE, MovementKind.COMMIT}
)


def stock_movements(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[StockMovement]:
    """Draw entries of the stock ledger, of every kind of movement.

    Quantities are 1 to 50; an adjustment's is -50 to 50 but not 0 and comes
    with a reason. A reservation, release or commit names a reservation id
    as its reference (a release sometimes with the reason ``"expired"``); a
    receipt or return names a delivery note or return, or nothing. Instants
    are whole seconds in UTC, from 2019 to the end of 2027.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> StockMovement:
        kind = draw(st.sampled_from(MovementKind))
        quantity = draw(st.integers(1, 50))
        reference: str | None
        reason = ""
        if kind in _RESERVATION_KINDS:
            reference = draw(_reservation_ids())
            if kind is MovementKind.RELEASE:
                reason = draw(st.sampled_from(["", "expired"]))
        elif kind is MovementKind.ADJUSTMENT:
            reference = None
            quantity *= draw(st.sampled_from([1, -1]))
            reason = draw(st.sampled_from(["stock count", "damaged", "found"]))
        else:
            prefix = "dn" if kind is MovementKind.RECEIPT else "ret"
            reference = draw(
                st.none() | st.integers(1, 9999).map(lambda n: f"{prefix}-{n}")
            )
        return StockMovement(
            sku=draw(skus() if sku is None else sku),
            location=draw(_locations()),
            kind=kind,
            quantity=quantity,
            reference=reference,
            reason=reason,
            at=draw(_instants()),
        )

    return build()


def reservations(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[Reservation]:
    """Draw reservations: active, released or committed.

    1 to 20 units held for a cart or an order (``"cart-…"``, ``"ord-…"``),
    made at a whole second from 2019 to the end of 2027, expiring 1 minute
    to 7 days later or never, some of them backorders. An ended reservation
    ended at or after it was made, and is either released or committed,
    never both.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Reservation:
        reserved_at = draw(_instants())
        expires_in = draw(st.none() | st.integers(1, 7 * 24 * 60))
        ended = reserved_at + timedelta(minutes=draw(st.integers(0, 8 * 24 * 60)))
        state = draw(st.sampled_from(["active", "released", "committed"]))
        return Reservation(
            reservation_id=draw(_reservation_ids()),
            sku=draw(skus() if sku is None else sku),
            location=draw(_locations()),
            quantity=draw(st.integers(1, 20)),
            reference=draw(st.from_regex(r"(cart|ord)-[0-9]{1,6}", fullmatch=True)),
            reserved_at=reserved_at,
            expires_at=(
                None
                if expires_in is None
                else reserved_at + timedelta(minutes=expires_in)
            ),
            backorder=draw(st.booleans()),
            released_at=ended if state == "released" else None,
            committed_at=ended if state == "committed" else None,
        )

    return build()


def stock_locations() -> st.SearchStrategy[StockLocation]:
    """Draw stock locations: one of a few ids, named after it, priority 0 to 9."""
    return st.builds(
        lambda place, priority: StockLocation(
            location_id=place, name=place.title(), priority=priority
        ),
        _locations(),
        st.integers(0, 9),
    )


def stock_policies() -> st.SearchStrategy[StockPolicy]:
    """Draw per-SKU stock policies.

    Backorders and preorders allowed or not, independently; a preorder now
    and then with a release instant (a whole second from 2019 to the end of
    2027); a low-stock threshold of 0 to 20, or none.
    """

    @st.composite
    def build(draw: st.DrawFn) -> StockPolicy:
        preorder = draw(st.booleans())
        return StockPolicy(
            backorder=draw(st.booleans()),
            preorder=preorder,
            available_from=draw(st.none() | _instants()) if preorder else None,
            low_stock_threshold=draw(st.none() | st.integers(0, 20)),
        )

    return build()


def inventory_settings(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[InventorySettings]:
    """Draw inventory settings: 1 to 4 locations, policies for up to 3 SKUs.

    The default policy is mostly the plain one (no backorders, preorders or
    low-stock event), sometimes any of :func:`stock_policies`.

    Args:
        sku: The SKUs that get policies; any of :func:`skus` by default.
    """
    return st.builds(
        lambda locations, policies, default: InventorySettings(
            locations=locations, policies=policies, default_policy=default
        ),
        st.lists(
            stock_locations(),
            min_size=1,
            max_size=4,
            unique_by=lambda location: location.location_id,
        ),
        st.dictionaries(skus() if sku is None else sku, stock_policies(), max_size=3),
        st.just(StockPolicy()) | stock_policies(),
    )


def allocations(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[Allocation]:
    """Draw parts of allocation plans: 1 to 50 units of a SKU at one location.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """
    return st.builds(
        lambda item, place, quantity: Allocation(
            sku=item, location=place, quantity=quantity
        ),
        skus() if sku is None else sku,
        _locations(),
        st.integers(1, 50),
    )


def allocation_plans(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[AllocationPlan]:
    """Draw allocation plans: up to 6 parts, each SKU once per location.

    Now and then a plan is short of 1 to 20 units of a SKU or two.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """
    items = skus() if sku is None else sku
    return st.builds(
        lambda parts, short: AllocationPlan(allocations=parts, short=short),
        st.lists(
            allocations(items),
            max_size=6,
            unique_by=lambda part: (part.sku, part.location),
        ),
        st.dictionaries(items, st.integers(1, 20), max_size=2),
    )


_INVENTORY_EVENTS: Final = (
    StockReceived,
    StockAdjusted,
    StockReserved,
    StockReleased,
    StockCommitted,
    StockRanLow,
)


def _inventory_event(
    kind: type[DomainEvent], item: st.SearchStrategy[Sku]
) -> st.SearchStrategy[DomainEvent]:
    quantity = st.integers(1, 50)
    held = {
        "reservation_id": _reservation_ids(),
        "reference": st.from_regex(r"(cart|ord)-[0-9]{1,6}", fullmatch=True),
        "sku": item,
        "location": _locations(),
        "quantity": quantity,
        "at": _instants(),
    }
    fields: dict[type[DomainEvent], dict[str, st.SearchStrategy[object]]] = {
        StockReceived: {
            "sku": item,
            "location": _locations(),
            "quantity": quantity,
            "at": _instants(),
        },
        StockAdjusted: {
            "sku": item,
            "location": _locations(),
            "delta": st.integers(-50, 50).filter(bool),
            "reason": st.sampled_from(["stock count", "damaged", "found"]),
            "at": _instants(),
        },
        StockReserved: {
            **held,
            "kind": st.sampled_from(ReservationKind),
            "expires_at": st.none() | _instants(),
        },
        StockReleased: {**held, "reason": st.sampled_from(ReleaseReason)},
        StockCommitted: held,
        StockRanLow: {
            "sku": item,
            "available": st.integers(0, 20),
            "threshold": st.integers(0, 20),
            "at": _instants(),
        },
    }
    return st.fixed_dictionaries(fields[kind]).map(lambda values: kind(**values))


def inventory_events(
    *,
    kinds: Iterable[type[DomainEvent]] | None = None,
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[DomainEvent]:
    """Draw the inventory context's events: any of them, or of ``kinds``.

    Quantities are 1 to 50, an adjustment's delta -50 to 50 but not 0, a
    low-stock event's figures 0 to 20; instants are whole seconds in UTC,
    from 2019 to the end of 2027.

    Args:
        kinds: The event classes to draw from, such as ``[StockReserved]``;
            all six by default.
        sku: The SKUs to draw from; any of :func:`skus` by default.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            the inventory's event classes.
    """
    chosen = _INVENTORY_EVENTS if kinds is None else tuple(kinds)
    if not chosen or any(kind not in _INVENTORY_EVENTS for kind in chosen):
        names = ", ".join(kind.__name__ for kind in _INVENTORY_EVENTS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")
    item = skus() if sku is None else sku
    return st.one_of([_inventory_event(kind, item) for kind in chosen])
