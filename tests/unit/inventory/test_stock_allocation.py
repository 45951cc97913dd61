"""Allocation across stock locations: fewest shipments, and by priority."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.inventory import (
    Allocation,
    AllocationPlan,
    AllocationStrategy,
    ByPriority,
    FewestShipments,
    StockLocation,
    StockLocationId,
    allocate_by_priority,
    allocate_fewest_shipments,
)
from commercekit.values import Sku

BERLIN = StockLocation(location_id="berlin", name="Berlin", priority=1)
HAMBURG = StockLocation(location_id="hamburg", name="Hamburg", priority=2)
WIEN = StockLocation(location_id="wien", name="Wien", priority=3)
THREE = [BERLIN, HAMBURG, WIEN]

Stock = Mapping[Sku, Mapping[StockLocationId, int]]


def parts(plan: AllocationPlan) -> list[tuple[str, str, int]]:
    return [(p.sku, p.location, p.quantity) for p in plan.allocations]


def stock(table: dict[str, dict[str, int]]) -> Stock:
    return {
        Sku(code): {StockLocationId(place): n for place, n in row.items()}
        for code, row in table.items()
    }


def want(table: dict[str, int]) -> dict[Sku, int]:
    return {Sku(code): n for code, n in table.items()}


# -- hand-computed plans ------------------------------------------------------------


def test_one_location_that_has_everything_ships_everything() -> None:
    available = stock({"A": {"berlin": 5, "hamburg": 5}, "B": {"berlin": 1}})
    for strategy in (FewestShipments(), ByPriority()):
        plan = strategy.allocate(want({"A": 2, "B": 1}), available, THREE)
        assert parts(plan) == [("A", "berlin", 2), ("B", "berlin", 1)]
        assert plan.complete
        assert plan.shipments == 1


def test_fewer_shipments_beat_a_preferred_location() -> None:
    """Berlin (preferred) has only A; Hamburg has A and B: one parcel from
    Hamburg rather than two. By priority, A comes from Berlin anyway."""
    available = stock({"A": {"berlin": 4, "hamburg": 2}, "B": {"hamburg": 1}})
    wanted = want({"A": 2, "B": 1})
    fewest = allocate_fewest_shipments(wanted, available, THREE)
    assert parts(fewest) == [("A", "hamburg", 2), ("B", "hamburg", 1)]
    by_priority = allocate_by_priority(wanted, available, THREE)
    assert parts(by_priority) == [("A", "berlin", 2), ("B", "hamburg", 1)]
    assert (fewest.shipments, by_priority.shipments) == (1, 2)


def test_among_equal_counts_the_better_priorities_ship() -> None:
    """Two shipments are needed; Berlin + Hamburg (1, 2) beats Berlin + Wien
    (1, 3) and Hamburg + Wien (2, 3)."""
    available = stock({"A": {"berlin": 1}, "B": {"hamburg": 1, "wien": 1}})
    plan = allocate_fewest_shipments(want({"A": 1, "B": 1}), available, THREE)
    assert parts(plan) == [("A", "berlin", 1), ("B", "hamburg", 1)]


def test_a_sku_ships_whole_from_one_location_when_one_has_it_all() -> None:
    """5 wanted; Berlin has 3, Hamburg 4, Wien 5: Wien ships all 5. By
    priority: 3 from Berlin and 2 from Hamburg."""
    available = stock({"A": {"berlin": 3, "hamburg": 4, "wien": 5}})
    fewest = allocate_fewest_shipments(want({"A": 5}), available, THREE)
    assert parts(fewest) == [("A", "wien", 5)]
    by_priority = allocate_by_priority(want({"A": 5}), available, THREE)
    assert parts(by_priority) == [("A", "berlin", 3), ("A", "hamburg", 2)]


def test_a_sku_no_location_has_whole_is_split_preferred_first() -> None:
    """6 wanted; Berlin has 3, Hamburg 4: 3 from Berlin, 3 from Hamburg."""
    available = stock({"A": {"berlin": 3, "hamburg": 4}})
    plan = allocate_fewest_shipments(want({"A": 6}), available, THREE)
    assert parts(plan) == [("A", "berlin", 3), ("A", "hamburg", 3)]
    assert plan.allocated("A") == 6


def test_among_equal_counts_a_plan_that_splits_less_wins() -> None:
    """X: 5 wanted (Berlin 3, Hamburg 2, Wien 5); Y: 1 (Berlin 1, Hamburg 1).
    No location has both. Berlin + Hamburg would split X (3 + 2); Berlin +
    Wien ships X whole from Wien and Y from Berlin: also two shipments, and
    no split, so it wins despite Wien's priority."""
    available = stock(
        {"X": {"berlin": 3, "hamburg": 2, "wien": 5}, "Y": {"berlin": 1, "hamburg": 1}}
    )
    plan = allocate_fewest_shipments(want({"X": 5, "Y": 1}), available, THREE)
    assert parts(plan) == [("X", "wien", 5), ("Y", "berlin", 1)]
    assert plan.locations == ("wien", "berlin")


