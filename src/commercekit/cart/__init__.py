"""The cart: what a customer is about to buy, and the merge of a guest cart.

* a :class:`Cart` holds :class:`CartLine` objects (catalog SKUs, and custom
  lines such as gift wrap with their own price and tax category), the applied
  coupon codes and the chosen shipping and payment methods, in one currency
  and locale; its methods check each change against the merchant's
  :class:`CartSettings` and refuse with :class:`CartLimitError` or
  :class:`CartLineNotFoundError`;
* :meth:`Cart.merge` merges a guest's cart into the customer's on login and
  explains the result in a :class:`MergeReport`;
* :meth:`Cart.to_line_items` turns the lines into pricing's
  :class:`~commercekit.pricing.LineItem` objects.
"""

from commercekit.cart._errors import CartLimitError, CartLineNotFoundError
from commercekit.cart._merge import MergedLine, MergeOutcome, MergeReport
from commercekit.cart._model import Cart
from commercekit.cart._values import CartId, CartLine, CartSettings, cart_id

__all__ = [
    "Cart",
    "CartId",
    "CartLimitError",
    "CartLine",
    "CartLineNotFoundError",
    "CartSettings",
    "MergeOutcome",
    "MergeReport",
    "MergedLine",
    "cart_id",
]
