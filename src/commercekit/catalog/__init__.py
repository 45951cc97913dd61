"""The catalog: products, their variants, and the texts and codes they carry.

The first step of a purchase: what the shop sells. A :class:`Product` (the
white "Nordlicht" sneaker) has :class:`Variant` objects (size 42, size 43),
each with its own SKU, GTIN, weight, tax category, cost price and return
eligibility. Products are stored through a :class:`ProductRepository`, which
every adapter family provides.
"""

from commercekit.catalog._csv import ImportReport, Rejection
from commercekit.catalog._csv_read import import_products
from commercekit.catalog._csv_write import export_products
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
from commercekit.catalog._search import (
    MAX_PER_PAGE,
    MAX_SEARCH_WORDS,
    PriceLookup,
    ProductHit,
    ProductSearch,
    SearchQuery,
    SearchResult,
    Sort,
    fold,
    search_terms,
)
from commercekit.catalog._search_rules import (
    SearchDocument,
    build_result,
    checked_product_ids,
    documents_for,
    index_batches,
    matches,
    relevance,
)
from commercekit.catalog._service import Suggestion, related_variants

__all__ = [
    "MAX_PER_PAGE",
    "MAX_SEARCH_WORDS",
    "Availability",
    "CatalogUnitOfWork",
    "ImportReport",
    "LocalizedText",
    "NonReturnableReason",
    "PriceLookup",
    "Product",
    "ProductHit",
    "ProductId",
    "ProductRepository",
    "ProductSearch",
    "Rejection",
    "SearchDocument",
    "SearchQuery",
    "SearchResult",
    "Sort",
    "Suggestion",
    "Variant",
    "build_result",
    "checked_product_ids",
    "documents_for",
    "export_products",
    "fold",
    "gtin",
    "import_products",
    "index_batches",
    "matches",
    "related_variants",
    "relevance",
    "search_terms",
]