def test_equal_priorities_go_by_id() -> None:
    a = StockLocation(location_id="a-store", name="A", priority=1)
    b = StockLocation(location_id="b-store", name="B", priority=1)
    available = stock({"A": {"a-store": 2, "b-store": 2}})
    for strategy in (FewestShipments(), ByPriority()):
        assert parts(strategy.allocate(want({"A": 1}), available, [b, a])) == [
            ("A", "a-store", 1)
        ]


def test_what_no_location_has_is_short() -> None:
    """A: 5 wanted, 3 in all: the plan ships 3 and is short of 2. B: none at
    all, short of 1. C is covered."""
    available = stock({"A": {"berlin": 1, "hamburg": 2}, "C": {"wien": 1}})
    for strategy in (FewestShipments(), ByPriority()):
        plan = strategy.allocate(want({"A": 5, "B": 1, "C": 1}), available, THREE)
        assert not plan.complete
        assert plan.short == {"A": 2, "B": 1}
        assert (plan.allocated("A"), plan.allocated("B"), plan.allocated("C")) == (
            3,
            0,
            1,
        )


def test_nothing_available_gives_an_empty_short_plan() -> None:
    plan = allocate_fewest_shipments(want({"A": 2}), {}, THREE)
    assert plan == AllocationPlan(allocations=[], short={"A": 2})
    assert plan.shipments == 0


def test_only_the_locations_given_ship_and_below_zero_counts_as_none() -> None:
    """Stock at an unknown location, of an unwanted SKU, or below zero (a
    backorder) is not there to ship."""
    available = stock(
        {"A": {"berlin": -3, "elsewhere": 9, "hamburg": 1}, "Z": {"berlin": 9}}
    )
    for strategy in (FewestShipments(), ByPriority()):
        plan = strategy.allocate(want({"A": 2}), available, [BERLIN, HAMBURG])
        assert parts(plan) == [("A", "hamburg", 1)]
        assert plan.short == {"A": 1}


@pytest.mark.parametrize(
    ("wanted", "available", "locations", "field"),
    [
        ({"A": 0}, {}, THREE, "quantity"),
        ({"A": 1.0}, {}, THREE, "quantity"),
        ({"bad sku": 1}, {}, THREE, "sku"),
        ({"A": 1, " A": 1}, {}, THREE, "wanted"),
        ([("A", 1)], {}, THREE, "wanted"),
        ({"A": 1}, {"A": {"berlin": 1.5}}, THREE, "available"),
        ({"A": 1}, {"A": [("berlin", 1)]}, THREE, "available"),
        ({"A": 1}, [("A", {})], THREE, "available"),
        ({"A": 1}, {"A": {" ": 1}}, THREE, "location"),
        ({"A": 1}, {}, ["berlin"], "locations"),
        ({"A": 1}, {}, BERLIN, "locations"),
        ({"A": 1}, {}, [BERLIN, BERLIN], "locations"),
    ],
)
def test_a_bad_request_is_refused(
    wanted: object, available: object, locations: object, field: str
) -> None:
    for allocate in (allocate_fewest_shipments, allocate_by_priority):
        with pytest.raises(ValidationError) as info:
            allocate(wanted, available, locations)  # type: ignore[arg-type]
        assert info.value.field == field


def test_a_plan_names_each_sku_once_per_location() -> None:
    part = Allocation(sku="A", location="berlin", quantity=1)
    with pytest.raises(ValidationError) as info:
        AllocationPlan(allocations=[part, part])
    assert info.value.field == "allocations"
    for bad in ({"A": 0}, {"bad sku": 1}, [("A", 1)]):
        with pytest.raises(ValidationError):
            AllocationPlan(allocations=[], short=bad)
    for allocations in (["A"], "A", None):
        with pytest.raises(ValidationError):
            AllocationPlan(allocations=allocations)
    with pytest.raises(ValidationError) as info:
        Allocation(sku="A", location="berlin", quantity=0)
    assert info.value.field == "quantity"


