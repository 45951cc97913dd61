"""The inventory services, against the in-memory and the SQLite unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.catalog import Availability
from commercekit.errors import (
    DuplicateError,
    InvalidTransitionError,
    NotFoundError,
    UsageError,
    ValidationError,
)
from commercekit.inventory import (
    MAX_STOCK_QUANTITY,
    Allocation,
    AllocationPlan,
    ByPriority,
    InsufficientStockError,
    InventorySettings,
    InventoryUnitOfWork,
    MovementKind,
    ReleaseReason,
    Reservation,
    ReservationKind,
    StockAdjusted,
    StockAvailability,
    StockCommitted,
    StockLocation,
    StockLocationId,
    StockPolicy,
    StockRanLow,
    StockReceived,
    StockReleased,
    StockReserved,
    adjust_stock,
    available_to_sell,
    commit_stock,
    receive_stock,
    release_stock,
    reserve_stock,
    sweep_expired,
)
from commercekit.ports import DomainEvent
from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
from commercekit.values import Sku

START = datetime(2026, 6, 1, 9, tzinfo=UTC)
# The last instant of the year 9999 an hour west of UTC: past datetime.max in UTC.
BEYOND_UTC = datetime.max.replace(tzinfo=timezone(timedelta(hours=-1)))
RELEASE = START + timedelta(days=30)
BERLIN = StockLocation(location_id="berlin", name="Berlin", priority=1)
HAMBURG = StockLocation(location_id="hamburg", name="Hamburg", priority=2)
SETTINGS = InventorySettings(
    locations=[BERLIN, HAMBURG],
    policies={
        "BOOT": StockPolicy(backorder=True),
        "GAME": StockPolicy(preorder=True, available_from=RELEASE),
        "CAP": StockPolicy(low_stock_threshold=3),
    },
)


@attrs.define
class Shop:
    """Units of work over one store, with a clock, ids and a publisher."""

    make: Callable[..., InventoryUnitOfWork]
    clock: FixedClock = attrs.field(factory=lambda: FixedClock(START))
    ids: SequentialIds = attrs.field(factory=lambda: SequentialIds("res-"))
    event_ids: SequentialIds = attrs.field(factory=lambda: SequentialIds("ev-"))
    publisher: RecordingPublisher = attrs.field(factory=RecordingPublisher)

    def uow(self) -> InventoryUnitOfWork:
        return self.make(publisher=self.publisher, clock=self.clock, ids=self.event_ids)

    @property
    def events(self) -> list[DomainEvent]:
        return self.publisher.events

    def receive(self, item: str, location: str, quantity: int) -> None:
        receive_stock(item, location, quantity, uow=self.uow(), clock=self.clock)

    def reserve(
        self, items: Mapping[str, int], reference: str = "cart-1", **options: object
    ) -> list[Reservation]:
        return reserve_stock(
            items,
            reference=reference,
            uow=self.uow(),
            settings=SETTINGS,
            clock=self.clock,
            ids=self.ids,
            **options,  # type: ignore[arg-type]
        )

    def counts(self, item: str, location: str | None = None) -> tuple[int, int]:
        with self.uow() as uow:
            level = uow.stock.level(
                Sku(item), None if location is None else StockLocationId(location)
            )
        return level.on_hand, level.reserved

    def kinds(self, item: str) -> list[MovementKind]:
        with self.uow() as uow:
            return [movement.kind for movement in uow.stock.movements(Sku(item))]

    def events_since(self, count: int) -> list[DomainEvent]:
        return self.events[count:]


@pytest.fixture(params=["memory", "sqlite"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    if request.param == "memory":
        store = InMemoryStore()
        yield Shop(lambda **kw: InMemoryUnitOfWork(store, **kw))
        return
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    yield Shop(lambda **kw: SQLiteUnitOfWork(database, **kw))
    database.close()


def summary(reservations: Sequence[Reservation]) -> list[tuple[str, str, int, bool]]:
    return [(r.sku, r.location, r.quantity, r.backorder) for r in reservations]


# -- reserve -------------------------------------------------------------------------


def test_a_cart_reserves_every_line_from_the_fewest_locations(shop: Shop) -> None:
    """Berlin has 2 sneakers, Hamburg 5 and a cap: Hamburg ships both lines."""
    shop.receive("SNEAKER", "berlin", 2)
    shop.receive("SNEAKER", "hamburg", 5)
    shop.receive("CAP", "hamburg", 6)
    seen = len(shop.events)
    made = shop.reserve({"SNEAKER": 2, "CAP": 1}, hold_for=timedelta(minutes=15))
    assert summary(made) == [
        ("SNEAKER", "hamburg", 2, False),
        ("CAP", "hamburg", 1, False),
    ]
    assert [r.reservation_id for r in made] == ["res-1", "res-2"]
    assert all(r.reference == "cart-1" for r in made)
    assert all(r.expires_at == START + timedelta(minutes=15) for r in made)
    assert shop.counts("SNEAKER", "hamburg") == (5, 2)
    assert shop.counts("SNEAKER", "berlin") == (2, 0)
    assert shop.events_since(seen) == [
        StockReserved(
            reservation_id=made[0].reservation_id,
            reference="cart-1",
            sku=Sku("SNEAKER"),
            location=StockLocationId("hamburg"),
            quantity=2,
            kind=ReservationKind.STOCK,
            expires_at=START + timedelta(minutes=15),
            at=START,
        ),
        StockReserved(
            reservation_id=made[1].reservation_id,
            reference="cart-1",
            sku=Sku("CAP"),
            location=StockLocationId("hamburg"),
            quantity=1,
            kind=ReservationKind.STOCK,
            expires_at=START + timedelta(minutes=15),
            at=START,
        ),
    ]


def test_another_strategy_can_be_plugged_in(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 2)
    shop.receive("SNEAKER", "hamburg", 5)
    shop.receive("CAP", "hamburg", 6)
    made = shop.reserve({"SNEAKER": 2, "CAP": 1}, strategy=ByPriority())
    assert summary(made) == [
        ("SNEAKER", "berlin", 2, False),
        ("CAP", "hamburg", 1, False),
    ]


def test_a_line_no_location_has_whole_is_split(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 2)
    shop.receive("SNEAKER", "hamburg", 2)
    made = shop.reserve({"SNEAKER": 3})
    assert summary(made) == [
        ("SNEAKER", "berlin", 2, False),
        ("SNEAKER", "hamburg", 1, False),
    ]
    assert shop.counts("SNEAKER") == (4, 3)


def test_a_short_line_reserves_nothing_and_names_the_sku(shop: Shop) -> None:
    """Sneakers: 4 wanted, 3 in all (2 in Berlin, 1 in Hamburg). The cap line
    before it could be had; nothing is reserved, and no event is recorded."""
    shop.receive("SNEAKER", "berlin", 2)
    shop.receive("SNEAKER", "hamburg", 1)
    shop.receive("CAP", "berlin", 5)
    shop.receive("SHIRT", "berlin", 1)
    seen = len(shop.events)
    with pytest.raises(InsufficientStockError) as info:
        shop.reserve({"CAP": 1, "SNEAKER": 4, "SHIRT": 2})
    error = info.value
    # The first short line in the cart's order, with the sum over locations.
    assert (error.sku, error.wanted, error.available, error.location) == (
        "SNEAKER",
        4,
        3,
        None,
    )
    assert str(error) == "cannot take 4 of SKU SNEAKER: only 3 available"
    assert shop.counts("CAP") == (5, 0)
    assert shop.counts("SNEAKER") == (3, 0)
    assert shop.kinds("CAP") == [MovementKind.RECEIPT]
    assert shop.events_since(seen) == []


def test_units_held_by_others_are_not_available(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 3)
    shop.reserve({"SNEAKER": 2}, reference="cart-1")
    with pytest.raises(InsufficientStockError) as info:
        shop.reserve({"SNEAKER": 2}, reference="cart-2")
    assert (info.value.wanted, info.value.available) == (2, 1)
    assert summary(shop.reserve({"SNEAKER": 1}, reference="cart-2")) == [
        ("SNEAKER", "berlin", 1, False)
    ]
    assert shop.counts("SNEAKER") == (3, 3)


def test_stock_outside_the_settings_locations_is_not_sold(shop: Shop) -> None:
    shop.receive("SNEAKER", "outlet", 9)
    with pytest.raises(InsufficientStockError) as info:
        shop.reserve({"SNEAKER": 1})
    assert info.value.available == 0


def test_a_backorder_reserves_what_is_there_and_backorders_the_rest(
    shop: Shop,
) -> None:
    """Boots may be backordered: 5 wanted, 2 in Berlin and 1 in Hamburg. The
    3 are reserved from stock, and the 2 missing as a backorder in Berlin,
    the preferred location that ships boots."""
    shop.receive("BOOT", "berlin", 2)
    shop.receive("BOOT", "hamburg", 1)
    seen = len(shop.events)
    made = shop.reserve({"BOOT": 5})
    assert summary(made) == [
        ("BOOT", "berlin", 2, False),
        ("BOOT", "hamburg", 1, False),
        ("BOOT", "berlin", 2, True),
    ]
    assert [event.kind for event in shop.events_since(seen)] == [  # type: ignore[attr-defined]
        ReservationKind.STOCK,
        ReservationKind.STOCK,
        ReservationKind.BACKORDER,
    ]
    assert shop.counts("BOOT", "berlin") == (2, 4)
    assert shop.counts("BOOT", "hamburg") == (1, 1)
    # The backorder ships once its units come in.
    with pytest.raises(InsufficientStockError):
        commit_stock(
            reservation_ids=[made[2].reservation_id], uow=shop.uow(), clock=shop.clock
        )
    shop.receive("BOOT", "berlin", 2)
    committed = commit_stock(reference="cart-1", uow=shop.uow(), clock=shop.clock)
    assert len(committed) == 3
    assert shop.counts("BOOT") == (0, 0)


def test_a_backorder_with_nothing_anywhere_goes_to_the_preferred_location(
    shop: Shop,
) -> None:
    made = shop.reserve({"BOOT": 2})
    assert summary(made) == [("BOOT", "berlin", 2, True)]
    assert shop.counts("BOOT", "berlin") == (0, 2)


def test_a_preorder_is_taken_before_the_release_and_refused_after(
    shop: Shop,
) -> None:
    seen = len(shop.events)
    made = shop.reserve({"GAME": 1})
    assert summary(made) == [("GAME", "berlin", 1, True)]
    (event,) = shop.events_since(seen)
    assert isinstance(event, StockReserved)
    assert event.kind is ReservationKind.PREORDER
    shop.clock.set(RELEASE)
    with pytest.raises(InsufficientStockError) as info:
        shop.reserve({"GAME": 1}, reference="cart-2")
    assert (info.value.wanted, info.value.available) == (1, 0)
    # Once in stock, it sells as usual.
    shop.receive("GAME", "hamburg", 3)
    assert summary(shop.reserve({"GAME": 1}, reference="cart-2")) == [
        ("GAME", "hamburg", 1, False)
    ]


def test_the_expiry_is_given_as_an_instant_a_duration_or_not_at_all(
    shop: Shop,
) -> None:
    shop.receive("SNEAKER", "berlin", 10)
    (held,) = shop.reserve({"SNEAKER": 1}, expires_at=START + timedelta(hours=1))
    assert held.expires_at == START + timedelta(hours=1)
    (held,) = shop.reserve(
        {"SNEAKER": 1}, reference="cart-2", hold_for=timedelta(minutes=20)
    )
    assert held.expires_at == START + timedelta(minutes=20)
    (held,) = shop.reserve({"SNEAKER": 1}, reference="order-1")
    assert held.expires_at is None
    assert held.reserved_at == START


def test_a_retry_returns_the_reservations_held_and_reserves_nothing(
    shop: Shop,
) -> None:
    """An order reserved 2 sneakers and 1 cap (both from Hamburg) and 2
    boots (a backorder, never expiring), and committed; the reply was lost
    and the checkout calls again, lines in another order. It gets the same
    three reservations back, in the order it asked, and nothing more is
    held, recorded or written to the ledger."""
    shop.receive("SNEAKER", "berlin", 2)
    shop.receive("SNEAKER", "hamburg", 5)
    shop.receive("CAP", "hamburg", 6)
    first = shop.reserve({"SNEAKER": 2, "CAP": 1, "BOOT": 2}, reference="order-1")
    assert [r.reservation_id for r in first] == ["res-1", "res-2", "res-3"]
    seen = len(shop.events)
    again = shop.reserve(
        {"BOOT": 2, "CAP": 1, "SNEAKER": 2},
        reference="order-1",
        hold_for=timedelta(minutes=5),
    )
    assert again == [first[2], first[1], first[0]]
    assert summary(again) == [
        ("BOOT", "berlin", 2, True),
        ("CAP", "hamburg", 1, False),
        ("SNEAKER", "hamburg", 2, False),
    ]
    # The original hold stands: no expiry, as first reserved.
    assert [r.expires_at for r in again] == [None, None, None]
    assert shop.events_since(seen) == []
    assert shop.counts("SNEAKER") == (7, 2)
    assert shop.counts("CAP") == (6, 1)
    assert shop.counts("BOOT") == (0, 2)
    assert shop.kinds("SNEAKER") == [
        MovementKind.RECEIPT,
        MovementKind.RECEIPT,
        MovementKind.RESERVATION,
    ]
    # No ids were spent on the retry.
    (other,) = shop.reserve({"CAP": 1}, reference="cart-2")
    assert other.reservation_id == "res-4"


def test_a_reference_that_holds_other_units_must_release_them_first(
    shop: Shop,
) -> None:
    """cart-1 holds 2 sneakers; asking for 3, for 2 and a cap, or for a cap
    alone is refused, naming the cart and the way out. Once released, the
    cart reserves anew."""
    shop.receive("SNEAKER", "berlin", 5)
    shop.receive("CAP", "berlin", 5)
    (held,) = shop.reserve({"SNEAKER": 2}, hold_for=timedelta(minutes=15))
    seen = len(shop.events)
    for other in ({"SNEAKER": 3}, {"SNEAKER": 2, "CAP": 1}, {"CAP": 1}):
        with pytest.raises(DuplicateError) as info:
            shop.reserve(other, hold_for=timedelta(minutes=15))
        assert (info.value.kind, info.value.key) == ("stock reservation", "cart-1")
        assert info.value.code == "duplicate"
        assert "'cart-1'" in str(info.value)
        assert "release_stock(reference='cart-1')" in str(info.value)
    assert shop.events_since(seen) == []
    assert shop.counts("SNEAKER") == (5, 2)
    assert shop.counts("CAP") == (5, 0)
    assert release_stock(reference="cart-1", uow=shop.uow(), clock=shop.clock) == [
        held.reservation_id
    ]
    made = shop.reserve({"SNEAKER": 3})
    assert summary(made) == [("SNEAKER", "berlin", 3, False)]
    assert made[0].reservation_id != held.reservation_id
    assert shop.counts("SNEAKER") == (5, 3)


def test_only_active_reservations_of_the_reference_count(shop: Shop) -> None:
    """order-1 holds 2 sneakers and a cap. The cap's reservation is released
    by id: the 2 sneakers left active differ from {2 sneakers, 1 cap}, so a
    retry of the whole order is refused. Once everything shipped, nothing
    of order-1 is active, and reserving under it holds new units."""
    shop.receive("SNEAKER", "berlin", 5)
    shop.receive("CAP", "berlin", 5)
    sneakers, cap = shop.reserve({"SNEAKER": 2, "CAP": 1}, reference="order-1")
    release_stock(
        reservation_ids=[cap.reservation_id], uow=shop.uow(), clock=shop.clock
    )
    with pytest.raises(DuplicateError):
        shop.reserve({"SNEAKER": 2, "CAP": 1}, reference="order-1")
    # The sneakers alone are what order-1 holds: a retry of them returns them.
    assert shop.reserve({"SNEAKER": 2}, reference="order-1") == [sneakers]
    commit_stock(reference="order-1", uow=shop.uow(), clock=shop.clock)
    assert shop.counts("SNEAKER") == (3, 0)
    made = shop.reserve({"SNEAKER": 2, "CAP": 1}, reference="order-1")
    assert summary(made) == [
        ("SNEAKER", "berlin", 2, False),
        ("CAP", "berlin", 1, False),
    ]
    assert shop.counts("SNEAKER") == (3, 2)
    assert shop.counts("CAP") == (5, 1)


@pytest.mark.parametrize(
    ("items", "options", "field"),
    [
        ({}, {}, "items"),
        ([("SNEAKER", 1)], {}, "items"),
        ({"SNEAKER": 0}, {}, "quantity"),
        ({"SNEAKER": 1.0}, {}, "quantity"),
        ({"bad sku": 1}, {}, "sku"),
        ({"SNEAKER": 1, " SNEAKER": 1}, {}, "items"),
        ({"SNEAKER": 1}, {"reference": ""}, "reference"),
        ({"SNEAKER": 1}, {"reference": " cart"}, "reference"),
        (
            {"SNEAKER": 1},
            {"expires_at": START + timedelta(hours=1), "hold_for": timedelta(1)},
            "expires_at",
        ),
        ({"SNEAKER": 1}, {"expires_at": START}, "expires_at"),
        ({"SNEAKER": 1}, {"expires_at": datetime(2026, 7, 1)}, "expires_at"),  # noqa: DTZ001
        ({"SNEAKER": 1}, {"hold_for": timedelta(0)}, "hold_for"),
        ({"SNEAKER": 1}, {"hold_for": 15}, "hold_for"),
        # From 2026, a hold this long ends after the year 9999.
        ({"SNEAKER": 1}, {"hold_for": timedelta.max}, "hold_for"),
        ({"SNEAKER": 1}, {"hold_for": timedelta(days=3_000_000)}, "hold_for"),
        ({"SNEAKER": 1}, {"expires_at": BEYOND_UTC}, "expires_at"),
        ({"SNEAKER": MAX_STOCK_QUANTITY + 1}, {}, "quantity"),
        ({"SNEAKER": 2**70}, {}, "quantity"),
        ({"SNEAKER": 1}, {"settings": {"locations": []}}, "settings"),
    ],
)
def test_bad_input_is_a_validation_error(
    shop: Shop, items: object, options: dict[str, object], field: str
) -> None:
    shop.receive("SNEAKER", "berlin", 10)
    arguments: dict[str, object] = {
        "reference": "cart-1",
        "uow": shop.uow(),
        "settings": SETTINGS,
        "clock": shop.clock,
        "ids": shop.ids,
    } | options
    with pytest.raises(ValidationError) as info:
        reserve_stock(items, **arguments)  # type: ignore[arg-type]
    assert info.value.field == field
    assert shop.counts("SNEAKER") == (10, 0)


@attrs.frozen
class Scripted:
    """A strategy that returns a plan given in advance."""

    plan: object

    def allocate(self, *_: object) -> AllocationPlan:
        return self.plan  # type: ignore[return-value]


@pytest.mark.parametrize(
    "plan",
    [
        None,
        AllocationPlan(
            allocations=[Allocation(sku="SNEAKER", location="outlet", quantity=1)]
        ),
        AllocationPlan(
            allocations=[Allocation(sku="OTHER", location="berlin", quantity=1)]
        ),
        AllocationPlan(
            allocations=[Allocation(sku="SNEAKER", location="berlin", quantity=2)]
        ),
    ],
)
def test_a_strategy_that_breaks_its_contract_is_a_usage_error(
    shop: Shop, plan: object
) -> None:
    shop.receive("SNEAKER", "berlin", 10)
    with pytest.raises(UsageError):
        shop.reserve({"SNEAKER": 1}, strategy=Scripted(plan))
    assert shop.counts("SNEAKER") == (10, 0)


def test_a_plan_the_store_refuses_reserves_nothing(shop: Shop) -> None:
    """As when another unit of work took the units after they were read: the
    store refuses, and the error names the units available over all."""
    shop.receive("SNEAKER", "berlin", 1)
    shop.receive("SNEAKER", "hamburg", 2)
    shop.receive("CAP", "berlin", 1)
    greedy = Scripted(
        AllocationPlan(
            allocations=[
                Allocation(sku="CAP", location="berlin", quantity=1),
                Allocation(sku="SNEAKER", location="berlin", quantity=3),
            ]
        )
    )
    seen = len(shop.events)
    with pytest.raises(InsufficientStockError) as info:
        shop.reserve({"CAP": 1, "SNEAKER": 3}, strategy=greedy)
    assert (info.value.sku, info.value.wanted, info.value.available) == (
        "SNEAKER",
        3,
        3,
    )
    assert shop.counts("CAP") == (1, 0)
    assert shop.events_since(seen) == []


def test_a_strategy_may_leave_a_backorder_sku_short(shop: Shop) -> None:
    shop.receive("BOOT", "hamburg", 5)
    lazy = Scripted(AllocationPlan(allocations=[], short={"BOOT": 2}))
    assert summary(shop.reserve({"BOOT": 2}, strategy=lazy)) == [
        ("BOOT", "berlin", 2, True)
    ]
    shop.receive("SNEAKER", "hamburg", 5)
    with pytest.raises(InsufficientStockError) as info:
        shop.reserve(
            {"SNEAKER": 2},
            reference="cart-2",
            strategy=Scripted(AllocationPlan(allocations=[])),
        )
    assert (info.value.wanted, info.value.available) == (2, 5)


# -- low stock --------------------------------------------------------------------


def test_running_low_is_recorded_once_per_fall_to_the_threshold(shop: Shop) -> None:
    """Caps run low at 3: 5 on hand. 5 → 4 nothing; 4 → 3 low; 3 → 2
    nothing; released back to 4, then 4 → 2 low again."""
    shop.receive("CAP", "berlin", 3)
    shop.receive("CAP", "hamburg", 2)

    def low_after(reference: str, quantity: int) -> list[DomainEvent]:
        seen = len(shop.events)
        shop.reserve({"CAP": quantity}, reference=reference)
        return [e for e in shop.events_since(seen) if isinstance(e, StockRanLow)]

    assert low_after("cart-1", 1) == []
    assert low_after("cart-2", 1) == [
        StockRanLow(sku=Sku("CAP"), available=3, threshold=3, at=START)
    ]
    assert low_after("cart-3", 1) == []
    release_stock(reference="cart-2", uow=shop.uow(), clock=shop.clock)
    release_stock(reference="cart-3", uow=shop.uow(), clock=shop.clock)
    assert low_after("cart-4", 2) == [
        StockRanLow(sku=Sku("CAP"), available=2, threshold=3, at=START)
    ]


def test_backorders_run_stock_low_at_zero_not_below(shop: Shop) -> None:
    """Boots run low at 0 and may be backordered: 2 on hand, 5 wanted. After,
    0 are available (not -3), which is the threshold: one event. A second
    backorder keeps it at 0: none."""
    settings = attrs.evolve(
        SETTINGS,
        policies={"BOOT": StockPolicy(backorder=True, low_stock_threshold=0)},
    )
    shop.receive("BOOT", "hamburg", 2)

    def low_after(reference: str) -> list[DomainEvent]:
        seen = len(shop.events)
        reserve_stock(
            {"BOOT": 5},
            reference=reference,
            uow=shop.uow(),
            settings=settings,
            clock=shop.clock,
            ids=shop.ids,
        )
        return [e for e in shop.events_since(seen) if isinstance(e, StockRanLow)]

    assert low_after("order-1") == [
        StockRanLow(sku=Sku("BOOT"), available=0, threshold=0, at=START)
    ]
    assert low_after("order-2") == []
    assert shop.counts("BOOT") == (2, 10)


def test_an_adjustment_can_run_stock_low(shop: Shop) -> None:
    shop.receive("CAP", "berlin", 6)
    seen = len(shop.events)
    level = adjust_stock(
        "CAP",
        "berlin",
        -3,
        reason="damaged",
        uow=shop.uow(),
        settings=SETTINGS,
        clock=shop.clock,
    )
    assert (level.on_hand, level.reserved) == (3, 0)
    assert shop.events_since(seen) == [
        StockAdjusted(
            sku=Sku("CAP"),
            location=StockLocationId("berlin"),
            delta=-3,
            reason="damaged",
            at=START,
        ),
        StockRanLow(sku=Sku("CAP"), available=3, threshold=3, at=START),
    ]
    seen = len(shop.events)
    adjust_stock(
        "CAP",
        "berlin",
        2,
        reason="found",
        uow=shop.uow(),
        settings=SETTINGS,
        clock=shop.clock,
    )
    assert [type(e) for e in shop.events_since(seen)] == [StockAdjusted]


def test_an_adjustment_below_what_is_reserved_is_refused(shop: Shop) -> None:
    shop.receive("CAP", "berlin", 4)
    shop.reserve({"CAP": 3})
    seen = len(shop.events)
    with pytest.raises(InsufficientStockError) as info:
        adjust_stock(
            "CAP",
            "berlin",
            -2,
            reason="lost",
            uow=shop.uow(),
            settings=SETTINGS,
            clock=shop.clock,
        )
    assert (info.value.wanted, info.value.available) == (2, 1)
    assert shop.events_since(seen) == []
    with pytest.raises(ValidationError):
        adjust_stock(
            "CAP",
            "berlin",
            -1,
            reason=" ",
            uow=shop.uow(),
            settings=SETTINGS,
            clock=shop.clock,
        )


def test_receiving_records_the_receipt(shop: Shop) -> None:
    level = receive_stock(
        "CAP", "berlin", 4, uow=shop.uow(), clock=shop.clock, reason="DN-17"
    )
    assert (level.on_hand, level.reserved) == (4, 0)
    assert shop.events == [
        StockReceived(
            sku=Sku("CAP"), location=StockLocationId("berlin"), quantity=4, at=START
        )
    ]
    with shop.uow() as uow:
        assert uow.stock.movements(Sku("CAP"))[0].reason == "DN-17"
    bad_calls: list[Callable[[], object]] = [
        lambda: receive_stock("CAP", "berlin", 0, uow=shop.uow(), clock=shop.clock),
        lambda: receive_stock("C P", "berlin", 1, uow=shop.uow(), clock=shop.clock),
        lambda: receive_stock("CAP", "", 1, uow=shop.uow(), clock=shop.clock),
    ]
    for bad in bad_calls:
        with pytest.raises(ValidationError):
            bad()
    assert len(shop.events) == 1


def test_quantities_past_the_bound_are_refused(shop: Shop) -> None:
    """One call moves at most MAX_STOCK_QUANTITY (10**12) units, and a level
    holds at most that many: 2**62 twice, or 2**70, is a ValidationError
    naming the argument, on both stores alike."""
    too_many = MAX_STOCK_QUANTITY + 1
    refused: list[tuple[str, Callable[[], object]]] = [
        (
            "quantity",
            lambda: receive_stock(
                "CAP", "berlin", 2**62, uow=shop.uow(), clock=shop.clock
            ),
        ),
        (
            "quantity",
            lambda: receive_stock(
                "CAP", "berlin", 2**70, uow=shop.uow(), clock=shop.clock
            ),
        ),
        (
            "quantity",
            lambda: receive_stock(
                "CAP", "berlin", too_many, uow=shop.uow(), clock=shop.clock
            ),
        ),
    ]
    refused += [
        (
            "delta",
            lambda delta=delta: adjust_stock(  # type: ignore[misc]
                "CAP",
                "berlin",
                delta,
                reason="count",
                uow=shop.uow(),
                settings=SETTINGS,
                clock=shop.clock,
            ),
        )
        for delta in (too_many, -too_many, 2**70)
    ]
    for field, call in refused:
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == field
    assert shop.counts("CAP") == (0, 0)
    assert shop.events == []
    shop.receive("CAP", "berlin", MAX_STOCK_QUANTITY)
    with pytest.raises(ValidationError) as info:
        shop.receive("CAP", "berlin", 1)
    assert info.value.field == "quantity"
    with pytest.raises(ValidationError) as info:
        adjust_stock(
            "CAP",
            "berlin",
            1,
            reason="found",
            uow=shop.uow(),
            settings=SETTINGS,
            clock=shop.clock,
        )
    assert info.value.field == "delta"
    assert shop.counts("CAP") == (MAX_STOCK_QUANTITY, 0)
    assert len(shop.events) == 1


# -- release, commit, sweep ----------------------------------------------------------


def test_releasing_a_cart_releases_each_reservation_once(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 5)
    shop.receive("CAP", "hamburg", 5)
    made = shop.reserve({"SNEAKER": 2, "CAP": 1})
    shop.reserve({"SNEAKER": 1}, reference="cart-2")
    shop.clock.advance(timedelta(minutes=5))
    seen = len(shop.events)
    released = release_stock(reference="cart-1", uow=shop.uow(), clock=shop.clock)
    assert released == [r.reservation_id for r in made]
    assert shop.events_since(seen) == [
        StockReleased(
            reservation_id=r.reservation_id,
            reference="cart-1",
            sku=r.sku,
            location=r.location,
            quantity=r.quantity,
            reason=ReleaseReason.RELEASED,
            at=START + timedelta(minutes=5),
        )
        for r in made
    ]
    assert shop.counts("SNEAKER") == (5, 1)
    assert shop.counts("CAP") == (5, 0)
    # Twice releases once.
    seen = len(shop.events)
    assert release_stock(reference="cart-1", uow=shop.uow(), clock=shop.clock) == []
    assert (
        release_stock(
            reservation_ids=[made[0].reservation_id], uow=shop.uow(), clock=shop.clock
        )
        == []
    )
    assert shop.events_since(seen) == []
    assert shop.kinds("SNEAKER").count(MovementKind.RELEASE) == 1
    assert release_stock(reference="cart-9", uow=shop.uow(), clock=shop.clock) == []


def test_releasing_named_reservations_is_all_or_nothing(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 5)
    (held,) = shop.reserve({"SNEAKER": 2})
    with pytest.raises(NotFoundError):
        release_stock(
            reservation_ids=[held.reservation_id, "nope"],
            uow=shop.uow(),
            clock=shop.clock,
        )
    assert shop.counts("SNEAKER") == (5, 2)
    assert release_stock(
        reservation_ids=[held.reservation_id, held.reservation_id],
        uow=shop.uow(),
        clock=shop.clock,
    ) == [held.reservation_id]


@pytest.mark.parametrize(
    "arguments",
    [
        {},
        {"reference": "cart-1", "reservation_ids": ["res-1"]},
        {"reference": " "},
        {"reservation_ids": "res-1"},
        {"reservation_ids": [""]},
    ],
)
def test_release_and_commit_need_a_reference_or_ids(
    shop: Shop, arguments: dict[str, object]
) -> None:
    for service in (release_stock, commit_stock):
        with pytest.raises(ValidationError):
            service(uow=shop.uow(), clock=shop.clock, **arguments)  # type: ignore[arg-type]


def test_committing_an_order_ships_it_once(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 5)
    shop.receive("CAP", "berlin", 5)
    made = shop.reserve({"SNEAKER": 2, "CAP": 1}, reference="order-1")
    shop.clock.advance(timedelta(days=1))
    seen = len(shop.events)
    committed = commit_stock(reference="order-1", uow=shop.uow(), clock=shop.clock)
    shipped_at = START + timedelta(days=1)
    assert committed == [attrs.evolve(r, committed_at=shipped_at) for r in made]
    assert shop.events_since(seen) == [
        StockCommitted(
            reservation_id=r.reservation_id,
            reference="order-1",
            sku=r.sku,
            location=r.location,
            quantity=r.quantity,
            at=shipped_at,
        )
        for r in made
    ]
    assert shop.counts("SNEAKER") == (3, 0)
    assert shop.counts("CAP") == (4, 0)
    seen = len(shop.events)
    assert commit_stock(reference="order-1", uow=shop.uow(), clock=shop.clock) == []
    assert (
        commit_stock(
            reservation_ids=[made[0].reservation_id], uow=shop.uow(), clock=shop.clock
        )
        == []
    )
    assert shop.events_since(seen) == []
    assert shop.counts("SNEAKER") == (3, 0)


def test_a_commit_by_reference_skips_released_lines(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 5)
    shop.receive("CAP", "berlin", 5)
    sneakers, caps = shop.reserve({"SNEAKER": 2, "CAP": 1}, reference="order-1")
    release_stock(
        reservation_ids=[caps.reservation_id], uow=shop.uow(), clock=shop.clock
    )
    committed = commit_stock(reference="order-1", uow=shop.uow(), clock=shop.clock)
    assert [r.reservation_id for r in committed] == [sneakers.reservation_id]
    assert shop.counts("CAP") == (5, 0)


def test_committing_a_released_reservation_by_id_commits_nothing(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 5)
    (kept,) = shop.reserve({"SNEAKER": 2}, reference="order-1")
    (dropped,) = shop.reserve({"SNEAKER": 1}, reference="order-2")
    release_stock(reference="order-2", uow=shop.uow(), clock=shop.clock)
    seen = len(shop.events)
    with pytest.raises(InvalidTransitionError):
        commit_stock(
            reservation_ids=[kept.reservation_id, dropped.reservation_id],
            uow=shop.uow(),
            clock=shop.clock,
        )
    assert shop.counts("SNEAKER") == (5, 2)
    assert shop.events_since(seen) == []


def test_the_sweep_releases_expired_reservations(shop: Shop) -> None:
    shop.receive("SNEAKER", "berlin", 10)
    (early,) = shop.reserve({"SNEAKER": 1}, hold_for=timedelta(minutes=10))
    (late,) = shop.reserve(
        {"SNEAKER": 2}, reference="cart-2", hold_for=timedelta(minutes=30)
    )
    shop.reserve({"SNEAKER": 3}, reference="order-1")
    assert sweep_expired(uow=shop.uow(), clock=shop.clock) == []
    shop.clock.advance(timedelta(minutes=10))
    seen = len(shop.events)
    assert sweep_expired(uow=shop.uow(), clock=shop.clock) == [early.reservation_id]
    assert shop.events_since(seen) == [
        StockReleased(
            reservation_id=early.reservation_id,
            reference="cart-1",
            sku=Sku("SNEAKER"),
            location=StockLocationId("berlin"),
            quantity=1,
            reason=ReleaseReason.EXPIRED,
            at=START + timedelta(minutes=10),
        )
    ]
    assert shop.counts("SNEAKER") == (10, 5)
    shop.clock.advance(timedelta(hours=5))
    assert sweep_expired(uow=shop.uow(), clock=shop.clock) == [late.reservation_id]
    assert sweep_expired(uow=shop.uow(), clock=shop.clock) == []
    # An order's reservation never expires.
    assert shop.counts("SNEAKER") == (10, 3)
    # Released by the sweep, a reservation is not released again.
    assert release_stock(reference="cart-1", uow=shop.uow(), clock=shop.clock) == []


def test_reserving_again_after_the_sweep_makes_new_reservations(shop: Shop) -> None:
    """The swept reservations stay released; the cart gets new ones."""
    shop.receive("SNEAKER", "berlin", 2)
    (first,) = shop.reserve({"SNEAKER": 2}, hold_for=timedelta(minutes=10))
    shop.clock.advance(timedelta(minutes=10))
    sweep_expired(uow=shop.uow(), clock=shop.clock)
    (second,) = shop.reserve({"SNEAKER": 2}, hold_for=timedelta(minutes=10))
    assert second.reservation_id != first.reservation_id
    with shop.uow() as uow:
        assert not uow.stock.reservation(first.reservation_id).active
        assert [r.active for r in uow.stock.reservations_for("cart-1")] == [
            False,
            True,
        ]
    assert shop.counts("SNEAKER") == (2, 2)


@attrs.frozen
class At:
    """A clock that tells one instant, however extreme."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant


