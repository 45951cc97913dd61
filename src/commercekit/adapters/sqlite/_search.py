"""The SQLite product search: FTS5 over folded words, filters in SQL."""

from __future__ import annotations

import contextlib
import decimal
import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from commercekit.adapters.sqlite._database import SQLiteDatabase
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
from commercekit.errors import StorageError
from commercekit.money import Money, minor_units
from commercekit.values import FrozenMap, Sku

__all__ = ["SQLiteProductSearch", "match_expression"]

_LOWEST: Final = -(2**63)
_HIGHEST: Final = 2**63 - 1
_FLOOR: Final = decimal.Context(
    prec=decimal.MAX_PREC,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    rounding=decimal.ROUND_FLOOR,
)

_SELECT: Final = """
SELECT d.sku, d.product_id, d.position, d.name, d.brand, d.created_at,
    t.name, t.brand, t.body,
    (SELECT json_group_array(json_array(v.key, v.value))
        FROM search_values v WHERE v.doc_id = d.doc_id),
    (SELECT json_group_array(json_array(p.currency, p.amount))
        FROM search_prices p WHERE p.doc_id = d.doc_id),
    (SELECT json_group_array(c.category)
        FROM search_categories c WHERE c.doc_id = d.doc_id)
FROM search_documents d JOIN search_text t ON t.rowid = d.doc_id
"""


def match_expression(terms: Iterable[Collection[str]]) -> str:
    """Write search terms as an FTS5 ``MATCH`` expression.

    Every form is quoted as a string (so no input is ever read as FTS5
    syntax), the forms of a word are ORed and the words ANDed.

    >>> match_expression([("grun", "gruen"), ("sneaker",)])
    '("grun" OR "gruen") AND ("sneaker")'
    """
    quoted = (
        "(" + " OR ".join('"' + form.replace('"', '""') + '"' for form in forms) + ")"
        for forms in terms
    )
    return " AND ".join(quoted)


def _minor(amount: Decimal, currency: str) -> int:
    """The amount in minor units, rounded down and held within 64 bits.

    The ``amount_minor`` column sorts and pre-selects; it never decides alone,
    as the exact ``amount`` is checked again. Rounding down and clamping keep
    the order, so a range over it finds every price in the exact range.
    """
    scaled = amount.scaleb(minor_units(currency), _FLOOR).to_integral_value(
        context=_FLOOR
    )
    return int(min(max(scaled, Decimal(_LOWEST)), Decimal(_HIGHEST)))


def _where(query: SearchQuery) -> tuple[str, list[object]]:
    """The query's filters as SQL: the likely most selective one first.

    The first filter selects the candidate rows through its index
    (``d.doc_id IN (...)``); the others are checked per candidate by primary
    key (``EXISTS``), so a broad filter (a top category, a wide price range)
    costs nothing beside a narrow one.
    """
    filters: list[tuple[str, str, list[object]]] = []  # (id column, body, params)
    if query.terms:
        body = "FROM search_text x WHERE search_text MATCH ?"
        filters.append(("rowid", body, [match_expression(query.terms)]))
    for key, values in sorted(query.options.items()):
        body = (
            "FROM search_values x WHERE x.key = ? "
            "AND x.value IN (SELECT value FROM json_each(?))"
        )
        filters.append(("doc_id", body, [key, json.dumps(sorted(values))]))
    if query.category is not None:
        # Paths below "a" are the texts from "a/" up to, not including, "a0".
        path = query.category
        body = (
            "FROM search_categories x WHERE (x.category = ? "
            "OR (x.category >= ? AND x.category < ?))"
        )
        filters.append(("doc_id", body, [path, path + "/", path + "0"]))
    low, high = query.min_price, query.max_price
    if query.currency is not None and (low is not None or high is not None):
        body = (
            "FROM search_prices x WHERE x.currency = ? "
            "AND x.amount_minor BETWEEN ? AND ?"
        )
        bounds: list[object] = [
            query.currency,
            _LOWEST if low is None else _minor(low.amount, query.currency),
            _HIGHEST if high is None else _minor(high.amount, query.currency),
        ]
        filters.append(("doc_id", body, bounds))
    if not filters:
        return "", []
    (column, body, params), *rest = filters
    clauses = [f"d.doc_id IN (SELECT x.{column} {body})"]
    for column, body, more in rest:
        clauses.append(f"EXISTS (SELECT 1 {body} AND x.{column} = d.doc_id)")
        params = [*params, *more]
    return " WHERE " + " AND ".join(clauses), params


