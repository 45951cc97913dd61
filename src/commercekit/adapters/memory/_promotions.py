"""The in-memory promotion and coupon stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from commercekit.adapters._checks import (
    _check_expected_version,
    _check_promotion,
    _whole_minor_units,
)
from commercekit.errors import (
    CurrencyMismatchError,
    DuplicateError,
    NotFoundError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import Money, from_minor_units
from commercekit.promotions import (
    Coupon,
    CouponRedemption,
    CouponUnavailableError,
    CouponUsage,
    Promotion,
    PromotionBudgetExceededError,
    PromotionRepository,
    StoredPromotion,
    normalize_code,
)
from commercekit.values import as_utc

if TYPE_CHECKING:
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryCouponUsage", "InMemoryPromotionRepository"]

_COUPONS = "promotions.coupons"
_LEDGERS = "promotions.coupon_redemptions"
_PROMOTIONS = "promotions.promotions"
_SPENT = "promotions.spent"


@attrs.define
class _Entry:
    """An order's redemption of a coupon, and when it was released, if it was."""

    redemption: CouponRedemption
    released_at: datetime | None = None


@attrs.define
class _Ledger:
    """The redemptions of one coupon, by order id."""

    entries: dict[str, _Entry] = attrs.field(factory=dict)

    def active(self) -> list[CouponRedemption]:
        return [
            entry.redemption
            for entry in self.entries.values()
            if entry.released_at is None
        ]


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"{field} must be non-empty text, not {value!r}"
        raise ValidationError(msg, field=field)
    return value


class InMemoryCouponUsage(CouponUsage):
    """Coupons in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Two tables: the coupons by code, and one ledger per coupon with its
    redemptions by order id. A transaction holds the store's lock from start
    to end, so checking a limit and recording a use cannot interleave with
    another unit of work.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _coupon(self, code: str) -> Coupon:
        coupon = self._uow.read(_COUPONS, code)
        if not isinstance(coupon, Coupon):
            raise NotFoundError(kind="coupon", key=code)
        return coupon

    def _ledger(self, code: str) -> _Ledger:
        ledger = self._uow.read(_LEDGERS, code)
        return ledger if isinstance(ledger, _Ledger) else _Ledger()

    def add(self, coupon: Coupon) -> None:
        """Store a new coupon at version 1, with no uses.

        Raises:
            ValidationError: for a coupon its constructor would refuse.
        """
        checked = attrs.evolve(coupon)
        if self._uow.read(_COUPONS, checked.code) is not None:
            raise DuplicateError(kind="coupon", key=checked.code)
        checked.version = 1
        self._uow.write(_COUPONS, checked.code, checked)
        coupon.version = 1
        self._uow.track(coupon)

    def get(self, code: str) -> Coupon:
        """Return a copy of the coupon with this code."""
        coupon = self._coupon(normalize_code(code))
        self._uow.track(coupon)
        return coupon

    def save(self, coupon: Coupon) -> None:
        """Store a coupon's changed terms, if nobody else changed them first."""
        checked = attrs.evolve(coupon)
        stored = self._coupon(checked.code)
        if stored.version != checked.version:
            raise VersionConflictError(
                kind="coupon",
                key=checked.code,
                expected_version=checked.version,
                actual_version=stored.version,
            )
        used = len(self._ledger(checked.code).active())
        if checked.usage_limit is not None and checked.usage_limit < used:
            msg = (
                f"coupon {checked.code!r} has been used {used} times: its "
                f"usage_limit cannot go below that, not to {checked.usage_limit}"
            )
            raise ValidationError(msg, field="usage_limit")
        checked.version += 1
        self._uow.write(_COUPONS, checked.code, checked)
        coupon.version = checked.version
        self._uow.track(coupon)

    def redeem(
        self, code: str, *, order_id: str, customer: str, at: datetime
    ) -> CouponRedemption:
        """Use the coupon for an order, if its window and limits allow it."""
        wanted = CouponRedemption(
            code=code, order_id=order_id, customer=customer, redeemed_at=at
        )
        coupon = self._coupon(wanted.code)
        ledger = self._ledger(coupon.code)
        entry = ledger.entries.get(wanted.order_id)
        if entry is not None and entry.released_at is None:
            if entry.redemption.customer != wanted.customer:
                raise DuplicateError(
                    kind="coupon redemption", key=f"{coupon.code}/{wanted.order_id}"
                )
            return entry.redemption
        coupon.check_usable(wanted.redeemed_at)
        active = ledger.active()
        if coupon.usage_limit is not None and len(active) >= coupon.usage_limit:
            raise CouponUnavailableError(coupon=coupon.code, rule="coupon_used_up")
        mine = sum(1 for used in active if used.customer == wanted.customer)
        if coupon.per_customer_limit is not None and mine >= coupon.per_customer_limit:
            raise CouponUnavailableError(
                coupon=coupon.code, rule="coupon_customer_limit"
            )
        ledger.entries[wanted.order_id] = _Entry(wanted)
        self._uow.write(_LEDGERS, coupon.code, ledger)
        return wanted

    def release(self, code: str, order_id: str) -> bool:
        """Give back the use of an order's redemption; whether there was one."""
        key = normalize_code(code)
        order = _text(order_id, "order_id")
        self._coupon(key)
        ledger = self._ledger(key)
        entry = ledger.entries.get(order)
        if entry is None or entry.released_at is not None:
            return False
        entry.released_at = as_utc(self._uow.clock.now())
        self._uow.write(_LEDGERS, key, ledger)
        return True

    def uses(self, code: str) -> int:
        """How many active redemptions the coupon has."""
        key = normalize_code(code)
        self._coupon(key)
        return len(self._ledger(key).active())

    def uses_by(self, code: str, customer: str) -> int:
        """How many active redemptions of the coupon are ``customer``'s."""
        key = normalize_code(code)
        who = _text(customer, "customer")
        self._coupon(key)
        return sum(1 for used in self._ledger(key).active() if used.customer == who)