# -- properties ---------------------------------------------------------------------

LOCATION_IDS = ["berlin", "hamburg", "wien", "graz", "basel"]
SKUS = ["A", "B", "C", "D"]


@st.composite
def requests(
    draw: st.DrawFn,
) -> tuple[dict[Sku, int], Stock, list[StockLocation]]:
    """1 to 5 locations with priorities 0 to 3; 1 to 4 SKUs, 1 to 8 units
    wanted each; -2 to 6 units available at each location (below zero: a
    backorder there)."""
    places = draw(
        st.lists(st.sampled_from(LOCATION_IDS), min_size=1, max_size=5, unique=True)
    )
    locations = [
        StockLocation(location_id=place, name=place, priority=draw(st.integers(0, 3)))
        for place in places
    ]
    items = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=4, unique=True))
    wanted = {Sku(item): draw(st.integers(1, 8)) for item in items}
    available = {
        Sku(item): {
            StockLocationId(place): draw(st.integers(-2, 6)) for place in places
        }
        for item in items
    }
    return wanted, available, locations


STRATEGIES: list[AllocationStrategy] = [FewestShipments(), ByPriority()]


@given(requests())
def test_a_plan_ships_what_is_wanted_as_far_as_stock_goes(
    request: tuple[dict[Sku, int], Stock, list[StockLocation]],
) -> None:
    """Every SKU gets the units wanted when there are enough, else all there
    are and the rest is short; no location ships more than it has."""
    wanted, available, locations = request
    for strategy in STRATEGIES:
        plan = strategy.allocate(wanted, available, locations)
        for item, quantity in wanted.items():
            total = sum(max(n, 0) for n in available[item].values())
            assert plan.allocated(item) == min(quantity, total)
            assert plan.short.get(item, 0) == max(quantity - total, 0)
        for part in plan.allocations:
            assert 0 < part.quantity <= available[part.sku][part.location]
        if all(
            sum(max(n, 0) for n in available[item].values()) >= quantity
            for item, quantity in wanted.items()
        ):
            assert plan.complete


@given(requests())
def test_fewest_shipments_never_ships_from_more_places_than_by_priority(
    request: tuple[dict[Sku, int], Stock, list[StockLocation]],
) -> None:
    wanted, available, locations = request
    fewest = allocate_fewest_shipments(wanted, available, locations)
    by_priority = allocate_by_priority(wanted, available, locations)
    assert fewest.shipments <= by_priority.shipments


@given(requests())
def test_no_smaller_set_of_locations_could_ship_the_plan(
    request: tuple[dict[Sku, int], Stock, list[StockLocation]],
) -> None:
    """Checked by trying every smaller set of locations."""
    wanted, available, locations = request
    plan = allocate_fewest_shipments(wanted, available, locations)
    covered = {item: plan.allocated(item) for item in wanted}
    places = [location.location_id for location in locations]
    for size in range(plan.shipments):
        for chosen in itertools.combinations(places, size):
            assert any(
                sum(max(available[item][place], 0) for place in chosen) < need
                for item, need in covered.items()
                if need
            )


@given(requests(), st.randoms(use_true_random=False))
def test_the_order_of_the_locations_given_does_not_matter(
    request: tuple[dict[Sku, int], Stock, list[StockLocation]],
    random: Random,
) -> None:
    wanted, available, locations = request
    shuffled = list(locations)
    random.shuffle(shuffled)
    for strategy in STRATEGIES:
        assert strategy.allocate(wanted, available, locations) == strategy.allocate(
            wanted, available, shuffled
        )


# -- many locations ------------------------------------------------------------------


def many(count: int) -> list[StockLocation]:
    """``count`` locations ``s01``, ``s02``, ... preferred in that order."""
    return [
        StockLocation(location_id=f"s{n:02d}", name=f"Store {n}", priority=n)
        for n in range(1, count + 1)
    ]


def test_forty_locations_with_one_unit_each_ship_forty_units() -> None:
    """40 wanted, 1 unit at each of 40 locations: every location ships one.
    An exhaustive search tries every set of 1 to 39 locations first (about
    10**12 of them); the plan must come at once."""
    places = many(40)
    available = stock({"A": {place.location_id: 1 for place in places}})
    plan = allocate_fewest_shipments(want({"A": 40}), available, places)
    assert parts(plan) == [("A", place.location_id, 1) for place in places]
    assert plan.complete
    assert plan.shipments == 40