def test_the_sweep_takes_the_last_instant_and_refuses_one_past_it(
    shop: Shop,
) -> None:
    """At datetime.max (UTC) everything with an expiry is due; an instant
    that UTC cannot express is a ValidationError, not an OverflowError."""
    shop.receive("SNEAKER", "berlin", 10)
    (cart,) = shop.reserve({"SNEAKER": 1}, hold_for=timedelta(minutes=10))
    shop.reserve({"SNEAKER": 2}, reference="order-1")
    first = datetime.min.replace(tzinfo=UTC)
    assert sweep_expired(uow=shop.uow(), clock=At(first)) == []
    with pytest.raises(ValidationError) as info:
        sweep_expired(uow=shop.uow(), clock=At(BEYOND_UTC))
    assert info.value.field == "now"
    assert shop.counts("SNEAKER") == (10, 3)
    last = datetime.max.replace(tzinfo=UTC)
    assert sweep_expired(uow=shop.uow(), clock=At(last)) == [cart.reservation_id]
    assert shop.counts("SNEAKER") == (10, 2)


def test_a_hold_may_end_at_the_last_instant_but_not_after(shop: Shop) -> None:
    last = datetime.max.replace(tzinfo=UTC)
    shop.clock.set(last - timedelta(minutes=10))
    shop.receive("SNEAKER", "berlin", 10)
    (held,) = shop.reserve({"SNEAKER": 1}, hold_for=timedelta(minutes=10))
    assert held.expires_at == last
    with pytest.raises(ValidationError) as info:
        shop.reserve({"SNEAKER": 1}, reference="cart-2", hold_for=timedelta(minutes=11))
    assert info.value.field == "hold_for"
    assert shop.counts("SNEAKER") == (10, 1)


