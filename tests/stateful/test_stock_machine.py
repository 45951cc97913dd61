"""A stock store over whole lifecycles, against a plain Python model of it.

Hypothesis receives, adjusts, reserves (some reservations backorders),
releases (and releases again), commits and sweeps expired reservations while
a clock moves on, through the in-memory store and through SQLite on a file;
besides the store's own calls, it reserves carts, releases them and sweeps
through the services, which allocate over both locations and record events.
After every step these hold, in the words a merchant would use:

* on hand is never below zero, and neither is reserved;
* more is reserved than is on hand only while a backorder is active there;
* a reservation released twice is released once;
* the store's level is the model's, at each location and over all of them;
* the ledger explains the level: its movements sum to what is on hand and
  what is reserved, at each location;
* a cart is reserved whole or not at all, never from more than a location
  has, and from one location when one has it all.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
)

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.errors import InvalidTransitionError
from commercekit.inventory import (
    InsufficientStockError,
    InventorySettings,
    InventoryUnitOfWork,
    ReleaseReason,
    Reservation,
    ReservationId,
    StockLocation,
    StockLocationId,
    StockPolicy,
    StockReleased,
    StockReserved,
    release_stock,
    reservation_id,
    reserve_stock,
    stock_location_id,
    sweep_expired,
)
from commercekit.testing import FixedClock, RecordingPublisher, SequentialIds
from commercekit.values import sku

SKU = sku("SNEAKER-42")
LOCATIONS = [stock_location_id("berlin"), stock_location_id("hamburg")]
START = datetime(2026, 6, 1, 9, tzinfo=UTC)
SETTINGS = InventorySettings(
    locations=[
        StockLocation(location_id="berlin", name="Berlin", priority=1),
        StockLocation(location_id="hamburg", name="Hamburg", priority=2),
    ]
)
BACKORDERS = attrs.evolve(SETTINGS, default_policy=StockPolicy(backorder=True))

# Few steps and modest examples: each step is a unit of work, and on SQLite
# each example is a new database file. The dev and ci profiles choose how
# many examples; this caps the ci one so the file stays quick.
STEPS = settings(
    max_examples=min(settings().max_examples, 60),
    stateful_step_count=20,
    suppress_health_check=[HealthCheck.too_slow],
)


@attrs.define
class Held:
    """The model of one reservation."""

    quantity: int
    location: StockLocationId
    reference: str
    expires_at: datetime | None
    backorder: bool
    reserved_at: datetime
    state: str = "active"


@attrs.define
class Counts:
    """The model of one location's level."""

    on_hand: int = 0
    reserved: int = 0