class _Rows:
    """Turns rows into documents for one search, sharing what repeats.

    The variants of a product share its words, dates and categories, and
    many variants share option values and prices: each distinct text is
    read once per search.
    """

    def __init__(self) -> None:
        self._words: dict[str, frozenset[str]] = {}
        self._values: dict[str, Mapping[str, frozenset[str]]] = {}
        self._prices: dict[str, Mapping[str, Money]] = {}
        self._categories: dict[str, tuple[str, ...]] = {}
        self._dates: dict[str, datetime] = {}

    def words(self, text: str) -> frozenset[str]:
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = frozenset(text.split())
        return found

    def values(self, text: str) -> Mapping[str, frozenset[str]]:
        found = self._values.get(text)
        if found is None:
            grouped: dict[str, set[str]] = {}
            for key, value in json.loads(text):
                grouped.setdefault(key, set()).add(value)
            found = FrozenMap({k: frozenset(v) for k, v in grouped.items()})
            self._values[text] = found
        return found

    def prices(self, text: str) -> Mapping[str, Money]:
        found = self._prices.get(text)
        if found is None:
            pairs = json.loads(text)
            found = FrozenMap({c: Money(Decimal(a), c) for c, a in pairs})
            self._prices[text] = found
        return found

    def categories(self, text: str) -> tuple[str, ...]:
        found = self._categories.get(text)
        if found is None:
            found = self._categories[text] = tuple(json.loads(text))
        return found

    def date(self, text: str) -> datetime:
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = datetime.fromisoformat(text)
        return found

    def document(self, row: tuple[Any, ...]) -> SearchDocument:
        (sku, product_id, position, name, brand, created_at) = row[:6]
        (name_words, brand_words, body, values, prices, categories) = row[6:]
        return SearchDocument(
            sku=Sku(sku),
            product_id=ProductId(product_id),
            position=int(position),
            name=name,
            brand=brand,
            created_at=self.date(created_at),
            categories=self.categories(categories),
            values=self.values(values),
            prices=self.prices(prices),
            name_words=self.words(name_words),
            brand_words=self.words(brand_words),
            other_words=self.words(body),
        )


class SQLiteProductSearch(ProductSearch):
    """Product search in a SQLite database, with FTS5.

    Each variant of an active product is a row of ``search_documents``; its
    option and attribute values, prices and categories are rows of indexed
    side tables, and its folded words (see :func:`~commercekit.catalog.fold`)
    are a row of the FTS5 table ``search_text``. A search pre-selects in SQL
    (words through ``MATCH``, every filter through an index), then ranks,
    checks stock, pages and counts facets with the catalog's own functions,
    so it returns what :class:`~commercekit.adapters.memory.InMemoryProductSearch`
    returns.

    Writes take their own transaction: call :meth:`index` and :meth:`remove`
    after a unit of work has committed, not inside one on the same thread.

    Args:
        database: The database to keep the index in.
        availability: Tells which SKUs are in stock, for ``in_stock_only``.
    """

    def __init__(
        self, database: SQLiteDatabase, availability: Availability | None = None
    ) -> None:
        self._database = database
        self._availability = availability

    @contextlib.contextmanager
    def _storage(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            msg = f"cannot {action} the search index in {self._database.path!r}: {exc}"
            raise StorageError(msg) from exc

    def index(
        self, products: Iterable[Product], *, prices: PriceLookup | None = None
    ) -> None:
        """Add or replace the products' entries, with their prices if given."""
        batches = index_batches(products, prices)  # checks before writing
        with self._storage("write"), self._database.transaction() as conn:
            for product_id, documents in batches:
                conn.execute(
                    "DELETE FROM search_documents WHERE product_id = ?", (product_id,)
                )
                for document in documents:
                    self._insert(conn, document)
            conn.execute("COMMIT")

    def _insert(self, conn: sqlite3.Connection, document: SearchDocument) -> None:
        # A SKU indexed with another product before moves to this one.
        conn.execute("DELETE FROM search_documents WHERE sku = ?", (document.sku,))
        doc_id = conn.execute(
            "INSERT INTO search_documents (sku, product_id, position, name, "
            "name_key, brand, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                document.sku,
                document.product_id,
                document.position,
                document.name,
                document.name.casefold(),
                document.brand,
                document.created_at.isoformat(),
            ),
        ).lastrowid
        conn.execute(
            "INSERT INTO search_text (rowid, name, brand, body) VALUES (?, ?, ?, ?)",
            (
                doc_id,
                " ".join(sorted(document.name_words)),
                " ".join(sorted(document.brand_words)),
                " ".join(sorted(document.other_words)),
            ),
        )
        conn.executemany(
            "INSERT INTO search_values (doc_id, key, value) VALUES (?, ?, ?)",
            [(doc_id, k, v) for k, values in document.values.items() for v in values],
        )
        conn.executemany(
            "INSERT INTO search_prices (doc_id, currency, amount, amount_minor) "
            "VALUES (?, ?, ?, ?)",
            [
                (doc_id, code, str(price.amount), _minor(price.amount, code))
                for code, price in document.prices.items()
            ],
        )
        conn.executemany(
            "INSERT INTO search_categories (doc_id, category) VALUES (?, ?)",
            [(doc_id, category) for category in set(document.categories)],
        )

    def remove(self, product_ids: Iterable[ProductId]) -> None:
        """Remove products from the index; unknown ids are ignored."""
        ids = checked_product_ids(product_ids)
        with self._storage("write"), self._database.transaction() as conn:
            conn.executemany(
                "DELETE FROM search_documents WHERE product_id = ?",
                [(product_id,) for product_id in ids],
            )
            conn.execute("COMMIT")

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of products that ``query`` asks for."""
        given: object = query  # checked at run time too, for untyped callers
        if not isinstance(given, SearchQuery) or (
            given.in_stock_only and self._availability is None
        ):
            # build_result raises the error these deserve.
            return build_result(query, (), availability=self._availability)
        where, params = _where(query)
        with self._storage("read"), self._database.connection() as conn:
            rows = conn.execute(_SELECT + where, params).fetchall()
        documents = map(_Rows().document, rows)
        return build_result(query, documents, availability=self._availability)