# -- availability for the catalog and the cart ---------------------------------------


def test_stock_availability_says_what_can_be_sold(shop: Shop) -> None:
    shop.receive("SNEAKER", "hamburg", 1)
    shop.receive("CAP", "berlin", 1)
    shop.receive("SHIRT", "outlet", 5)
    shop.reserve({"CAP": 1})
    availability: Availability = StockAvailability(
        shop.uow(), settings=SETTINGS, clock=shop.clock
    )
    asked = [Sku(code) for code in ("SNEAKER", "CAP", "SHIRT", "BOOT", "GAME", "NEW")]
    # Sneakers are there; caps are all held; shirts are at no location in
    # play; boots may be backordered and the game preordered; NEW is unknown.
    assert availability.in_stock(asked) == {"SNEAKER", "BOOT", "GAME"}
    shop.clock.set(RELEASE)
    assert availability.in_stock(asked) == {"SNEAKER", "BOOT"}
    assert availability.in_stock([]) == set()
    with pytest.raises(ValidationError):
        availability.in_stock([Sku("bad sku")])
    with pytest.raises(ValidationError):
        StockAvailability(shop.uow(), settings=None, clock=shop.clock)  # type: ignore[arg-type]


def test_in_stock_refuses_a_single_sku_for_a_collection(shop: Shop) -> None:
    """A str is a collection of letters: "SNEAKER" would ask after the SKUs
    S, N, E, A, K and R. It is refused instead."""
    shop.receive("S", "berlin", 1)
    availability = StockAvailability(shop.uow(), settings=SETTINGS, clock=shop.clock)
    for bad in ("SNEAKER", b"SNEAKER", 42):
        with pytest.raises(ValidationError) as info:
            availability.in_stock(bad)  # type: ignore[arg-type]
        assert info.value.field == "skus"
    assert availability.in_stock([Sku("SNEAKER"), Sku("S")]) == {"S"}


