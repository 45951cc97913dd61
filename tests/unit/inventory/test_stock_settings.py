"""Stock locations, per-SKU stock policies and the inventory settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from commercekit.errors import ValidationError
from commercekit.inventory import (
    InventorySettings,
    ReservationKind,
    StockLocation,
    StockPolicy,
)

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
BERLIN = StockLocation(location_id="berlin", name="Berlin", priority=1)
HAMBURG = StockLocation(location_id="hamburg", name="Hamburg", priority=2)


def test_a_lower_priority_number_is_preferred_then_the_id() -> None:
    wien = StockLocation(location_id="wien", name="Wien", priority=1)
    settings = InventorySettings(locations=[HAMBURG, wien, BERLIN])
    assert settings.location_ids == ("berlin", "wien", "hamburg")
    assert settings.locations == (BERLIN, wien, HAMBURG)
    # The order given does not matter.
    assert settings == InventorySettings(locations=[BERLIN, HAMBURG, wien])
    assert StockLocation(location_id="x", name="X").priority == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"location_id": ""}, "location"),
        ({"location_id": " berlin"}, "location"),
        ({"name": ""}, "name"),
        ({"name": "Berlin\n"}, "name"),
        ({"priority": 1.0}, "priority"),
        ({"priority": True}, "priority"),
    ],
)
def test_a_bad_location_is_refused(fields: dict[str, object], field: str) -> None:
    given: dict[str, object] = {"location_id": "berlin", "name": "Berlin"} | fields
    with pytest.raises(ValidationError) as info:
        StockLocation(**given)  # type: ignore[arg-type]
    assert info.value.field == field


def test_the_plain_policy_sells_only_what_is_available() -> None:
    policy = StockPolicy()
    assert (policy.backorder, policy.preorder, policy.low_stock_threshold) == (
        False,
        False,
        None,
    )
    assert policy.shortfall(AT) is None
    assert not policy.accepts_preorders(AT)


def test_a_backorder_policy_sells_beyond_what_is_available() -> None:
    assert StockPolicy(backorder=True).shortfall(AT) is ReservationKind.BACKORDER


def test_preorders_end_at_the_release_and_backorders_may_follow() -> None:
    release = AT + timedelta(days=30)
    preorder = StockPolicy(preorder=True, available_from=release)
    assert preorder.shortfall(AT) is ReservationKind.PREORDER
    assert preorder.shortfall(release - timedelta(seconds=1)) is (
        ReservationKind.PREORDER
    )
    # From the release on, the goods are ordinary stock.
    assert preorder.shortfall(release) is None
    both = StockPolicy(preorder=True, backorder=True, available_from=release)
    assert both.shortfall(AT) is ReservationKind.PREORDER
    assert both.shortfall(release) is ReservationKind.BACKORDER
    # Without a release date, preorders never end.
    assert StockPolicy(preorder=True).shortfall(AT + timedelta(days=9999)) is (
        ReservationKind.PREORDER
    )


def test_a_release_instant_is_kept_in_utc() -> None:
    cest = timezone(timedelta(hours=2))
    policy = StockPolicy(
        preorder=True, available_from=datetime(2026, 9, 1, 0, 0, tzinfo=cest)
    )
    assert policy.available_from == datetime(2026, 8, 31, 22, 0, tzinfo=UTC)
    assert policy.accepts_preorders(datetime(2026, 8, 31, 21, 59, tzinfo=UTC))
    assert not policy.accepts_preorders(datetime(2026, 8, 31, 22, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"backorder": 1}, "backorder"),
        ({"preorder": "yes"}, "preorder"),
        ({"available_from": AT}, "available_from"),  # without preorder
        ({"preorder": True, "available_from": datetime(2026, 9, 1)}, "available_from"),  # noqa: DTZ001
        ({"low_stock_threshold": -1}, "low_stock_threshold"),
        ({"low_stock_threshold": 2.5}, "low_stock_threshold"),
        ({"low_stock_threshold": False}, "low_stock_threshold"),
    ],
)
def test_a_bad_policy_is_refused(fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        StockPolicy(**fields)  # type: ignore[arg-type]
    assert info.value.field == field


def test_a_sku_without_a_policy_of_its_own_gets_the_default() -> None:
    backorder = StockPolicy(backorder=True, low_stock_threshold=5)
    settings = InventorySettings(
        locations=[BERLIN],
        policies={" BOOT-43 ": backorder},
        default_policy=StockPolicy(low_stock_threshold=2),
    )
    assert settings.policy("BOOT-43") == backorder
    assert settings.policy("SNEAKER-42") == StockPolicy(low_stock_threshold=2)
    assert InventorySettings(locations=[BERLIN]).policy("X") == StockPolicy()
    with pytest.raises(ValidationError):
        settings.policy("not a sku")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"locations": []}, "locations"),
        ({"locations": [BERLIN, BERLIN]}, "locations"),
        (
            {
                "locations": [
                    BERLIN,
                    StockLocation(location_id="berlin", name="Other", priority=5),
                ]
            },
            "locations",
        ),
        ({"locations": ["berlin"]}, "locations"),
        ({"locations": "berlin"}, "locations"),
        ({"policies": {"A": {"backorder": True}}}, "policies"),
        ({"policies": {"A": StockPolicy(), " A": StockPolicy()}}, "policies"),
        ({"policies": [("A", StockPolicy())]}, "policies"),
        ({"policies": {"bad sku": StockPolicy()}}, "sku"),
        ({"default_policy": None}, "default_policy"),
    ],
)
def test_bad_settings_are_refused(fields: dict[str, object], field: str) -> None:
    given: dict[str, object] = {"locations": [BERLIN]} | fields
    with pytest.raises(ValidationError) as info:
        InventorySettings(**given)  # type: ignore[arg-type]
    assert info.value.field == field


def test_settings_are_frozen_and_hashable() -> None:
    settings = InventorySettings(
        locations=[BERLIN, HAMBURG], policies={"A": StockPolicy(backorder=True)}
    )
    assert hash(settings) == hash(
        InventorySettings(
            locations=[HAMBURG, BERLIN], policies={"A": StockPolicy(backorder=True)}
        )
    )
    with pytest.raises(AttributeError):
        settings.locations = ()  # type: ignore[misc]
