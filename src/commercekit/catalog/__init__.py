"""The catalog: products, their variants, and the texts and codes they carry.

The first step of a purchase: what the shop sells. A :class:`Product` (the
white "Nordlicht" sneaker) has :class:`Variant` objects (size 42, size 43),
each with its own SKU, GTIN, weight, tax category, cost price and return
eligibility. Products are stored through a :class:`ProductRepository`, which
every adapter family provides.
"""

from commercekit.catalog._model import (
    LocalizedText,
    NonReturnableReason,
    Product,
    ProductId,
    Variant,
    gtin,
)
from commercekit.catalog._ports import (
    Availability,
    CatalogUnitOfWork,
    ProductRepository,
)
from commercekit.catalog._service import Suggestion, related_variants

__all__ = [
    "Availability",
    "CatalogUnitOfWork",
    "LocalizedText",
    "NonReturnableReason",
    "Product",
    "ProductId",
    "ProductRepository",
    "Suggestion",
    "Variant",
    "gtin",
    "related_variants",
]