def test_available_to_sell_sums_the_locations_in_play(shop: Shop) -> None:
    """SNEAKER: Berlin 3 on hand, 2 of them held; Hamburg 1; the outlet's 5
    are at no location in play: 1 + 1 = 2. GAME: preordered once in Berlin
    (reserved 1, on hand 0, so -1 there), then 2 came in at Hamburg: before
    the release it sells without limit (None); after it, Berlin counts as 0,
    not -1, so 2. BOOT takes backorders: None. CAP, never received: 0."""
    shop.receive("SNEAKER", "berlin", 3)
    shop.receive("SNEAKER", "hamburg", 1)
    shop.receive("SNEAKER", "outlet", 5)
    shop.reserve({"SNEAKER": 2})
    shop.reserve({"GAME": 1}, reference="cart-2")
    shop.receive("GAME", "hamburg", 2)
    with shop.uow() as uow:
        assert available_to_sell(uow.stock, "SNEAKER", SETTINGS, START) == 2
        assert available_to_sell(uow.stock, "GAME", SETTINGS, START) is None
        assert available_to_sell(uow.stock, "GAME", SETTINGS, RELEASE) == 2
        assert available_to_sell(uow.stock, "BOOT", SETTINGS, START) is None
        assert available_to_sell(uow.stock, "CAP", SETTINGS, START) == 0
        assert (
            available_to_sell(
                stock=uow.stock, sku="SNEAKER", settings=SETTINGS, at=RELEASE
            )
            == 2
        )
        bad_calls: list[tuple[str, Callable[[], object]]] = [
            ("sku", lambda: available_to_sell(uow.stock, "bad sku", SETTINGS, START)),
            (
                "settings",
                lambda: available_to_sell(uow.stock, "CAP", None, START),  # type: ignore[arg-type]
            ),
            (
                "at",
                lambda: available_to_sell(
                    uow.stock,
                    "CAP",
                    SETTINGS,
                    datetime(2026, 6, 1),  # noqa: DTZ001 - the point of the test
                ),
            ),
            ("at", lambda: available_to_sell(uow.stock, "CAP", SETTINGS, BEYOND_UTC)),
        ]
        for field, call in bad_calls:
            with pytest.raises(ValidationError) as info:
                call()
            assert info.value.field == field
