"""The contracts of the promotions context's stores.

:class:`~commercekit.promotions.CouponUsage` and
:class:`~commercekit.promotions.PromotionRepository`.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from commercekit.errors import (
    CurrencyMismatchError,
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import Money, money
from commercekit.promotions import (
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
    Coupon,
    CouponRedemption,
    CouponUnavailableError,
    FreeGift,
    FreeShipping,
    MinQuantity,
    MinSubtotal,
    PercentOff,
    PercentOffCheapest,
    Promotion,
    PromotionBudgetExceededError,
    PromotionsUnitOfWork,
    Scope,
    SpendTier,
    SpendTiers,
    StoredPromotion,
)

__all__ = [
    "CouponUsageContract",
    "PromotionRepositoryContract",
    "PromotionsUnitOfWorkFactory",
    "sample_coupon",
    "sample_promotion",
    "sample_promotions",
]

PromotionsUnitOfWorkFactory = Callable[[], PromotionsUnitOfWork]
"""Makes a unit of work with the promotions context's stores, over one store."""

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


def _eur(amount: str) -> Money:
    return money(amount, "EUR")


_Action = (
    PercentOff
    | PercentOffCheapest
    | AmountOff
    | AmountOffPerUnit
    | BuyXGetY
    | SpendTiers
    | FreeShipping
    | BundlePrice
    | FreeGift
)


def sample_promotion(
    promotion_id: str = "SPRING-10",
    *,
    action: _Action | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    budget: Money | None = None,
    name: str = "10% off",
    priority: int = 0,
) -> Promotion:
    """A promotion for contract tests: 10% off the order, at any time.

    The arguments set its terms; ``action`` replaces the 10% off.

    >>> sample_promotion("SPRING", budget=money("500.00", "EUR")).budget
    Money('500.00', 'EUR')
    """
    return Promotion(
        promotion_id=promotion_id,
        name=name,
        action=PercentOff(percent=10) if action is None else action,
        priority=priority,
        valid_from=valid_from,
        valid_until=valid_until,
        budget=budget,
    )