class StockMachine(RuleBasedStateMachine):
    """Drives a stock store and a plain model side by side."""

    reservations = Bundle("reservations")
    references = Bundle("references")

    def __init__(self) -> None:
        super().__init__()
        self.publisher = RecordingPublisher()
        self.new_uow = self.make_uow_factory(self.publisher)
        self.now = START
        self.levels = {location: Counts() for location in LOCATIONS}
        self.held: dict[ReservationId, Held] = {}
        self.made = 0
        self.ids = SequentialIds("svc-res-")

    def make_uow_factory(
        self, publisher: RecordingPublisher
    ) -> Callable[[], InventoryUnitOfWork]:
        """A maker of units of work over a new, empty store, publishing to
        ``publisher``."""
        raise NotImplementedError

    # -- the model's reading of the rules -------------------------------------

    def ordinary_reserved(self, location: StockLocationId) -> int:
        return sum(
            held.quantity
            for held in self.held.values()
            if held.state == "active"
            and held.location == location
            and not held.backorder
        )

    def backorder_active(self, location: StockLocationId) -> bool:
        return any(
            held.state == "active" and held.backorder and held.location == location
            for held in self.held.values()
        )

    def tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    # -- rules -----------------------------------------------------------------

    @rule(location=st.sampled_from(LOCATIONS), quantity=st.integers(1, 6))
    def receive(self, location: StockLocationId, quantity: int) -> None:
        with self.new_uow() as uow:
            level = uow.stock.receive(SKU, location, quantity, at=self.tick())
            uow.commit()
        self.levels[location].on_hand += quantity
        assert level.on_hand == self.levels[location].on_hand

    @rule(
        location=st.sampled_from(LOCATIONS),
        delta=st.integers(-6, 6).filter(bool),
    )
    def adjust(self, location: StockLocationId, delta: int) -> None:
        counts = self.levels[location]
        refused = delta < 0 and counts.on_hand + delta < counts.reserved
        with self.new_uow() as uow:
            if refused:
                with pytest.raises(InsufficientStockError) as caught:
                    uow.stock.adjust(
                        SKU, location, delta, at=self.tick(), reason="stock count"
                    )
                assert caught.value.wanted == -delta
                assert caught.value.available == max(
                    counts.on_hand - counts.reserved, 0
                )
            else:
                uow.stock.adjust(
                    SKU, location, delta, at=self.tick(), reason="stock count"
                )
            uow.commit()
        if not refused:
            counts.on_hand += delta

    @rule(
        target=reservations,
        location=st.sampled_from(LOCATIONS),
        quantity=st.integers(1, 6),
        backorder=st.booleans(),
        expires_in=st.none() | st.integers(1, 30),
    )
    def reserve(
        self,
        location: StockLocationId,
        quantity: int,
        backorder: bool,
        expires_in: int | None,
    ) -> object:
        self.made += 1
        key = reservation_id(f"res-{self.made}")
        at = self.tick()
        expires_at = None if expires_in is None else at + timedelta(minutes=expires_in)
        counts = self.levels[location]
        available = counts.on_hand - counts.reserved
        refused = not backorder and available < quantity
        with self.new_uow() as uow:
            if refused:
                with pytest.raises(InsufficientStockError) as caught:
                    uow.stock.reserve(
                        SKU,
                        quantity,
                        reservation_id=key,
                        reference=f"cart-{self.made}",
                        location=location,
                        expires_at=expires_at,
                        at=at,
                    )
                assert (caught.value.wanted, caught.value.available) == (
                    quantity,
                    max(available, 0),
                )
            else:
                made = uow.stock.reserve(
                    SKU,
                    quantity,
                    reservation_id=key,
                    reference=f"cart-{self.made}",
                    location=location,
                    expires_at=expires_at,
                    at=at,
                    backorder=backorder,
                )
                assert made.active
            uow.commit()
        if refused:
            return multiple()
        self.held[key] = Held(
            quantity, location, f"cart-{self.made}", expires_at, backorder, at
        )
        counts.reserved += quantity
        return key

    @rule(key=reservations)
    def reserve_again(self, key: ReservationId) -> None:
        """The same request made again (say, a retry) changes nothing."""
        held = self.held[key]
        with self.new_uow() as uow:
            again = uow.stock.reserve(
                SKU,
                held.quantity,
                reservation_id=key,
                reference=held.reference,
                location=held.location,
                expires_at=held.expires_at,
                at=held.reserved_at,
                backorder=held.backorder,
            )
            uow.commit()
        assert again.active == (held.state == "active")

    def _release(self, key: ReservationId) -> bool:
        held = self.held[key]
        with self.new_uow() as uow:
            released = uow.stock.release(key, at=self.tick())
            uow.commit()
        assert released == (held.state == "active")
        if released:
            held.state = "released"
            self.levels[held.location].reserved -= held.quantity
        return released

    @rule(key=reservations)
    def release(self, key: ReservationId) -> None:
        self._release(key)

    @rule(key=reservations)
    def release_twice(self, key: ReservationId) -> None:
        """Releasing twice releases once: the second call changes nothing."""
        self._release(key)
        with self.new_uow() as uow:
            before = uow.stock.level(SKU)
            ledger = len(uow.stock.movements(SKU))
        assert not self._release(key)
        with self.new_uow() as uow:
            assert uow.stock.level(SKU) == before
            assert len(uow.stock.movements(SKU)) == ledger

    @rule(key=reservations)
    def commit(self, key: ReservationId) -> None:
        held = self.held[key]
        counts = self.levels[held.location]
        # A backorder ships only from units no ordinary reservation holds.
        free = counts.on_hand - (
            self.ordinary_reserved(held.location) if held.backorder else 0
        )
        with self.new_uow() as uow:
            if held.state == "released":
                with pytest.raises(InvalidTransitionError):
                    uow.stock.commit(key, at=self.tick())
            elif held.state == "active" and free < held.quantity:
                with pytest.raises(InsufficientStockError):
                    uow.stock.commit(key, at=self.tick())
            else:
                committed = uow.stock.commit(key, at=self.tick())
                assert committed.committed_at is not None
                if held.state == "active":
                    held.state = "committed"
                    counts.on_hand -= held.quantity
                    counts.reserved -= held.quantity
            uow.commit()

    @rule(minutes=st.integers(0, 20))
    def expire(self, minutes: int) -> None:
        """The clock moves on, and the sweep releases what expired by then."""
        self.now += timedelta(minutes=minutes)
        due = sorted(
            (held.expires_at, key)
            for key, held in self.held.items()
            if held.state == "active"
            and held.expires_at is not None
            and held.expires_at <= self.now
        )
        with self.new_uow() as uow:
            swept = uow.stock.expire(self.now)
            uow.commit()
        assert swept == [key for _, key in due]
        for _, key in due:
            held = self.held[key]
            held.state = "released"
            self.levels[held.location].reserved -= held.quantity

    # -- the services ----------------------------------------------------------

    def events_since(self, seen: int) -> list[object]:
        return [envelope.event for envelope in self.publisher.published[seen:]]

    @rule(
        target=references,
        quantity=st.integers(1, 8),
        backorder=st.booleans(),
        expires_in=st.none() | st.integers(1, 30),
    )
    def reserve_cart(
        self, quantity: int, backorder: bool, expires_in: int | None
    ) -> object:
        """A cart reserves through the service, allocated over both locations."""
        self.made += 1
        reference = f"svc-cart-{self.made}"
        at = self.tick()
        available = {
            location: max(counts.on_hand - counts.reserved, 0)
            for location, counts in self.levels.items()
        }
        total = sum(available.values())
        seen = len(self.publisher.published)

        def reserve() -> list[Reservation]:
            return reserve_stock(
                {SKU: quantity},
                reference=reference,
                uow=self.new_uow(),
                settings=BACKORDERS if backorder else SETTINGS,
                clock=FixedClock(at),
                ids=self.ids,
                hold_for=None if expires_in is None else timedelta(minutes=expires_in),
            )

        if not backorder and total < quantity:
            with pytest.raises(InsufficientStockError) as caught:
                reserve()
            # The sum over both locations is named; nothing is reserved.
            assert (caught.value.wanted, caught.value.available) == (quantity, total)
            assert self.events_since(seen) == []
            return multiple()
        made = reserve()
        ordinary = [r for r in made if not r.backorder]
        extra = [r for r in made if r.backorder]
        assert sum(r.quantity for r in ordinary) == min(quantity, total)
        assert sum(r.quantity for r in extra) == quantity - min(quantity, total)
        assert len(extra) <= 1
        for r in ordinary:
            assert r.quantity <= available[r.location]
        whole = [location for location in LOCATIONS if available[location] >= quantity]
        if whole:
            # Fewest shipments: the preferred location that has it all.
            assert [(r.location, r.quantity) for r in made] == [(whole[0], quantity)]
        reserved = [e for e in self.events_since(seen) if isinstance(e, StockReserved)]
        assert [e.reservation_id for e in reserved] == [r.reservation_id for r in made]
        for r in made:
            self.held[r.reservation_id] = Held(
                r.quantity, r.location, reference, r.expires_at, r.backorder, at
            )
            self.levels[r.location].reserved += r.quantity
        return reference

    @rule(reference=references)
    def release_cart(self, reference: str) -> None:
        """The service releases a cart's active reservations, once."""
        due = {
            key
            for key, held in self.held.items()
            if held.reference == reference and held.state == "active"
        }
        seen = len(self.publisher.published)
        released = release_stock(
            reference=reference, uow=self.new_uow(), clock=FixedClock(self.tick())
        )
        assert set(released) == due
        assert len(released) == len(due)
        events = self.events_since(seen)
        assert [e.reservation_id for e in events if isinstance(e, StockReleased)] == (
            released
        )
        for key in released:
            held = self.held[key]
            held.state = "released"
            self.levels[held.location].reserved -= held.quantity

    @rule(minutes=st.integers(0, 20))
    def sweep(self, minutes: int) -> None:
        """The sweep service, as a periodic job runs it."""
        self.now += timedelta(minutes=minutes)
        due = sorted(
            (held.expires_at, key)
            for key, held in self.held.items()
            if held.state == "active"
            and held.expires_at is not None
            and held.expires_at <= self.now
        )
        seen = len(self.publisher.published)
        swept = sweep_expired(uow=self.new_uow(), clock=FixedClock(self.now))
        assert swept == [key for _, key in due]
        events = self.events_since(seen)
        assert [
            (e.reservation_id, e.reason) for e in events if isinstance(e, StockReleased)
        ] == [(key, ReleaseReason.EXPIRED) for key in swept]
        for key in swept:
            held = self.held[key]
            held.state = "released"
            self.levels[held.location].reserved -= held.quantity

    # -- invariants ------------------------------------------------------------

    @invariant()
    def stock_is_what_the_model_says_and_the_ledger_explains(self) -> None:
        with self.new_uow() as uow:
            movements = uow.stock.movements(SKU)
            total = uow.stock.level(SKU)
            for location in LOCATIONS:
                level = uow.stock.level(SKU, location)
                counts = self.levels[location]
                # On hand never goes below zero, nor does reserved.
                assert level.on_hand >= 0
                assert level.reserved >= 0
                # More is reserved than is on hand only while a backorder is.
                if level.reserved > level.on_hand:
                    assert self.backorder_active(location)
                # The store's level is the model's.
                assert (level.on_hand, level.reserved) == (
                    counts.on_hand,
                    counts.reserved,
                )
                # The ledger sums to the level.
                here = [m for m in movements if m.location == location]
                assert sum(m.on_hand_change for m in here) == level.on_hand
                assert sum(m.reserved_change for m in here) == level.reserved
        assert total.on_hand == sum(c.on_hand for c in self.levels.values())
        assert total.reserved == sum(c.reserved for c in self.levels.values())


