"""Promotions and coupons: conditions, actions, stacking, and coupon redemption.

Promotions fill the discount columns of the price breakdown
(:mod:`commercekit.pricing`): :func:`apply_promotions` reads a cart's lines
and gives discounts, free shipping or gift lines, by rules kept as data
(:class:`Promotion`, its conditions and its action) so that an application
can store and edit them, and explains what applied and what did not.
:class:`Coupon` codes unlock promotions; a :class:`CouponUsage` store counts
their redemptions atomically, so no coupon is used more often than it may.
"""

from commercekit.promotions._coupon_ports import CouponUsage, PromotionsUnitOfWork
from commercekit.promotions._coupons import (
    SAFE_ALPHABET,
    Coupon,
    CouponRedemption,
    generate_codes,
    normalize_code,
)
from commercekit.promotions._engine import apply_promotions
from commercekit.promotions._errors import (
    COUPON_RULES,
    CouponUnavailableError,
    PromotionBudgetExceededError,
)
from commercekit.promotions._model import (
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
    FreeGift,
    FreeShipping,
    ItemFacts,
    MinQuantity,
    MinSubtotal,
    PercentOff,
    PercentOffCheapest,
    Promotion,
    PromotionId,
    Scope,
    SpendTier,
    SpendTiers,
)
from commercekit.promotions._ports import PromotionRepository, StoredPromotion
from commercekit.promotions._result import (
    AppliedPromotion,
    NotApplied,
    PromotionContext,
    PromotionResult,
    Reason,
    Threshold,
)
from commercekit.promotions._serialization import register_promotion_hooks
from commercekit.promotions._service import CouponCheck, check_coupons

__all__ = [
    "COUPON_RULES",
    "SAFE_ALPHABET",
    "AmountOff",
    "AmountOffPerUnit",
    "AppliedPromotion",
    "BundlePrice",
    "BuyXGetY",
    "Coupon",
    "CouponCheck",
    "CouponRedemption",
    "CouponUnavailableError",
    "CouponUsage",
    "FreeGift",
    "FreeShipping",
    "ItemFacts",
    "MinQuantity",
    "MinSubtotal",
    "NotApplied",
    "PercentOff",
    "PercentOffCheapest",
    "Promotion",
    "PromotionBudgetExceededError",
    "PromotionContext",
    "PromotionId",
    "PromotionRepository",
    "PromotionResult",
    "PromotionsUnitOfWork",
    "Reason",
    "Scope",
    "SpendTier",
    "SpendTiers",
    "StoredPromotion",
    "Threshold",
    "apply_promotions",
    "check_coupons",
    "generate_codes",
    "normalize_code",
    "register_promotion_hooks",
]
