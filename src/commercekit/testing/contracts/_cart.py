"""The contracts of :class:`~commercekit.cart.CartRepository` and the wishlists'."""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

import pytest

from commercekit.cart import (
    Cart,
    CartLineAdded,
    CartSettings,
    CartUnitOfWork,
    CouponApplied,
    LineSavedForLater,
    Wishlist,
    WishlistItemAdded,
    save_for_later,
)
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import money
from commercekit.ports import DomainEvent, EventPublisher
from commercekit.testing._helpers import RecordingPublisher
from commercekit.values import Address, Sku

__all__ = [
    "CartRepositoryContract",
    "CartUnitOfWorkFactory",
    "WishlistRepositoryContract",
    "sample_cart",
    "sample_wishlist",
]

CartUnitOfWorkFactory = Callable[[EventPublisher | None], CartUnitOfWork]
"""Makes a unit of work with the cart context's repositories, over one store."""

_T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
_SETTINGS = CartSettings()

# Ids no store may take: not text, empty, padded, or holding a control.
_BAD_IDS: tuple[object, ...] = (["c-1"], None, 7, "", " c-1", "c\x00 1")
# A customer id is non-empty text, as on a cart or a wishlist.
_BAD_CUSTOMER_IDS: tuple[object, ...] = (["cust-7"], None, 7, "", "  ", "c\x00")
_BAD_VERSIONS: tuple[object, ...] = ("1", 1.0, True, 0, -1)


def sample_cart(
    cart_id: str,
    *,
    customer_id: str | None = None,
    updated_at: datetime = _T0,
) -> Cart:
    """A cart with two catalog lines, a custom line, a coupon and addresses.

    It records no events: the contract tests record their own.
    """
    cart = Cart(
        cart_id=cart_id,
        currency="EUR",
        locale="de_DE",
        updated_at=updated_at,
        customer_id=customer_id,
        guest_email=None if customer_id else "ada@example.com",
    )
    cart.add(
        "SN-W-42",
        2,
        at=updated_at,
        settings=_SETTINGS,
        unit_price_seen=money("89.90", "EUR"),
    )
    cart.add("BOOK-1", 1, at=updated_at, settings=_SETTINGS, tax_category="reduced")
    cart.add_custom(
        "GIFT-WRAP",
        "Gift wrap",
        money("3.50", "EUR"),
        tax_category="standard",
        at=updated_at,
        settings=_SETTINGS,
    )
    cart.apply_coupon("welcome-10", at=updated_at)
    cart.choose_shipping_method("dhl", at=updated_at)
    cart.set_shipping_address(
        Address(
            name="Ada Lovelace",
            street="Unter den Linden 1",
            postal_code="10117",
            city="Berlin",
            country="DE",
        ),
        at=updated_at,
    )
    cart.set_billing_address(
        Address(
            name="Ada Lovelace",
            company="Analytical Engines GmbH",
            street="Königstraße 3",
            postal_code="70173",
            city="Stuttgart",
            country="DE",
            phone="+49 711 000000",
        ),
        at=updated_at,
    )
    cart.pull_events()
    return cart


def sample_wishlist(
    wishlist_id: str,
    *,
    customer_id: str | None = None,
    skus: tuple[str, ...] = ("SN-W-42", "BOOK-1"),
) -> Wishlist:
    """A wishlist with the given SKUs (the first with a note); no events."""
    wishlist = Wishlist(
        wishlist_id=wishlist_id, customer_id=customer_id, updated_at=_T0
    )
    for n, code in enumerate(skus):
        note = "in white, size 42" if n == 0 else None
        wishlist.add(code, at=_T0, settings=_SETTINGS, note=note)
    wishlist.pull_events()
    return wishlist


def _outbox(new_uow: CartUnitOfWorkFactory) -> list[DomainEvent]:
    """The events waiting in the outbox, read through a unit of work's relay."""
    publisher = RecordingPublisher()
    new_uow(publisher).dispatch_pending()
    return publisher.events


_A = TypeVar("_A", bound=Cart | Wishlist)


