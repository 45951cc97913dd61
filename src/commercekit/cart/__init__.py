"""The cart: what a customer is about to buy, and what they keep for later.

* a :class:`Cart` holds :class:`CartLine` objects (catalog SKUs, and custom
  lines such as gift wrap with their own price and tax category), the applied
  coupon codes, the chosen shipping and payment methods and the shipping and
  billing addresses, in one currency and locale; its methods check each
  change against the merchant's :class:`CartSettings` and refuse with
  :class:`CartLimitError` or :class:`CartLineNotFoundError`;
* :meth:`Cart.merge` merges a guest's cart into the customer's on login and
  explains the result in a :class:`MergeReport`;
* :meth:`Cart.to_line_items` turns the lines into pricing's
  :class:`~commercekit.pricing.LineItem` objects;
* a :class:`Wishlist` keeps a customer's SKUs for later and never expires;
  :func:`save_for_later` and :func:`move_to_cart` move lines between the two;
* the aggregates record domain events (:class:`CartLineAdded`,
  :class:`CartsMerged`, :class:`LineSavedForLater`, ...) that carry ids,
  SKUs and quantities, never personal data;
* :class:`CartRepository` and :class:`WishlistRepository` store them, in a
  :class:`CartUnitOfWork`.
"""

from commercekit.cart._errors import (
    CartLimitError,
    CartLineNotFoundError,
    CustomLineNotMovableError,
    ProductUnavailableError,
    WishlistItemNotFoundError,
    WishlistLimitError,
)
from commercekit.cart._events import (
    CartExpired,
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CartsMerged,
    CheckoutStarted,
    CouponApplied,
    CouponRemoved,
    LineMovedToCart,
    LineSavedForLater,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
)
from commercekit.cart._merge import MergedLine, MergeOutcome, MergeReport
from commercekit.cart._model import Cart
from commercekit.cart._ports import (
    CartRepository,
    CartUnitOfWork,
    WishlistRepository,
)
from commercekit.cart._pricing import (
    CartPrice,
    CartPricingSettings,
    CartPricingUnitOfWork,
    FrozenPrice,
    PriceModeMismatchError,
    cart_fingerprint,
    price_cart,
)
from commercekit.cart._service import (
    LoginResult,
    add_to_cart,
    log_in,
    start_checkout,
    sweep_expired_carts,
)
from commercekit.cart._validation import (
    Alternative,
    CartCheckUnitOfWork,
    CartProblem,
    CartValidation,
    ProblemCode,
    Relation,
    validate_cart,
)
from commercekit.cart._values import (
    CartId,
    CartLine,
    CartSettings,
    WishlistId,
    cart_id,
    wishlist_id,
)
from commercekit.cart._wishlist import (
    Wishlist,
    WishlistItem,
    move_to_cart,
    save_for_later,
)

__all__ = [
    "Alternative",
    "Cart",
    "CartCheckUnitOfWork",
    "CartExpired",
    "CartId",
    "CartLimitError",
    "CartLine",
    "CartLineAdded",
    "CartLineNotFoundError",
    "CartLineRemoved",
    "CartPrice",
    "CartPricingSettings",
    "CartPricingUnitOfWork",
    "CartProblem",
    "CartQuantityChanged",
    "CartRepository",
    "CartSettings",
    "CartUnitOfWork",
    "CartValidation",
    "CartsMerged",
    "CheckoutStarted",
    "CouponApplied",
    "CouponRemoved",
    "CustomLineNotMovableError",
    "FrozenPrice",
    "LineMovedToCart",
    "LineSavedForLater",
    "LoginResult",
    "MergeOutcome",
    "MergeReport",
    "MergedLine",
    "PriceModeMismatchError",
    "ProblemCode",
    "ProductUnavailableError",
    "Relation",
    "Wishlist",
    "WishlistId",
    "WishlistItem",
    "WishlistItemAdded",
    "WishlistItemNotFoundError",
    "WishlistItemRemoved",
    "WishlistLimitError",
    "WishlistRepository",
    "WishlistsMerged",
    "add_to_cart",
    "cart_fingerprint",
    "cart_id",
    "log_in",
    "move_to_cart",
    "price_cart",
    "save_for_later",
    "start_checkout",
    "sweep_expired_carts",
    "validate_cart",
    "wishlist_id",
]
