"""The inventory steps that run inside a unit of work the caller entered.

``reserve_stock_in``, ``release_stock_in`` and ``commit_stock_in`` neither
enter nor commit: these tests enter the block, call the step, and commit
(or leave without a commit) themselves, against the in-memory and the
SQLite unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import DuplicateError, ValidationError
from commercekit.inventory import (
    InventorySettings,
    InventoryUnitOfWork,
    ReleaseReason,
    Reservation,
    ReservationKind,
    StockCommitted,
    StockLocation,
    StockLocationId,
    StockReleased,
    StockReserved,
    commit_stock_in,
    release_stock_in,
    reservation_id,
    reserve_stock_in,
)
from commercekit.ports import DomainEvent
from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
from commercekit.values import Sku

T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)
LATER = T0 + timedelta(hours=1)
BERLIN = StockLocationId("berlin")
HAMBURG = StockLocationId("hamburg")
SETTINGS = InventorySettings(
    locations=[
        StockLocation(location_id="berlin", name="Berlin", priority=1),
        StockLocation(location_id="hamburg", name="Hamburg", priority=2),
    ],
)
X = Sku("X")
Y = Sku("Y")


@attrs.define
class Shop:
    """Units of work over one store, with a publisher that sees the commits."""

    make: Callable[..., InventoryUnitOfWork]
    ids: SequentialIds = attrs.field(factory=lambda: SequentialIds("new-"))
    event_ids: SequentialIds = attrs.field(factory=lambda: SequentialIds("ev-"))
    publisher: RecordingPublisher = attrs.field(factory=RecordingPublisher)

    def uow(self) -> InventoryUnitOfWork:
        return self.make(
            publisher=self.publisher, clock=FixedClock(T0), ids=self.event_ids
        )

    @property
    def events(self) -> list[DomainEvent]:
        return self.publisher.events

    def receive(self, item: Sku, location: StockLocationId, quantity: int) -> None:
        with self.uow() as uow:
            uow.stock.receive(item, location, quantity, at=T0)
            uow.commit()

    def hold(
        self,
        key: str,
        item: Sku,
        quantity: int,
        *,
        at: datetime,
        location: StockLocationId = BERLIN,
        reference: str = "order-1",
        expires_at: datetime | None = None,
        backorder: bool = False,
    ) -> Reservation:
        """Reserve straight in the store, with an id and instant of our own."""
        with self.uow() as uow:
            made = uow.stock.reserve(
                item,
                quantity,
                reservation_id=reservation_id(key),
                reference=reference,
                location=location,
                expires_at=expires_at,
                at=at,
                backorder=backorder,
            )
            uow.commit()
        return made

    def counts(
        self, item: Sku, location: StockLocationId | None = None
    ) -> tuple[int, int]:
        """(on hand, reserved) of ``item`` at ``location`` or over all."""
        with self.uow() as uow:
            level = uow.stock.level(item, location)
        return level.on_hand, level.reserved

    def active(self, reference: str = "order-1") -> list[Reservation]:
        with self.uow() as uow:
            return [r for r in uow.stock.reservations_for(reference) if r.active]

    def all_of(self, reference: str = "order-1") -> list[Reservation]:
        with self.uow() as uow:
            return uow.stock.reservations_for(reference)


@pytest.fixture(params=["memory", "sqlite"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    if request.param == "memory":
        store = InMemoryStore()
        yield Shop(lambda **kw: InMemoryUnitOfWork(store, **kw))
        return
    database = SQLiteDatabase(tmp_path / "steps.sqlite3")
    yield Shop(lambda **kw: SQLiteUnitOfWork(database, **kw))
    database.close()


def _released(held: Reservation, at: datetime) -> StockReleased:
    return StockReleased(
        reservation_id=held.reservation_id,
        reference=held.reference,
        sku=held.sku,
        location=held.location,
        quantity=held.quantity,
        reason=ReleaseReason.RELEASED,
        at=at,
    )


def _reserved(held: Reservation, kind: ReservationKind) -> StockReserved:
    return StockReserved(
        reservation_id=held.reservation_id,
        reference=held.reference,
        sku=held.sku,
        location=held.location,
        quantity=held.quantity,
        kind=kind,
        expires_at=held.expires_at,
        at=held.reserved_at,
    )


def _committed(held: Reservation, at: datetime) -> StockCommitted:
    return StockCommitted(
        reservation_id=held.reservation_id,
        reference=held.reference,
        sku=held.sku,
        location=held.location,
        quantity=held.quantity,
        at=at,
    )


# -- reserve_stock_in ------------------------------------------------------------------


def test_reserve_in_keeps_nothing_when_the_block_is_left_without_commit(
    shop: Shop,
) -> None:
    shop.receive(X, BERLIN, 5)
    seen = len(shop.events)
    with shop.uow() as uow:
        made = reserve_stock_in(
            uow, {"X": 2}, reference="cart-1", settings=SETTINGS, at=T0, ids=shop.ids
        )
        # The block sees its own reservation...
        assert uow.stock.level(X, BERLIN).reserved == 2
        assert [r.reservation_id for r in uow.stock.reservations_for("cart-1")] == [
            "new-1"
        ]
    # ...and leaving it without a commit undoes it, and publishes nothing.
    assert [r.quantity for r in made] == [2]
    assert shop.counts(X, BERLIN) == (5, 0)
    assert shop.all_of("cart-1") == []
    assert shop.events[seen:] == []


def test_reserve_in_reserves_on_commit_and_publishes_after_it(shop: Shop) -> None:
    shop.receive(X, BERLIN, 5)
    shop.receive(Y, HAMBURG, 4)
    seen = len(shop.events)
    expires = T0 + timedelta(minutes=15)
    with shop.uow() as uow:
        made = reserve_stock_in(
            uow,
            {"X": 2, "Y": 3},
            reference="cart-1",
            settings=SETTINGS,
            at=T0,
            ids=shop.ids,
            expires_at=expires,
        )
        assert shop.events[seen:] == []  # nothing goes out before the commit
        uow.commit()
    assert [(r.sku, r.location, r.quantity) for r in made] == [
        (X, BERLIN, 2),
        (Y, HAMBURG, 3),
    ]
    assert all(r.reserved_at == T0 and r.expires_at == expires for r in made)
    assert shop.counts(X, BERLIN) == (5, 2)
    assert shop.counts(Y, HAMBURG) == (4, 3)
    assert shop.events[seen:] == [
        _reserved(made[0], ReservationKind.STOCK),
        _reserved(made[1], ReservationKind.STOCK),
    ]


def test_reserve_in_again_with_the_same_items_returns_the_same_holds(
    shop: Shop,
) -> None:
    shop.receive(X, BERLIN, 5)
    shop.receive(Y, BERLIN, 5)
    with shop.uow() as uow:
        first = reserve_stock_in(
            uow,
            {"X": 2, "Y": 1},
            reference="cart-1",
            settings=SETTINGS,
            at=T0,
            ids=shop.ids,
        )
        uow.commit()
    seen = len(shop.events)
    with shop.uow() as uow:
        # Y before X: the holds come back in the order of the items asked.
        again = reserve_stock_in(
            uow,
            {"Y": 1, "X": 2},
            reference="cart-1",
            settings=SETTINGS,
            at=LATER,
            ids=shop.ids,
        )
        uow.commit()
    assert again == [first[1], first[0]]
    assert shop.counts(X, BERLIN) == (5, 2)
    assert shop.counts(Y, BERLIN) == (5, 1)
    assert shop.events[seen:] == []
    assert shop.ids.new_id() == "new-3"  # the retry took no ids


def test_reserve_in_with_other_items_for_the_reference_is_a_duplicate(
    shop: Shop,
) -> None:
    shop.receive(X, BERLIN, 5)
    with shop.uow() as uow:
        reserve_stock_in(
            uow, {"X": 2}, reference="cart-1", settings=SETTINGS, at=T0, ids=shop.ids
        )
        uow.commit()
    seen = len(shop.events)
    for other in ({"X": 3}, {"X": 2, "Y": 1}):
        with shop.uow() as uow:
            with pytest.raises(DuplicateError) as error:
                reserve_stock_in(
                    uow,
                    other,
                    reference="cart-1",
                    settings=SETTINGS,
                    at=LATER,
                    ids=shop.ids,
                )
            uow.commit()
        assert error.value.key == "cart-1"
    assert [r.quantity for r in shop.active("cart-1")] == [2]
    assert shop.counts(X, BERLIN) == (5, 2)
    assert shop.events[seen:] == []


def test_reserve_in_refuses_a_naive_instant_and_an_expiry_not_after_it(
    shop: Shop,
) -> None:
    shop.receive(X, BERLIN, 5)
    with shop.uow() as uow:
        with pytest.raises(ValidationError):
            reserve_stock_in(
                uow,
                {"X": 1},
                reference="cart-1",
                settings=SETTINGS,
                at=T0.replace(tzinfo=None),
                ids=shop.ids,
            )
        with pytest.raises(ValidationError) as error:
            reserve_stock_in(
                uow,
                {"X": 1},
                reference="cart-1",
                settings=SETTINGS,
                at=T0,
                ids=shop.ids,
                expires_at=T0,
            )
        assert error.value.field == "expires_at"
        uow.commit()
    assert shop.counts(X, BERLIN) == (5, 0)


# -- release_stock_in ------------------------------------------------------------------


def test_release_in_without_units_releases_every_active_hold(shop: Shop) -> None:
    shop.receive(X, BERLIN, 5)
    shop.receive(Y, HAMBURG, 5)
    one = shop.hold("r-1", X, 2, at=T0)
    two = shop.hold("r-2", Y, 3, at=T0 + timedelta(minutes=1), location=HAMBURG)
    shop.hold("other-1", X, 1, at=T0, reference="order-2")
    seen = len(shop.events)
    with shop.uow() as uow:
        released = release_stock_in(uow, reference="order-1", at=LATER)
        assert shop.events[seen:] == []
        uow.commit()
    assert released == ["r-1", "r-2"]
    assert shop.active() == []
    assert shop.counts(X, BERLIN) == (5, 1)  # order-2's unit stays reserved
    assert shop.counts(Y, HAMBURG) == (5, 0)
    assert shop.events[seen:] == [_released(one, LATER), _released(two, LATER)]
    # Again: nothing is active any more, so nothing is released or recorded.
    with shop.uow() as uow:
        assert release_stock_in(uow, reference="order-1", at=LATER) == []
        uow.commit()
    assert len(shop.events) == seen + 2


def test_release_in_left_without_commit_keeps_the_holds(shop: Shop) -> None:
    shop.receive(X, BERLIN, 5)
    shop.hold("r-1", X, 2, at=T0)
    seen = len(shop.events)
    with shop.uow() as uow:
        assert release_stock_in(uow, reference="order-1", at=LATER) == ["r-1"]
    assert [r.reservation_id for r in shop.active()] == ["r-1"]
    assert shop.counts(X, BERLIN) == (5, 2)
    assert shop.events[seen:] == []


def test_release_in_units_takes_the_newest_holds_first_and_splits_the_last(
    shop: Shop,
) -> None:
    """Release 4 of 5 X: r-2 (3, newest) whole, then 1 of r-1's 2.

    r-1 is a backorder at Hamburg (nothing on hand there) expiring in two
    days: the unit that stays is reserved again there, as a backorder, with
    that expiry.
    """
    shop.receive(X, BERLIN, 5)
    expiry = T0 + timedelta(days=2)
    one = shop.hold(
        "r-1", X, 2, at=T0, location=HAMBURG, expires_at=expiry, backorder=True
    )
    two = shop.hold("r-2", X, 3, at=T0 + timedelta(minutes=1))
    assert shop.counts(X) == (5, 5)
    seen = len(shop.events)
    with shop.uow() as uow:
        released = release_stock_in(
            uow, reference="order-1", at=LATER, units={"X": 4}, ids=shop.ids
        )
        uow.commit()
    assert released == ["r-2", "r-1"]
    # Reserved 5 - 4 released = 1, all of it the rest of r-1 at Hamburg.
    assert shop.counts(X) == (5, 1)
    assert shop.counts(X, BERLIN) == (5, 0)
    assert shop.counts(X, HAMBURG) == (0, 1)
    [rest] = shop.active()
    assert rest == Reservation(
        reservation_id="new-1",
        sku=X,
        location=HAMBURG,
        quantity=1,
        reference="order-1",
        reserved_at=LATER,
        expires_at=expiry,
        backorder=True,
    )
    assert shop.events[seen:] == [
        _released(two, LATER),
        _released(one, LATER),
        _reserved(rest, ReservationKind.BACKORDER),
    ]


def test_release_in_units_fewer_than_the_newest_hold_leaves_the_older_alone(
    shop: Shop,
) -> None:
    shop.receive(X, BERLIN, 10)
    shop.receive(Y, BERLIN, 10)
    shop.hold("r-1", X, 2, at=T0)
    two = shop.hold("r-2", X, 3, at=T0 + timedelta(minutes=1))
    shop.hold("r-3", Y, 4, at=T0 + timedelta(minutes=2))
    seen = len(shop.events)
    with shop.uow() as uow:
        released = release_stock_in(
            uow, reference="order-1", at=LATER, units={"X": 1}, ids=shop.ids
        )
        uow.commit()
    assert released == ["r-2"]
    # X: reserved 2 + 3 = 5, minus the 1 released = 4; Y is not touched.
    assert shop.counts(X, BERLIN) == (10, 4)
    assert shop.counts(Y, BERLIN) == (10, 4)
    assert [(r.reservation_id, r.quantity) for r in shop.active()] == [
        ("r-1", 2),
        ("r-3", 4),
        ("new-1", 2),
    ]
    rest = shop.active()[2]
    assert (rest.location, rest.expires_at, rest.backorder) == (BERLIN, None, False)
    assert shop.events[seen:] == [
        _released(two, LATER),
        _reserved(rest, ReservationKind.STOCK),
    ]


def test_release_in_units_that_match_whole_holds_splits_nothing(shop: Shop) -> None:
    shop.receive(X, BERLIN, 10)
    one = shop.hold("r-1", X, 2, at=T0)
    two = shop.hold("r-2", X, 3, at=T0 + timedelta(minutes=1))
    seen = len(shop.events)
    with shop.uow() as uow:
        # No ids: none are needed when no hold is split.
        released = release_stock_in(uow, reference="order-1", at=LATER, units={"X": 5})
        uow.commit()
    assert released == ["r-2", "r-1"]
    assert shop.counts(X, BERLIN) == (10, 0)
    assert shop.events[seen:] == [_released(two, LATER), _released(one, LATER)]


def test_release_in_more_units_than_held_changes_nothing(shop: Shop) -> None:
    shop.receive(X, BERLIN, 10)
    shop.hold("r-1", X, 2, at=T0)
    shop.hold("r-2", X, 3, at=T0 + timedelta(minutes=1))
    before = shop.all_of()
    seen = len(shop.events)
    with shop.uow() as uow:
        with pytest.raises(ValidationError) as error:
            release_stock_in(
                uow, reference="order-1", at=LATER, units={"X": 6}, ids=shop.ids
            )
        assert error.value.field == "units"
        uow.commit()  # the refused call recorded nothing to commit
    assert shop.all_of() == before
    assert shop.counts(X, BERLIN) == (10, 5)
    assert shop.events[seen:] == []


@pytest.mark.parametrize("step", [release_stock_in, commit_stock_in])
def test_a_split_without_ids_is_refused_before_anything_changes(
    shop: Shop, step: Callable[..., object]
) -> None:
    """Taking 1 of a hold of 3 splits it, which needs new ids: without them
    the call is refused, and a caller that commits anyway loses nothing."""
    shop.receive(X, BERLIN, 10)
    shop.hold("r-1", X, 3, at=T0)
    before = shop.all_of()
    with shop.uow() as uow:
        with pytest.raises(ValidationError) as error:
            step(uow, reference="order-1", at=LATER, units={"X": 1})
        assert error.value.field == "ids"
        uow.commit()
    assert shop.all_of() == before
    assert shop.counts(X, BERLIN) == (10, 3)


@pytest.mark.parametrize("step", [release_stock_in, commit_stock_in])
def test_splitting_an_expired_hold_is_refused_before_anything_changes(
    shop: Shop, step: Callable[..., object]
) -> None:
    """The rest of a split keeps the hold's expiry, which must lie ahead: an
    expired hold not yet swept is refused whole, and stays as it was."""
    shop.receive(X, BERLIN, 10)
    shop.hold("r-1", X, 3, at=T0, expires_at=T0 + timedelta(minutes=30))
    before = shop.all_of()
    with shop.uow() as uow:
        with pytest.raises(ValidationError, match="expired"):
            step(uow, reference="order-1", at=LATER, units={"X": 1}, ids=shop.ids)
        uow.commit()
    assert shop.all_of() == before
    assert shop.counts(X, BERLIN) == (10, 3)


# -- commit_stock_in -------------------------------------------------------------------


def test_commit_in_without_units_ships_every_active_hold(shop: Shop) -> None:
    shop.receive(X, BERLIN, 5)
    shop.receive(Y, HAMBURG, 5)
    shop.hold("r-1", X, 2, at=T0)
    shop.hold("r-2", Y, 3, at=T0 + timedelta(minutes=1), location=HAMBURG)
    seen = len(shop.events)
    with shop.uow() as uow:
        shipped = commit_stock_in(uow, reference="order-1", at=LATER)
        assert shop.events[seen:] == []
        uow.commit()
    assert [(r.reservation_id, r.quantity, r.committed_at) for r in shipped] == [
        ("r-1", 2, LATER),
        ("r-2", 3, LATER),
    ]
    assert shop.counts(X, BERLIN) == (3, 0)  # 5 - 2
    assert shop.counts(Y, HAMBURG) == (2, 0)  # 5 - 3
    assert shop.active() == []
    assert shop.events[seen:] == [_committed(r, LATER) for r in shipped]


def test_commit_in_left_without_commit_ships_nothing(shop: Shop) -> None:
    shop.receive(X, BERLIN, 5)
    shop.hold("r-1", X, 2, at=T0)
    seen = len(shop.events)
    with shop.uow() as uow:
        assert len(commit_stock_in(uow, reference="order-1", at=LATER)) == 1
    assert shop.counts(X, BERLIN) == (5, 2)
    assert [r.reservation_id for r in shop.active()] == ["r-1"]
    assert shop.events[seen:] == []


def test_commit_in_units_ships_oldest_stock_first_and_splits_the_last(
    shop: Shop,
) -> None:
    """Ship 4 X of: b-1 backorder 2 (oldest), r-2 stock 3, r-3 stock 2.

    Stock first, oldest first: r-2 ships whole (3), then 1 of r-3's 2;
    r-3 is ended, its other unit reserved again with r-3's expiry, and the
    unit that ships reserved anew and committed. The backorder waits.
    """
    shop.receive(X, BERLIN, 10)
    expiry = T0 + timedelta(days=3)
    shop.hold("b-1", X, 2, at=T0, backorder=True)
    two = shop.hold("r-2", X, 3, at=T0 + timedelta(minutes=1))
    three = shop.hold("r-3", X, 2, at=T0 + timedelta(minutes=2), expires_at=expiry)
    assert shop.counts(X, BERLIN) == (10, 7)
    seen = len(shop.events)
    with shop.uow() as uow:
        shipped = commit_stock_in(
            uow, reference="order-1", at=LATER, units={"X": 4}, ids=shop.ids
        )
        assert shop.events[seen:] == []
        uow.commit()
    assert [(r.reservation_id, r.quantity, r.committed_at) for r in shipped] == [
        ("r-2", 3, LATER),
        ("new-2", 1, LATER),
    ]
    # On hand 10 - 4 shipped = 6; reserved 7 - 4 = 3 (b-1's 2, r-3's rest 1).
    assert shop.counts(X, BERLIN) == (6, 3)
    active = shop.active()
    assert [(r.reservation_id, r.quantity, r.backorder) for r in active] == [
        ("b-1", 2, True),
        ("new-1", 1, False),
    ]
    rest = active[1]
    assert (rest.location, rest.expires_at, rest.reserved_at) == (BERLIN, expiry, LATER)
    with shop.uow() as uow:
        split_off = uow.stock.reservation(reservation_id("new-2"))
        assert not uow.stock.reservation(reservation_id("r-3")).active
    assert (split_off.location, split_off.expires_at) == (BERLIN, expiry)
    assert shop.events[seen:] == [
        _released(three, LATER),
        _reserved(rest, ReservationKind.STOCK),
        _reserved(split_off, ReservationKind.STOCK),
        _committed(shipped[0], LATER),
        _committed(shipped[1], LATER),
    ]
    assert shipped[0] == attrs.evolve(two, committed_at=LATER)


def test_commit_in_units_ships_backorders_only_after_stock_holds(shop: Shop) -> None:
    shop.receive(X, BERLIN, 10)
    shop.hold("b-1", X, 2, at=T0, backorder=True)
    shop.hold("r-2", X, 3, at=T0 + timedelta(minutes=1))
    shop.hold("r-3", X, 2, at=T0 + timedelta(minutes=2))
    with shop.uow() as uow:
        shipped = commit_stock_in(
            uow, reference="order-1", at=LATER, units={"X": 5}, ids=shop.ids
        )
        uow.commit()
    assert [r.reservation_id for r in shipped] == ["r-2", "r-3"]
    assert shop.counts(X, BERLIN) == (5, 2)  # 10 - 5 on hand; b-1's 2 reserved
    assert [r.reservation_id for r in shop.active()] == ["b-1"]
    # Then the backorder ships from the 5 units nothing else holds.
    with shop.uow() as uow:
        shipped = commit_stock_in(
            uow, reference="order-1", at=LATER, units={"X": 2}, ids=shop.ids
        )
        uow.commit()
    assert [r.reservation_id for r in shipped] == ["b-1"]
    assert shop.counts(X, BERLIN) == (3, 0)
    assert shop.ids.new_id() == "new-1"  # no split, no ids taken


def test_commit_in_more_units_than_held_changes_nothing(shop: Shop) -> None:
    shop.receive(X, BERLIN, 10)
    shop.hold("r-1", X, 2, at=T0)
    before = shop.all_of()
    seen = len(shop.events)
    with shop.uow() as uow:
        with pytest.raises(ValidationError) as error:
            commit_stock_in(
                uow, reference="order-1", at=LATER, units={"X": 3}, ids=shop.ids
            )
        assert error.value.field == "units"
        uow.commit()
    assert shop.all_of() == before
    assert shop.counts(X, BERLIN) == (10, 2)
    assert shop.events[seen:] == []


# -- bad input, for both steps --------------------------------------------------------

STEPS = [release_stock_in, commit_stock_in]
BAD: list[tuple[str, dict[str, object]]] = [
    ("naive instant", {"at": LATER.replace(tzinfo=None)}),
    ("zero units", {"units": {"X": 0}}),
    ("negative units", {"units": {"X": -1}}),
    ("units not an int", {"units": {"X": 1.0}}),
    ("a SKU the reference does not hold", {"units": {"Y": 1}}),
    ("a malformed SKU", {"units": {"no sku!": 1}}),
    ("the same SKU twice", {"units": {"X": 1, " X ": 1}}),
    ("units not a mapping", {"units": [("X", 1)]}),
    ("an empty reference", {"reference": ""}),
]


@pytest.mark.parametrize("step", STEPS, ids=["release", "commit"])
@pytest.mark.parametrize(("case", "change"), BAD, ids=[case for case, _ in BAD])
def test_steps_refuse_bad_input_and_change_nothing(
    shop: Shop,
    step: Callable[..., object],
    case: str,
    change: dict[str, object],
) -> None:
    shop.receive(X, BERLIN, 10)
    shop.hold("r-1", X, 2, at=T0)
    before = shop.all_of()
    seen = len(shop.events)
    arguments: dict[str, object] = {
        "reference": "order-1",
        "at": LATER,
        "units": {"X": 1},
        "ids": shop.ids,
    }
    arguments.update(change)
    with shop.uow() as uow:
        with pytest.raises(ValidationError):
            step(uow, **arguments)
        uow.commit()
    assert shop.all_of() == before, case
    assert shop.counts(X, BERLIN) == (10, 2)
    assert shop.events[seen:] == []