def _same_currency(expected: Money | None, amount: Money) -> None:
    if expected is not None and expected.currency != amount.currency:
        raise CurrencyMismatchError(
            expected=expected.currency.code, got=amount.currency.code
        )


def _check_budget(promotion: Promotion, spent: Money | None) -> None:
    """Refuse a budget below what the promotion spent, or in another currency."""
    budget = promotion.budget
    if budget is None or spent is None:
        return
    if budget.currency != spent.currency or budget < spent:
        msg = (
            f"promotion {promotion.promotion_id!r} has spent {spent}: its "
            f"budget cannot be {budget}"
        )
        raise ValidationError(msg, field="budget")


class InMemoryPromotionRepository(PromotionRepository):
    """Promotions in an :class:`~commercekit.adapters.memory.InMemoryStore`.

    Two tables: each promotion with its version by id, and what each
    promotion spent. A transaction holds the store's lock from start to end,
    so reading the total and adding to it cannot interleave with another
    unit of work.

    Args:
        uow: The unit of work whose staged tables hold the rows.
    """

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def _stored(self, promotion_id: str) -> StoredPromotion:
        key = _text(promotion_id, "promotion_id")
        stored = self._uow.read(_PROMOTIONS, key)
        if not isinstance(stored, StoredPromotion):
            raise NotFoundError(kind="promotion", key=key)
        return stored

    def _check_version(self, stored: StoredPromotion, expected: int) -> None:
        if stored.version != expected:
            raise VersionConflictError(
                kind="promotion",
                key=stored.promotion_id,
                expected_version=expected,
                actual_version=stored.version,
            )

    def _spent(self, promotion_id: str) -> Money | None:
        spent = self._uow.read(_SPENT, promotion_id)
        return spent if isinstance(spent, Money) else None

    def add(self, promotion: Promotion) -> int:
        """Store a new promotion at version 1; return 1."""
        checked = _check_promotion(promotion)
        if self._uow.read(_PROMOTIONS, checked.promotion_id) is not None:
            raise DuplicateError(kind="promotion", key=checked.promotion_id)
        self._uow.write(_PROMOTIONS, checked.promotion_id, StoredPromotion(checked, 1))
        return 1

    def get(self, promotion_id: str) -> StoredPromotion:
        """Return the promotion with this id, and its version."""
        return self._stored(promotion_id)

    def save(self, promotion: Promotion, *, expected_version: int) -> int:
        """Replace the promotion, if it is still at ``expected_version``."""
        checked = _check_promotion(promotion)
        expected = _check_expected_version(expected_version)
        stored = self._stored(checked.promotion_id)
        self._check_version(stored, expected)
        _check_budget(checked, self._spent(checked.promotion_id))
        version = stored.version + 1
        self._uow.write(
            _PROMOTIONS, checked.promotion_id, StoredPromotion(checked, version)
        )
        return version

    def remove(self, promotion_id: str, *, expected_version: int | None = None) -> None:
        """Delete the promotion and what it spent."""
        stored = self._stored(promotion_id)
        if expected_version is not None:
            self._check_version(stored, _check_expected_version(expected_version))
        self._uow.remove(_PROMOTIONS, stored.promotion_id)
        self._uow.remove(_SPENT, stored.promotion_id)

    def iterate(self) -> Iterator[StoredPromotion]:
        """Yield every promotion with its version, by id."""
        for _, stored in self._uow.rows(_PROMOTIONS):
            yield stored

    def active_at(self, at: datetime) -> list[Promotion]:
        """The promotions whose validity window holds ``at``, by id."""
        instant = as_utc(at, field="at")
        return [
            stored.promotion
            for _, stored in self._uow.rows(_PROMOTIONS)
            if (
                stored.promotion.valid_from is None
                or stored.promotion.valid_from <= instant
            )
            and (
                stored.promotion.valid_until is None
                or instant < stored.promotion.valid_until
            )
        ]

    def spent(self, promotion_id: str) -> Money | None:
        """What the promotion gave so far; ``None`` until something was recorded."""
        stored = self._stored(promotion_id)
        return self._spent(stored.promotion_id)

    def record_spent(self, promotion_id: str, amount: Money) -> Money:
        """Add ``amount`` to what the promotion gave; return the new total."""
        key = _text(promotion_id, "promotion_id")
        given, units = _whole_minor_units(amount)
        stored = self._stored(key)
        code = given.currency.code
        budget = stored.promotion.budget
        spent = self._spent(stored.promotion_id)
        _same_currency(budget, given)
        _same_currency(spent, given)
        before = spent if spent is not None else from_minor_units(0, code)
        total = from_minor_units(_whole_minor_units(before)[1] + units, code)
        if total.amount < 0:
            msg = (
                f"promotion {stored.promotion_id!r} has spent {before}: "
                f"it cannot give back {-given}"
            )
            raise ValidationError(msg, field="amount")
        if budget is not None and total > budget:
            raise PromotionBudgetExceededError(
                promotion_id=stored.promotion_id,
                budget=budget,
                spent=before,
                amount=given,
            )
        self._uow.write(_SPENT, stored.promotion_id, total)
        return total
