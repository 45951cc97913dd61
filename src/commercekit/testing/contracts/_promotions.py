"""The contract of :class:`~commercekit.promotions.CouponUsage`."""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.promotions import (
    Coupon,
    CouponRedemption,
    CouponUnavailableError,
    PromotionsUnitOfWork,
)

__all__ = ["CouponUsageContract", "PromotionsUnitOfWorkFactory", "sample_coupon"]

PromotionsUnitOfWorkFactory = Callable[[], PromotionsUnitOfWork]
"""Makes a unit of work with the promotions context's coupon store, over one store."""

_AT = datetime(2026, 6, 1, 9, tzinfo=UTC)


def sample_coupon(
    code: str = "SUMMER-2026",
    *,
    promotion_id: str = "summer-sale",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    usage_limit: int | None = None,
    per_customer_limit: int | None = None,
) -> Coupon:
    """A coupon for contract tests: ``SUMMER-2026`` for ``summer-sale``.

    Without arguments it is valid at any time and has no limits; the
    arguments set its terms.

    >>> sample_coupon(" summer-2026 ", usage_limit=2).code
    'SUMMER-2026'
    """
    return Coupon(
        code=code,
        promotion_id=promotion_id,
        valid_from=valid_from,
        valid_until=valid_until,
        usage_limit=usage_limit,
        per_customer_limit=per_customer_limit,
    )


