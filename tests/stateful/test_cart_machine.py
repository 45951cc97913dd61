"""A customer's cart and wishlist over whole sessions, against a plain model.

Hypothesis adds, changes, removes, saves lines for later, moves them back,
merges guest carts in on login and saves stale copies, each step one unit of
work through the in-memory store and through SQLite on a file. After every
step these hold, in the words a merchant would use:

* the stored cart holds what the model says, line by line, and never more
  lines or units than the limits allow;
* the stored wishlist holds each SKU once, and never more than its limit;
* a change the rules refuse changes nothing, and a stale copy never
  overwrites a newer one;
* the published events tell the story: replaying them gives the units the
  cart holds.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.cart import (
    Cart,
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CartSettings,
    CartsMerged,
    CartUnitOfWork,
    LineMovedToCart,
    LineSavedForLater,
    MergeOutcome,
    Wishlist,
    move_to_cart,
    save_for_later,
)
from commercekit.errors import CommerceError, VersionConflictError
from commercekit.testing import RecordingPublisher

START = datetime(2026, 6, 1, 9, tzinfo=UTC)
LIMITS = CartSettings(max_quantity_per_line=5, max_lines=3, max_wishlist_items=2)
MAX_UNITS, MAX_LINES, MAX_ITEMS = 5, 3, 2
SKUS = st.sampled_from(["SKU-A", "SKU-B", "SKU-C", "SKU-D"])
UNITS = st.integers(1, 6)

STEPS = settings(
    max_examples=min(settings().max_examples, 40),
    stateful_step_count=20,
    suppress_health_check=[HealthCheck.too_slow],
)


class CartMachine(RuleBasedStateMachine):
    """Drives the cart store and a plain model side by side."""

    def __init__(self) -> None:
        super().__init__()
        self.publisher = RecordingPublisher()
        self.new_uow = self.make_uow_factory(self.publisher)
        self.now = START
        self.lines: dict[str, int] = {}  # insertion order is the cart's order
        self.saved: list[str] = []
        self.guests = 0

    def make_uow_factory(
        self, publisher: RecordingPublisher
    ) -> Callable[[], CartUnitOfWork]:
        """A maker of units of work over a new, empty store."""
        raise NotImplementedError

    @initialize()
    def open_the_session(self) -> None:
        with self.new_uow() as uow:
            uow.carts.add(
                Cart(
                    cart_id="c-1",
                    currency="EUR",
                    locale="de_DE",
                    updated_at=START,
                    customer_id="cust-7",
                )
            )
            uow.wishlists.add(
                Wishlist(wishlist_id="w-1", updated_at=START, customer_id="cust-7")
            )
            uow.commit()

    def _tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def _run(self, allowed: bool, change: Callable[[Cart, Wishlist], None]) -> None:
        """One unit of work: load both, change them, save both, commit.

        The model decided whether the rules allow the change; the library
        must agree, and a refusal must leave the store as it was.
        """
        with self.new_uow() as uow:
            cart = uow.carts.get("c-1")
            wishlist = uow.wishlists.get("w-1")
            try:
                change(cart, wishlist)
            except CommerceError:
                assert not allowed, "the library refused what the rules allow"
                return
            assert allowed, "the library allowed what the rules refuse"
            uow.carts.save(cart)
            uow.wishlists.save(wishlist)
            uow.commit()

    # -- rules -------------------------------------------------------------------

    @rule(code=SKUS, units=UNITS)
    def add(self, code: str, units: int) -> None:
        held = self.lines.get(code)
        allowed = (
            held + units <= MAX_UNITS
            if held is not None
            else len(self.lines) < MAX_LINES and units <= MAX_UNITS
        )
        at = self._tick()
        self._run(allowed, lambda c, _: c.add(code, units, at=at, settings=LIMITS))
        if allowed:
            self.lines[code] = self.lines.get(code, 0) + units

    @rule(code=SKUS, units=UNITS)
    def change_quantity(self, code: str, units: int) -> None:
        allowed = code in self.lines and units <= MAX_UNITS
        at = self._tick()
        self._run(
            allowed,
            lambda c, _: c.change_quantity(code, units, at=at, settings=LIMITS),
        )
        if allowed:
            self.lines[code] = units

    @rule(code=SKUS)
    def remove(self, code: str) -> None:
        allowed = code in self.lines
        at = self._tick()
        self._run(allowed, lambda c, _: c.remove(code, at=at))
        if allowed:
            del self.lines[code]

    @rule(code=SKUS)
    def save_for_later(self, code: str) -> None:
        allowed = code in self.lines and (
            code in self.saved or len(self.saved) < MAX_ITEMS
        )
        at = self._tick()
        self._run(
            allowed,
            lambda c, w: save_for_later(c, w, code, at=at, settings=LIMITS),
        )
        if allowed:
            del self.lines[code]
            if code not in self.saved:
                self.saved.append(code)

    @rule(code=SKUS, units=UNITS)
    def move_to_cart(self, code: str, units: int) -> None:
        held = self.lines.get(code)
        fits = (
            held + units <= MAX_UNITS
            if held is not None
            else len(self.lines) < MAX_LINES and units <= MAX_UNITS
        )
        allowed = code in self.saved and fits
        at = self._tick()
        self._run(
            allowed,
            lambda c, w: move_to_cart(
                w, c, code, at=at, settings=LIMITS, quantity=units
            ),
        )
        if allowed:
            self.saved.remove(code)
            self.lines[code] = self.lines.get(code, 0) + units

    @rule(guest_lines=st.dictionaries(SKUS, st.integers(1, 5), min_size=1, max_size=4))
    def log_in_with_a_guest_cart(self, guest_lines: dict[str, int]) -> None:
        self.guests += 1
        guest_id = f"c-guest-{self.guests}"
        at = self._tick()
        guest = Cart(cart_id=guest_id, currency="EUR", locale="de_DE", updated_at=at)
        for code, units in guest_lines.items():
            guest.add(code, units, at=at, settings=CartSettings())
        guest.pull_events()  # the guest's own history is not the customer's
        with self.new_uow() as uow:
            uow.carts.add(guest)
            uow.commit()
        with self.new_uow() as uow:
            mine = uow.carts.for_customer("cust-7")
            assert mine is not None
            assert mine.cart_id == "c-1"
            mine.merge(uow.carts.get(guest_id), at=at, settings=LIMITS)
            uow.carts.save(mine)
            uow.carts.remove(guest_id)
            uow.commit()
        for code, units in guest_lines.items():
            if code in self.lines:
                self.lines[code] = min(self.lines[code] + units, MAX_UNITS)
            elif len(self.lines) < MAX_LINES:
                self.lines[code] = min(units, MAX_UNITS)

    @rule(code=SKUS)
    def save_a_stale_copy(self, code: str) -> None:
        """A copy loaded before someone else's save never overwrites it."""
        with self.new_uow() as uow:
            stale = uow.carts.get("c-1")
        with self.new_uow() as uow:  # someone else changes the cart meanwhile
            fresh = uow.carts.get("c-1")
            fresh.choose_shipping_method(code.lower(), at=self._tick())
            uow.carts.save(fresh)
            uow.commit()
        stale.clear(at=self._tick())
        with self.new_uow() as uow, pytest.raises(VersionConflictError):
            uow.carts.save(stale)

    # -- invariants ----------------------------------------------------------------

    @invariant()
    def the_store_holds_what_the_model_says(self) -> None:
        with self.new_uow() as uow:
            cart = uow.carts.get("c-1")
            wishlist = uow.wishlists.get("w-1")
        assert {line.key: line.quantity for line in cart.lines} == self.lines
        assert [line.key for line in cart.lines] == list(self.lines)
        assert len(cart.lines) <= MAX_LINES
        assert all(line.quantity <= MAX_UNITS for line in cart.lines)
        assert list(wishlist.skus) == self.saved
        assert len(wishlist.items) <= MAX_ITEMS

    @invariant()
    def the_events_tell_the_story(self) -> None:
        units: Counter[str] = Counter()
        for event in self.publisher.events:
            if isinstance(event, CartLineAdded | LineMovedToCart):
                units[event.sku] += event.quantity
            elif isinstance(event, CartLineRemoved | LineSavedForLater):
                units[event.sku] -= event.quantity
            elif isinstance(event, CartQuantityChanged):
                units[event.sku] += event.quantity - event.old_quantity
            elif isinstance(event, CartsMerged):
                for entry in event.lines:
                    if entry.outcome is not MergeOutcome.DROPPED:
                        units[entry.key] = entry.quantity
        assert +units == Counter(self.lines)


class InMemoryCartMachine(CartMachine):
    def make_uow_factory(
        self, publisher: RecordingPublisher
    ) -> Callable[[], CartUnitOfWork]:
        store = InMemoryStore()
        return lambda: InMemoryUnitOfWork(store, publisher=publisher)


class SQLiteCartMachine(CartMachine):
    """Each example gets a new database file, removed when it ends."""

    def make_uow_factory(
        self, publisher: RecordingPublisher
    ) -> Callable[[], CartUnitOfWork]:
        self.folder = Path(tempfile.mkdtemp(prefix="cart-machine-"))
        self.database = SQLiteDatabase(self.folder / "shop.sqlite3")
        database = self.database
        return lambda: SQLiteUnitOfWork(database, publisher=publisher)

    def teardown(self) -> None:
        self.database.close()
        shutil.rmtree(self.folder, ignore_errors=True)


TestInMemoryCartMachine = InMemoryCartMachine.TestCase
TestInMemoryCartMachine.settings = STEPS
TestSQLiteCartMachine = SQLiteCartMachine.TestCase
TestSQLiteCartMachine.settings = STEPS
