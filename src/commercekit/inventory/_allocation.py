"""Allocation: which stock location ships how many units of which SKU.

Pure functions, no I/O: a strategy gets the wanted quantities, the units
available per SKU and location, and the locations, and returns an
:class:`AllocationPlan`. The services read the levels, ask the strategy and
reserve what the plan says.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from commercekit.errors import ValidationError
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


@attrs.frozen
class _Request:
    """A checked request: what can be covered, what is short, and the stock."""

    covered: dict[Sku, int]
    short: dict[Sku, int]
    locations: tuple[StockLocationId, ...]
    stock: dict[Sku, dict[StockLocationId, int]]


def _count(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{field} must be an int, not {value!r}"
        raise ValidationError(msg, field=field)
    return max(value, 0)


def _request(
    wanted: Mapping[Sku, int],
    available: Mapping[Sku, Mapping[StockLocationId, int]],
    locations: Sequence[StockLocation],
) -> _Request:
    given: object = wanted  # checked at run time too, for untyped callers
    if not isinstance(given, Mapping):
        msg = f"wanted must map SKUs to quantities, not {given!r}"
        raise ValidationError(msg, field="wanted")
    request: dict[Sku, int] = {}
    for code, quantity in wanted.items():
        key = sku(code)
        if key in request:
            msg = f"{code!r} and another key both name the SKU {key!r}"
            raise ValidationError(msg, field="wanted")
        request[key] = positive_int(quantity, field="quantity")
    places: object = locations
    if isinstance(places, str | bytes) or not isinstance(places, Sequence):
        msg = f"locations must be a sequence of StockLocation, not {places!r}"
        raise ValidationError(msg, field="locations")
    for place in places:
        if not isinstance(place, StockLocation):
            msg = f"locations must be StockLocation values, not {place!r}"
            raise ValidationError(msg, field="locations")
    ordered = tuple(
        place.location_id for place in sorted(locations, key=lambda p: p.rank)
    )
    if len(set(ordered)) != len(ordered):
        msg = "a stock location is listed twice"
        raise ValidationError(msg, field="locations")
    stocked: object = available
    if not isinstance(stocked, Mapping):
        msg = f"available must map SKUs to units per location, not {stocked!r}"
        raise ValidationError(msg, field="available")
    by_sku: dict[Sku, object] = {sku(code): units for code, units in stocked.items()}
    stock: dict[Sku, dict[StockLocationId, int]] = {}
    for key in request:
        units = by_sku.get(key, {})
        if not isinstance(units, Mapping):
            msg = f"available[{key!r}] must map locations to units, not {units!r}"
            raise ValidationError(msg, field="available")
        here = {stock_location_id(place): count for place, count in units.items()}
        stock[key] = {
            place: _count(here.get(place, 0), "available") for place in ordered
        }
    covered = {key: min(n, sum(stock[key].values())) for key, n in request.items()}
    short = {key: n - covered[key] for key, n in request.items() if n > covered[key]}
    return _Request(covered, short, ordered, stock)


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


def _fill(
    need: int, stock: Mapping[StockLocationId, int], places: Iterable[StockLocationId]
) -> list[tuple[StockLocationId, int]]:
    """Take ``need`` units from ``places`` in their order, each as far as it has."""
    taken: list[tuple[StockLocationId, int]] = []
    for place in places:
        if need == 0:
            break
        take = min(need, stock[place])
        if take:
            taken.append((place, take))
            need -= take
    return taken


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


def _assign(
    request: _Request, chosen: Sequence[StockLocationId]
) -> list[tuple[Sku, StockLocationId, int]] | None:
    """Ship the covered request from ``chosen`` only, or ``None`` if it cannot.

    A SKU that one chosen location can ship whole ships from the preferred
    such location; only a SKU that none can ship whole is split, filled in
    the order of preference.
    """
    parts: list[tuple[Sku, StockLocationId, int]] = []
    for code, need in request.covered.items():
        if need == 0:
            continue
        stock = request.stock[code]
        if sum(stock[place] for place in chosen) < need:
            return None
        whole = next((place for place in chosen if stock[place] >= need), None)
        if whole is not None:
            parts.append((code, whole, need))
        else:
            parts.extend(
                (code, place, quantity)
                for place, quantity in _fill(need, stock, chosen)
            )
    return parts


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

    The search tries sets of one location, then of two, and so on, over the
    locations that have any of the wanted SKUs: exact, and quick for the
    handful of locations a shop has (it grows exponentially with their number).

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
    needed = [code for code, need in request.covered.items() if need > 0]
    holders = [
        place
        for place in request.locations
        if any(request.stock[code][place] > 0 for code in needed)
    ]
    for size in range(1, len(holders) + 1):
        best: list[tuple[Sku, StockLocationId, int]] | None = None
        for chosen in itertools.combinations(holders, size):
            parts = _assign(request, chosen)
            # Combinations come in the order of preference, so a later set
            # replaces an earlier one only by splitting less.
            if parts is not None and (best is None or len(parts) < len(best)):
                best = parts
        if best is not None:
            return _plan(best, request)
    return _plan([], request)


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
