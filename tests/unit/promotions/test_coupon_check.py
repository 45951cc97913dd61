"""Checking a cart's coupon codes before checkout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.errors import ValidationError
from commercekit.promotions import Coupon, CouponCheck, check_coupons

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


def store_with(*coupons: Coupon) -> InMemoryStore:
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        for coupon in coupons:
            uow.coupons.add(coupon)
        uow.commit()
    return store


def redeem(store: InMemoryStore, code: str, order_id: str, customer: str) -> None:
    with InMemoryUnitOfWork(store) as uow:
        uow.coupons.redeem(code, order_id=order_id, customer=customer, at=AT)
        uow.commit()


def check(
    store: InMemoryStore, *codes: str, customer: str | None = "c-1"
) -> CouponCheck:
    return check_coupons(codes, uow=InMemoryUnitOfWork(store), customer=customer, at=AT)


def test_usable_codes_come_back_normalized_and_once() -> None:
    store = store_with(Coupon(code="WELCOME", promotion_id="NEW"))

    result = check(store, " welcome", "WELCOME")

    assert result == CouponCheck(usable=("WELCOME",), refused=())


def test_each_refused_code_says_why() -> None:
    store = store_with(
        Coupon(code="LATER", promotion_id="P", valid_from=AT + timedelta(days=1)),
        Coupon(code="OVER", promotion_id="P", valid_until=AT),
        Coupon(code="ONCE", promotion_id="P", usage_limit=1),
        Coupon(code="MINE", promotion_id="P", per_customer_limit=1),
    )
    redeem(store, "ONCE", "o-1", "c-9")
    redeem(store, "MINE", "o-2", "c-1")

    result = check(store, "later", "over", "once", "mine", "nope")

    assert result.usable == ()
    assert result.refused == (
        ("later", "coupon_not_yet_valid"),
        ("over", "coupon_expired"),
        ("once", "coupon_used_up"),
        ("mine", "coupon_customer_limit"),
        ("nope", "coupon_unknown"),
    )


def test_a_guest_is_not_held_to_a_per_customer_limit_before_checkout() -> None:
    store = store_with(Coupon(code="MINE", promotion_id="P", per_customer_limit=1))
    redeem(store, "MINE", "o-1", "c-1")

    assert check(store, "MINE", customer=None).usable == ("MINE",)


def test_a_released_use_counts_no_more() -> None:
    store = store_with(Coupon(code="ONCE", promotion_id="P", usage_limit=1))
    redeem(store, "ONCE", "o-1", "c-1")
    with InMemoryUnitOfWork(store) as uow:
        uow.coupons.release("ONCE", "o-1")
        uow.commit()

    assert check(store, "ONCE").usable == ("ONCE",)


def test_bad_input_is_refused() -> None:
    store = store_with()
    with pytest.raises(ValidationError):
        check_coupons("WELCOME", uow=InMemoryUnitOfWork(store), customer=None, at=AT)
    with pytest.raises(ValidationError):
        check_coupons(None, uow=InMemoryUnitOfWork(store), customer=None, at=AT)  # type: ignore[arg-type]


def test_a_code_that_cannot_be_one_is_refused_once() -> None:
    store = store_with(Coupon(code="WELCOME", promotion_id="NEW"))

    result = check(store, "two words", "nope", " NOPE", "welcome")

    assert result.usable == ("WELCOME",)
    assert result.refused == (
        ("two words", "coupon_unknown"),
        ("nope", "coupon_unknown"),
    )