class _Repository(Protocol[_A]):
    """What the cart and the wishlist repositories have alike."""

    def add(self, aggregate: _A, /) -> None: ...

    def get(self, key: str, /) -> _A: ...

    def save(self, aggregate: _A, /) -> None: ...

    def remove(self, key: str, /, *, expected_version: int | None = None) -> None: ...

    def for_customer(self, customer_id: str, /) -> _A | None: ...


class _AggregateRepositoryContract(abc.ABC, Generic[_A]):
    """What the cart and the wishlist repositories must both do.

    A suite for one of them says, through the hooks below, which repository
    it checks and how to make and change what that one stores; it keeps the
    tests only its own repository has. The tests here run for both, and the
    ``_check_...`` methods are the bodies of tests whose names say the kind.
    """

    _kind: ClassVar[str]
    """The ``kind`` of the errors, and the start of the id field's name."""
    _prefix: ClassVar[str]
    """How the ids of the samples start: ``c`` for ``c-1``."""

    @abc.abstractmethod
    def make_cart_uow_factory(self, tmp_path: Path) -> CartUnitOfWorkFactory:
        """Return a maker of cart units of work over a new, empty store."""

    @abc.abstractmethod
    def _repository(self, uow: CartUnitOfWork) -> _Repository[_A]:
        """The repository the suite checks, of this unit of work."""

    @abc.abstractmethod
    def _sample(self, key: str, *, customer_id: str | None = None) -> _A:
        """A sample to store, with this id, recording no events."""

    @abc.abstractmethod
    def _other_sample(self) -> object:
        """Something else the store holds, which this repository must refuse."""

    @abc.abstractmethod
    def _record_an_event(self, aggregate: _A, sku_code: str) -> DomainEvent:
        """Add a SKU ``aggregate`` lacks to it; return the event that records."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> CartUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_cart_uow_factory(tmp_path)

    def _id(self, n: int) -> str:
        return f"{self._prefix}-{n}"

    def _add(self, new_uow: CartUnitOfWorkFactory, *aggregates: _A) -> None:
        with new_uow(None) as uow:
            for aggregate in aggregates:
                self._repository(uow).add(aggregate)
            uow.commit()

    def _check_an_added_one_reads_back_equal_at_version_1(
        self, new_uow: CartUnitOfWorkFactory, *, customer_id: str | None = None
    ) -> _A:
        """Add a sample, check its copy read back, and return that copy."""
        added = self._sample(self._id(1), customer_id=customer_id)
        self._add(new_uow, added)
        assert added.version == 1
        with new_uow(None) as uow:
            loaded = self._repository(uow).get(self._id(1))
        assert loaded == added
        assert loaded is not added
        return loaded

    def _check_an_unknown_one_is_not_found(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        key = self._id(9)
        with new_uow(None) as uow:
            repository = self._repository(uow)
            with pytest.raises(NotFoundError) as info:
                repository.get(key)
            assert (info.value.kind, info.value.key) == (self._kind, key)
            with pytest.raises(NotFoundError, match=f"{self._kind} '{key}'"):
                repository.save(self._sample(key))
            with pytest.raises(NotFoundError, match=f"{self._kind} '{key}'"):
                repository.remove(key)
            assert repository.for_customer("cust-7") is None

    def _check_a_taken_id_is_a_duplicate(self, new_uow: CartUnitOfWorkFactory) -> None:
        key = self._id(1)
        self._add(new_uow, self._sample(key))
        with new_uow(None) as uow, pytest.raises(DuplicateError) as info:
            self._repository(uow).add(self._sample(key, customer_id="cust-7"))
        assert (info.value.kind, info.value.key) == (self._kind, key)
        with new_uow(None) as uow:
            assert self._repository(uow).get(key).customer_id is None

    def _check_saved_events_are_in_the_outbox_after_commit(
        self,
        new_uow: CartUnitOfWorkFactory,
        *,
        also: Callable[[_A], list[DomainEvent]] | None = None,
    ) -> None:
        """Save a change, and one more without a commit; only the first is out.

        ``also`` makes further changes to the first, returning their events.
        """
        key = self._id(1)
        self._add(new_uow, self._sample(key))
        with new_uow(None) as uow:
            saved = self._repository(uow).get(key)
            events = [self._record_an_event(saved, "SN-B-43")]
            if also is not None:
                events += also(saved)
            self._repository(uow).save(saved)
            uow.commit()
        with new_uow(None) as uow:
            unsaved = self._repository(uow).get(key)
            self._record_an_event(unsaved, "SN-R-44")
            self._repository(uow).save(unsaved)
            # leaving the block without a commit
        assert _outbox(new_uow) == events
        assert _outbox(new_uow) == []  # published once, marked

    def test_save_raises_the_version_and_a_stale_copy_conflicts(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        key = self._id(1)
        self._add(new_uow, self._sample(key))
        with new_uow(None) as uow:
            stale = self._repository(uow).get(key)
        with new_uow(None) as uow:
            fresh = self._repository(uow).get(key)
            self._record_an_event(fresh, "SN-B-43")
            self._repository(uow).save(fresh)
            uow.commit()
        assert fresh.version == 2
        with new_uow(None) as uow:
            self._record_an_event(stale, "SN-R-44")
            with pytest.raises(VersionConflictError) as info:
                self._repository(uow).save(stale)
            assert (info.value.kind, info.value.key) == (self._kind, key)
            assert (info.value.expected_version, info.value.actual_version) == (1, 2)
            with pytest.raises(VersionConflictError):
                self._repository(uow).remove(key, expected_version=1)
        assert stale.version == 1
        with new_uow(None) as uow:
            stored = self._repository(uow).get(key)
        assert stored == fresh
        assert stored.version == 2

    def test_nothing_is_stored_before_the_commit(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            repository = self._repository(uow)
            repository.add(self._sample(self._id(1), customer_id="cust-7"))
            assert repository.get(self._id(1)).version == 1
            assert repository.for_customer("cust-7") is not None
        with new_uow(None) as uow:
            repository = self._repository(uow)
            with pytest.raises(NotFoundError):
                repository.get(self._id(1))
            assert repository.for_customer("cust-7") is None
            repository.add(self._sample(self._id(2), customer_id="cust-7"))

    def test_ids_are_checked_at_every_entry(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        """Bad input is a ValidationError naming the field, never a driver's error."""
        key, id_field, type_name = self._id(1), f"{self._kind}_id", self._kind.title()
        self._add(new_uow, self._sample(key, customer_id="cust-7"))
        with new_uow(None) as uow:
            repository = self._repository(uow)
            for bad in _BAD_IDS:
                with pytest.raises(ValidationError) as info:
                    repository.get(bad)  # type: ignore[arg-type]
                assert info.value.field == id_field
                with pytest.raises(ValidationError) as info:
                    repository.remove(bad)  # type: ignore[arg-type]
                assert info.value.field == id_field
            for bad in _BAD_CUSTOMER_IDS:
                with pytest.raises(ValidationError) as info:
                    repository.for_customer(bad)  # type: ignore[arg-type]
                assert info.value.field == "customer_id"
            for bad in _BAD_VERSIONS:
                with pytest.raises(ValidationError, match="expected_version"):
                    repository.remove(key, expected_version=bad)  # type: ignore[arg-type]
            for bad in (None, key, self._other_sample()):
                with pytest.raises(ValidationError, match=type_name):
                    repository.add(bad)  # type: ignore[arg-type]
                with pytest.raises(ValidationError, match=type_name):
                    repository.save(bad)  # type: ignore[arg-type]
            # The refusals changed nothing, and the block is still usable.
            repository.add(self._sample(self._id(2)))
            uow.commit()
        with new_uow(None) as uow:
            assert self._repository(uow).get(key).version == 1
            assert self._repository(uow).get(self._id(2)).version == 1


