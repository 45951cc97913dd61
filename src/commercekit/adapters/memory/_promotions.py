"""The in-memory coupon store."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import attrs

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
    CouponUsage,
    normalize_code,
)
from commercekit.values import as_utc

if TYPE_CHECKING:
    from commercekit.adapters.memory._unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryCouponUsage"]

_COUPONS = "promotions.coupons"
_LEDGERS = "promotions.coupon_redemptions"


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
