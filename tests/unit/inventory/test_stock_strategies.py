"""The Hypothesis strategies of the inventory's settings, plans and events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commercekit.errors import ValidationError
from commercekit.inventory import (
    Allocation,
    AllocationPlan,
    ByPriority,
    FewestShipments,
    InventorySettings,
    ReleaseReason,
    ReservationKind,
    StockAdjusted,
    StockCommitted,
    StockLocation,
    StockPolicy,
    StockRanLow,
    StockReceived,
    StockReleased,
    StockReserved,
)
from commercekit.ports import DomainEvent
from commercekit.serialization import dumps, loads
from commercekit.testing import strategies as cks
from commercekit.values import sku

EVENTS = [
    StockReceived,
    StockAdjusted,
    StockReserved,
    StockReleased,
    StockCommitted,
    StockRanLow,
]


@given(cks.inventory_settings(st.just(sku("BOOT-43"))))
def test_drawn_settings_keep_their_locations_in_order_of_preference(
    drawn: InventorySettings,
) -> None:
    assert 1 <= len(drawn.locations) <= 4
    ranks = [location.rank for location in drawn.locations]
    assert ranks == sorted(ranks)
    assert len(set(drawn.location_ids)) == len(drawn.location_ids)
    assert set(drawn.policies) <= {"BOOT-43"}


@given(cks.stock_policies())
def test_drawn_policies_release_only_preorders(policy: StockPolicy) -> None:
    if policy.available_from is not None:
        assert policy.preorder
    if policy.low_stock_threshold is not None:
        assert 0 <= policy.low_stock_threshold <= 20


@given(cks.allocation_plans())
def test_drawn_plans_name_each_sku_once_per_location(plan: AllocationPlan) -> None:
    keys = [(part.sku, part.location) for part in plan.allocations]
    assert len(keys) == len(set(keys))
    assert len(keys) <= 6
    assert all(units >= 1 for units in plan.short.values())
    assert plan.shipments == len(plan.locations) <= len(keys)


@settings(max_examples=60)
@given(cks.inventory_events())
def test_drawn_events_survive_the_outbox_json(event: DomainEvent) -> None:
    """The SQLite outbox writes events with the shared converter: each kind
    reads back equal."""
    assert type(event) in EVENTS
    assert loads(dumps(event), type(event)) == event


@pytest.mark.parametrize("kind", EVENTS, ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_events_can_be_drawn_by_kind(kind: type[Any], data: st.DataObject) -> None:
    event = data.draw(cks.inventory_events(kinds=[kind], sku=st.just(sku("CAP"))))
    assert type(event) is kind
    assert getattr(event, "sku") == "CAP"  # noqa: B009 - the classes differ


@pytest.mark.parametrize("kinds", [[], [StockLocation], [DomainEvent]])
def test_events_of_other_kinds_are_refused(kinds: list[type[Any]]) -> None:
    with pytest.raises(ValidationError):
        cks.inventory_events(kinds=kinds)


NEW_TYPES: dict[type[Any], Callable[[Any], bool]] = {
    StockLocation: lambda location: location.priority in range(10),
    StockPolicy: lambda policy: policy.available_from is None or policy.preorder,
    InventorySettings: lambda drawn: len(drawn.locations) >= 1,
    Allocation: lambda part: part.quantity >= 1,
    AllocationPlan: lambda plan: plan.shipments >= 0,
    FewestShipments: lambda strategy: strategy == FewestShipments(),
    ByPriority: lambda strategy: strategy == ByPriority(),
    ReservationKind: lambda kind: kind in set(ReservationKind),
    ReleaseReason: lambda reason: reason in set(ReleaseReason),
    **{event: (lambda event: event.at.tzinfo is not None) for event in EVENTS},
}


@pytest.mark.parametrize("kind", list(NEW_TYPES), ids=lambda kind: kind.__name__)
@settings(max_examples=10)
@given(data=st.data())
def test_from_type_builds_every_new_inventory_type(
    kind: type[Any], data: st.DataObject
) -> None:
    value = data.draw(st.from_type(kind))
    assert type(value) is kind
    assert NEW_TYPES[kind](value)
