"""Every product search commercekit ships passes the search contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from commercekit.adapters.memory import InMemoryProductSearch
from commercekit.adapters.sqlite import (
    SQLiteDatabase,
    SQLiteProductSearch,
    match_expression,
)
from commercekit.catalog import Availability, SearchQuery, search_terms
from commercekit.testing.contracts import (
    ProductSearchContract,
    sample_catalog,
    sample_prices,
)


class TestInMemoryProductSearch(ProductSearchContract):
    def make_search(
        self, tmp_path: Path, availability: Availability | None
    ) -> InMemoryProductSearch:
        return InMemoryProductSearch(availability)


class TestSQLiteFileProductSearch(ProductSearchContract):
    def make_search(
        self, tmp_path: Path, availability: Availability | None
    ) -> SQLiteProductSearch:
        database = SQLiteDatabase(tmp_path / "shop.sqlite3")
        return SQLiteProductSearch(database, availability)


class TestSQLiteInMemoryProductSearch(ProductSearchContract):
    def make_search(
        self, tmp_path: Path, availability: Availability | None
    ) -> SQLiteProductSearch:
        return SQLiteProductSearch(SQLiteDatabase(":memory:"), availability)


# -- what only the SQLite adapter has --------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grüne Sneaker", '("grune" OR "gruene") AND ("sneaker")'),
        ('size:42 "', '("size") AND ("42")'),
        (
            "AND OR NOT * NEAR(x)",
            '("and") AND ("or") AND ("not") AND ("near") AND ("x")',
        ),
    ],
)
def test_every_word_reaches_match_quoted(text: str, expected: str) -> None:
    assert match_expression(search_terms(text)) == expected


def test_a_stray_quote_in_a_term_is_doubled() -> None:
    assert match_expression([('a"b',)]) == '("a""b")'


def test_the_index_is_kept_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    SQLiteProductSearch(SQLiteDatabase(path)).index(
        sample_catalog(), prices=sample_prices
    )
    reopened = SQLiteProductSearch(SQLiteDatabase(path))
    assert reopened.search(SearchQuery(text="gruen")).total == 2
    with SQLiteDatabase(path).connection() as conn:
        (words,) = conn.execute(
            "SELECT t.body FROM search_text t JOIN search_documents d "
            "ON d.doc_id = t.rowid WHERE d.sku = 'SN-G-42'"
        ).fetchone()
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM search_documents), "
            "(SELECT count(*) FROM search_text), (SELECT count(*) FROM search_values)"
        ).fetchone()
    assert {"gruen", "grun", "weisse", "42"} <= set(words.split())
    assert counts == (12, 12, 34)


def test_removing_a_product_removes_its_rows_everywhere(tmp_path: Path) -> None:
    database = SQLiteDatabase(tmp_path / "shop.sqlite3")
    search = SQLiteProductSearch(database)
    search.index(sample_catalog(), prices=sample_prices)
    search.remove([product.product_id for product in sample_catalog()])
    with database.connection() as conn:
        for table in (
            "search_documents",
            "search_text",
            "search_values",
            "search_prices",
            "search_categories",
        ):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)  # noqa: S608