class InMemoryStockMachine(StockMachine):
    def make_uow_factory(
        self, publisher: RecordingPublisher
    ) -> Callable[[], InventoryUnitOfWork]:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store, publisher=publisher)


class SQLiteStockMachine(StockMachine):
    """Each example gets a new database file, removed when it ends."""

    def make_uow_factory(
        self, publisher: RecordingPublisher
    ) -> Callable[[], InventoryUnitOfWork]:
        self.folder = Path(tempfile.mkdtemp(prefix="stock-machine-"))
        self.database = SQLiteDatabase(self.folder / "shop.sqlite3")
        database = self.database
        return lambda: SQLiteUnitOfWork(database, publisher=publisher)

    def teardown(self) -> None:
        self.database.close()
        shutil.rmtree(self.folder, ignore_errors=True)


TestInMemoryStockMachine = InMemoryStockMachine.TestCase
TestInMemoryStockMachine.settings = STEPS
TestSQLiteStockMachine = SQLiteStockMachine.TestCase
TestSQLiteStockMachine.settings = STEPS


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_committing_a_backorder_keeps_ordinary_reservations_covered(
    kind: str, tmp_path: Path
) -> None:
    """5 on hand, 3 held for a cart, 10 preordered; 5 more arrive and the
    preorder ships: the cart's 3 are then held with nothing on hand, and no
    backorder is active. So the commit is refused: a backorder ships only
    from units no ordinary reservation holds."""
    if kind == "memory":
        store = InMemoryStore()

        def new_uow() -> InventoryUnitOfWork:
            return InMemoryUnitOfWork(store)

    else:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")

        def new_uow() -> InventoryUnitOfWork:
            return SQLiteUnitOfWork(database)

    berlin = LOCATIONS[0]
    with new_uow() as uow:
        uow.stock.receive(SKU, berlin, 5, at=START)
        for key, quantity, backorder in [("cart", 3, False), ("pre", 10, True)]:
            uow.stock.reserve(
                SKU,
                quantity,
                reservation_id=reservation_id(key),
                reference=key,
                location=berlin,
                expires_at=None,
                at=START,
                backorder=backorder,
            )
        uow.stock.receive(SKU, berlin, 5, at=START)
        with pytest.raises(InsufficientStockError) as refused:
            uow.stock.commit(reservation_id("pre"), at=START)
        uow.commit()
    # 10 on hand, 3 held for the cart: 7 free, short of the preorder's 10.
    assert refused.value.available == 7
    with new_uow() as uow:
        level = uow.stock.level(SKU, berlin)
        preorder = uow.stock.reservation(reservation_id("pre"))
    assert (level.on_hand, level.reserved) == (10, 13)
    assert preorder.active
