"""Catalog search: the folding of search text, queries, results and the port.

Every search adapter and every query folds text with :func:`fold`; the rules
that turn products into documents and documents into results live in
``_search_rules``.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Final, Protocol

import attrs
import moneyed

from commercekit.catalog._model import Product, ProductId
from commercekit.errors import CurrencyMismatchError, ValidationError
from commercekit.money import Money, as_money, get_currency
from commercekit.values import FrozenMap, Sku, positive_int

__all__ = [
    "MAX_PER_PAGE",
    "MAX_SEARCH_WORDS",
    "PriceLookup",
    "ProductHit",
    "ProductSearch",
    "SearchQuery",
    "SearchResult",
    "Sort",
    "fold",
    "search_terms",
]

MAX_SEARCH_WORDS: Final = 32
"""The most words a query's text may have."""

MAX_PER_PAGE: Final = 100
"""The most hits a page may have."""

# Runs of letters and digits, with the combining marks that decorate them.
_WORD: Final = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
_UMLAUTS: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# Letters whose mark NFKD does not split off, so they are spelled out here.
_LETTERS: Final = str.maketrans(
    {"æ": "ae", "œ": "oe", "þ": "th"} | dict(zip("đðħ\u0131łø", "ddhilo", strict=True))
)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def _strip(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.translate(_LETTERS)


def _word_forms(text: str) -> list[tuple[str, ...]]:
    # casefold() writes ß as ss; NFC then joins a decomposed ü back together.
    folded = unicodedata.normalize(
        "NFC", unicodedata.normalize("NFKC", text).casefold()
    )
    forms: list[tuple[str, ...]] = []
    for word in _WORD.findall(folded):
        plain = _strip(word)
        if not plain:
            continue  # marks without a letter
        if any(umlaut in word for umlaut in "äöü"):
            forms.append((plain, _strip(word.translate(_UMLAUTS))))
        else:
            forms.append((plain,))
    return forms


def fold(text: str) -> tuple[str, ...]:
    """Turn text into the words that search indexes and looks for.

    Words are runs of letters and digits (so ``size:42`` is ``size`` and
    ``42``), casefolded, ``ß`` as ``ss``, other marks stripped (``é`` as
    ``e``). A word with ``ä``, ``ö`` or ``ü`` gives two forms, without and
    with an ``e``. Every adapter and every query folds with this function.

    >>> fold("Grüne Sneaker, größe 42")
    ('grune', 'gruene', 'sneaker', 'grosse', 'groesse', '42')
    """
    return tuple(dict.fromkeys(f for forms in _word_forms(text) for f in forms))


def search_terms(text: str) -> tuple[tuple[str, ...], ...]:
    """The words of a query, each as its alternative forms; repeats dropped.

    >>> search_terms("Grüne Sneaker")
    (('grune', 'gruene'), ('sneaker',))
    """
    return tuple(dict.fromkeys(_word_forms(text)))


class Sort(enum.StrEnum):
    """The orders of search hits."""

    RELEVANCE = "relevance"
    """Best match first (by name for a query without text)."""
    PRICE_ASC = "price_asc"
    """Cheapest first; products without a price last."""
    PRICE_DESC = "price_desc"
    """Dearest first; products without a price last."""
    NAME = "name"
    """By the default name, casefolded."""
    NEWEST = "newest"
    """Newest in the catalog first."""


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, field=field)


def _money(value: object, field: str) -> Money:
    return as_money(value, field=field)


def _min_price(value: object) -> Money | None:
    return None if value is None else _money(value, "min_price")


def _max_price(value: object) -> Money | None:
    return None if value is None else _money(value, "max_price")


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _invalid("text", f"text must be a str, not {type(value).__name__}")
    if len(search_terms(value)) > MAX_SEARCH_WORDS:
        msg = f"text has more than {MAX_SEARCH_WORDS} words: shorten the query"
        raise _invalid("text", msg)
    return value


def _options(value: object) -> Mapping[str, frozenset[str]]:
    if not isinstance(value, Mapping):
        msg = f"options must map names to values, not {type(value).__name__}"
        raise _invalid("options", msg)
    checked: dict[str, frozenset[str]] = {}
    for key, wanted in value.items():
        try:
            values = frozenset([wanted] if isinstance(wanted, str) else wanted)
        except TypeError:
            values = frozenset([wanted])
        if not isinstance(key, str) or not all(isinstance(v, str) for v in values):
            raise _invalid("options", f"option names and values must be text: {key!r}")
        if not values:
            msg = f"option {key!r} has no values: leave it out to not filter by it"
            raise _invalid("options", msg)
        checked[key] = values
    return FrozenMap(checked)


def _currency(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | moneyed.Currency):
        raise _invalid("currency", f"currency must be a code such as 'EUR': {value!r}")
    return get_currency(value).code


def _category(value: object) -> str | None:
    if value is None or (isinstance(value, str) and value):
        return value
    raise _invalid("category", f"category must be a non-empty path, not {value!r}")


def _page(_: object, __: object, value: object) -> None:
    positive_int(value, field="page")


def _per_page(_: object, __: object, value: object) -> None:
    if positive_int(value, field="per_page") > MAX_PER_PAGE:
        msg = f"per_page must be at most {MAX_PER_PAGE}, not {value}"
        raise _invalid("per_page", msg)


