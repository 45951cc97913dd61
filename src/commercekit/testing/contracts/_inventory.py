"""The contract of the inventory context's store.

:class:`~commercekit.inventory.StockStore`.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

from commercekit.errors import (
    DuplicateError,
    InvalidTransitionError,
    NotFoundError,
    ValidationError,
)
from commercekit.inventory import (
    MAX_STOCK_QUANTITY,
    InsufficientStockError,
    InventoryUnitOfWork,
    MovementKind,
    Reservation,
    ReservationId,
    StockLevel,
    StockLocationId,
)
from commercekit.values import Sku

__all__ = ["InventoryUnitOfWorkFactory", "StockStoreContract"]

InventoryUnitOfWorkFactory = Callable[[], InventoryUnitOfWork]
"""Makes a unit of work with the inventory context's store, over one store."""

_AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
_LATER = _AT + timedelta(minutes=30)
_SKU = Sku("SNEAKER-42")
_BERLIN = StockLocationId("berlin")
_HAMBURG = StockLocationId("hamburg")
# The last instant of the year 9999 an hour west of UTC: past datetime.max in UTC.
_BEYOND_UTC = datetime.max.replace(tzinfo=timezone(timedelta(hours=-1)))


class StockStoreContract(abc.ABC):
    """What every :class:`~commercekit.inventory.StockStore` must do.

    The factory returns a function that makes units of work with a ``stock``
    store over one new, empty store. Each unit of work it makes must be
    usable from the thread that makes it: one test reads from a second
    thread while the first has a transaction open.
    """

    @abc.abstractmethod
    def make_inventory_uow_factory(self, tmp_path: Path) -> InventoryUnitOfWorkFactory:
        """Return a maker of inventory units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> InventoryUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_inventory_uow_factory(tmp_path)

    # -- helpers -----------------------------------------------------------------

    def _receive(
        self,
        new_uow: InventoryUnitOfWorkFactory,
        quantity: int,
        location: StockLocationId = _BERLIN,
        sku: Sku = _SKU,
    ) -> None:
        with new_uow() as uow:
            uow.stock.receive(sku, location, quantity, at=_AT, reason="delivery")
            uow.commit()

    def _reserve(
        self,
        new_uow: InventoryUnitOfWorkFactory,
        key: str,
        quantity: int = 1,
        *,
        location: StockLocationId = _BERLIN,
        expires_at: datetime | None = _LATER,
        backorder: bool = False,
        reference: str = "cart-1",
    ) -> Reservation:
        with new_uow() as uow:
            reservation = uow.stock.reserve(
                _SKU,
                quantity,
                reservation_id=ReservationId(key),
                reference=reference,
                location=location,
                expires_at=expires_at,
                at=_AT,
                backorder=backorder,
            )
            uow.commit()
        return reservation

    def _level(
        self,
        new_uow: InventoryUnitOfWorkFactory,
        location: StockLocationId | None = _BERLIN,
    ) -> StockLevel:
        with new_uow() as uow:
            return uow.stock.level(_SKU, location)

    def _counts(
        self,
        new_uow: InventoryUnitOfWorkFactory,
        location: StockLocationId | None = _BERLIN,
    ) -> tuple[int, int, int]:
        level = self._level(new_uow, location)
        return level.on_hand, level.reserved, level.available

    def _explained(self, new_uow: InventoryUnitOfWorkFactory) -> None:
        """Each location's level is the sum of its movements."""
        with new_uow() as uow:
            movements = uow.stock.movements(_SKU)
            for location in {movement.location for movement in movements}:
                level = uow.stock.level(_SKU, location)
                mine = [m for m in movements if m.location == location]
                assert level.on_hand == sum(m.on_hand_change for m in mine)
                assert level.reserved == sum(m.reserved_change for m in mine)

    # -- levels --------------------------------------------------------------------

    def test_an_unknown_sku_has_zeros(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        assert self._level(new_uow) == StockLevel(
            sku=_SKU, location=_BERLIN, on_hand=0, reserved=0
        )
        assert self._level(new_uow, None) == StockLevel(
            sku=_SKU, location=None, on_hand=0, reserved=0
        )
        with new_uow() as uow:
            assert uow.stock.movements(_SKU) == []

    def test_receipts_add_up_per_location_and_in_all(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        with new_uow() as uow:
            level = uow.stock.receive(_SKU, _BERLIN, 10, at=_AT)
            assert level == StockLevel(
                sku=_SKU, location=_BERLIN, on_hand=10, reserved=0
            )
            uow.stock.receive(_SKU, _BERLIN, 5, at=_AT, reason="second delivery")
            uow.stock.receive(_SKU, _HAMBURG, 3, at=_AT)
            uow.stock.receive(Sku("OTHER"), _BERLIN, 7, at=_AT)
            uow.commit()
        assert self._counts(new_uow) == (15, 0, 15)
        assert self._counts(new_uow, _HAMBURG) == (3, 0, 3)
        assert self._counts(new_uow, None) == (18, 0, 18)
        with new_uow() as uow:
            movements = uow.stock.movements(_SKU)
        assert [(m.kind, m.location, m.quantity, m.reason) for m in movements] == [
            (MovementKind.RECEIPT, _BERLIN, 10, ""),
            (MovementKind.RECEIPT, _BERLIN, 5, "second delivery"),
            (MovementKind.RECEIPT, _HAMBURG, 3, ""),
        ]
        self._explained(new_uow)

    def test_returned_goods_come_back_on_hand_as_a_return(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        with new_uow() as uow:
            uow.stock.receive(_SKU, _BERLIN, 4, at=_AT)
            level = uow.stock.receive_return(
                _SKU, _BERLIN, 1, at=_AT, reference="ret-1", reason="wrong size"
            )
            uow.commit()
        assert level == StockLevel(sku=_SKU, location=_BERLIN, on_hand=5, reserved=0)
        with new_uow() as uow:
            last = uow.stock.movements(_SKU)[-1]
        assert (last.kind, last.quantity, last.reference, last.reason) == (
            MovementKind.RETURN,
            1,
            "ret-1",
            "wrong size",
        )
        self._explained(new_uow)

    def test_an_adjustment_moves_on_hand_either_way_with_a_reason(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 10)
        with new_uow() as uow:
            assert (
                uow.stock.adjust(_SKU, _BERLIN, -3, at=_AT, reason="damaged").on_hand
                == 7
            )
            assert (
                uow.stock.adjust(_SKU, _BERLIN, 2, at=_AT, reason="found").on_hand == 9
            )
            uow.commit()
        with new_uow() as uow:
            adjustments = [
                (m.quantity, m.reason)
                for m in uow.stock.movements(_SKU)
                if m.kind is MovementKind.ADJUSTMENT
            ]
        assert adjustments == [(-3, "damaged"), (2, "found")]
        self._explained(new_uow)

    def test_an_adjustment_never_takes_on_hand_below_reserved(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 5)
        self._reserve(new_uow, "res-1", 3)
        with new_uow() as uow:
            with pytest.raises(InsufficientStockError) as info:
                uow.stock.adjust(_SKU, _BERLIN, -3, at=_AT, reason="lost")
            assert (info.value.sku, info.value.wanted, info.value.available) == (
                _SKU,
                3,
                2,
            )
            assert info.value.rule == "insufficient_stock"
            uow.stock.adjust(_SKU, _BERLIN, -2, at=_AT, reason="lost")
            uow.commit()
        assert self._counts(new_uow) == (3, 3, 0)
        with new_uow() as uow, pytest.raises(InsufficientStockError):
            uow.stock.adjust(_SKU, _HAMBURG, -1, at=_AT, reason="never there")
        self._explained(new_uow)

    def test_bad_input_is_a_validation_error(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        naive = datetime(2026, 6, 1, 9)  # noqa: DTZ001 - the point of the test
        with new_uow() as uow:
            bad_calls: list[Callable[[], object]] = [
                lambda: uow.stock.receive(_SKU, _BERLIN, 0, at=_AT),
                lambda: uow.stock.receive(_SKU, _BERLIN, -1, at=_AT),
                lambda: uow.stock.receive(Sku("bad sku"), _BERLIN, 1, at=_AT),
                lambda: uow.stock.receive(_SKU, StockLocationId(""), 1, at=_AT),
                lambda: uow.stock.receive(_SKU, _BERLIN, 1, at=naive),
                lambda: uow.stock.adjust(_SKU, _BERLIN, 0, at=_AT, reason="x"),
                lambda: uow.stock.adjust(_SKU, _BERLIN, 1, at=_AT, reason=" "),
                lambda: uow.stock.level(Sku("")),
                lambda: uow.stock.reserve(
                    _SKU,
                    0,
                    reservation_id=ReservationId("r"),
                    reference="cart-1",
                    location=_BERLIN,
                    expires_at=None,
                    at=_AT,
                ),
                lambda: uow.stock.reserve(
                    _SKU,
                    1,
                    reservation_id=ReservationId("r"),
                    reference="cart-1",
                    location=_BERLIN,
                    expires_at=_AT,  # not after the reservation
                    at=_AT,
                    backorder=True,
                ),
                lambda: uow.stock.release(ReservationId(""), at=_AT),
                lambda: uow.stock.expire(naive),
                lambda: uow.stock.expire(_BEYOND_UTC),
                lambda: uow.stock.receive(_SKU, _BERLIN, 1, at=_BEYOND_UTC),
            ]
            for call in bad_calls:
                with pytest.raises(ValidationError):
                    call()
            uow.commit()
        assert self._counts(new_uow, None) == (0, 0, 0)
        with new_uow() as uow:
            assert uow.stock.movements(_SKU) == []

    def test_quantities_past_the_bound_are_refused(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        """No call moves more than ``MAX_STOCK_QUANTITY`` units (10**12).

        Python's ints have no limit but a SQLite column's do: 2**62 twice
        would pass its 64-bit integers, 2**70 cannot be stored at all. Every
        store refuses them the same way, naming the argument.
        """
        too_many = MAX_STOCK_QUANTITY + 1
        with new_uow() as uow:
            calls: list[tuple[str, Callable[[], object]]] = [
                ("quantity", lambda: uow.stock.receive(_SKU, _BERLIN, 2**62, at=_AT)),
                ("quantity", lambda: uow.stock.receive(_SKU, _BERLIN, 2**70, at=_AT)),
                (
                    "quantity",
                    lambda: uow.stock.receive(_SKU, _BERLIN, too_many, at=_AT),
                ),
                (
                    "quantity",
                    lambda: uow.stock.receive_return(
                        _SKU, _BERLIN, too_many, at=_AT, reference="ret-1"
                    ),
                ),
                (
                    "delta",
                    lambda: uow.stock.adjust(
                        _SKU, _BERLIN, too_many, at=_AT, reason="count"
                    ),
                ),
                (
                    "delta",
                    lambda: uow.stock.adjust(
                        _SKU, _BERLIN, -too_many, at=_AT, reason="count"
                    ),
                ),
                (
                    "delta",
                    lambda: uow.stock.adjust(
                        _SKU, _BERLIN, 2**70, at=_AT, reason="count"
                    ),
                ),
                (
                    "quantity",
                    lambda: uow.stock.reserve(
                        _SKU,
                        too_many,
                        reservation_id=ReservationId("res-1"),
                        reference="cart-1",
                        location=_BERLIN,
                        expires_at=None,
                        at=_AT,
                        backorder=True,
                    ),
                ),
            ]
            for field, call in calls:
                with pytest.raises(ValidationError) as info:
                    call()
                assert info.value.field == field
            uow.commit()
        assert self._counts(new_uow) == (0, 0, 0)
        with new_uow() as uow:
            assert uow.stock.movements(_SKU) == []

    def test_a_level_never_passes_the_bound(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        """On hand and reserved at a location stop at ``MAX_STOCK_QUANTITY``.

        Berlin receives the most one level holds; one more unit, received,
        returned or found, is refused, and the block goes on. Hamburg
        backorders the most; one more is refused too.
        """
        most = MAX_STOCK_QUANTITY
        self._receive(new_uow, most)
        with new_uow() as uow:
            refused: list[tuple[str, Callable[[], object]]] = [
                ("quantity", lambda: uow.stock.receive(_SKU, _BERLIN, 1, at=_AT)),
                (
                    "quantity",
                    lambda: uow.stock.receive_return(
                        _SKU, _BERLIN, 1, at=_AT, reference="ret-1"
                    ),
                ),
                (
                    "delta",
                    lambda: uow.stock.adjust(_SKU, _BERLIN, 1, at=_AT, reason="found"),
                ),
            ]
            for field, call in refused:
                with pytest.raises(ValidationError) as info:
                    call()
                assert info.value.field == field
            lost = uow.stock.adjust(_SKU, _BERLIN, -1, at=_AT, reason="lost")
            assert lost.on_hand == most - 1
            assert uow.stock.receive(_SKU, _BERLIN, 1, at=_AT).on_hand == most
            uow.commit()
        assert self._counts(new_uow) == (most, 0, most)
        self._reserve(new_uow, "res-1", most, expires_at=None)
        assert self._counts(new_uow) == (most, most, 0)
        self._reserve(new_uow, "pre-1", most, location=_HAMBURG, backorder=True)
        with new_uow() as uow:
            with pytest.raises(ValidationError) as info:
                uow.stock.reserve(
                    _SKU,
                    1,
                    reservation_id=ReservationId("pre-2"),
                    reference="cart-2",
                    location=_HAMBURG,
                    expires_at=None,
                    at=_AT,
                    backorder=True,
                )
            assert info.value.field == "quantity"
            with pytest.raises(NotFoundError):
                uow.stock.reservation(ReservationId("pre-2"))
            uow.commit()
        assert self._counts(new_uow, _HAMBURG) == (0, most, -most)
        assert self._counts(new_uow, None) == (most, 2 * most, -most)
        self._explained(new_uow)

    # -- reservations -----------------------------------------------------------

    def test_a_reservation_holds_units_and_reads_back_equal(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 10)
        reservation = self._reserve(new_uow, "res-1", 4, reference="order-7")
        assert reservation == Reservation(
            reservation_id=ReservationId("res-1"),
            sku=_SKU,
            location=_BERLIN,
            quantity=4,
            reference="order-7",
            reserved_at=_AT,
            expires_at=_LATER,
        )
        assert reservation.active
        assert self._counts(new_uow) == (10, 4, 6)
        with new_uow() as uow:
            assert uow.stock.reservation(ReservationId("res-1")) == reservation
            (_, movement) = uow.stock.movements(_SKU)
        assert (movement.kind, movement.quantity, movement.reference) == (
            MovementKind.RESERVATION,
            4,
            "res-1",
        )
        self._explained(new_uow)

    def test_a_reservation_past_what_is_available_is_refused(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 5)
        self._receive(new_uow, 9, _HAMBURG)
        self._reserve(new_uow, "res-1", 3)
        with new_uow() as uow:
            with pytest.raises(InsufficientStockError) as info:
                uow.stock.reserve(
                    _SKU,
                    3,
                    reservation_id=ReservationId("res-2"),
                    reference="cart-2",
                    location=_BERLIN,
                    expires_at=None,
                    at=_AT,
                )
            error = info.value
            assert (error.sku, error.wanted, error.available) == (_SKU, 3, 2)
            assert "SNEAKER-42" in str(error)
            # The refusal wrote nothing; the block goes on.
            uow.stock.reserve(
                _SKU,
                2,
                reservation_id=ReservationId("res-3"),
                reference="cart-2",
                location=_BERLIN,
                expires_at=None,
                at=_AT,
            )
            uow.commit()
        assert self._counts(new_uow) == (5, 5, 0)
        with new_uow() as uow, pytest.raises(NotFoundError):
            uow.stock.reservation(ReservationId("res-2"))
        with new_uow() as uow, pytest.raises(InsufficientStockError) as info:
            uow.stock.reserve(
                _SKU,
                1,
                reservation_id=ReservationId("res-4"),
                reference="cart-3",
                location=StockLocationId("nowhere"),
                expires_at=None,
                at=_AT,
            )
        assert info.value.available == 0
        self._explained(new_uow)

    def test_a_backorder_may_reserve_more_than_is_on_hand(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 2)
        reservation = self._reserve(new_uow, "pre-1", 5, backorder=True)
        assert reservation.backorder
        assert self._counts(new_uow) == (2, 5, -3)
        self._reserve(new_uow, "pre-2", 1, location=_HAMBURG, backorder=True)
        assert self._counts(new_uow, _HAMBURG) == (0, 1, -1)
        with new_uow() as uow:
            # Not shippable before the goods come in.
            with pytest.raises(InsufficientStockError):
                uow.stock.commit(ReservationId("pre-1"), at=_AT)
            uow.stock.receive(_SKU, _BERLIN, 3, at=_AT)
            uow.stock.commit(ReservationId("pre-1"), at=_AT)
            uow.commit()
        assert self._counts(new_uow) == (0, 0, 0)
        self._explained(new_uow)

    def test_reserving_again_with_the_same_id_is_safe(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 3)
        first = self._reserve(new_uow, "res-1", 2)
        assert self._reserve(new_uow, "res-1", 2) == first
        assert self._counts(new_uow) == (3, 2, 1)
        with new_uow() as uow:
            assert len(uow.stock.movements(_SKU)) == 2
        for other in (
            {"quantity": 1},
            {"reference": "cart-9"},
            {"location": _HAMBURG},
        ):
            with pytest.raises(DuplicateError):
                self._reserve(new_uow, "res-1", **other)
        # A released one is returned as it is, not taken again.
        with new_uow() as uow:
            uow.stock.release(ReservationId("res-1"), at=_AT)
            uow.commit()
        again = self._reserve(new_uow, "res-1", 2)
        assert not again.active
        assert self._counts(new_uow) == (3, 0, 3)

    def test_a_retry_after_the_sweep_returns_the_reservation_released(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        """A retry of an expired and swept reservation takes no units again.

        One id stands for one hold: the retry gets the stored reservation,
        released, even though the units are available once more.
        """
        self._receive(new_uow, 3)
        first = self._reserve(new_uow, "res-1", 2, expires_at=_LATER)
        with new_uow() as uow:
            assert uow.stock.expire(_LATER) == ["res-1"]
            uow.commit()
        again = self._reserve(new_uow, "res-1", 2, expires_at=_LATER)
        assert not again.active
        assert again.released_at == _LATER
        assert again == attrs.evolve(first, released_at=_LATER)
        assert self._counts(new_uow) == (3, 0, 3)
        with new_uow() as uow:
            kinds = [m.kind for m in uow.stock.movements(_SKU)]
        assert kinds == [
            MovementKind.RECEIPT,
            MovementKind.RESERVATION,
            MovementKind.RELEASE,
        ]
        self._explained(new_uow)

    def test_reservations_are_found_by_their_reference(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 10)
        self._receive(new_uow, 10, _HAMBURG)
        with new_uow() as uow:
            for key, location, at, reference in [
                ("b", _BERLIN, _AT, "order-1"),
                ("a", _HAMBURG, _AT, "order-1"),
                ("c", _BERLIN, _AT - timedelta(minutes=1), "order-1"),
                ("d", _BERLIN, _AT, "order-2"),
            ]:
                uow.stock.reserve(
                    _SKU,
                    1,
                    reservation_id=ReservationId(key),
                    reference=reference,
                    location=location,
                    expires_at=None,
                    at=at,
                )
            uow.stock.release(ReservationId("b"), at=_AT)
            uow.stock.commit(ReservationId("a"), at=_AT)
            # The block reads its own writes.
            assert [
                r.reservation_id for r in uow.stock.reservations_for("order-2")
            ] == ["d"]
            uow.commit()
        with new_uow() as uow:
            found = uow.stock.reservations_for("order-1")
            assert uow.stock.reservations_for("order-9") == []
            with pytest.raises(ValidationError):
                uow.stock.reservations_for(" ")
        # By the time they were made, then by id; ended ones too.
        assert [(r.reservation_id, r.location, r.active) for r in found] == [
            ("c", _BERLIN, True),
            ("a", _HAMBURG, False),
            ("b", _BERLIN, False),
        ]
        assert found[1].committed_at == _AT
        assert found[2].released_at == _AT

    def test_release_gives_the_units_back_once(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 4)
        self._reserve(new_uow, "res-1", 3)
        with new_uow() as uow:
            assert uow.stock.release(ReservationId("res-1"), at=_LATER) is True
            assert uow.stock.release(ReservationId("res-1"), at=_LATER) is False
            uow.commit()
        with new_uow() as uow:
            assert uow.stock.release(ReservationId("res-1"), at=_LATER) is False
            stored = uow.stock.reservation(ReservationId("res-1"))
            kinds = [m.kind for m in uow.stock.movements(_SKU)]
        assert stored.released_at == _LATER
        assert not stored.active
        assert kinds.count(MovementKind.RELEASE) == 1
        assert self._counts(new_uow) == (4, 0, 4)
        self._explained(new_uow)

    def test_an_unknown_reservation_is_not_found(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        with new_uow() as uow:
            for call in (
                lambda: uow.stock.release(ReservationId("nope"), at=_AT),
                lambda: uow.stock.commit(ReservationId("nope"), at=_AT),
                lambda: uow.stock.reservation(ReservationId("nope")),
            ):
                with pytest.raises(NotFoundError) as info:
                    call()
                assert (info.value.kind, info.value.key) == (
                    "stock reservation",
                    "nope",
                )

    def test_commit_ships_the_units_once(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 10)
        self._reserve(new_uow, "res-1", 4)
        with new_uow() as uow:
            committed = uow.stock.commit(ReservationId("res-1"), at=_LATER)
            assert committed.committed_at == _LATER
            assert uow.stock.commit(ReservationId("res-1"), at=_LATER) == committed
            assert uow.stock.release(ReservationId("res-1"), at=_LATER) is False
            uow.commit()
        assert self._counts(new_uow) == (6, 0, 6)
        with new_uow() as uow:
            assert uow.stock.commit(ReservationId("res-1"), at=_LATER) == committed
            kinds = [m.kind for m in uow.stock.movements(_SKU)]
        assert kinds == [
            MovementKind.RECEIPT,
            MovementKind.RESERVATION,
            MovementKind.COMMIT,
        ]
        self._explained(new_uow)

    def test_a_released_reservation_cannot_be_committed(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 2)
        self._reserve(new_uow, "res-1", 2)
        with new_uow() as uow:
            uow.stock.release(ReservationId("res-1"), at=_AT)
            with pytest.raises(InvalidTransitionError) as info:
                uow.stock.commit(ReservationId("res-1"), at=_AT)
            assert (info.value.state, info.value.event) == ("released", "commit")
            uow.commit()
        assert self._counts(new_uow) == (2, 0, 2)

    def test_the_sweep_releases_what_expired_by_then(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 10)
        self._reserve(new_uow, "b-late", 1, expires_at=_AT + timedelta(minutes=20))
        self._reserve(new_uow, "a-late", 1, expires_at=_AT + timedelta(minutes=20))
        self._reserve(new_uow, "early", 2, expires_at=_AT + timedelta(minutes=10))
        self._reserve(new_uow, "later", 3, expires_at=_AT + timedelta(hours=1))
        self._reserve(new_uow, "never", 1, expires_at=None)
        self._reserve(new_uow, "shipped", 1, expires_at=_AT + timedelta(minutes=5))
        with new_uow() as uow:
            uow.stock.commit(ReservationId("shipped"), at=_AT)
            uow.commit()
        with new_uow() as uow:
            assert uow.stock.expire(_AT + timedelta(minutes=5)) == []
            expired = uow.stock.expire(_AT + timedelta(minutes=20))
            assert uow.stock.expire(_AT + timedelta(minutes=20)) == []
            uow.commit()
        assert expired == ["early", "a-late", "b-late"]
        assert self._counts(new_uow) == (9, 4, 5)
        with new_uow() as uow:
            releases = [
                (m.reference, m.reason)
                for m in uow.stock.movements(_SKU)
                if m.kind is MovementKind.RELEASE
            ]
        assert releases == [
            ("early", "expired"),
            ("a-late", "expired"),
            ("b-late", "expired"),
        ]
        self._explained(new_uow)

    def test_the_sweep_takes_the_first_and_the_last_instant(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        """The sweep at the first and the last instant a datetime holds.

        ``datetime.min`` releases nothing; ``datetime.max`` (UTC) every
        reservation with an expiry, even one that expires at that instant.
        """
        first = datetime.min.replace(tzinfo=UTC)
        last = datetime.max.replace(tzinfo=UTC)
        self._receive(new_uow, 10)
        self._reserve(new_uow, "soon", 1)
        self._reserve(new_uow, "at-the-end", 2, expires_at=last)
        self._reserve(new_uow, "never", 3, expires_at=None)
        with new_uow() as uow:
            assert uow.stock.expire(first) == []
            assert uow.stock.expire(last) == ["soon", "at-the-end"]
            assert uow.stock.reservation(ReservationId("at-the-end")).released_at == (
                last
            )
            uow.commit()
        assert self._counts(new_uow) == (10, 3, 7)
        self._explained(new_uow)

    # -- transactions ------------------------------------------------------------

    def test_a_block_left_without_commit_keeps_nothing(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        self._receive(new_uow, 5)
        self._reserve(new_uow, "res-1", 2)
        with new_uow() as uow:
            uow.stock.receive(_SKU, _BERLIN, 10, at=_AT)
            uow.stock.reserve(
                _SKU,
                8,
                reservation_id=ReservationId("res-2"),
                reference="cart-2",
                location=_BERLIN,
                expires_at=None,
                at=_AT,
            )
            uow.stock.release(ReservationId("res-1"), at=_AT)
            # The block reads its own writes.
            assert uow.stock.level(_SKU, _BERLIN).reserved == 8
        assert self._counts(new_uow) == (5, 2, 3)
        with new_uow() as uow:
            uow.stock.commit(ReservationId("res-1"), at=_AT)
            uow.stock.adjust(_SKU, _BERLIN, -1, at=_AT, reason="lost")
            uow.rollback()
        assert self._counts(new_uow) == (5, 2, 3)
        with new_uow() as uow:
            assert uow.stock.reservation(ReservationId("res-1")).active
            with pytest.raises(NotFoundError):
                uow.stock.reservation(ReservationId("res-2"))
            assert len(uow.stock.movements(_SKU)) == 2
        self._explained(new_uow)

    def test_another_unit_of_work_does_not_see_uncommitted_changes(
        self, new_uow: InventoryUnitOfWorkFactory
    ) -> None:
        """A reader in another thread, while a writer's block is open.

        An adapter that serializes units of work makes the reader wait until
        the writer is done; one that does not lets it read at once. Either
        way, it never sees what the writer did not commit.
        """
        self._receive(new_uow, 5)
        self._reserve(new_uow, "res-1", 1)
        reading = threading.Event()
        done = threading.Event()
        seen: list[object] = []

        def read() -> None:
            try:
                reading.set()
                with new_uow() as uow:
                    level = uow.stock.level(_SKU, _BERLIN)
                    seen.append((level.on_hand, level.reserved))
                    seen.append(uow.stock.reservation(ReservationId("res-1")).active)
                    with pytest.raises(NotFoundError):
                        uow.stock.reservation(ReservationId("res-2"))
                    seen.append(len(uow.stock.movements(_SKU)))
                    seen.append("done")
            except BaseException as exc:  # the assertions report it
                seen.append(exc)
            finally:
                done.set()

        reader = threading.Thread(target=read)
        with new_uow() as uow:
            uow.stock.receive(_SKU, _BERLIN, 10, at=_AT)
            uow.stock.release(ReservationId("res-1"), at=_AT)
            uow.stock.reserve(
                _SKU,
                3,
                reservation_id=ReservationId("res-2"),
                reference="cart-2",
                location=_BERLIN,
                expires_at=None,
                at=_AT,
            )
            reader.start()
            assert reading.wait(timeout=10)
            done.wait(timeout=0.2)  # time for an adapter that does not wait
        reader.join(timeout=10)
        assert seen == [(5, 1), True, 2, "done"]
        assert self._counts(new_uow) == (5, 1, 4)
