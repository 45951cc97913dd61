"""Use cases of promotions that read the coupon store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from commercekit.errors import NotFoundError, ValidationError
from commercekit.promotions._coupon_ports import PromotionsUnitOfWork
from commercekit.promotions._coupons import normalize_code
from commercekit.promotions._errors import CouponUnavailableError
from commercekit.values import as_utc

__all__ = ["CouponCheck", "check_coupons"]


@attrs.frozen(kw_only=True)
class CouponCheck:
    """What a cart's coupon codes are worth right now.

    Args:
        usable: The codes that may be used (normalized), in the order given.
        refused: Each refused code (as entered) with the reason: one of the
            rules of :data:`~commercekit.promotions.COUPON_RULES`, or
            ``"coupon_unknown"``.
    """

    usable: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]


def check_coupons(
    codes: Iterable[str],
    *,
    uow: PromotionsUnitOfWork,
    customer: str | None,
    at: datetime,
) -> CouponCheck:
    """Check coupon codes for a cart before checkout, without using them.

    A code is usable when its coupon exists, its window holds ``at``, and
    its limits in total and for ``customer`` (if known) leave a use. The
    check reserves nothing: the redemption at order placement
    (:meth:`CouponUsage.redeem <commercekit.promotions.CouponUsage.redeem>`)
    decides, atomically. Pass its ``usable`` codes to
    :class:`~commercekit.promotions.PromotionContext`, and show the refusals.

    A code that cannot be one (a blank, a space inside) is refused as
    ``"coupon_unknown"``; a code entered twice counts once.

    Raises:
        ValidationError: for a code that is not text, or a naive ``at``.
    """
    instant = as_utc(at, field="at")
    given: object = codes  # checked at run time too, for untyped callers
    if isinstance(given, str) or not isinstance(given, Iterable):
        msg = f"pass a list of coupon codes, not {given!r}"
        raise ValidationError(msg, field="codes")
    usable: list[str] = []
    refused: list[tuple[str, str]] = []
    seen: set[str] = set()
    with uow:
        entries: Iterable[object] = codes
        for entered in entries:
            if not isinstance(entered, str):
                msg = f"a coupon code is text, not {entered!r}"
                raise ValidationError(msg, field="codes")
            try:
                code = normalize_code(entered)
            except ValidationError:
                refused.append((entered, "coupon_unknown"))
                continue
            if code in seen:
                continue
            seen.add(code)
            try:
                coupon = uow.coupons.get(code)
                coupon.check_usable(instant)
            except NotFoundError:
                refused.append((entered, "coupon_unknown"))
                continue
            except CouponUnavailableError as error:
                refused.append((entered, error.rule))
                continue
            limit = coupon.usage_limit
            if limit is not None and uow.coupons.uses(code) >= limit:
                refused.append((entered, "coupon_used_up"))
                continue
            per_customer = coupon.per_customer_limit
            if (
                customer is not None
                and per_customer is not None
                and uow.coupons.uses_by(code, customer) >= per_customer
            ):
                refused.append((entered, "coupon_customer_limit"))
                continue
            usable.append(code)
    return CouponCheck(usable=tuple(usable), refused=tuple(refused))
