"""The in-memory product search."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from commercekit.catalog import (
    Availability,
    PriceLookup,
    Product,
    ProductId,
    ProductSearch,
    SearchDocument,
    SearchQuery,
    SearchResult,
    build_result,
    documents_for,
)
from commercekit.errors import ValidationError
from commercekit.values import Sku

__all__ = ["InMemoryProductSearch"]


class InMemoryProductSearch(ProductSearch):
    """Product search over documents kept in process memory.

    Every search checks every indexed variant with the catalog's own
    :func:`~commercekit.catalog.build_result`: no index structures, so it
    suits tests and small catalogs, and it is the reference the other
    adapters are held to. Safe to share between threads; nothing is global.

    Args:
        availability: Tells which SKUs are in stock, for ``in_stock_only``.
    """

    def __init__(self, availability: Availability | None = None) -> None:
        self._availability = availability
        self._lock = threading.Lock()
        self._products: dict[ProductId, tuple[SearchDocument, ...]] = {}
        self._owners: dict[Sku, ProductId] = {}

    def index(
        self, products: Iterable[Product], *, prices: PriceLookup | None = None
    ) -> None:
        """Add or replace the products' entries, with their prices if given."""
        if isinstance(products, Product):
            msg = "pass a list of products, not a single Product"
            raise ValidationError(msg, field="products")
        batches: list[tuple[ProductId, tuple[SearchDocument, ...]]] = []
        for product in products:
            documents = documents_for(product, prices)  # checks before writing
            batches.append((product.product_id, documents))
        with self._lock:
            for product_id, documents in batches:
                self._drop(product_id)
                for document in documents:
                    self._release(document.sku)
                    self._owners[document.sku] = product_id
                if documents:
                    self._products[product_id] = documents

    def _drop(self, product_id: ProductId) -> None:
        for document in self._products.pop(product_id, ()):
            del self._owners[document.sku]

    def _release(self, sku: Sku) -> None:
        """Take a SKU away from the product indexed with it before."""
        owner = self._owners.pop(sku, None)
        if owner is None:
            return
        kept = tuple(d for d in self._products[owner] if d.sku != sku)
        if kept:
            self._products[owner] = kept
        else:
            del self._products[owner]

    def remove(self, product_ids: Iterable[ProductId]) -> None:
        """Remove products from the index; unknown ids are ignored."""
        given: object = product_ids  # checked at run time too, for untyped callers
        if isinstance(given, str):
            msg = f"pass a list of product ids, not the single id {given!r}"
            raise ValidationError(msg, field="product_ids")
        ids: list[object] = list(product_ids)
        for product_id in ids:
            if not isinstance(product_id, str):
                msg = f"product ids are text, not {product_id!r}"
                raise ValidationError(msg, field="product_ids")
        with self._lock:
            for product_id in ids:
                self._drop(ProductId(str(product_id)))

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of products that ``query`` asks for."""
        with self._lock:
            documents = [d for docs in self._products.values() for d in docs]
        return build_result(query, documents, availability=self._availability)
