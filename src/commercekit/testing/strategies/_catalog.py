"""Strategies for the catalog: GTINs, texts, variants, products and search queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st
from stdnum import ean

from commercekit.catalog import (
    LocalizedText,
    NonReturnableReason,
    Product,
    ProductId,
    SearchQuery,
    Sort,
    Variant,
)
from commercekit.testing.strategies._money import money, skus
from commercekit.values import Sku, TaxCategory

__all__ = [
    "gtins",
    "localized_texts",
    "products",
    "search_queries",
    "variants",
]


def gtins() -> st.SearchStrategy[str]:
    """Draw GTINs with a correct check digit: EAN-8, UPC-A or EAN-13."""
    return st.sampled_from([7, 11, 12]).flatmap(
        lambda size: st.text("0123456789", min_size=size, max_size=size).map(
            lambda digits: digits + ean.calc_check_digit(digits)
        )
    )


_WORDS = st.sampled_from(
    ["Sneaker", "weiß", "grün", "Größe", "Leder", "blue", "Café", "classic", "Öko"]
)


def localized_texts() -> st.SearchStrategy[LocalizedText]:
    """Draw texts of a few words, with translations for some locales."""
    words = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
    return st.builds(
        LocalizedText,
        words,
        st.dictionaries(st.sampled_from(["en", "fr", "de_AT"]), words, max_size=2),
    )


_OPTIONS = st.dictionaries(
    st.sampled_from(["color", "size", "width"]),
    st.sampled_from(["white", "black", "grün", "41", "42", "43", "wide"]),
    max_size=3,
)


def variants(sku: st.SearchStrategy[Sku] | None = None) -> st.SearchStrategy[Variant]:
    """Draw variants with every field filled in some of the time."""
    return st.builds(
        Variant,
        sku=skus() if sku is None else sku,
        options=_OPTIONS,
        gtin=st.none() | gtins(),
        weight_grams=st.integers(0, 50_000),
        tax_category=st.sampled_from(TaxCategory),
        cost_price=st.none() | money("EUR", min_value=0, max_value=10_000),
        not_returnable=st.none() | st.sampled_from(NonReturnableReason),
    )


def products() -> st.SearchStrategy[Product]:
    """Draw products with up to four variants of distinct SKUs."""
    return st.builds(
        Product,
        product_id=st.text("abcdef0123456789-", min_size=1, max_size=12).map(ProductId),
        name=localized_texts(),
        description=localized_texts(),
        brand=st.sampled_from(["", "Nordlicht", "Südwind"]),
        categories=st.lists(
            st.sampled_from(["shoes", "shoes/sneakers", "bags"]), max_size=2
        ),
        attributes=st.dictionaries(
            st.sampled_from(["material", "sole"]),
            st.sampled_from(["leather", "rubber", "Öko-Baumwolle"]),
            max_size=2,
        ),
        variants=st.lists(variants(), max_size=4, unique_by=lambda v: v.sku),
        related=st.lists(st.sampled_from(["p-1", "p-2"]).map(ProductId), max_size=2),
        active=st.booleans(),
        created_at=st.integers(0, 10 * 365 * 24 * 3600).map(
            lambda seconds: (
                datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
            )
        ),
    )


_QUERY_WORDS = st.sampled_from(
    [
        "sneaker",
        "weiße",
        "WEISSE",
        "grün",
        "gruen",
        "leder",
        "socken",
        "Nordlicht",
        "südwind",
        "size:42",
        '"',
        "*",
        "schuh",
        "canvas",
    ]
)


def search_queries(currency: str = "EUR") -> st.SearchStrategy[SearchQuery]:
    """Draw valid search queries over the words of a shoe shop.

    Queries have up to three words (some with umlauts, some stray syntax such
    as ``size:42`` or ``"``), option filters, a category, price bounds in
    ``currency``, any sort, in-stock-only or not, and pages. The vocabulary
    fits the catalog of ``commercekit.testing.contracts.sample_catalog``, so
    many queries find something.
    """
    bounds = st.tuples(
        st.none() | money(currency, min_value=0, max_value=100),
        st.none() | money(currency, min_value=0, max_value=100),
    ).map(lambda pair: sorted(pair, key=lambda m: (m is None, m.amount if m else 0)))
    return st.builds(
        lambda words, options, category, price, sort, stock, page, per_page: (
            SearchQuery(
                text=" ".join(words),
                options=options,
                category=category,
                currency=currency,
                min_price=price[0],
                max_price=price[1],
                sort=sort,
                in_stock_only=stock,
                page=page,
                per_page=per_page,
            )
        ),
        st.lists(_QUERY_WORDS, max_size=3),
        st.dictionaries(
            st.sampled_from(["color", "size", "material"]),
            st.frozensets(
                st.sampled_from(["weiß", "grün", "schwarz", "41", "42", "Leder"]),
                min_size=1,
                max_size=2,
            ),
            max_size=2,
        ),
        st.none() | st.sampled_from(["shoes", "shoes/sneakers", "clothing", "sale"]),
        bounds,
        st.sampled_from(Sort),
        st.booleans(),
        st.integers(1, 3),
        st.integers(1, 4),
    )
