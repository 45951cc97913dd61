"""The inventory context's values and errors."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from commercekit.errors import BusinessRuleError, ValidationError
from commercekit.inventory import (
    InsufficientStockError,
    MovementKind,
    Reservation,
    StockLevel,
    StockMovement,
    reservation_id,
    stock_location_id,
)

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def test_available_is_on_hand_minus_reserved() -> None:
    level = StockLevel(sku="SNEAKER-42", location="berlin", on_hand=10, reserved=4)
    assert level.available == 6
    assert StockLevel(sku="A", location=None, on_hand=2, reserved=5).available == -3


@pytest.mark.parametrize(
    ("field", "value"),
    [("on_hand", -1), ("reserved", -1), ("on_hand", 1.0), ("reserved", True)],
)
def test_a_level_never_counts_below_zero(field: str, value: object) -> None:
    fields: dict[str, object] = {"on_hand": 1, "reserved": 0, field: value}
    with pytest.raises(ValidationError) as info:
        StockLevel(sku="A", location="berlin", **fields)  # type: ignore[arg-type]
    assert info.value.field == field


def test_ids_are_checked() -> None:
    assert stock_location_id("berlin-1") == "berlin-1"
    assert reservation_id("res-1") == "res-1"
    for bad in ("", " berlin", "a\x00b", 7):
        with pytest.raises(ValidationError):
            stock_location_id(bad)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            reservation_id(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        StockLevel(sku="bad sku", location="berlin", on_hand=0, reserved=0)


def test_movement_kinds_are_stable_values() -> None:
    assert [kind.value for kind in MovementKind] == [
        "receipt",
        "reservation",
        "release",
        "commit",
        "return",
        "adjustment",
    ]


@pytest.mark.parametrize(
    ("kind", "quantity", "on_hand", "reserved"),
    [
        (MovementKind.RECEIPT, 5, 5, 0),
        (MovementKind.RESERVATION, 2, 0, 2),
        (MovementKind.RELEASE, 2, 0, -2),
        (MovementKind.COMMIT, 2, -2, -2),
        (MovementKind.RETURN, 1, 1, 0),
        (MovementKind.ADJUSTMENT, -3, -3, 0),
        (MovementKind.ADJUSTMENT, 4, 4, 0),
    ],
)
def test_each_movement_changes_the_level_its_own_way(
    kind: MovementKind, quantity: int, on_hand: int, reserved: int
) -> None:
    movement = StockMovement(
        sku="A", location="berlin", kind=kind, quantity=quantity, at=AT
    )
    assert (movement.on_hand_change, movement.reserved_change) == (on_hand, reserved)


def test_a_movement_is_checked_and_in_utc() -> None:
    berlin_time = datetime(2026, 6, 1, 11, tzinfo=timezone(timedelta(hours=2)))
    movement = StockMovement(
        sku="A", location="berlin", kind="receipt", quantity=1, at=berlin_time
    )
    assert movement.kind is MovementKind.RECEIPT
    assert movement.at == AT
    assert movement.at.tzinfo is UTC
    bad: list[dict[str, object]] = [
        {"quantity": 0},
        {"quantity": -1},  # only adjustments go down
        {"quantity": True},
        {"kind": "theft"},
        {"at": datetime(2026, 6, 1)},  # noqa: DTZ001 - naive on purpose
        {"reason": None},
        {"reference": ""},
    ]
    for change in bad:
        fields: dict[str, object] = {
            "sku": "A",
            "location": "berlin",
            "kind": "receipt",
            "quantity": 1,
            "at": AT,
            **change,
        }
        with pytest.raises(ValidationError):
            StockMovement(**fields)  # type: ignore[arg-type]


def _reservation(**changes: object) -> Reservation:
    fields: dict[str, object] = {
        "reservation_id": "res-1",
        "sku": "SNEAKER-42",
        "location": "berlin",
        "quantity": 2,
        "reference": "cart-1",
        "reserved_at": AT,
        "expires_at": AT + timedelta(minutes=15),
        **changes,
    }
    return Reservation(**fields)  # type: ignore[arg-type]


def test_a_reservation_is_active_until_released_or_committed() -> None:
    reservation = _reservation()
    assert reservation.active
    assert not reservation.backorder
    assert not attrs.evolve(reservation, released_at=AT).active
    assert not attrs.evolve(reservation, committed_at=AT).active
    assert _reservation(expires_at=None).expires_at is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"reference": " "}, "reference"),
        ({"expires_at": AT}, "expires_at"),
        ({"backorder": "yes"}, "backorder"),
        ({"released_at": AT, "committed_at": AT}, "committed_at"),
        ({"reserved_at": datetime(2026, 6, 1)}, "reserved_at"),  # noqa: DTZ001
    ],
)
def test_a_bad_reservation_is_refused(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _reservation(**change)
    assert info.value.field == field


def test_insufficient_stock_names_sku_wanted_and_available() -> None:
    error = InsufficientStockError(sku="SNEAKER-42", wanted=3, available=1)
    assert isinstance(error, BusinessRuleError)
    assert error.code == "insufficient_stock"
    assert error.rule == "insufficient_stock"
    assert str(error) == "cannot take 3 of SKU SNEAKER-42: only 1 available"
    at_berlin = InsufficientStockError(
        sku="A", wanted=2, available=-1, location="berlin"
    )
    assert str(at_berlin) == "cannot take 2 of SKU A at 'berlin': only 0 available"


def test_insufficient_stock_survives_pickle() -> None:
    error = InsufficientStockError(
        sku="SNEAKER-42", wanted=3, available=1, location="berlin"
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is InsufficientStockError
    assert (copy.sku, copy.wanted, copy.available, copy.location, copy.rule) == (
        "SNEAKER-42",
        3,
        1,
        "berlin",
        "insufficient_stock",
    )
    assert str(copy) == str(error)
