"""The search behind the allocation strategies.

Pure functions, no I/O. :func:`_request` checks a request and puts the
stock in order; :func:`_fill` takes units in order of preference; and
:func:`_fewest_locations` finds the plan over the fewest locations, exactly
for a handful of candidates and greedily for more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Final

import attrs

from commercekit.errors import ValidationError
from commercekit.inventory._model import StockLocationId, stock_location_id
from commercekit.inventory._settings import StockLocation
from commercekit.values import Sku, positive_int, sku

__all__: list[str] = []

_Part = tuple[Sku, StockLocationId, int]
"""One part of a plan: a SKU, the location that ships it, and how many."""


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


def _assign(request: _Request, chosen: Sequence[StockLocationId]) -> list[_Part] | None:
    """Ship the covered request from ``chosen`` only, or ``None`` if it cannot.

    A SKU that one chosen location can ship whole ships from the preferred
    such location; only a SKU that none can ship whole is split, filled in
    the order of preference.
    """
    parts: list[_Part] = []
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


_EXACT_SEARCH_LIMIT: Final = 12
"""Up to this many candidate locations, fewest shipments searches exactly.

A candidate is a location given that has units of a wanted SKU. Above the
limit the search, which grows exponentially with the candidates, gives way
to a greedy plan (see
:func:`~commercekit.inventory.allocate_fewest_shipments`).
"""


def _prefix_sums(counts: Iterable[int]) -> list[int]:
    """``[0, a, a + b, ...]`` over ``counts`` from the largest down."""
    sums = [0]
    for count in sorted(counts, reverse=True):
        sums.append(sums[-1] + count)
    return sums


def _fewest_possible(request: _Request, holders: Sequence[StockLocationId]) -> int:
    """A lower bound of the locations that cover the request.

    Each SKU needs at least as many locations as it takes of its largest
    stocks to reach the units wanted; the request needs the most of those.
    """
    bound = 1
    for code, need in request.covered.items():
        sums = _prefix_sums(request.stock[code][place] for place in holders)
        bound = max(bound, next(k for k, total in enumerate(sums) if total >= need))
    return bound


def _covering_sets(
    request: _Request, holders: Sequence[StockLocationId], size: int
) -> Iterator[tuple[StockLocationId, ...]]:
    """The sets of ``size`` holders that cover the request.

    They come in the order of :func:`itertools.combinations`, and every
    branch that cannot cover is skipped: one is cut when, for some SKU, the
    units of the locations chosen so far and of the best ones still open
    to it fall short of the need.
    """
    needs = {code: need for code, need in request.covered.items() if need > 0}
    # best[code][start][k]: the most units of code that k of holders[start:] have
    best = {
        code: [
            _prefix_sums(request.stock[code][place] for place in holders[start:])
            for start in range(len(holders) + 1)
        ]
        for code in needs
    }
    chosen: list[StockLocationId] = []
    have = dict.fromkeys(needs, 0)

    def extend(start: int) -> Iterator[tuple[StockLocationId, ...]]:
        slots = size - len(chosen)
        if any(have[c] + best[c][start][slots] < need for c, need in needs.items()):
            return
        if slots == 0:
            yield tuple(chosen)
            return
        for index in range(start, len(holders) - slots + 1):
            place = holders[index]
            chosen.append(place)
            for code in needs:
                have[code] += request.stock[code][place]
            yield from extend(index + 1)
            chosen.pop()
            for code in needs:
                have[code] -= request.stock[code][place]

    return extend(0)


def _exact(request: _Request, holders: Sequence[StockLocationId]) -> list[_Part]:
    """The best plan: fewest locations, then fewest parts, then priority."""
    needed = sum(1 for need in request.covered.values() if need > 0)
    for size in range(_fewest_possible(request, holders), len(holders) + 1):
        best: list[_Part] | None = None
        for chosen in _covering_sets(request, holders, size):
            parts = _assign(request, chosen)
            # Sets come in the order of preference, so a later set replaces
            # an earlier one only by splitting less.
            if parts is not None and (best is None or len(parts) < len(best)):
                best = parts
                if len(best) == needed:
                    break  # no SKU split: nothing splits less
        if best is not None:
            return best
    return []  # not reached: all the holders together cover the request


def _greedy(request: _Request, holders: Sequence[StockLocationId]) -> list[_Part]:
    """A plan over few locations, in time polynomial in their number.

    Takes the location that covers the most units still wanted (the
    preferred one among equals) until the request is covered, then drops
    each location the others can do without (the least preferred first).
    If filling by priority uses fewer locations, that set ships instead.
    """
    left = {code: need for code, need in request.covered.items() if need > 0}
    rank = {place: position for position, place in enumerate(holders)}
    chosen: set[StockLocationId] = set()
    while any(left.values()):
        place = max(
            (place for place in holders if place not in chosen),
            key=lambda p: (
                sum(min(need, request.stock[code][p]) for code, need in left.items()),
                -rank[p],
            ),
        )
        chosen.add(place)
        for code, need in left.items():
            left[code] = need - min(need, request.stock[code][place])
    ordered = [place for place in holders if place in chosen]
    for place in reversed(list(ordered)):
        fewer = [other for other in ordered if other != place]
        if _assign(request, fewer) is not None:
            ordered = fewer
    by_priority = {
        place
        for code, need in request.covered.items()
        for place, _ in _fill(need, request.stock[code], holders)
    }
    if len(by_priority) < len(ordered):
        ordered = [place for place in holders if place in by_priority]
    parts = _assign(request, ordered)
    return [] if parts is None else parts  # never None: the set covers


def _fewest_locations(request: _Request) -> list[_Part]:
    """The parts of the plan over the fewest locations.

    As :func:`~commercekit.inventory.allocate_fewest_shipments` describes.
    """
    needed = [code for code, need in request.covered.items() if need > 0]
    holders = [
        place
        for place in request.locations
        if any(request.stock[code][place] > 0 for code in needed)
    ]
    if not holders:
        return []
    if len(holders) > _EXACT_SEARCH_LIMIT:
        return _greedy(request, holders)
    return _exact(request, holders)
