"""Property: every search adapter gives the same answer to any query."""

from __future__ import annotations

import functools

from hypothesis import given
from hypothesis import strategies as st

from commercekit.adapters.memory import InMemoryProductSearch
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteProductSearch
from commercekit.catalog import ProductSearch, SearchQuery
from commercekit.testing import FakeAvailability
from commercekit.testing.contracts import sample_catalog, sample_prices

STOCK = ("SN-W-41", "SN-W-43", "SN-B-42", "SO-G-39", "CARE-1")


@functools.cache
def adapters() -> tuple[ProductSearch, ProductSearch]:
    """Both adapters over the sample catalog, built once for all examples."""
    memory = InMemoryProductSearch(FakeAvailability(STOCK))
    sqlite = SQLiteProductSearch(SQLiteDatabase(), FakeAvailability(STOCK))
    for search in (memory, sqlite):
        search.index(sample_catalog(), prices=sample_prices)
    return memory, sqlite


@given(st.from_type(SearchQuery))
def test_memory_and_sqlite_agree_on_every_query(query: SearchQuery) -> None:
    """Same hits in the same order, same total, same facet counts."""
    memory, sqlite = adapters()
    assert sqlite.search(query) == memory.search(query)