def sample_promotions() -> list[Promotion]:
    """One promotion of each kind of action, each using many of its fields.

    Between them they hold every kind of condition, scopes with SKUs,
    products and categories in and out, coupon codes, channels, customer
    groups, combinability lists, windows given in other time zones, and
    budgets in currencies of 0, 2 and 3 decimal places: what a store must
    write and read back unchanged.

    >>> sorted(type(p.action).__name__ for p in sample_promotions())[:3]
    ['AmountOff', 'AmountOffPerUnit', 'BundlePrice']
    """
    shoes = Scope(
        categories={"shoes", "sneakers"},
        exclude_skus={"SN-SALE-42", "SN-SALE-43"},
        exclude_products={"gift-card"},
    )
    berlin = timezone(timedelta(hours=2))
    return [
        Promotion(
            promotion_id="percent-off",
            name="10% off shoes",
            action=PercentOff(percent=Decimal("12.5"), scope=shoes),
            conditions=(
                MinSubtotal(amount=_eur("50.00"), scope=shoes),
                MinQuantity(quantity=2),
            ),
            priority=10,
            stop_further=True,
            coupon_codes={"spring-10", "SPRING-11"},
            valid_from=datetime(2026, 4, 1, tzinfo=berlin),
            valid_until=datetime(2026, 6, 1, 12, 30, 15, 250, tzinfo=UTC),
            channels={"web", "app"},
            customer_groups={"vip", "staff"},
            budget=_eur("1000.00"),
        ),
        Promotion(
            promotion_id="percent-off-cheapest",
            name="half off the 2 cheapest socks",
            action=PercentOffCheapest(
                percent=50, count=2, scope=Scope(products={"socks", "tights"})
            ),
            conditions=(MinQuantity(quantity=3, scope=Scope(products={"socks"})),),
            combinable_with={"amount-off", "free-shipping"},
        ),
        Promotion(
            promotion_id="amount-off",
            name="5.00 off",
            action=AmountOff(amount=money("500", "JPY")),
            conditions=(MinSubtotal(amount=money("5000", "JPY")),),
            exclusive=True,
            budget=money("100000", "JPY"),
            combinable_with=set(),
        ),
        Promotion(
            promotion_id="amount-off-per-unit",
            name="0.250 off each",
            action=AmountOffPerUnit(
                amount=money("0.250", "KWD"),
                scope=Scope(skus={"TEA-1", "TEA-2"}, exclude_categories={"gifts"}),
            ),
            budget=money("75.125", "KWD"),
            first_order_only=True,
        ),
        Promotion(
            promotion_id="buy-x-get-y",
            name="buy 2, get 1 at 50% off",
            action=BuyXGetY(buy=2, get=1, percent=Decimal("50.00")),
            priority=-3,
        ),
        Promotion(
            promotion_id="spend-tiers",
            name="5 off from 50, 15 off from 100",
            action=SpendTiers(
                tiers=(
                    SpendTier(_eur("100.00"), _eur("15.00")),
                    SpendTier(_eur("50.00"), _eur("5.00")),
                ),
                scope=Scope(exclude_categories={"books"}),
            ),
        ),
        Promotion(
            promotion_id="free-shipping",
            name="free shipping by DHL",
            action=FreeShipping(methods={"dhl", "dhl-express"}),
            conditions=(MinSubtotal(amount=_eur("29.90")),),
        ),
        Promotion(
            promotion_id="bundle-price",
            name="shoes and socks for 99",
            action=BundlePrice(items={"SN-W-42": 1, "SOCKS-3": 3}, price=_eur("99.00")),
        ),
        Promotion(
            promotion_id="free-gift",
            name="a free tote bag",
            action=FreeGift(sku="TOTE-1", quantity=2),
            conditions=(MinSubtotal(amount=_eur("75.00")),),
            channels={"store-berlin"},
        ),
    ]


_SAMPLES: dict[str, Promotion] = {p.promotion_id: p for p in sample_promotions()}