def _sort(value: object) -> Sort:
    if isinstance(value, str) and value in {s.value for s in Sort}:
        return Sort(value)
    names = ", ".join(repr(s.value) for s in Sort)
    raise _invalid("sort", f"sort must be one of {names}, not {value!r}")


def _flag(_: object, attribute: object, value: object) -> None:
    if not isinstance(value, bool):
        raise _invalid("in_stock_only", f"in_stock_only must be a bool, not {value!r}")


@attrs.frozen(kw_only=True)
class SearchQuery:
    """What a shopper looks for: words, filters, an order and a page.

    Args:
        text: Words that must all occur (in name, description, brand,
            attribute or option values); punctuation does not matter.
        options: Option or attribute names to the values allowed
            (``{"size": {"42"}}``); names are ANDed, values ORed, compared exactly.
        category: A category path; its subcategories (``path/...``) match too.
        currency: The currency of ``price_from`` and of the price bounds.
        min_price: The lowest price, inclusive; needs ``currency``.
        max_price: The highest price, inclusive; needs ``currency``.
        in_stock_only: Only variants in stock (needs an availability).
        sort: The order of the hits.
        page: Which page, from 1.
        per_page: Hits per page, 1 to 100.

    Raises:
        ValidationError: for a bad field, a bound in another currency than
            ``currency`` or none, ``min_price`` above ``max_price``, or a price
            sort without ``currency``.
    """

    text: str = attrs.field(default="", converter=_text)
    options: Mapping[str, frozenset[str]] = attrs.field(
        factory=dict, converter=_options
    )
    category: str | None = attrs.field(default=None, converter=_category)
    currency: str | None = attrs.field(default=None, converter=_currency)
    min_price: Money | None = attrs.field(default=None, converter=_min_price)
    max_price: Money | None = attrs.field(default=None, converter=_max_price)
    in_stock_only: bool = attrs.field(default=False, validator=_flag)
    sort: Sort = attrs.field(default=Sort.RELEVANCE, converter=_sort)
    page: int = attrs.field(default=1, validator=_page)
    per_page: int = attrs.field(default=20, validator=_per_page)

    def __attrs_post_init__(self) -> None:
        for field, bound in (
            ("min_price", self.min_price),
            ("max_price", self.max_price),
        ):
            if bound is None:
                continue
            if self.currency is None:
                msg = f"{field} needs currency={bound.currency.code!r} as well"
                raise _invalid(field, msg)
            if bound.currency.code != self.currency:
                got = bound.currency.code
                raise CurrencyMismatchError(
                    f"{field} is in {got}, but the query's currency is {self.currency}",
                    field=field,
                    expected=self.currency,
                    got=got,
                )
        low, high = self.min_price, self.max_price
        if low is not None and high is not None and low > high:
            msg = f"min_price {low} is above max_price {high}"
            raise _invalid("min_price", msg)
        if self.sort in {Sort.PRICE_ASC, Sort.PRICE_DESC} and self.currency is None:
            raise _invalid("sort", f"sorting by price needs a currency ({self.sort})")

    @property
    def terms(self) -> tuple[tuple[str, ...], ...]:
        """The query's words as :func:`search_terms` gives them."""
        return search_terms(self.text)


@attrs.frozen(kw_only=True)
class ProductHit:
    """A product found, with the variants of it that matched.

    Args:
        product_id: The product's id.
        name: Its name in the default language.
        brand: Its brand.
        skus: Its matching variants, in the product's order.
        price_from: The lowest price of those in the query's currency, if any.
    """

    product_id: ProductId
    name: str
    brand: str
    skus: tuple[Sku, ...]
    price_from: Money | None


@attrs.frozen(kw_only=True)
class SearchResult:
    """One page of hits, the number of products found and the facet counts.

    Args:
        hits: The products on this page.
        total: How many products match, on all pages.
        page: This page's number.
        per_page: The page size asked for.
        facets: Option and attribute names to values to the number of
            matching products having a matching variant with that value.
    """

    hits: tuple[ProductHit, ...]
    total: int
    page: int
    per_page: int
    facets: Mapping[str, Mapping[str, int]]


PriceLookup = Callable[[Sku], Iterable[Money]]
"""A SKU's prices, at most one per currency (the pricing context supplies them)."""


class ProductSearch(Protocol):
    """Finds active products by words, options, category, price and stock.

    Contract (checked by ``commercekit.testing.contracts.ProductSearchContract``):

    * :meth:`index` replaces everything indexed for each product given; a
      SKU indexed with another product before moves to this one. Inactive
      products are removed, and a product without variants is never found.
    * :meth:`search` matches and ranks exactly as :func:`build_result` does
      over :func:`documents_for` of the indexed products, so every adapter
      returns the same ids, totals and facet counts.
    * Bad input raises :class:`~commercekit.errors.ValidationError` and
      indexes nothing; ``in_stock_only`` in an adapter made without an
      :class:`Availability` raises :class:`~commercekit.errors.UsageError`.
    """

    def index(
        self, products: Iterable[Product], *, prices: PriceLookup | None = None
    ) -> None:
        """Add or replace the products' entries, with their prices if given."""
        ...

    def remove(self, product_ids: Iterable[ProductId]) -> None:
        """Remove products from the index; unknown ids are ignored."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of products that ``query`` asks for."""
        ...