class CouponUsageContract(abc.ABC):
    """What every :class:`~commercekit.promotions.CouponUsage` must do.

    The factory returns a function that makes units of work with a
    ``coupons`` store over one new, empty store. Each unit of work it makes
    must be usable from the thread that makes it: one test reads from a
    second thread while the first has a transaction open.
    """

    @abc.abstractmethod
    def make_promotions_uow_factory(
        self, tmp_path: Path
    ) -> PromotionsUnitOfWorkFactory:
        """Return a maker of promotions units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> PromotionsUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_promotions_uow_factory(tmp_path)

    def _add(self, new_uow: PromotionsUnitOfWorkFactory, *coupons: Coupon) -> None:
        with new_uow() as uow:
            for coupon in coupons:
                uow.coupons.add(coupon)
            uow.commit()

    def _get(self, new_uow: PromotionsUnitOfWorkFactory, code: str) -> Coupon:
        with new_uow() as uow:
            return uow.coupons.get(code)

    def _redeem(
        self,
        new_uow: PromotionsUnitOfWorkFactory,
        order_id: str,
        customer: str = "cust-1",
        *,
        code: str = "SUMMER-2026",
        at: datetime = _AT,
    ) -> CouponRedemption:
        with new_uow() as uow:
            redemption = uow.coupons.redeem(
                code, order_id=order_id, customer=customer, at=at
            )
            uow.commit()
        return redemption

    def _refused(
        self,
        new_uow: PromotionsUnitOfWorkFactory,
        order_id: str,
        customer: str = "cust-1",
        *,
        code: str = "SUMMER-2026",
        at: datetime = _AT,
    ) -> str:
        """Redeem, expect a refusal, commit the block anyway; return the rule."""
        with new_uow() as uow:
            with pytest.raises(CouponUnavailableError) as info:
                uow.coupons.redeem(code, order_id=order_id, customer=customer, at=at)
            uow.commit()
        assert info.value.coupon == code
        return info.value.rule

    def _release(
        self,
        new_uow: PromotionsUnitOfWorkFactory,
        order_id: str,
        code: str = "SUMMER-2026",
    ) -> bool:
        with new_uow() as uow:
            released = uow.coupons.release(code, order_id)
            uow.commit()
        return released

    def _uses(
        self, new_uow: PromotionsUnitOfWorkFactory, code: str = "SUMMER-2026"
    ) -> int:
        with new_uow() as uow:
            return uow.coupons.uses(code)

    def _uses_by(
        self,
        new_uow: PromotionsUnitOfWorkFactory,
        customer: str,
        code: str = "SUMMER-2026",
    ) -> int:
        with new_uow() as uow:
            return uow.coupons.uses_by(code, customer)

    # -- storing and loading -------------------------------------------------

    def test_an_added_coupon_reads_back_equal_at_version_1(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        berlin_summer = timezone(timedelta(hours=2))
        coupon = sample_coupon(
            "summer-2026",
            promotion_id="summer-sale",
            valid_from=datetime(2026, 6, 1, tzinfo=berlin_summer),
            valid_until=datetime(2026, 9, 1, 12, 30, tzinfo=UTC),
            usage_limit=500,
            per_customer_limit=1,
        )
        self._add(new_uow, coupon)
        assert coupon.version == 1
        loaded = self._get(new_uow, "SUMMER-2026")
        assert loaded == coupon
        assert loaded is not coupon
        assert (loaded.code, loaded.promotion_id, loaded.version) == (
            "SUMMER-2026",
            "summer-sale",
            1,
        )
        assert (loaded.valid_from, loaded.valid_until) == (
            datetime(2026, 5, 31, 22, tzinfo=UTC),
            datetime(2026, 9, 1, 12, 30, tzinfo=UTC),
        )
        assert loaded.valid_from is not None
        assert loaded.valid_from.utcoffset() == timedelta(0)
        assert (loaded.usage_limit, loaded.per_customer_limit) == (500, 1)
        assert self._uses(new_uow) == 0

    def test_a_coupon_without_terms_reads_back_equal(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon("WELCOME"))
        loaded = self._get(new_uow, "WELCOME")
        assert (loaded.valid_from, loaded.valid_until) == (None, None)
        assert (loaded.usage_limit, loaded.per_customer_limit) == (None, None)
        expected = sample_coupon("WELCOME")
        expected.version = 1
        assert loaded == expected

    def test_a_code_is_found_however_it_is_typed(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon("SUMMER-2026"))
        assert self._get(new_uow, " summer-2026 ").code == "SUMMER-2026"
        assert self._get(new_uow, "Summer-2026").code == "SUMMER-2026"
        redemption = self._redeem(new_uow, "order-1", code=" summer-2026 ")
        assert redemption.code == "SUMMER-2026"
        assert self._uses(new_uow, "summer-2026") == 1
        assert self._uses_by(new_uow, "cust-1", "\tsummer-2026\n") == 1

    def test_a_taken_code_is_a_duplicate_and_changes_nothing(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon("SUMMER-2026", usage_limit=5))
        with new_uow() as uow:
            with pytest.raises(DuplicateError, match="SUMMER-2026") as info:
                uow.coupons.add(sample_coupon(" summer-2026", promotion_id="other"))
            uow.commit()
        assert (info.value.kind, info.value.key) == ("coupon", "SUMMER-2026")
        stored = self._get(new_uow, "SUMMER-2026")
        assert (stored.promotion_id, stored.usage_limit, stored.version) == (
            "summer-sale",
            5,
            1,
        )

    def test_an_unknown_code_is_not_found(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon("SUMMER-2026"))
        with new_uow() as uow:
            with pytest.raises(NotFoundError, match="NOPE") as info:
                uow.coupons.get(" nope ")
            assert (info.value.kind, info.value.key) == ("coupon", "NOPE")
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.coupons.save(sample_coupon("nope"))
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.coupons.redeem("nope", order_id="o-1", customer="c-1", at=_AT)
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.coupons.release("nope", "o-1")
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.coupons.uses("nope")
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.coupons.uses_by("nope", "c-1")

    def test_bad_input_is_a_validation_error(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon("SUMMER-2026"))
        # A naive instant names no instant: refusing it is the point.
        naive = datetime(2026, 6, 1, 9)  # noqa: DTZ001
        with new_uow() as uow:
            with pytest.raises(ValidationError) as info:
                uow.coupons.get("summer 2026")
            assert info.value.field == "code"
            with pytest.raises(ValidationError) as info:
                uow.coupons.redeem("SUMMER-2026", order_id="o", customer="c", at=naive)
            assert info.value.field == "redeemed_at"
            with pytest.raises(ValidationError) as info:
                uow.coupons.redeem("SUMMER-2026", order_id=" ", customer="c", at=_AT)
            assert info.value.field == "order_id"
            with pytest.raises(ValidationError) as info:
                uow.coupons.redeem("SUMMER-2026", order_id="o", customer="", at=_AT)
            assert info.value.field == "customer"
            with pytest.raises(ValidationError) as info:
                uow.coupons.release("SUMMER-2026", "")
            assert info.value.field == "order_id"
            with pytest.raises(ValidationError) as info:
                uow.coupons.uses_by("SUMMER-2026", "\x00")
            assert info.value.field == "customer"
            assert uow.coupons.uses("SUMMER-2026") == 0
            uow.commit()
        assert self._uses(new_uow) == 0

    # -- saving terms ----------------------------------------------------------

    def test_save_raises_the_version_and_a_stale_copy_conflicts(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=10))
        stale = self._get(new_uow, "SUMMER-2026")
        fresh = self._get(new_uow, "SUMMER-2026")
        fresh.usage_limit = 20
        fresh.valid_until = datetime(2026, 9, 1, tzinfo=UTC)
        with new_uow() as uow:
            uow.coupons.save(fresh)
            uow.commit()
        assert fresh.version == 2
        stale.usage_limit = 1
        with new_uow() as uow:
            with pytest.raises(VersionConflictError) as info:
                uow.coupons.save(stale)
            uow.commit()
        assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        assert stale.version == 1
        stored = self._get(new_uow, "SUMMER-2026")
        assert stored == fresh
        assert (stored.version, stored.usage_limit) == (2, 20)
        assert stored.valid_until == datetime(2026, 9, 1, tzinfo=UTC)

    def test_redeeming_and_saving_leave_each_other_alone(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=3))
        loaded = self._get(new_uow, "SUMMER-2026")
        self._redeem(new_uow, "order-1")
        self._redeem(new_uow, "order-2", "cust-2")
        assert self._get(new_uow, "SUMMER-2026").version == 1
        loaded.promotion_id = "summer-sale-2"
        with new_uow() as uow:
            uow.coupons.save(loaded)  # the redemptions did not change the version
            uow.commit()
        assert self._uses(new_uow) == 2
        assert self._get(new_uow, "SUMMER-2026").promotion_id == "summer-sale-2"

    def test_the_limit_cannot_go_below_the_uses(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=3))
        self._redeem(new_uow, "order-1")
        self._redeem(new_uow, "order-2", "cust-2")
        coupon = self._get(new_uow, "SUMMER-2026")
        coupon.usage_limit = 1
        with new_uow() as uow:
            with pytest.raises(ValidationError, match="used 2 times") as info:
                uow.coupons.save(coupon)
            uow.commit()
        assert info.value.field == "usage_limit"
        assert self._get(new_uow, "SUMMER-2026").usage_limit == 3
        coupon.usage_limit = 2  # no more uses from now on
        with new_uow() as uow:
            uow.coupons.save(coupon)
            uow.commit()
        assert self._refused(new_uow, "order-3", "cust-3") == "coupon_used_up"
        assert self._uses(new_uow) == 2

    # -- the validity window ----------------------------------------------------

    def test_the_window_opens_at_valid_from_and_closes_at_valid_until(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        start = datetime(2026, 6, 1, tzinfo=UTC)
        end = datetime(2026, 9, 1, tzinfo=UTC)
        self._add(new_uow, sample_coupon(valid_from=start, valid_until=end))
        tick = timedelta(microseconds=1)
        assert self._refused(new_uow, "o-early", at=start - tick) == (
            "coupon_not_yet_valid"
        )
        assert self._refused(new_uow, "o-late", at=end) == "coupon_expired"
        assert self._refused(new_uow, "o-later", at=end + timedelta(days=30)) == (
            "coupon_expired"
        )
        assert self._uses(new_uow) == 0
        first = self._redeem(new_uow, "o-first", at=start)
        last = self._redeem(new_uow, "o-last", "cust-2", at=end - tick)
        assert (first.redeemed_at, last.redeemed_at) == (start, end - tick)
        assert self._uses(new_uow) == 2

    def test_an_error_for_a_closed_window_names_the_coupon_and_rule(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(valid_until=_AT))
        with new_uow() as uow, pytest.raises(CouponUnavailableError) as info:
            uow.coupons.redeem(" summer-2026", order_id="o", customer="c", at=_AT)
        error = info.value
        assert (error.coupon, error.rule, error.code) == (
            "SUMMER-2026",
            "coupon_expired",
            "coupon_unavailable",
        )
        assert "SUMMER-2026" in str(error)
        assert "expired" in str(error)

    # -- limits ------------------------------------------------------------------

    def test_the_total_limit_refuses_the_use_after_the_last(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=2))
        self._redeem(new_uow, "order-1", "cust-1")
        self._redeem(new_uow, "order-2", "cust-2")
        assert self._refused(new_uow, "order-3", "cust-3") == "coupon_used_up"
        assert self._uses(new_uow) == 2
        assert self._uses_by(new_uow, "cust-3") == 0
        assert self._release(new_uow, "order-3") is False

    def test_the_customer_limit_counts_one_customer_only(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=10, per_customer_limit=2))
        self._redeem(new_uow, "order-1", "anna@example.com")
        self._redeem(new_uow, "order-2", "anna@example.com")
        refused = self._refused(new_uow, "order-3", "anna@example.com")
        assert refused == "coupon_customer_limit"
        self._redeem(new_uow, "order-4", "ben@example.com")
        assert self._uses_by(new_uow, "anna@example.com") == 2
        assert self._uses_by(new_uow, "ben@example.com") == 1
        assert self._uses_by(new_uow, "carla@example.com") == 0
        # The refused use took nothing from the total, either.
        assert self._uses(new_uow) == 3

    def test_the_limits_count_active_redemptions_only(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=1, per_customer_limit=1))
        self._redeem(new_uow, "order-1", "cust-1")
        assert self._release(new_uow, "order-1") is True
        second = self._redeem(new_uow, "order-2", "cust-1")
        assert (second.order_id, second.customer) == ("order-2", "cust-1")
        assert self._uses(new_uow) == 1
        assert self._uses_by(new_uow, "cust-1") == 1
        assert self._refused(new_uow, "order-3", "cust-2") == "coupon_used_up"

    def test_a_limit_of_zero_allows_no_use(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_coupon("PAUSED", usage_limit=0),
            sample_coupon("NOBODY", per_customer_limit=0),
        )
        assert self._refused(new_uow, "o-1", code="PAUSED") == "coupon_used_up"
        assert self._refused(new_uow, "o-1", code="NOBODY") == "coupon_customer_limit"
        assert (self._uses(new_uow, "PAUSED"), self._uses(new_uow, "NOBODY")) == (
            0,
            0,
        )

    # -- one order, one use --------------------------------------------------------

    def test_redeeming_again_for_the_same_order_uses_nothing_more(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow, sample_coupon(usage_limit=1, valid_until=_AT + timedelta(days=1))
        )
        first = self._redeem(new_uow, "order-1", "cust-1")
        assert first == CouponRedemption(
            code="SUMMER-2026", order_id="order-1", customer="cust-1", redeemed_at=_AT
        )
        later = _AT + timedelta(hours=1)
        again = self._redeem(new_uow, "order-1", "cust-1", at=later)
        assert again == first  # the first redemption, with its time
        after_expiry = self._redeem(
            new_uow, "order-1", "cust-1", at=_AT + timedelta(days=2)
        )
        assert after_expiry == first
        assert self._uses(new_uow) == 1
        assert self._uses_by(new_uow, "cust-1") == 1

    def test_the_same_order_for_another_customer_is_a_duplicate(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon())
        self._redeem(new_uow, "order-1", "cust-1")
        with new_uow() as uow:
            with pytest.raises(DuplicateError, match="order-1"):
                uow.coupons.redeem(
                    "SUMMER-2026", order_id="order-1", customer="cust-2", at=_AT
                )
            uow.commit()
        assert (self._uses_by(new_uow, "cust-1"), self._uses_by(new_uow, "cust-2")) == (
            1,
            0,
        )

    def test_one_order_may_redeem_several_coupons(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon("A-1", usage_limit=1), sample_coupon("B-1"))
        self._redeem(new_uow, "order-1", code="A-1")
        self._redeem(new_uow, "order-1", code="B-1")
        assert (self._uses(new_uow, "A-1"), self._uses(new_uow, "B-1")) == (1, 1)
        assert self._release(new_uow, "order-1", "A-1") is True
        assert (self._uses(new_uow, "A-1"), self._uses(new_uow, "B-1")) == (0, 1)

    # -- release -------------------------------------------------------------------

    def test_release_gives_the_use_back_once(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=1))
        self._redeem(new_uow, "order-1", "cust-1")
        assert self._refused(new_uow, "order-2", "cust-2") == "coupon_used_up"
        assert self._release(new_uow, "order-1", " summer-2026 ") is True
        assert self._uses(new_uow) == 0
        assert self._uses_by(new_uow, "cust-1") == 0
        assert self._release(new_uow, "order-1") is False
        assert self._uses(new_uow) == 0
        self._redeem(new_uow, "order-2", "cust-2")
        assert self._uses(new_uow) == 1

    def test_releasing_an_order_that_has_no_redemption_is_false(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon("A-1"), sample_coupon("B-1"))
        self._redeem(new_uow, "order-1", code="A-1")
        assert self._release(new_uow, "order-9", "A-1") is False
        assert self._release(new_uow, "order-1", "B-1") is False
        assert self._uses(new_uow, "A-1") == 1

    def test_an_order_whose_redemption_was_released_may_redeem_again(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=1))
        self._redeem(new_uow, "order-1", "cust-1")
        assert self._release(new_uow, "order-1") is True
        self._redeem(new_uow, "order-2", "cust-2")
        # A new use, checked like any other: the coupon is used up now.
        assert self._refused(new_uow, "order-1", "cust-1") == "coupon_used_up"
        assert self._release(new_uow, "order-2") is True
        later = _AT + timedelta(hours=3)
        again = self._redeem(new_uow, "order-1", "cust-3", at=later)
        assert (again.customer, again.redeemed_at) == ("cust-3", later)
        assert self._redeem(new_uow, "order-1", "cust-3") == again
        assert self._uses(new_uow) == 1
        assert (self._uses_by(new_uow, "cust-1"), self._uses_by(new_uow, "cust-3")) == (
            0,
            1,
        )

    # -- transactions ----------------------------------------------------------

    def test_a_block_left_without_commit_keeps_no_redemption(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=1))
        self._redeem(new_uow, "order-1", "cust-1")
        with new_uow() as uow:
            uow.coupons.add(sample_coupon("NEW"))
            uow.coupons.redeem("NEW", order_id="order-2", customer="c", at=_AT)
            assert uow.coupons.release("SUMMER-2026", "order-1") is True
            # The block reads its own writes.
            assert uow.coupons.uses("NEW") == 1
            assert uow.coupons.uses("SUMMER-2026") == 0
        with new_uow() as uow:
            with pytest.raises(NotFoundError):
                uow.coupons.get("NEW")
            assert uow.coupons.uses("SUMMER-2026") == 1
            assert uow.coupons.uses_by("SUMMER-2026", "cust-1") == 1
        with new_uow() as uow:
            uow.coupons.release("SUMMER-2026", "order-1")
            uow.coupons.redeem("SUMMER-2026", order_id="order-3", customer="c", at=_AT)
            uow.rollback()
        assert self._uses(new_uow) == 1
        assert self._uses_by(new_uow, "c") == 0
        assert self._release(new_uow, "order-3") is False

    def test_a_refused_redeem_writes_nothing_and_the_block_goes_on(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_coupon(usage_limit=5, per_customer_limit=1))
        with new_uow() as uow:
            uow.coupons.redeem("SUMMER-2026", order_id="o-1", customer="c-1", at=_AT)
            with pytest.raises(CouponUnavailableError) as info:
                # Within the total limit, but not the customer's: a store
                # that took the use before checking the customer gives it
                # back.
                uow.coupons.redeem(
                    "SUMMER-2026", order_id="o-2", customer="c-1", at=_AT
                )
            assert info.value.rule == "coupon_customer_limit"
            with pytest.raises(DuplicateError):
                uow.coupons.add(sample_coupon())
            uow.coupons.redeem("SUMMER-2026", order_id="o-3", customer="c-2", at=_AT)
            uow.commit()
        assert self._uses(new_uow) == 2
        assert self._release(new_uow, "o-2") is False
        assert self._release(new_uow, "o-1") is True
        assert self._release(new_uow, "o-3") is True
        assert self._uses(new_uow) == 0

    def test_another_unit_of_work_does_not_see_uncommitted_redemptions(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        """A reader in another thread, while a writer's block is open.

        An adapter that serializes units of work makes the reader wait until
        the writer is done; one that does not lets it read at once. Either
        way, it never sees what the writer did not commit.
        """
        self._add(new_uow, sample_coupon(usage_limit=3))
        self._redeem(new_uow, "order-1", "cust-1")
        reading = threading.Event()
        done = threading.Event()
        seen: list[object] = []

        def read() -> None:
            try:
                reading.set()
                with new_uow() as uow:
                    seen.append(uow.coupons.uses("SUMMER-2026"))
                    seen.append(uow.coupons.uses_by("SUMMER-2026", "cust-1"))
                    seen.append(uow.coupons.uses_by("SUMMER-2026", "cust-2"))
                    seen.append(uow.coupons.get("SUMMER-2026").usage_limit)
                    with pytest.raises(NotFoundError):
                        uow.coupons.get("NEW")
                    seen.append("done")
            except BaseException as exc:  # the assertions report it
                seen.append(exc)
            finally:
                done.set()

        reader = threading.Thread(target=read)
        with new_uow() as uow:
            uow.coupons.redeem(
                "SUMMER-2026", order_id="order-2", customer="cust-2", at=_AT
            )
            uow.coupons.release("SUMMER-2026", "order-1")
            coupon = uow.coupons.get("SUMMER-2026")
            coupon.usage_limit = 9
            uow.coupons.save(coupon)
            uow.coupons.add(sample_coupon("NEW"))
            reader.start()
            assert reading.wait(timeout=10)
            done.wait(timeout=0.2)  # time for an adapter that does not wait
        reader.join(timeout=10)
        assert seen == [1, 1, 0, 3, "done"]
        assert self._uses(new_uow) == 1
