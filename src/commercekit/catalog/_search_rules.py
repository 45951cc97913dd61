"""The pure rules of catalog search that every adapter shares.

:func:`documents_for` turns a product into one :class:`SearchDocument` per
variant, :func:`matches` and :func:`relevance` judge a document against a
query, and :func:`build_result` filters, ranks, pages and counts them. An
adapter finds candidates its own way (a dict scan, an FTS5 index) and hands
them to :func:`build_result`, so every adapter gives the same ids, totals and
facet counts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime

import attrs

from commercekit.catalog._model import Product, ProductId
from commercekit.catalog._ports import Availability
from commercekit.catalog._search import (
    _EPOCH,
    PriceLookup,
    ProductHit,
    SearchQuery,
    SearchResult,
    Sort,
    _invalid,
    _money,
    fold,
)
from commercekit.errors import UsageError
from commercekit.money import Money
from commercekit.values import FrozenMap, Sku

__all__ = [
    "SearchDocument",
    "build_result",
    "checked_product_ids",
    "documents_for",
    "index_batches",
    "matches",
    "relevance",
]


@attrs.frozen(kw_only=True)
class SearchDocument:
    """What search knows of one variant: its words, values, prices, categories.

    Args:
        sku: The variant's SKU.
        product_id: Its product.
        position: Its place among the product's variants.
        name: The product's default name.
        brand: The product's brand.
        created_at: When the product entered the catalog.
        categories: The product's categories.
        values: Option and attribute names to the variant's values.
        prices: Currency codes to the variant's prices.
        name_words: The folded words of every name of the product.
        brand_words: The folded words of the brand.
        other_words: The folded words of descriptions and of values.
    """

    sku: Sku
    product_id: ProductId
    position: int
    name: str
    brand: str
    created_at: datetime
    categories: tuple[str, ...]
    values: Mapping[str, frozenset[str]]
    prices: Mapping[str, Money]
    name_words: frozenset[str]
    brand_words: frozenset[str]
    other_words: frozenset[str]
    words: frozenset[str] = attrs.field(init=False, eq=False, repr=False)

    @words.default
    def _all_words(self) -> frozenset[str]:
        return self.name_words | self.brand_words | self.other_words


def _prices(code: Sku, lookup: PriceLookup | None) -> Mapping[str, Money]:
    found: dict[str, Money] = {}
    for item in lookup(code) if lookup else ():
        price = _money(item, "prices")
        if price.currency.code in found:
            msg = f"SKU {code!r} has two prices in {price.currency.code}: give one"
            raise _invalid("prices", msg)
        found[price.currency.code] = price
    return FrozenMap(found)


def documents_for(
    product: Product, prices: PriceLookup | None = None
) -> tuple[SearchDocument, ...]:
    """The search documents of a product: one per variant, none if inactive.

    Raises:
        ValidationError: if ``product`` is not a :class:`Product`, or a SKU
            has more than one price in a currency.
    """
    if not isinstance(product, Product):
        raise _invalid("products", f"expected a Product, not {product!r}")
    if not product.active:
        return ()
    name_words = frozenset(fold(" ".join(product.name.all_texts())))
    brand_words = frozenset(fold(product.brand))
    shared = (*product.description.all_texts(), *product.attributes.values())
    shared_words = frozenset(fold(" ".join(shared)))
    documents = []
    for position, variant in enumerate(product.variants):
        values = {key: {value} for key, value in product.attributes.items()}
        for key, value in variant.options.items():
            values.setdefault(key, set()).add(value)
        documents.append(
            SearchDocument(
                sku=variant.sku,
                product_id=product.product_id,
                position=position,
                name=product.name.text,
                brand=product.brand,
                created_at=product.created_at,
                categories=product.categories,
                values=FrozenMap({k: frozenset(v) for k, v in values.items()}),
                prices=_prices(variant.sku, prices),
                name_words=name_words,
                brand_words=brand_words,
                other_words=shared_words
                | frozenset(fold(" ".join(variant.options.values()))),
            )
        )
    return tuple(documents)


def matches(
    document: SearchDocument, query: SearchQuery, terms: Iterable[Collection[str]]
) -> bool:
    """Whether a document meets the query's words and filters (not stock).

    Every term (a word's forms) must have a form among the document's words.
    """
    if not all(not document.words.isdisjoint(forms) for forms in terms):
        return False
    for key, wanted in query.options.items():
        if document.values.get(key, frozenset()).isdisjoint(wanted):
            return False
    if query.category is not None:
        below = query.category + "/"
        if not any(
            c == query.category or c.startswith(below) for c in document.categories
        ):
            return False
    if query.min_price is None and query.max_price is None:
        return True
    price = document.prices.get(query.currency or "")
    return not (
        price is None
        or (query.min_price is not None and price.amount < query.min_price.amount)
        or (query.max_price is not None and price.amount > query.max_price.amount)
    )


def relevance(terms: Iterable[Collection[str]], document: SearchDocument) -> int:
    """Score a match: per term 3 if in a name, else 2 if in the brand, else 1."""
    score = 0
    for forms in terms:
        if not document.name_words.isdisjoint(forms):
            score += 3
        elif not document.brand_words.isdisjoint(forms):
            score += 2
        else:
            score += 1
    return score


def _hit(documents: list[SearchDocument], currency: str) -> ProductHit:
    first = documents[0]
    prices = [d.prices[currency] for d in documents if currency in d.prices]
    return ProductHit(
        product_id=first.product_id,
        name=first.name,
        brand=first.brand,
        skus=tuple(d.sku for d in documents),
        price_from=min(prices, key=lambda p: p.amount) if prices else None,
    )


def _order(
    query: SearchQuery, terms: tuple[tuple[str, ...], ...]
) -> Callable[[tuple[ProductHit, list[SearchDocument]]], tuple[object, ...]]:
    def key(item: tuple[ProductHit, list[SearchDocument]]) -> tuple[object, ...]:
        hit, documents = item
        last = (hit.name.casefold(), hit.product_id)
        price = hit.price_from
        if query.sort in {Sort.PRICE_ASC, Sort.PRICE_DESC}:
            amount = 0 if price is None else price.amount
            signed = amount if query.sort is Sort.PRICE_ASC else -amount
            return (price is None, signed, *last)
        if query.sort is Sort.NEWEST:
            return (-(documents[0].created_at - _EPOCH), hit.product_id)
        if query.sort is Sort.RELEVANCE and terms:
            return (-max(relevance(terms, d) for d in documents), *last)
        return last

    return key


def build_result(
    query: SearchQuery,
    candidates: Iterable[SearchDocument],
    *,
    availability: Availability | None = None,
) -> SearchResult:
    """Filter candidate documents by the query, rank, page and count them.

    Candidates may be more than the matches (an adapter's pre-selection):
    each is checked with :func:`matches`, then for stock.

    Raises:
        ValidationError: if ``query`` is not a :class:`SearchQuery`.
        UsageError: for ``in_stock_only`` without an ``availability``.
    """
    if not isinstance(query, SearchQuery):
        raise _invalid("query", f"expected a SearchQuery, not {query!r}")
    if query.in_stock_only and availability is None:
        msg = "in_stock_only needs an Availability: pass one to the search adapter"
        raise UsageError(msg)
    terms = query.terms
    found = [d for d in candidates if matches(d, query, terms)]
    if query.in_stock_only and availability is not None and found:
        stocked = availability.in_stock(tuple(sorted({d.sku for d in found})))
        found = [d for d in found if d.sku in stocked]
    by_product: dict[ProductId, list[SearchDocument]] = {}
    for document in sorted(found, key=lambda d: (d.product_id, d.position)):
        by_product.setdefault(document.product_id, []).append(document)
    ranked = sorted(
        ((_hit(docs, query.currency or ""), docs) for docs in by_product.values()),
        key=_order(query, terms),
    )
    counts: dict[str, dict[str, set[ProductId]]] = {}
    for document in found:
        for key, values in document.values.items():
            for value in values:
                counts.setdefault(key, {}).setdefault(value, set()).add(
                    document.product_id
                )
    start = (query.page - 1) * query.per_page
    return SearchResult(
        hits=tuple(hit for hit, _ in ranked[start : start + query.per_page]),
        total=len(ranked),
        page=query.page,
        per_page=query.per_page,
        facets=FrozenMap(
            {
                key: FrozenMap({v: len(p) for v, p in sorted(values.items())})
                for key, values in sorted(counts.items())
            }
        ),
    )


def index_batches(
    products: Iterable[Product], prices: PriceLookup | None
) -> list[tuple[ProductId, tuple[SearchDocument, ...]]]:
    """Turn the products of an ``index`` call into documents, checking all first.

    Every adapter calls it before writing anything, so one bad product or
    price refuses the whole call.

    Raises:
        ValidationError: for a single Product instead of a list, or bad prices.
    """
    if isinstance(products, Product):
        msg = "pass a list of products, not a single Product"
        raise _invalid("products", msg)
    batches = []
    for product in products:
        documents = documents_for(product, prices)  # refuses what is no Product
        batches.append((product.product_id, documents))
    return batches


def checked_product_ids(product_ids: Iterable[ProductId]) -> list[ProductId]:
    """Check the ids of a ``remove`` call: a list of texts, not one text.

    Raises:
        ValidationError: for a single string or an id that is not text.
    """
    given: object = product_ids  # checked at run time too, for untyped callers
    if isinstance(given, str):
        msg = f"pass a list of product ids, not the single id {given!r}"
        raise _invalid("product_ids", msg)
    ids: list[object] = list(product_ids)
    for product_id in ids:
        if not isinstance(product_id, str):
            raise _invalid("product_ids", f"product ids are text, not {product_id!r}")
    return [ProductId(str(product_id)) for product_id in ids]