class PromotionRepositoryContract(abc.ABC):
    """What every :class:`~commercekit.promotions.PromotionRepository` must do.

    The factory returns a function that makes units of work with a
    ``promotions`` store over one new, empty store (the same factory as
    :class:`CouponUsageContract`'s, so one test class may run both). Each
    unit of work it makes must be usable from the thread that makes it: one
    test reads from a second thread while the first has a transaction open.
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

    def _add(self, new_uow: PromotionsUnitOfWorkFactory, *items: Promotion) -> None:
        with new_uow() as uow:
            for promotion in items:
                assert uow.promotions.add(promotion) == 1
            uow.commit()

    def _get(
        self, new_uow: PromotionsUnitOfWorkFactory, promotion_id: str
    ) -> StoredPromotion:
        with new_uow() as uow:
            return uow.promotions.get(promotion_id)

    def _ids(self, new_uow: PromotionsUnitOfWorkFactory) -> list[str]:
        with new_uow() as uow:
            return [stored.promotion_id for stored in uow.promotions.iterate()]

    def _active(self, new_uow: PromotionsUnitOfWorkFactory, at: datetime) -> list[str]:
        with new_uow() as uow:
            return [p.promotion_id for p in uow.promotions.active_at(at)]

    def _spend(
        self, new_uow: PromotionsUnitOfWorkFactory, amount: Money, key: str = "SPRING"
    ) -> Money:
        with new_uow() as uow:
            total = uow.promotions.record_spent(key, amount)
            uow.commit()
        return total

    def _spent(
        self, new_uow: PromotionsUnitOfWorkFactory, key: str = "SPRING"
    ) -> Money | None:
        with new_uow() as uow:
            return uow.promotions.spent(key)

    # -- storing and loading -------------------------------------------------

    @pytest.mark.parametrize("promotion_id", sorted(_SAMPLES))
    def test_a_promotion_of_each_kind_reads_back_equal_at_version_1(
        self, new_uow: PromotionsUnitOfWorkFactory, promotion_id: str
    ) -> None:
        promotion = _SAMPLES[promotion_id]
        self._add(new_uow, promotion)
        stored = self._get(new_uow, promotion_id)
        assert stored == StoredPromotion(promotion, 1)
        assert stored.promotion_id == promotion_id
        loaded = stored.promotion
        assert type(loaded.action) is type(promotion.action)
        assert loaded.conditions == promotion.conditions
        assert [type(c) for c in loaded.conditions] == [
            type(c) for c in promotion.conditions
        ]
        for instant in (loaded.valid_from, loaded.valid_until):
            assert instant is None or instant.utcoffset() == timedelta(0)
        with new_uow() as uow:
            assert list(uow.promotions.iterate()) == [stored]

    def test_every_kind_reads_back_from_one_store(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        samples = sample_promotions()
        self._add(new_uow, *samples)
        with new_uow() as uow:
            loaded = list(uow.promotions.iterate())
        assert loaded == [
            StoredPromotion(p, 1) for p in sorted(samples, key=lambda p: p.promotion_id)
        ]

    def test_a_promotion_with_defaults_reads_back_equal(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        promotion = sample_promotion("PLAIN")
        self._add(new_uow, promotion)
        stored = self._get(new_uow, "PLAIN")
        assert stored == StoredPromotion(promotion, 1)
        loaded = stored.promotion
        assert (loaded.valid_from, loaded.valid_until, loaded.budget) == (
            None,
            None,
            None,
        )
        assert loaded.combinable_with is None
        assert self._spent(new_uow, "PLAIN") is None

    def test_a_taken_id_is_a_duplicate_and_changes_nothing(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", name="first"))
        with new_uow() as uow:
            with pytest.raises(DuplicateError, match="SPRING") as info:
                uow.promotions.add(sample_promotion("SPRING", name="second"))
            uow.commit()
        assert (info.value.kind, info.value.key) == ("promotion", "SPRING")
        stored = self._get(new_uow, "SPRING")
        assert (stored.promotion.name, stored.version) == ("first", 1)

    def test_ids_are_compared_exactly(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("spring"), sample_promotion("SPRING"))
        assert self._ids(new_uow) == ["SPRING", "spring"]
        with new_uow() as uow, pytest.raises(NotFoundError):
            uow.promotions.get(" spring")

    def test_an_unknown_id_is_not_found(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING"))
        with new_uow() as uow:
            with pytest.raises(NotFoundError, match="NOPE") as info:
                uow.promotions.get("NOPE")
            assert (info.value.kind, info.value.key) == ("promotion", "NOPE")
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.promotions.save(sample_promotion("NOPE"), expected_version=1)
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.promotions.remove("NOPE")
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.promotions.spent("NOPE")
            with pytest.raises(NotFoundError, match="NOPE"):
                uow.promotions.record_spent("NOPE", _eur("1.00"))
            uow.commit()
        assert self._ids(new_uow) == ["SPRING"]

    def test_bad_input_is_a_validation_error(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", budget=_eur("100.00")))
        # A naive instant names no instant: refusing it is the point.
        naive = datetime(2026, 6, 1, 9)  # noqa: DTZ001
        not_a_promotion: object = {"promotion_id": "SPRING"}
        with new_uow() as uow:
            for bad_id in ("", "  ", "a\x00b"):
                with pytest.raises(ValidationError) as info:
                    uow.promotions.get(bad_id)
                assert info.value.field == "promotion_id"
            with pytest.raises(ValidationError) as info:
                uow.promotions.active_at(naive)
            assert info.value.field == "at"
            with pytest.raises(ValidationError) as info:
                uow.promotions.add(not_a_promotion)  # type: ignore[arg-type]
            assert info.value.field == "promotion"
            for version in (0, -1, True, "1"):
                with pytest.raises(ValidationError) as info:
                    uow.promotions.save(
                        sample_promotion("SPRING"),
                        expected_version=version,  # type: ignore[arg-type]
                    )
                assert info.value.field == "expected_version"
            with pytest.raises(ValidationError) as info:
                uow.promotions.record_spent("SPRING", "5.00")  # type: ignore[arg-type]
            assert info.value.field == "amount"
            with pytest.raises(ValidationError, match="minor units") as info:
                uow.promotions.record_spent("SPRING", _eur("0.005"))
            assert info.value.field == "amount"
            assert uow.promotions.spent("SPRING") is None
            uow.commit()
        assert self._get(new_uow, "SPRING").version == 1

    # -- saving and removing ---------------------------------------------------

    def test_save_raises_the_version_and_a_stale_copy_conflicts(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", name="10% off"))
        stale = self._get(new_uow, "SPRING")
        fresh = self._get(new_uow, "SPRING")
        changed = attrs.evolve(
            fresh.promotion,
            name="15% off",
            action=PercentOff(percent=15),
            valid_until=datetime(2026, 9, 1, tzinfo=UTC),
        )
        with new_uow() as uow:
            assert uow.promotions.save(changed, expected_version=fresh.version) == 2
            uow.commit()
        with new_uow() as uow:
            with pytest.raises(VersionConflictError) as info:
                uow.promotions.save(
                    attrs.evolve(stale.promotion, name="stale"),
                    expected_version=stale.version,
                )
            uow.commit()
        assert (info.value.kind, info.value.key) == ("promotion", "SPRING")
        assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        assert self._get(new_uow, "SPRING") == StoredPromotion(changed, 2)
        with new_uow() as uow:
            assert uow.promotions.save(changed, expected_version=2) == 3
            assert uow.promotions.save(changed, expected_version=3) == 4
            uow.commit()
        assert self._get(new_uow, "SPRING").version == 4

    def test_remove_deletes_the_promotion_and_what_it_spent(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_promotion("AUTUMN"),
            sample_promotion("SPRING", budget=_eur("100.00")),
        )
        self._spend(new_uow, _eur("40.00"))
        with new_uow() as uow:
            uow.promotions.remove("SPRING")
            with pytest.raises(NotFoundError):
                uow.promotions.get("SPRING")
            uow.commit()
        assert self._ids(new_uow) == ["AUTUMN"]
        assert self._active(new_uow, datetime(2026, 1, 1, tzinfo=UTC)) == ["AUTUMN"]
        with new_uow() as uow:
            with pytest.raises(NotFoundError):
                uow.promotions.spent("SPRING")
            with pytest.raises(NotFoundError):
                uow.promotions.remove("SPRING")
        self._add(new_uow, sample_promotion("SPRING", budget=_eur("100.00")))
        assert self._get(new_uow, "SPRING").version == 1
        assert self._spent(new_uow) is None
        assert self._spend(new_uow, _eur("100.00")) == _eur("100.00")

    def test_remove_with_a_stale_version_conflicts(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING"))
        with new_uow() as uow:
            uow.promotions.save(
                sample_promotion("SPRING", name="x"), expected_version=1
            )
            uow.commit()
        with new_uow() as uow:
            with pytest.raises(VersionConflictError) as info:
                uow.promotions.remove("SPRING", expected_version=1)
            uow.commit()
        assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        assert self._ids(new_uow) == ["SPRING"]
        with new_uow() as uow:
            uow.promotions.remove("SPRING", expected_version=2)
            uow.commit()
        assert self._ids(new_uow) == []

    # -- listing -----------------------------------------------------------------

    def test_iterate_yields_every_promotion_by_id(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        ids = ["spring", "Autumn", "winter", "\u00e4-sale", "9-off", "10-off", "b"]
        with new_uow() as uow:
            assert list(uow.promotions.iterate()) == []
        self._add(new_uow, *(sample_promotion(key) for key in ids))
        with new_uow() as uow:
            uow.promotions.save(sample_promotion("b", name="x"), expected_version=1)
            uow.commit()
        # Code point order: digits, capitals, small letters, then umlauts.
        expected = ["10-off", "9-off", "Autumn", "b", "spring", "winter", "\u00e4-sale"]
        assert self._ids(new_uow) == expected
        with new_uow() as uow:
            versions = {s.promotion_id: s.version for s in uow.promotions.iterate()}
        assert versions == {key: 2 if key == "b" else 1 for key in ids}

    def test_active_at_holds_the_window_from_inclusive_until_exclusive(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        start = datetime(2026, 6, 1, tzinfo=UTC)
        end = datetime(2026, 9, 1, tzinfo=UTC)
        tick = timedelta(microseconds=1)
        self._add(
            new_uow,
            sample_promotion("summer", valid_from=start, valid_until=end),
            sample_promotion("always"),
            sample_promotion("from-june", valid_from=start),
            sample_promotion("until-september", valid_until=end),
        )
        assert self._active(new_uow, start - tick) == ["always", "until-september"]
        both = ["always", "from-june", "summer", "until-september"]
        assert self._active(new_uow, start) == both
        assert self._active(new_uow, end - tick) == both
        assert self._active(new_uow, end) == ["always", "from-june"]
        # The instant is compared as an instant, whatever its time zone.
        berlin = timezone(timedelta(hours=2))
        assert self._active(new_uow, datetime(2026, 9, 1, 1, 59, tzinfo=berlin)) == (
            both
        )
        assert self._active(new_uow, datetime(2026, 9, 1, 2, tzinfo=berlin)) == [
            "always",
            "from-june",
        ]

    def test_active_at_returns_the_promotions_themselves(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        samples = sample_promotions()
        self._add(new_uow, *samples)
        at = datetime(2026, 5, 1, tzinfo=UTC)
        with new_uow() as uow:
            active = uow.promotions.active_at(at)
        assert active == sorted(
            (
                p
                for p in samples
                if (p.valid_from is None or p.valid_from <= at)
                and (p.valid_until is None or at < p.valid_until)
            ),
            key=lambda p: p.promotion_id,
        )
        assert len(active) == len(samples)

    # -- budgets -----------------------------------------------------------------

    def test_recorded_amounts_add_up(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", budget=_eur("100.00")))
        assert self._spent(new_uow) is None
        assert self._spend(new_uow, _eur("30.00")) == _eur("30.00")
        assert self._spend(new_uow, _eur("20.5")) == _eur("50.50")
        with new_uow() as uow:
            assert uow.promotions.record_spent("SPRING", _eur("0.01")) == _eur("50.51")
            assert uow.promotions.record_spent("SPRING", _eur("0.00")) == _eur("50.51")
            assert uow.promotions.spent("SPRING") == _eur("50.51")
            uow.commit()
        assert self._spent(new_uow) == _eur("50.51")
        # Spending changes neither the promotion nor its version.
        assert self._get(new_uow, "SPRING") == StoredPromotion(
            sample_promotion("SPRING", budget=_eur("100.00")), 1
        )

    def test_the_budget_refuses_the_amount_that_would_pass_it(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", budget=_eur("100.00")))
        self._spend(new_uow, _eur("95.00"))
        with new_uow() as uow:
            with pytest.raises(PromotionBudgetExceededError) as info:
                uow.promotions.record_spent("SPRING", _eur("10.00"))
            assert uow.promotions.spent("SPRING") == _eur("95.00")
            # The block goes on: what is left may still be spent.
            assert uow.promotions.record_spent("SPRING", _eur("5.00")) == _eur("100.00")
            uow.commit()
        error = info.value
        assert (error.code, error.rule, error.promotion_id) == (
            "promotion_budget_exceeded",
            "promotion_budget_exceeded",
            "SPRING",
        )
        assert (error.budget, error.spent, error.amount) == (
            _eur("100.00"),
            _eur("95.00"),
            _eur("10.00"),
        )
        assert "SPRING" in str(error)
        with new_uow() as uow:
            with pytest.raises(PromotionBudgetExceededError):
                uow.promotions.record_spent("SPRING", _eur("0.01"))
            uow.commit()
        assert self._spent(new_uow) == _eur("100.00")

    def test_an_amount_larger_than_the_whole_budget_is_refused(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", budget=money("500", "JPY")))
        with new_uow() as uow:
            with pytest.raises(PromotionBudgetExceededError) as info:
                uow.promotions.record_spent("SPRING", money("501", "JPY"))
            uow.commit()
        assert info.value.spent == money("0", "JPY")
        assert self._spent(new_uow) is None
        assert self._spend(new_uow, money("500", "JPY")) == money("500", "JPY")

    def test_a_promotion_without_a_budget_records_without_a_limit(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING"))
        assert self._spend(new_uow, _eur("999999.99")) == _eur("999999.99")
        assert self._spend(new_uow, _eur("0.01")) == _eur("1000000.00")

    def test_a_negative_amount_gives_back_but_never_below_zero(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", budget=_eur("100.00")))
        with new_uow() as uow:
            with pytest.raises(ValidationError) as info:
                uow.promotions.record_spent("SPRING", _eur("-1.00"))
            assert info.value.field == "amount"
            uow.commit()
        assert self._spent(new_uow) is None
        self._spend(new_uow, _eur("100.00"))
        assert self._spend(new_uow, _eur("-30.00")) == _eur("70.00")
        with new_uow() as uow:
            with pytest.raises(ValidationError) as info:
                uow.promotions.record_spent("SPRING", _eur("-70.01"))
            assert info.value.field == "amount"
            uow.commit()
        assert self._spent(new_uow) == _eur("70.00")
        assert self._spend(new_uow, _eur("-70.00")) == _eur("0.00")
        assert self._spend(new_uow, _eur("100.00")) == _eur("100.00")

    def test_amounts_keep_to_one_currency(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_promotion("SPRING", budget=_eur("100.00")),
            sample_promotion("OPEN"),
        )
        with new_uow() as uow:
            with pytest.raises(CurrencyMismatchError) as info:
                uow.promotions.record_spent("SPRING", money("1.00", "USD"))
            assert (info.value.expected, info.value.got) == ("EUR", "USD")
            assert uow.promotions.record_spent("OPEN", money("1.00", "USD")) == money(
                "1.00", "USD"
            )
            with pytest.raises(CurrencyMismatchError) as info:
                uow.promotions.record_spent("OPEN", _eur("1.00"))
            assert (info.value.expected, info.value.got) == ("USD", "EUR")
            uow.commit()
        assert self._spent(new_uow) is None
        assert self._spent(new_uow, "OPEN") == money("1.00", "USD")

    def test_a_budget_cannot_be_saved_below_what_was_spent(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", budget=_eur("100.00")))
        self._spend(new_uow, _eur("60.00"))
        for budget in (_eur("59.99"), money("100.00", "USD")):
            with new_uow() as uow:
                with pytest.raises(ValidationError) as info:
                    uow.promotions.save(
                        sample_promotion("SPRING", budget=budget), expected_version=1
                    )
                uow.commit()
            assert info.value.field == "budget"
        assert self._get(new_uow, "SPRING").promotion.budget == _eur("100.00")
        with new_uow() as uow:
            # Down to what was spent: nothing more may be spent.
            lowered = sample_promotion("SPRING", budget=_eur("60.00"))
            assert uow.promotions.save(lowered, expected_version=1) == 2
            with pytest.raises(PromotionBudgetExceededError):
                uow.promotions.record_spent("SPRING", _eur("0.01"))
            # Without a budget, anything may.
            unlimited = sample_promotion("SPRING")
            assert uow.promotions.save(unlimited, expected_version=2) == 3
            assert uow.promotions.record_spent("SPRING", _eur("500.00")) == _eur(
                "560.00"
            )
            uow.commit()
        assert self._spent(new_uow) == _eur("560.00")

    # -- transactions ----------------------------------------------------------

    def test_a_block_left_without_commit_keeps_nothing(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_promotion("SPRING", budget=_eur("100.00")))
        self._spend(new_uow, _eur("10.00"))
        with new_uow() as uow:
            uow.promotions.add(sample_promotion("NEW"))
            uow.promotions.save(
                sample_promotion("SPRING", name="x", budget=_eur("100.00")),
                expected_version=1,
            )
            uow.promotions.record_spent("SPRING", _eur("50.00"))
            uow.promotions.record_spent("NEW", _eur("5.00"))
            # The block reads its own writes.
            assert uow.promotions.spent("SPRING") == _eur("60.00")
            assert [s.promotion_id for s in uow.promotions.iterate()] == [
                "NEW",
                "SPRING",
            ]
        assert self._ids(new_uow) == ["SPRING"]
        assert self._get(new_uow, "SPRING").version == 1
        assert self._spent(new_uow) == _eur("10.00")
        with new_uow() as uow:
            uow.promotions.record_spent("SPRING", _eur("90.00"))
            uow.promotions.remove("SPRING")
            uow.rollback()
        assert self._ids(new_uow) == ["SPRING"]
        assert self._spent(new_uow) == _eur("10.00")

    def test_another_unit_of_work_does_not_see_uncommitted_changes(
        self, new_uow: PromotionsUnitOfWorkFactory
    ) -> None:
        """A reader in another thread, while a writer's block is open.

        An adapter that serializes units of work makes the reader wait until
        the writer is done; one that does not lets it read at once. Either
        way, it never sees what the writer did not commit.
        """
        at = datetime(2026, 6, 1, tzinfo=UTC)
        self._add(
            new_uow,
            sample_promotion("SPRING", budget=_eur("100.00")),
            sample_promotion("GONE"),
        )
        self._spend(new_uow, _eur("10.00"))
        reading = threading.Event()
        done = threading.Event()
        seen: list[object] = []

        def read() -> None:
            try:
                reading.set()
                with new_uow() as uow:
                    stored = uow.promotions.get("SPRING")
                    seen.append((stored.promotion.name, stored.version))
                    seen.append(uow.promotions.spent("SPRING"))
                    seen.append([s.promotion_id for s in uow.promotions.iterate()])
                    seen.append([p.promotion_id for p in uow.promotions.active_at(at)])
                    with pytest.raises(NotFoundError):
                        uow.promotions.get("NEW")
                    seen.append("done")
            except BaseException as exc:  # the assertions report it
                seen.append(exc)
            finally:
                done.set()

        reader = threading.Thread(target=read)
        with new_uow() as uow:
            uow.promotions.add(sample_promotion("NEW"))
            uow.promotions.save(
                sample_promotion("SPRING", name="changed", budget=_eur("100.00")),
                expected_version=1,
            )
            uow.promotions.record_spent("SPRING", _eur("40.00"))
            uow.promotions.remove("GONE")
            reader.start()
            assert reading.wait(timeout=10)
            done.wait(timeout=0.2)  # time for an adapter that does not wait
        reader.join(timeout=10)
        assert seen == [
            ("10% off", 1),
            _eur("10.00"),
            ["GONE", "SPRING"],
            ["GONE", "SPRING"],
            "done",
        ]
        assert self._spent(new_uow) == _eur("10.00")