def test_forty_locations_with_two_skus_ship_from_the_largest_first() -> None:
    """40 locations with 1 A each, but s40 has 11 A and 5 B. 15 A and 5 B
    wanted: s40 covers 16 of the 20 units, the most of any; the 4 A left
    come one each from s01 to s04, the preferred of the rest. No location
    has 15 A, so A is split over the five in order of preference; B ships
    whole from s40. Five shipments, the fewest possible (11 + 1 + 1 + 1 + 1).
    """
    places = many(40)
    table = {str(place.location_id): 1 for place in places} | {"s40": 11}
    available = stock({"A": table, "B": {"s40": 5}})
    plan = allocate_fewest_shipments(want({"A": 15, "B": 5}), available, places)
    assert parts(plan) == [
        ("A", "s01", 1),
        ("A", "s02", 1),
        ("A", "s03", 1),
        ("A", "s04", 1),
        ("A", "s40", 11),
        ("B", "s40", 5),
    ]
    assert plan.shipments == 5


def test_above_twelve_candidates_the_greedy_plan_drops_what_it_can_spare() -> None:
    """Six SKUs, one unit each. t (preferred) has A, B, D, E; u has A, B, C;
    v has D, E, F; ten more stores have one A each (13 candidates in all).
    Taking the largest cover first takes t (4 units), then u for C and v
    for F; t is then spare, as u and v have everything: two shipments."""
    t = StockLocation(location_id="t", name="T", priority=0)
    u = StockLocation(location_id="u", name="U", priority=1)
    v = StockLocation(location_id="v", name="V", priority=2)
    places = [t, u, v, *many(10)]
    table = {
        "A": {"t": 1, "u": 1, **{f"s{n:02d}": 1 for n in range(1, 11)}},
        "B": {"t": 1, "u": 1},
        "C": {"u": 1},
        "D": {"t": 1, "v": 1},
        "E": {"t": 1, "v": 1},
        "F": {"v": 1},
    }
    wanted = want(dict.fromkeys(table, 1))
    plan = allocate_fewest_shipments(wanted, stock(table), places)
    assert parts(plan) == [
        ("A", "u", 1),
        ("B", "u", 1),
        ("C", "u", 1),
        ("D", "v", 1),
        ("E", "v", 1),
        ("F", "v", 1),
    ]


@st.composite
def large_requests(
    draw: st.DrawFn,
) -> tuple[dict[Sku, int], Stock, list[StockLocation]]:
    """13 to 24 locations (more than the exact search takes) with priorities
    0 to 3; 1 to 4 SKUs, 1 to 40 units wanted each; -2 to 6 units available
    at each location."""
    count = draw(st.integers(13, 24))
    locations = [
        StockLocation(
            location_id=f"s{n:02d}", name=f"s{n:02d}", priority=draw(st.integers(0, 3))
        )
        for n in range(count)
    ]
    items = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=4, unique=True))
    wanted = {Sku(item): draw(st.integers(1, 40)) for item in items}
    available = {
        Sku(item): {place.location_id: draw(st.integers(-2, 6)) for place in locations}
        for item in items
    }
    return wanted, available, locations


@given(large_requests(), st.randoms(use_true_random=False))
def test_many_locations_still_ship_what_is_wanted_as_far_as_stock_goes(
    request: tuple[dict[Sku, int], Stock, list[StockLocation]],
    random: Random,
) -> None:
    """Above the exact search: every SKU gets the units wanted as far as the
    stock goes, no location ships more than it has, never from more places
    than by priority, and the order of the locations given does not matter."""
    wanted, available, locations = request
    plan = allocate_fewest_shipments(wanted, available, locations)
    for item, quantity in wanted.items():
        total = sum(max(n, 0) for n in available[item].values())
        assert plan.allocated(item) == min(quantity, total)
        assert plan.short.get(item, 0) == max(quantity - total, 0)
    for part in plan.allocations:
        assert 0 < part.quantity <= available[part.sku][part.location]
    by_priority = allocate_by_priority(wanted, available, locations)
    assert plan.shipments <= by_priority.shipments
    shuffled = list(locations)
    random.shuffle(shuffled)
    assert allocate_fewest_shipments(wanted, available, shuffled) == plan