class CartRepositoryContract(_AggregateRepositoryContract[Cart]):
    """What every :class:`~commercekit.cart.CartRepository` must do.

    The factory returns a function that makes units of work with ``carts``
    and ``wishlists`` repositories over one new, empty store. For the race
    test to mean something, each unit of work must work on its own (for a
    database: a file, and a connection per thread).
    """

    _kind = "cart"
    _prefix = "c"

    def _repository(self, uow: CartUnitOfWork) -> _Repository[Cart]:
        return uow.carts

    def _sample(self, key: str, *, customer_id: str | None = None) -> Cart:
        return sample_cart(key, customer_id=customer_id)

    def _other_sample(self) -> object:
        return sample_wishlist("w-1")

    def _record_an_event(self, aggregate: Cart, sku_code: str) -> DomainEvent:
        aggregate.add(sku_code, 1, at=_T0, settings=_SETTINGS)
        line = aggregate.line(sku_code)
        return CartLineAdded(cart_id=aggregate.cart_id, sku=line.sku, quantity=1)

    def test_an_added_cart_reads_back_equal_at_version_1(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        loaded = self._check_an_added_one_reads_back_equal_at_version_1(new_uow)
        assert loaded.billing_address is not None
        assert loaded.billing_address.street == "Königstraße 3"
        assert [line.key for line in loaded.lines] == ["SN-W-42", "BOOK-1", "GIFT-WRAP"]

    def test_an_unknown_cart_is_not_found(self, new_uow: CartUnitOfWorkFactory) -> None:
        self._check_an_unknown_one_is_not_found(new_uow)

    def test_a_taken_cart_id_is_a_duplicate(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._check_a_taken_id_is_a_duplicate(new_uow)

    def test_a_refused_save_leaves_the_block_usable(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_cart("c-1"), sample_cart("c-2"))
        with new_uow(None) as uow:
            stale = uow.carts.get("c-1")
            stale.version = 7
            with pytest.raises(VersionConflictError):
                uow.carts.save(stale)
            other = uow.carts.get("c-2")
            other.clear(at=_T0)
            uow.carts.save(other)
            uow.commit()
        with new_uow(None) as uow:
            assert uow.carts.get("c-2").lines == ()
            assert uow.carts.get("c-1").version == 1

    def test_remove_deletes_the_cart_and_checks_a_version_given(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_cart("c-1"), sample_cart("c-2"))
        with new_uow(None) as uow:
            with pytest.raises(VersionConflictError) as info:
                uow.carts.remove("c-1", expected_version=3)
            assert (info.value.expected_version, info.value.actual_version) == (3, 1)
            uow.carts.remove("c-1", expected_version=1)
            uow.carts.remove("c-2")
            uow.commit()
        with new_uow(None) as uow:
            for cart_id in ("c-1", "c-2"):
                with pytest.raises(NotFoundError):
                    uow.carts.get(cart_id)
        self._add(new_uow, sample_cart("c-1"))  # the id is free again

    def test_changing_a_loaded_copy_changes_nothing_until_saved(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_cart("c-1"))
        with new_uow(None) as uow:
            loaded = uow.carts.get("c-1")
            loaded.clear(at=_T0)
            loaded.set_shipping_address(None, at=_T0)
            uow.commit()
        with new_uow(None) as uow:
            again = uow.carts.get("c-1")
        assert len(again.lines) == 3
        assert again.shipping_address is not None

    def test_for_customer_is_the_cart_changed_last(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_cart("c-old", customer_id="cust-7", updated_at=_T0),
            sample_cart("c-b", customer_id="cust-7", updated_at=_T0 + timedelta(1)),
            sample_cart("c-a", customer_id="cust-7", updated_at=_T0 + timedelta(1)),
            sample_cart("c-other", customer_id="cust-8", updated_at=_T0 + timedelta(9)),
            sample_cart("c-guest", updated_at=_T0 + timedelta(9)),
        )
        with new_uow(None) as uow:
            mine = uow.carts.for_customer("cust-7")
            assert mine is not None
            assert mine.cart_id == "c-a"  # of two changed at once, the smaller id
            assert uow.carts.for_customer("cust-9") is None
            old = uow.carts.get("c-old")
            old.add("SN-W-42", 1, at=_T0 + timedelta(days=2), settings=_SETTINGS)
            uow.carts.save(old)
            uow.commit()
        with new_uow(None) as uow:
            now_mine = uow.carts.for_customer("cust-7")
        assert now_mine is not None
        assert now_mine.cart_id == "c-old"

    def test_for_customer_finds_a_guest_cart_once_assigned(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_cart("c-guest"))
        with new_uow(None) as uow:
            guest = uow.carts.get("c-guest")
            guest.assign_customer("cust-7", at=_T0)
            uow.carts.save(guest)
            uow.commit()
        with new_uow(None) as uow:
            found = uow.carts.for_customer("cust-7")
        assert found is not None
        assert (found.cart_id, found.version) == ("c-guest", 2)

    def test_expired_lists_the_carts_past_their_expiry_oldest_first(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        settings = CartSettings(expires_after=timedelta(days=30))
        now = _T0 + timedelta(days=40)
        self._add(
            new_uow,
            sample_cart("c-fresh", updated_at=now - timedelta(days=29)),
            sample_cart("c-edge", updated_at=now - timedelta(days=30)),
            sample_cart("c-old", updated_at=now - timedelta(days=35)),
            sample_cart("c-older-b", updated_at=now - timedelta(days=40)),
            sample_cart("c-older-a", updated_at=now - timedelta(days=40)),
            sample_cart(
                "c-just-not",
                updated_at=now - timedelta(days=30) + timedelta(microseconds=1),
            ),
        )
        with new_uow(None) as uow:
            expired = uow.carts.expired(now, settings)
            assert expired == ["c-older-a", "c-older-b", "c-old", "c-edge"]
            for cart_id in expired:
                assert uow.carts.get(cart_id).is_expired(now, settings)
            assert not uow.carts.get("c-just-not").is_expired(now, settings)
            assert uow.carts.expired(now, settings, limit=2) == [
                "c-older-a",
                "c-older-b",
            ]
            assert uow.carts.expired(_T0, settings) == []

    def test_a_sweep_removes_expired_carts_in_batches(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        settings = CartSettings(expires_after=timedelta(hours=1))
        self._add(new_uow, *(sample_cart(f"c-{n}") for n in range(5)))
        now = _T0 + timedelta(hours=1)
        removed = 0
        while True:
            with new_uow(None) as uow:
                batch = uow.carts.expired(now, settings, limit=2)
                for cart_id in batch:
                    uow.carts.remove(cart_id)
                uow.commit()
            if not batch:
                break
            removed += len(batch)
        assert removed == 5

    def test_expired_refuses_a_naive_instant_or_a_bad_limit(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            with pytest.raises(ValidationError, match="time zone"):
                uow.carts.expired(datetime(2026, 1, 5), _SETTINGS)  # noqa: DTZ001 - naive on purpose
            with pytest.raises(ValidationError, match="limit"):
                uow.carts.expired(_T0, _SETTINGS, limit=0)

    def test_expired_before_any_cart_could_expire_is_empty(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        """An ``at`` so early that ``at - expires_after`` has no datetime is ``[]``.

        No cart can have expired then; the limit is still checked.
        """
        self._add(
            new_uow,
            sample_cart("c-1"),
            sample_cart("c-early", updated_at=datetime(1, 1, 1, tzinfo=UTC)),
        )
        settings = CartSettings(expires_after=timedelta(days=30))
        with new_uow(None) as uow:
            for early in (
                datetime(1, 1, 2, tzinfo=UTC),
                datetime(1, 1, 30, 23, 59, tzinfo=UTC),
                datetime.min.replace(tzinfo=UTC),
            ):
                assert uow.carts.expired(early, settings) == []
                assert uow.carts.expired(early, settings, limit=1) == []
                with pytest.raises(ValidationError, match="limit"):
                    uow.carts.expired(early, settings, limit=0)
            # From the first instant that has a cutoff on, the sweep works.
            first = datetime(1, 1, 31, tzinfo=UTC)
            assert uow.carts.expired(first, settings) == ["c-early"]
            latest = datetime.max.replace(tzinfo=UTC)
            assert uow.carts.expired(latest, settings) == ["c-early", "c-1"]

    def test_expired_refuses_settings_that_are_not_cart_settings(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            for bad in (None, timedelta(days=30)):
                with pytest.raises(ValidationError, match="CartSettings"):
                    uow.carts.expired(_T0, bad)  # type: ignore[arg-type]

    def test_a_saved_carts_events_are_in_the_outbox_after_commit(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        def apply_a_coupon(cart: Cart) -> list[DomainEvent]:
            cart.apply_coupon("summer", at=_T0)
            return [CouponApplied(cart_id=cart.cart_id, code="SUMMER")]

        self._check_saved_events_are_in_the_outbox_after_commit(
            new_uow, also=apply_a_coupon
        )

    def test_a_rolled_back_carts_events_never_reach_the_outbox(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_cart("c-1"))
        with new_uow(None) as uow:
            cart = uow.carts.get("c-1")
            cart.add("SN-B-43", 1, at=_T0, settings=_SETTINGS)
            uow.carts.save(cart)
            uow.rollback()
        with new_uow(None) as uow:
            added = sample_cart("c-2")
            added.add("SN-B-43", 1, at=_T0, settings=_SETTINGS)
            uow.carts.add(added)
            # leaving the block without a commit
        assert _outbox(new_uow) == []
        assert cart.pull_events() == [] == added.pull_events()

    def test_the_events_of_an_added_cart_are_published(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        publisher = RecordingPublisher()
        cart = sample_cart("c-1")
        cart.add("SN-B-43", 2, at=_T0, settings=_SETTINGS)
        with new_uow(publisher) as uow:
            uow.carts.add(cart)
            uow.commit()
        assert publisher.events == [
            CartLineAdded(
                cart_id=cart.cart_id, sku=cart.line("SN-B-43").sku, quantity=2
            )
        ]

    def test_two_racers_saving_one_version_one_wins(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        """Real racers: two threads, each with its own unit of work, one start."""
        self._add(new_uow, sample_cart("c-1"))
        copies = []
        for _ in range(2):
            with new_uow(None) as uow:
                copies.append(uow.carts.get("c-1"))
        barrier = threading.Barrier(2)
        outcomes: dict[int, str] = {}

        def save(n: int) -> None:
            copies[n].change_quantity("SN-W-42", 10 + n, at=_T0, settings=_SETTINGS)
            barrier.wait(timeout=10)
            try:
                with new_uow(None) as uow:
                    uow.carts.save(copies[n])
                    uow.commit()
                outcomes[n] = "saved"
            except VersionConflictError:
                outcomes[n] = "conflict"

        threads = [threading.Thread(target=save, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes.values()) == ["conflict", "saved"]
        winner = next(n for n, outcome in outcomes.items() if outcome == "saved")
        with new_uow(None) as uow:
            stored = uow.carts.get("c-1")
        assert (stored.version, stored.line("SN-W-42").quantity) == (2, 10 + winner)
        assert copies[1 - winner].version == 1


class WishlistRepositoryContract(_AggregateRepositoryContract[Wishlist]):
    """What every :class:`~commercekit.cart.WishlistRepository` must do.

    The factory returns a function that makes units of work with ``carts``
    and ``wishlists`` repositories over one new, empty store.
    """

    _kind = "wishlist"
    _prefix = "w"

    def _repository(self, uow: CartUnitOfWork) -> _Repository[Wishlist]:
        return uow.wishlists

    def _sample(self, key: str, *, customer_id: str | None = None) -> Wishlist:
        return sample_wishlist(key, customer_id=customer_id)

    def _other_sample(self) -> object:
        return sample_cart("c-1")

    def _record_an_event(self, aggregate: Wishlist, sku_code: str) -> DomainEvent:
        aggregate.add(sku_code, at=_T0, settings=_SETTINGS)
        return WishlistItemAdded(wishlist_id=aggregate.wishlist_id, sku=Sku(sku_code))

    def test_an_added_wishlist_reads_back_equal_at_version_1(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        loaded = self._check_an_added_one_reads_back_equal_at_version_1(
            new_uow, customer_id="cust-7"
        )
        assert loaded.item("SN-W-42").note == "in white, size 42"

    def test_an_unknown_wishlist_is_not_found(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._check_an_unknown_one_is_not_found(new_uow)

    def test_a_taken_wishlist_id_is_a_duplicate(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._check_a_taken_id_is_a_duplicate(new_uow)

    def test_a_customer_has_one_wishlist_and_guests_any_number(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_wishlist("w-1", customer_id="cust-7"),
            sample_wishlist("w-guest-1"),
            sample_wishlist("w-guest-2"),
        )
        with new_uow(None) as uow:
            with pytest.raises(DuplicateError) as info:
                uow.wishlists.add(sample_wishlist("w-2", customer_id="cust-7"))
            assert (info.value.kind, info.value.key) == (
                "wishlist of customer",
                "cust-7",
            )
            guest = uow.wishlists.get("w-guest-1")
            guest.assign_customer("cust-7", at=_T0)
            with pytest.raises(DuplicateError, match="cust-7"):
                uow.wishlists.save(guest)
            assert guest.version == 1
            uow.commit()
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.wishlists.get("w-2")
            assert uow.wishlists.get("w-guest-1").customer_id is None
            mine = uow.wishlists.for_customer("cust-7")
            assert mine is not None
            assert mine.wishlist_id == "w-1"

    def test_a_customer_freed_by_remove_or_reassignment_may_have_another(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_wishlist("w-1", customer_id="cust-7"),
            sample_wishlist("w-2", customer_id="cust-8"),
        )
        with new_uow(None) as uow:
            moved = uow.wishlists.get("w-1")
            moved.assign_customer("cust-9", at=_T0)
            uow.wishlists.save(moved)
            uow.wishlists.remove("w-2", expected_version=1)
            uow.wishlists.add(sample_wishlist("w-3", customer_id="cust-7"))
            uow.wishlists.add(sample_wishlist("w-4", customer_id="cust-8"))
            uow.commit()
        with new_uow(None) as uow:
            ids = {
                customer: found.wishlist_id
                for customer in ("cust-7", "cust-8", "cust-9")
                if (found := uow.wishlists.for_customer(customer)) is not None
            }
        assert ids == {"cust-7": "w-3", "cust-8": "w-4", "cust-9": "w-1"}

    def test_a_saved_wishlists_events_are_in_the_outbox_after_commit(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        self._check_saved_events_are_in_the_outbox_after_commit(new_uow)

    def test_a_line_saved_for_later_is_stored_on_both_sides(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            uow.carts.add(sample_cart("c-1", customer_id="cust-7"))
            uow.wishlists.add(sample_wishlist("w-1", customer_id="cust-7", skus=()))
            uow.commit()
        with new_uow(None) as uow:
            cart = uow.carts.get("c-1")
            wishlist = uow.wishlists.for_customer("cust-7")
            assert wishlist is not None
            save_for_later(cart, wishlist, "SN-W-42", at=_T0, settings=_SETTINGS)
            uow.carts.save(cart)
            uow.wishlists.save(wishlist)
            uow.commit()
        with new_uow(None) as uow:
            keys = [line.key for line in uow.carts.get("c-1").lines]
            assert keys == ["BOOK-1", "GIFT-WRAP"]
            assert uow.wishlists.get("w-1").skus == ("SN-W-42",)
        assert _outbox(new_uow) == [
            LineSavedForLater(
                cart_id=cart.cart_id,
                wishlist_id=wishlist.wishlist_id,
                sku=Sku("SN-W-42"),
                quantity=2,
            )
        ]

    def test_removing_expired_carts_leaves_wishlists(
        self, new_uow: CartUnitOfWorkFactory
    ) -> None:
        settings = CartSettings(expires_after=timedelta(days=1))
        with new_uow(None) as uow:
            uow.carts.add(sample_cart("c-1", customer_id="cust-7"))
            uow.wishlists.add(sample_wishlist("w-1", customer_id="cust-7"))
            uow.commit()
        later = _T0 + timedelta(days=400)
        with new_uow(None) as uow:
            for cart_id in uow.carts.expired(later, settings):
                uow.carts.remove(cart_id)
            uow.commit()
        with new_uow(None) as uow:
            assert uow.carts.for_customer("cust-7") is None
            kept = uow.wishlists.for_customer("cust-7")
        assert kept is not None
        assert kept.skus == ("SN-W-42", "BOOK-1")
