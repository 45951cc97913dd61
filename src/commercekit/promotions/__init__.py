"""Promotions and coupons: conditions, actions, stacking, and coupon redemption.

Promotions fill the discount columns of the price breakdown
(:mod:`commercekit.pricing`): :func:`apply_promotions` reads a cart's lines
and gives discounts, free shipping or gift lines, by rules kept as data
(:class:`Promotion`, its conditions and its action) so that an application
can store and edit them, and explains what applied and what did not.
"""

from commercekit.promotions._engine import (
    AppliedPromotion,
    NotApplied,
    PromotionContext,
    PromotionResult,
    Reason,
    Threshold,
    apply_promotions,
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

__all__ = [
    "AmountOff",
    "AmountOffPerUnit",
    "AppliedPromotion",
    "BundlePrice",
    "BuyXGetY",
    "FreeGift",
    "FreeShipping",
    "ItemFacts",
    "MinQuantity",
    "MinSubtotal",
    "NotApplied",
    "PercentOff",
    "PercentOffCheapest",
    "Promotion",
    "PromotionContext",
    "PromotionId",
    "PromotionResult",
    "Reason",
    "Scope",
    "SpendTier",
    "SpendTiers",
    "Threshold",
    "apply_promotions",
]
