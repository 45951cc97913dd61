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
    checked_product_ids,
    index_batches,
)
from commercekit.values import Sku

__all__ = ["InMemoryProductSearch"]


class InMemoryProductSearch(ProductSearch):
    """Product search over documents kept in process memory.

    Two inverted indexes (folded word → SKUs, option or attribute value →
    SKUs) narrow a query with words or value filters to the variants that
    have them; the catalog's own :func:`~commercekit.catalog.build_result`
    then checks every candidate against the whole query, so the indexes only
    ever save work and never change a result. Safe to share between threads;
    nothing is global.

    Args:
        availability: Tells which SKUs are in stock, for ``in_stock_only``.
    """

    def __init__(self, availability: Availability | None = None) -> None:
        self._availability = availability
        self._lock = threading.Lock()
        self._products: dict[ProductId, tuple[SearchDocument, ...]] = {}
        self._owners: dict[Sku, ProductId] = {}
        self._documents: dict[Sku, SearchDocument] = {}
        self._by_word: dict[str, set[Sku]] = {}
        self._by_value: dict[tuple[str, str], set[Sku]] = {}

    def index(
        self, products: Iterable[Product], *, prices: PriceLookup | None = None
    ) -> None:
        """Add or replace the products' entries, with their prices if given."""
        batches = index_batches(products, prices)  # checks before writing
        with self._lock:
            for product_id, documents in batches:
                self._drop(product_id)
                for document in documents:
                    self._release(document.sku)
                    self._owners[document.sku] = product_id
                    self._add_postings(document)
                if documents:
                    self._products[product_id] = documents

    def _postings(self, document: SearchDocument) -> Iterable[set[Sku]]:
        for word in document.words:
            yield self._by_word.setdefault(word, set())
        for key, values in document.values.items():
            for value in values:
                yield self._by_value.setdefault((key, value), set())

    def _add_postings(self, document: SearchDocument) -> None:
        self._documents[document.sku] = document
        for skus in self._postings(document):
            skus.add(document.sku)

    def _remove_postings(self, document: SearchDocument) -> None:
        del self._documents[document.sku]
        for skus in self._postings(document):
            skus.discard(document.sku)

    def _drop(self, product_id: ProductId) -> None:
        for document in self._products.pop(product_id, ()):
            del self._owners[document.sku]
            self._remove_postings(document)

    def _release(self, sku: Sku) -> None:
        """Take a SKU away from the product indexed with it before."""
        owner = self._owners.pop(sku, None)
        if owner is None:
            return
        self._remove_postings(self._documents[sku])
        kept = tuple(d for d in self._products[owner] if d.sku != sku)
        if kept:
            self._products[owner] = kept
        else:
            del self._products[owner]

    def remove(self, product_ids: Iterable[ProductId]) -> None:
        """Remove products from the index; unknown ids are ignored."""
        ids = checked_product_ids(product_ids)
        with self._lock:
            for product_id in ids:
                self._drop(product_id)

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of products that ``query`` asks for."""
        given: object = query  # checked at run time too, for untyped callers
        if not isinstance(given, SearchQuery):
            return build_result(
                query, (), availability=self._availability
            )  # refuses it
        with self._lock:
            candidates = self._candidates(query)
            documents = (
                list(self._documents.values())
                if candidates is None
                else [self._documents[code] for code in candidates]
            )
        return build_result(query, documents, availability=self._availability)

    def _candidates(self, query: SearchQuery) -> set[Sku] | None:
        """The SKUs that have every query word and a wanted value of every filter.

        ``None`` when the query has neither words nor value filters (every
        variant is a candidate). Smallest sets are intersected first.
        """
        groups: list[set[Sku]] = [
            set().union(*(self._by_word.get(form, set()) for form in forms))
            for forms in query.terms
        ]
        groups.extend(
            set().union(*(self._by_value.get((key, value), set()) for value in wanted))
            for key, wanted in query.options.items()
        )
        if not groups:
            return None
        groups.sort(key=len)
        found = set(groups[0])
        for group in groups[1:]:
            found &= group
            if not found:
                break
        return found
