"""The port through which coupons are stored and redeemed, and the unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from commercekit.ports import UnitOfWork
from commercekit.promotions._coupons import Coupon, CouponRedemption
from commercekit.promotions._ports import PromotionRepository

__all__ = ["CouponUsage", "PromotionsUnitOfWork"]


class CouponUsage(Protocol):
    """Stores coupons and counts their uses, so that no limit is ever passed.

    Contract (checked by ``commercekit.testing.contracts.CouponUsageContract``):

    * Every method that takes a code normalizes it first
      (:func:`~commercekit.promotions.normalize_code`, without
      ``confusables``): ``" summer-2026 "`` finds ``"SUMMER-2026"``. A code
      no coupon has raises :class:`~commercekit.errors.NotFoundError`
      (``kind="coupon"``, ``key`` the normalized code). A bad code, order id,
      customer or instant raises :class:`~commercekit.errors.ValidationError`.
    * :meth:`add` stores a new coupon at version 1 (a code that exists raises
      :class:`~commercekit.errors.DuplicateError`); :meth:`save` stores changed
      terms and raises the version by one. Both set ``coupon.version``.
      :meth:`save` of a coupon whose stored version is not ``coupon.version``
      raises :class:`~commercekit.errors.VersionConflictError`; of one never
      added, :class:`~commercekit.errors.NotFoundError`; with a
      ``usage_limit`` below its current uses,
      :class:`~commercekit.errors.ValidationError` (``field="usage_limit"``).
      Redemptions change neither the coupon nor its version.
    * :meth:`get` returns a copy tracked by the unit of work.
    * :meth:`redeem` is atomic, and so are the limits: however many units of
      work redeem at once, a coupon is never used more often than its
      ``usage_limit``, nor by one customer more often than its
      ``per_customer_limit``. Only active redemptions count; released ones
      do not. It checks, in this order:

      1. an active redemption of the coupon by the same ``order_id``: it is
         returned as it is and nothing more is used (a retried redeem is
         safe), even if the coupon has expired since; if it is another
         customer's, :class:`~commercekit.errors.DuplicateError`;
      2. the validity window at ``at``: ``"coupon_not_yet_valid"`` before
         ``valid_from``, ``"coupon_expired"`` from ``valid_until`` on;
      3. the total limit: ``"coupon_used_up"``;
      4. the customer's limit: ``"coupon_customer_limit"``;

      each refusal a :class:`~commercekit.promotions.CouponUnavailableError`
      that leaves everything as it was (the unit of work can go on and
      commit). Otherwise it records a new active redemption at ``at``, which
      uses one. An order whose redemption was released may redeem the coupon
      again: that is a new use, checked like any other, and its redemption
      replaces the released one.
    * :meth:`release` ends an order's active redemption and gives its use
      back (an order canceled before payment). It returns ``True`` if it did,
      ``False`` if the order had no active redemption of the coupon (none at
      all, or released already): releasing twice releases once.
    * :meth:`uses` counts the coupon's active redemptions; :meth:`uses_by`
      those of one customer.
    * Nothing is visible to other units of work before the commit; leaving
      the block without a commit undoes the redemptions and releases in it.
    """

    def add(self, coupon: Coupon) -> None:
        """Store a new coupon."""
        ...

    def get(self, code: str) -> Coupon:
        """Return the coupon with this code."""
        ...

    def save(self, coupon: Coupon) -> None:
        """Store a coupon's changed terms, if nobody else changed them first."""
        ...

    def redeem(
        self, code: str, *, order_id: str, customer: str, at: datetime
    ) -> CouponRedemption:
        """Use the coupon for an order, if its window and limits allow it.

        Raises:
            CouponUnavailableError: if the window or a limit refuses it.
            NotFoundError: for an unknown code.
            DuplicateError: if the order redeemed it already for another
                customer.
        """
        ...

    def release(self, code: str, order_id: str) -> bool:
        """Give back the use of an order's redemption; whether there was one."""
        ...

    def uses(self, code: str) -> int:
        """How many active redemptions the coupon has."""
        ...

    def uses_by(self, code: str, customer: str) -> int:
        """How many active redemptions of the coupon are ``customer``'s."""
        ...


class PromotionsUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that has the promotions context's stores.

    ``promotions`` keeps the promotions and their budgets; ``coupons`` the
    coupons and their redemptions. Both take part in the one transaction.
    """

    promotions: PromotionRepository
    coupons: CouponUsage
