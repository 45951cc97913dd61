"""Promotions and coupons: conditions, actions, stacking, and coupon redemption.

Promotions fill the discount columns of the price breakdown
(:mod:`commercekit.pricing`): they read a cart's lines and give discounts,
free shipping or gift lines, by rules kept as data so that an application can
store and edit them. Coupons unlock promotions; their redemption is counted
atomically through a :class:`CouponUsage` port.
"""

__all__: list[str] = []
