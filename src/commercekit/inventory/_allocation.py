"""Allocation: which stock location ships how many units of which SKU.

Pure functions, no I/O: a strategy gets the wanted quantities, the units
available per SKU and location, and the locations, and returns an
:class:`AllocationPlan`. The services read the levels, ask the strategy and
reserve what the plan says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from commercekit.errors import ValidationError
from commercekit.inventory._allocation_search import (
    _fewest_locations,
    _fill,
    _Request,
    _request,
)
from commercekit.inventory._model import StockLocationId, stock_location_id
from commercekit.inventory._settings import StockLocation
from commercekit.values import FrozenMap, Sku, positive_int, sku

__all__ = [
    "Allocation",
    "AllocationPlan",
    "AllocationStrategy",
    "ByPriority",
    "FewestShipments",
    "allocate_by_priority",
    "allocate_fewest_shipments",
]


def _sku(value: object) -> Sku:
    return sku(value)  # type: ignore[arg-type]


def _location(value: object) -> StockLocationId:
    return stock_location_id(value)  # type: ignore[arg-type]


def _positive(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    positive_int(value, field=attribute.name)


@attrs.frozen(kw_only=True)
class Allocation:
    """One part of a plan: ``quantity`` units of ``sku`` ship from ``location``.

    >>> Allocation(sku="SNEAKER-42", location="berlin", quantity=2)
    Allocation(sku='SNEAKER-42', location='berlin', quantity=2)
    """

    sku: Sku = attrs.field(converter=_sku)
    location: StockLocationId = attrs.field(converter=_location)
    quantity: int = attrs.field(validator=_positive)


def _allocations(value: object) -> tuple[Allocation, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        msg = f"allocations must be a list of Allocation, not {value!r}"
        raise ValidationError(msg, field="allocations")
    given = tuple(value)
    seen: set[tuple[str, str]] = set()
    for part in given:
        if not isinstance(part, Allocation):
            msg = f"allocations must be Allocation values, not {part!r}"
            raise ValidationError(msg, field="allocations")
        if (part.sku, part.location) in seen:
            msg = (
                f"SKU {part.sku} is allocated twice at {part.location!r}: "
                "give one allocation with the sum"
            )
            raise ValidationError(msg, field="allocations")
        seen.add((part.sku, part.location))
    return given


def _short(value: object) -> FrozenMap[Sku, int]:
    if not isinstance(value, Mapping):
        msg = f"short must map SKUs to missing units, not {value!r}"
        raise ValidationError(msg, field="short")
    return FrozenMap(
        (sku(code), positive_int(units, field="short")) for code, units in value.items()
    )


@attrs.frozen(kw_only=True)
class AllocationPlan:
    """Which location ships how many of which SKU, and what no location has.

    Args:
        allocations: The parts, each SKU at most once per location.
        short: SKUs to the units of them that no location could give; empty
            when the plan covers the whole request.

    >>> plan = AllocationPlan(
    ...     allocations=[
    ...         Allocation(sku="SNEAKER-42", location="berlin", quantity=2),
    ...         Allocation(sku="CAP", location="hamburg", quantity=1),
    ...         Allocation(sku="SNEAKER-42", location="hamburg", quantity=1),
    ...     ],
    ... )
    >>> plan.complete, plan.locations, plan.allocated("SNEAKER-42")
    (True, ('berlin', 'hamburg'), 3)
    """

    allocations: tuple[Allocation, ...] = attrs.field(converter=_allocations)
    short: FrozenMap[Sku, int] = attrs.field(factory=FrozenMap, converter=_short)

    @property
    def complete(self) -> bool:
        """Whether the plan covers every unit wanted."""
        return not self.short

    @property
    def locations(self) -> tuple[StockLocationId, ...]:
        """The locations that ship, each once, in the order the plan names them."""
        return tuple(dict.fromkeys(part.location for part in self.allocations))

    @property
    def shipments(self) -> int:
        """How many locations ship, each one shipment."""
        return len(self.locations)

    def allocated(self, item: str) -> int:
        """The units of SKU ``item`` the plan ships, from all locations."""
        code = sku(item)
        return sum(part.quantity for part in self.allocations if part.sku == code)


class AllocationStrategy(Protocol):
    """Decides which locations ship a request. Pure: it reads nothing else.

    Contract, for any request:

    * every SKU gets ``min(wanted, units available at the given locations)``
      units, and the plan's ``short`` names the rest;
    * a location never ships more of a SKU than it has available, and only
      the ``locations`` given ship (available units elsewhere do not count);
    * the same input gives the same plan.

    ``available`` may leave SKUs and locations out (none available) and may
    hold numbers below zero (backorders); those count as none.
    """

    def allocate(
        self,
        wanted: Mapping[Sku, int],
        available: Mapping[Sku, Mapping[StockLocationId, int]],
        locations: Sequence[StockLocation],
    ) -> AllocationPlan:
        """Plan the request ``wanted`` (SKUs to units) over ``locations``.

        Raises:
            ValidationError: for a bad SKU, quantity or location.
        """
        ...


def _plan(
    parts: Iterable[tuple[Sku, StockLocationId, int]], request: _Request
) -> AllocationPlan:
    return AllocationPlan(
        allocations=[
            Allocation(sku=code, location=place, quantity=quantity)
            for code, place, quantity in parts
            if quantity > 0
        ],
        short=request.short,
    )


def allocate_by_priority(
    wanted: Mapping[Sku, int],
    available: Mapping[Sku, Mapping[StockLocationId, int]],
    locations: Sequence[StockLocation],
) -> AllocationPlan:
    """Fill each SKU from the preferred location first, then the next.

    Each SKU on its own, in the order given: as many units as the preferred
    location (lowest priority number) has, the rest from the next one, and
    so on. Simple and predictable, but it may ship from more places than
    needed.

    >>> locations = [
    ...     StockLocation(location_id="berlin", name="Berlin", priority=1),
    ...     StockLocation(location_id="hamburg", name="Hamburg", priority=2),
    ... ]
    >>> plan = allocate_by_priority(
    ...     {"A": 3, "B": 1},
    ...     {"A": {"berlin": 2, "hamburg": 5}, "B": {"hamburg": 1}},
    ...     locations,
    ... )
    >>> [(p.sku, p.location, p.quantity) for p in plan.allocations]
    [('A', 'berlin', 2), ('A', 'hamburg', 1), ('B', 'hamburg', 1)]
    """
    request = _request(wanted, available, locations)
    return _plan(
        (
            (code, place, quantity)
            for code, need in request.covered.items()
            for place, quantity in _fill(need, request.stock[code], request.locations)
        ),
        request,
    )


def allocate_fewest_shipments(
    wanted: Mapping[Sku, int],
    available: Mapping[Sku, Mapping[StockLocationId, int]],
    locations: Sequence[StockLocation],
) -> AllocationPlan:
    """Ship from as few locations as can cover the request, preferred ones first.

    Among all sets of locations that together have every SKU's units, the
    plan uses one with the fewest locations (so the fewest shipments). Among
    sets of that size it takes the one that splits SKUs least (a SKU is
    split over locations only when no location of such a set has all of
    it), and among those the best by priority: the set whose preferred
    location is preferred, then its next one, and so on. Within the set, a
    SKU ships whole from the preferred location that has all of it, or, if
    none has, is filled in the order of preference.

    The candidates are the locations that have any of the wanted SKUs. Up
    to 12 of them, the search is exact: it
    tries sets from the fewest locations that could cover the request (each
    SKU needs at least as many as it takes of its largest stocks) upward,
    and skips every set that cannot cover it. With more candidates an exact
    search could take hours, so the plan is greedy: it takes the location
    that covers the most units still wanted (the preferred one among
    equals) until the request is covered, drops the locations the others
    can do without, and never ships from more locations than filling by
    priority would. A greedy plan still ships every unit that can be
    shipped and never takes more than a location has, but may ship from
    more locations than the fewest possible.

    >>> locations = [
    ...     StockLocation(location_id="berlin", name="Berlin", priority=1),
    ...     StockLocation(location_id="hamburg", name="Hamburg", priority=2),
    ... ]
    >>> plan = allocate_fewest_shipments(
    ...     {"A": 3, "B": 1},
    ...     {"A": {"berlin": 2, "hamburg": 5}, "B": {"hamburg": 1}},
    ...     locations,
    ... )
    >>> [(p.sku, p.location, p.quantity) for p in plan.allocations]
    [('A', 'hamburg', 3), ('B', 'hamburg', 1)]
    """
    request = _request(wanted, available, locations)
    return _plan(_fewest_locations(request), request)


@attrs.frozen
class ByPriority(AllocationStrategy):
    """The strategy :func:`allocate_by_priority`: preferred location first.

    >>> ByPriority().allocate(
    ...     {"A": 1}, {"A": {"berlin": 5}},
    ...     [StockLocation(location_id="berlin", name="Berlin")],
    ... ).locations
    ('berlin',)
    """

    def allocate(
        self,
        wanted: Mapping[Sku, int],
        available: Mapping[Sku, Mapping[StockLocationId, int]],
        locations: Sequence[StockLocation],
    ) -> AllocationPlan:
        """Plan the request by :func:`allocate_by_priority`."""
        return allocate_by_priority(wanted, available, locations)


@attrs.frozen
class FewestShipments(AllocationStrategy):
    """The default strategy, :func:`allocate_fewest_shipments`.

    The fewest locations, then the fewest split SKUs, then the best priority.

    >>> FewestShipments().allocate(
    ...     {"A": 1}, {"A": {"berlin": 5}},
    ...     [StockLocation(location_id="berlin", name="Berlin")],
    ... ).locations
    ('berlin',)
    """

    def allocate(
        self,
        wanted: Mapping[Sku, int],
        available: Mapping[Sku, Mapping[StockLocationId, int]],
        locations: Sequence[StockLocation],
    ) -> AllocationPlan:
        """Plan the request by :func:`allocate_fewest_shipments`."""
        return allocate_fewest_shipments(wanted, available, locations)
