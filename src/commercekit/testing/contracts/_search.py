"""The contract of :class:`~commercekit.catalog.ProductSearch`.

Every search adapter must return the same ids, totals and facet counts for
the same catalog and query; this suite holds it to figures worked out by
hand over a small catalog of sneakers (:func:`sample_catalog`).

Example, for a search adapter of your own::

    class TestMyProductSearch(ProductSearchContract):
        def make_search(self, tmp_path, availability):
            return MyProductSearch(MyDatabase(tmp_path / "shop.db"), availability)

Needs pytest.
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commercekit.catalog import (
    Availability,
    LocalizedText,
    Product,
    ProductHit,
    ProductId,
    ProductSearch,
    SearchQuery,
    SearchResult,
    Sort,
    Variant,
)
from commercekit.errors import CurrencyMismatchError, UsageError, ValidationError
from commercekit.money import Money, money
from commercekit.testing import FakeAvailability
from commercekit.values import Sku

__all__ = [
    "ProductSearchContract",
    "sample_catalog",
    "sample_prices",
]


class _AskedAvailability(FakeAvailability):
    """A :class:`FakeAvailability` that records what it is asked."""

    def __init__(self, in_stock: Iterable[str]) -> None:
        super().__init__(in_stock)
        self.calls: list[frozenset[Sku]] = []

    def in_stock(self, skus: Collection[Sku]) -> set[Sku]:
        self.calls.append(frozenset(skus))
        return super().in_stock(skus)


def _product(
    product_id: str,
    names: tuple[str, str],
    descriptions: tuple[str, str],
    variants: list[Variant],
    *,
    brand: str = "",
    categories: Iterable[str] = (),
    attributes: Mapping[str, str] | None = None,
    active: bool = True,
    created_at: datetime,
) -> Product:
    return Product(
        product_id=ProductId(product_id),
        name=LocalizedText(names[0], {"en": names[1]}),
        description=LocalizedText(descriptions[0], {"en": descriptions[1]}),
        brand=brand,
        categories=categories,
        attributes=attributes or {},
        variants=variants,
        active=active,
        created_at=created_at,
    )


def _sneakers(code: str, color: str, sizes: Iterable[int]) -> list[Variant]:
    return [
        Variant(sku=f"SN-{code}-{size}", options={"color": color, "size": str(size)})
        for size in sizes
    ]


def sample_catalog() -> list[Product]:
    """The catalog of the contract: five active products and an inactive one.

    A white, a black and a green sneaker, socks and shoe polish, with German
    names and English translations; :func:`sample_prices` has their prices.
    """
    return [
        _product(
            "p-white",
            ("Weißer Sneaker", "White sneaker"),
            ("Der weiße Sneaker aus Leder.", "The white sneaker, made of leather."),
            _sneakers("W", "weiß", [41, 42, 43]),
            brand="Nordlicht",
            categories=["shoes/sneakers"],
            attributes={"material": "Leder"},
            created_at=datetime(2026, 1, 10, tzinfo=UTC),
        ),
        _product(
            "p-black",
            ("Schwarzer Sneaker", "Black sneaker"),
            ("Der schwarze Sneaker für jeden Tag.", "The black sneaker for every day."),
            _sneakers("B", "schwarz", [41, 42, 43]),
            brand="Südwind",
            categories=["shoes/sneakers", "sale"],
            attributes={"material": "Leder"},
            created_at=datetime(2026, 1, 12, tzinfo=UTC),
        ),
        _product(
            "p-green",
            ("Grüner Sneaker", "Green sneaker"),
            (
                "Grüner Sneaker aus Canvas, die weiße Sohle ist rutschfest.",
                "A green canvas sneaker with a white sole.",
            ),
            _sneakers("G", "grün", [41, 42]),
            brand="Waldläufer",
            categories=["shoes/sneakers"],
            attributes={"material": "Canvas"},
            created_at=datetime(2026, 1, 11, tzinfo=UTC),
        ),
        _product(
            "p-socks",
            ("Socken", "Socks"),
            (
                "Weiße und grüne Socken, passend zum Sneaker.",
                "White and green socks to go with the sneaker.",
            ),
            [
                Variant(sku="SO-W-39", options={"color": "weiß", "size": "39-42"}),
                Variant(sku="SO-G-39", options={"color": "grün", "size": "39-42"}),
                Variant(sku="SO-G-43", options={"color": "grün", "size": "43-46"}),
            ],
            brand="Nordlicht",
            categories=["clothing/socks"],
            attributes={"material": "Baumwolle"},
            created_at=datetime(2026, 1, 5, tzinfo=UTC),
        ),
        _product(
            "p-polish",
            ("Schuhcreme", "Shoe polish"),
            ("Schuhcreme für Glattleder.", "Polish for smooth leather."),
            [Variant(sku="CARE-1")],
            brand="Südwind",
            categories=["shoes-care"],
            attributes={"material": "Wachs"},
            created_at=datetime(2026, 1, 3, tzinfo=UTC),
        ),
        _product(
            "p-retired",
            ("Weißer Sneaker Classic", "White sneaker classic"),
            ("Der weiße Klassiker.", "The white classic."),
            _sneakers("OLD", "weiß", [42]),
            brand="Nordlicht",
            categories=["shoes/sneakers"],
            active=False,
            created_at=datetime(2026, 1, 15, tzinfo=UTC),
        ),
    ]


_PRICES = {
    "SN-W-41": "79.90",
    "SN-W-42": "79.90",
    "SN-W-43": "84.90",
    "SN-B-41": "59.90",
    "SN-B-42": "59.90",
    "SN-B-43": "59.90",
    "SN-G-41": "69.90",
    "SN-G-42": "72.00",
    "SO-W-39": "9.90",
    "SO-G-39": "9.90",
    "SO-G-43": "9.90",
    "SN-OLD-42": "49.90",
}  # the shoe polish CARE-1 has no price


def sample_prices(sku: Sku) -> list[Money]:
    """The EUR prices of :func:`sample_catalog` (the shoe polish has none)."""
    return [money(_PRICES[sku], "EUR")] if sku in _PRICES else []


_IN_STOCK = ("SN-W-41", "SN-W-43", "SN-B-42", "SO-G-39", "CARE-1")

_ALL_FACETS = {
    "color": {"grün": 2, "schwarz": 1, "weiß": 2},
    "material": {"Baumwolle": 1, "Canvas": 1, "Leder": 2, "Wachs": 1},
    "size": {"39-42": 1, "41": 3, "42": 3, "43": 2, "43-46": 1},
}


def _ids(result: SearchResult) -> list[str]:
    return [hit.product_id for hit in result.hits]


def _skus(result: SearchResult) -> dict[str, tuple[str, ...]]:
    return {hit.product_id: hit.skus for hit in result.hits}


def _eur(amount: str) -> Money:
    return money(amount, "EUR")


class ProductSearchContract(abc.ABC):
    """What every :class:`~commercekit.catalog.ProductSearch` must do.

    The factory returns a new, empty search that asks ``availability`` (or
    nothing) about stock.
    """

    @abc.abstractmethod
    def make_search(
        self, tmp_path: Path, availability: Availability | None
    ) -> ProductSearch:
        """Return a new, empty product search."""

    @pytest.fixture
    def stock(self) -> _AskedAvailability:
        """The availability of the sample catalog."""
        return _AskedAvailability(_IN_STOCK)

    @pytest.fixture
    def search(self, tmp_path: Path, stock: _AskedAvailability) -> ProductSearch:
        """A search with the sample catalog and its prices indexed."""
        search = self.make_search(tmp_path, stock)
        search.index(sample_catalog(), prices=sample_prices)
        return search

    # -- words ---------------------------------------------------------------

    def test_spellings_of_weiss_find_the_same_products(
        self, search: ProductSearch
    ) -> None:
        result = search.search(SearchQuery(text="weisse sneaker"))
        assert _ids(result) == ["p-green", "p-white", "p-socks"]  # scores 4, 4, 2
        assert result.total == 3
        assert search.search(SearchQuery(text="weiße Sneaker")) == result
        assert search.search(SearchQuery(text="WEISSE SNEAKER")) == result
        alone = search.search(SearchQuery(text="WEISSE"))
        assert _ids(alone) == ["p-green", "p-socks", "p-white"]  # all score 1
        assert search.search(SearchQuery(text="weiße")) == alone
        assert result.facets == {
            "color": {"grün": 2, "weiß": 2},
            "material": {"Baumwolle": 1, "Canvas": 1, "Leder": 1},
            "size": {"39-42": 1, "41": 2, "42": 2, "43": 1, "43-46": 1},
        }

    def test_spellings_of_gruen_find_the_same_variants(
        self, search: ProductSearch
    ) -> None:
        result = search.search(SearchQuery(text="grün"))
        assert _skus(result) == {
            "p-green": ("SN-G-41", "SN-G-42"),
            "p-socks": ("SO-G-39", "SO-G-43"),
        }
        assert _ids(result) == ["p-green", "p-socks"]
        for spelling in ("gruen", "grun", "GRÜN", "Grün!"):
            assert search.search(SearchQuery(text=spelling)) == result
        assert result.facets == {
            "color": {"grün": 2},
            "material": {"Baumwolle": 1, "Canvas": 1},
            "size": {"39-42": 1, "41": 1, "42": 1, "43-46": 1},
        }

    def test_umlauts_in_the_catalog_match_both_spellings(
        self, search: ProductSearch
    ) -> None:
        for text in ("südwind", "suedwind", "sudwind"):
            assert _ids(search.search(SearchQuery(text=text))) == [
                "p-polish",
                "p-black",
            ]
        for text in ("waldläufer", "waldlaeufer", "Waldlaufer"):
            assert _ids(search.search(SearchQuery(text=text))) == ["p-green"]

    def test_every_word_must_match_whole(self, search: ProductSearch) -> None:
        assert search.search(SearchQuery(text="weisser sneaker")).total == 1
        assert search.search(SearchQuery(text="sneak")).total == 0
        assert search.search(SearchQuery(text="sneakers")).total == 0
        assert search.search(SearchQuery(text="sneaker rot")).total == 0

    def test_translations_descriptions_and_values_are_searched(
        self, search: ProductSearch
    ) -> None:
        result = search.search(SearchQuery(text="green sneaker"))
        assert _ids(result) == ["p-green", "p-socks"]  # scores 6 and 2
        assert _skus(result)["p-socks"] == ("SO-W-39", "SO-G-39", "SO-G-43")
        assert _ids(search.search(SearchQuery(text="leather"))) == [
            "p-polish",
            "p-white",
        ]
        assert _ids(search.search(SearchQuery(text="baumwolle"))) == ["p-socks"]

    def test_relevance_ranks_names_over_brands_over_the_rest(
        self, search: ProductSearch
    ) -> None:
        result = search.search(SearchQuery(text="nordlicht sneaker"))
        assert _ids(result) == ["p-white", "p-socks"]  # 2 + 3, then 2 + 1
        result = search.search(SearchQuery(text="sneaker"))
        assert _ids(result) == ["p-green", "p-black", "p-white", "p-socks"]
        assert result.total == 4

    def test_query_syntax_is_just_words(self, search: ProductSearch) -> None:
        result = search.search(SearchQuery(text='sneaker:42 "'))
        assert _ids(result) == ["p-green", "p-black", "p-white", "p-socks"]
        assert _skus(result) == {
            "p-green": ("SN-G-42",),
            "p-black": ("SN-B-42",),
            "p-white": ("SN-W-42",),
            "p-socks": ("SO-W-39", "SO-G-39"),  # size "39-42" holds the word 42
        }
        assert search.search(SearchQuery(text='"')).total == 5
        assert search.search(SearchQuery(text="{}^:()'*")).total == 5
        assert search.search(SearchQuery(text="AND OR NOT *")).total == 0
        assert _ids(search.search(SearchQuery(text="weiße AND sneaker*"))) == [
            "p-socks"  # the only text with the word "and"
        ]
        assert search.search(SearchQuery(text="NEAR(sneaker weiße)")).total == 0
        assert search.search(SearchQuery(text="name:weisse")).total == 0
        minus = search.search(SearchQuery(text="sneaker -weisse"))
        assert minus == search.search(SearchQuery(text="weisse sneaker"))
        quoted = search.search(SearchQuery(text='"sneaker'))
        assert quoted == search.search(SearchQuery(text="sneaker"))

    # -- filters -------------------------------------------------------------

    def test_an_option_filter_selects_variants(self, search: ProductSearch) -> None:
        result = search.search(SearchQuery(options={"size": {"42"}}))
        assert _ids(result) == ["p-green", "p-black", "p-white"]
        assert _skus(result) == {
            "p-green": ("SN-G-42",),
            "p-black": ("SN-B-42",),
            "p-white": ("SN-W-42",),
        }
        assert result.total == 3
        assert result.facets == {
            "color": {"grün": 1, "schwarz": 1, "weiß": 1},
            "material": {"Canvas": 1, "Leder": 2},
            "size": {"42": 3},
        }

    def test_words_and_options_combine(self, search: ProductSearch) -> None:
        for text in ("weisse sneaker", "weiße Sneaker", "WEISSE"):
            result = search.search(SearchQuery(text=text, options={"size": {"42"}}))
            assert _ids(result) == ["p-green", "p-white"]
            assert result.total == 2
            assert result.facets == {
                "color": {"grün": 1, "weiß": 1},
                "material": {"Canvas": 1, "Leder": 1},
                "size": {"42": 2},
            }

    def test_option_values_are_ored_and_names_anded(
        self, search: ProductSearch
    ) -> None:
        query = SearchQuery(options={"color": {"weiß", "grün"}, "size": {"41"}})
        result = search.search(query)
        assert _skus(result) == {"p-green": ("SN-G-41",), "p-white": ("SN-W-41",)}
        leather = search.search(SearchQuery(options={"material": "Leder"}))
        assert _ids(leather) == ["p-black", "p-white"]  # an attribute filters too
        assert search.search(SearchQuery(options={"size": {"44"}})).total == 0
        assert search.search(SearchQuery(options={"size": {"42 "}})).total == 0
        assert search.search(SearchQuery(options={"fit": {"wide"}})).total == 0

    def test_a_category_includes_its_subcategories(self, search: ProductSearch) -> None:
        def ids(category: str) -> list[str]:
            return _ids(search.search(SearchQuery(category=category)))

        assert ids("shoes") == ["p-green", "p-black", "p-white"]
        assert ids("shoes/sneakers") == ["p-green", "p-black", "p-white"]
        assert ids("sale") == ["p-black"]
        assert ids("clothing") == ["p-socks"]
        assert ids("shoes-care") == ["p-polish"]
        assert ids("shoe") == []
        assert ids("shoes/sneak") == []
        assert ids("Shoes") == []

    def test_a_price_range_selects_variants_priced_within_it(
        self, search: ProductSearch
    ) -> None:
        query = SearchQuery(
            currency="EUR", min_price=_eur("60.00"), max_price=_eur("80.00")
        )
        result = search.search(query)
        assert _ids(result) == ["p-green", "p-white"]
        assert result.hits[0] == ProductHit(
            product_id=ProductId("p-green"),
            name="Grüner Sneaker",
            brand="Waldläufer",
            skus=(Sku("SN-G-41"), Sku("SN-G-42")),
            price_from=_eur("69.90"),
        )
        assert _skus(result)["p-white"] == ("SN-W-41", "SN-W-42")
        assert result.hits[1].price_from == _eur("79.90")
        assert result.facets == {
            "color": {"grün": 1, "weiß": 1},
            "material": {"Canvas": 1, "Leder": 1},
            "size": {"41": 2, "42": 2},
        }

    def test_price_bounds_are_inclusive_and_need_a_price(
        self, search: ProductSearch
    ) -> None:
        exact = SearchQuery(
            currency="EUR", min_price=_eur("59.9"), max_price=_eur("59.90")
        )
        assert _skus(search.search(exact)) == {
            "p-black": ("SN-B-41", "SN-B-42", "SN-B-43")
        }
        dear = search.search(SearchQuery(currency="EUR", min_price=_eur("80")))
        assert _skus(dear) == {"p-white": ("SN-W-43",)}
        assert dear.hits[0].price_from == _eur("84.90")
        cheap = search.search(SearchQuery(currency="EUR", max_price=_eur("10")))
        assert _ids(cheap) == ["p-socks"]
        free = SearchQuery(currency="EUR", max_price=_eur("0"))
        assert search.search(free).total == 0  # the unpriced polish is excluded
        francs = SearchQuery(currency="CHF", min_price=money("0", "CHF"))
        assert search.search(francs).total == 0

    def test_price_from_is_in_the_query_currency(self, search: ProductSearch) -> None:
        def prices(currency: str | None) -> dict[str, Money | None]:
            query = SearchQuery(currency=currency)
            return {h.product_id: h.price_from for h in search.search(query).hits}

        assert prices("EUR") == {
            "p-green": _eur("69.90"),
            "p-polish": None,
            "p-black": _eur("59.90"),
            "p-socks": _eur("9.90"),
            "p-white": _eur("79.90"),
        }
        assert set(prices(None).values()) == {None}
        assert set(prices("CHF").values()) == {None}

    def test_in_stock_only_asks_the_availability_about_the_matches(
        self, search: ProductSearch, stock: _AskedAvailability
    ) -> None:
        result = search.search(SearchQuery(in_stock_only=True, currency="EUR"))
        assert _skus(result) == {
            "p-polish": ("CARE-1",),
            "p-black": ("SN-B-42",),
            "p-socks": ("SO-G-39",),
            "p-white": ("SN-W-41", "SN-W-43"),
        }
        assert _ids(result) == ["p-polish", "p-black", "p-socks", "p-white"]
        assert result.hits[3].price_from == _eur("79.90")
        stock.calls.clear()
        sized = SearchQuery(in_stock_only=True, options={"size": {"42"}})
        assert _skus(search.search(sized)) == {"p-black": ("SN-B-42",)}
        assert stock.calls == [frozenset({"SN-B-42", "SN-G-42", "SN-W-42"})]
        assert search.search(SearchQuery(text="grün")).total == 2
        assert stock.calls[1:] == []  # not asked without in_stock_only

    def test_in_stock_only_without_an_availability_is_a_usage_error(
        self, tmp_path: Path
    ) -> None:
        search = self.make_search(tmp_path, None)
        search.index(sample_catalog(), prices=sample_prices)
        with pytest.raises(UsageError, match="Availability"):
            search.search(SearchQuery(in_stock_only=True))
        assert search.search(SearchQuery()).total == 5

    # -- order and pages -----------------------------------------------------

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            (Sort.RELEVANCE, ["p-green", "p-polish", "p-black", "p-socks", "p-white"]),
            (Sort.NAME, ["p-green", "p-polish", "p-black", "p-socks", "p-white"]),
            (Sort.PRICE_ASC, ["p-socks", "p-black", "p-green", "p-white", "p-polish"]),
            (Sort.PRICE_DESC, ["p-white", "p-green", "p-black", "p-socks", "p-polish"]),
            (Sort.NEWEST, ["p-black", "p-green", "p-white", "p-socks", "p-polish"]),
        ],
    )
    def test_every_sort(
        self, search: ProductSearch, sort: Sort, expected: list[str]
    ) -> None:
        result = search.search(SearchQuery(sort=sort, currency="EUR"))
        assert _ids(result) == expected
        assert result.total == 5
        assert result.facets == _ALL_FACETS

    def test_sorting_by_price_or_name_applies_to_text_matches(
        self, search: ProductSearch
    ) -> None:
        query = SearchQuery(text="sneaker", sort=Sort.PRICE_DESC, currency="EUR")
        assert _ids(search.search(query)) == [
            "p-white",
            "p-green",
            "p-black",
            "p-socks",
        ]
        named = SearchQuery(text="nordlicht sneaker", sort=Sort.NAME)
        assert _ids(search.search(named)) == ["p-socks", "p-white"]

    def test_pages_partition_the_hits_and_the_total_stays(
        self, search: ProductSearch
    ) -> None:
        pages = [
            search.search(SearchQuery(sort=Sort.NAME, page=page, per_page=2))
            for page in (1, 2, 3, 4)
        ]
        assert [_ids(result) for result in pages] == [
            ["p-green", "p-polish"],
            ["p-black", "p-socks"],
            ["p-white"],
            [],
        ]
        assert {result.total for result in pages} == {5}
        assert [(r.page, r.per_page) for r in pages] == [(1, 2), (2, 2), (3, 2), (4, 2)]
        assert all(result.facets == _ALL_FACETS for result in pages)

    def test_facets_are_sorted(self, search: ProductSearch) -> None:
        facets = search.search(SearchQuery()).facets
        assert facets == _ALL_FACETS
        assert list(facets) == ["color", "material", "size"]
        assert list(facets["size"]) == ["39-42", "41", "42", "43", "43-46"]

    # -- keeping the index -----------------------------------------------------

    def test_inactive_products_are_never_found(self, search: ProductSearch) -> None:
        assert search.search(SearchQuery(text="classic")).total == 0
        assert search.search(SearchQuery(options={"size": {"42"}})).total == 3
        white = sample_catalog()[0]
        white.active = False
        search.index([white])
        assert search.search(SearchQuery(text="weisser")).total == 0
        assert search.search(SearchQuery()).total == 4
        white.active = True
        search.index([white], prices=sample_prices)
        assert _ids(search.search(SearchQuery(text="weisser"))) == ["p-white"]

    def test_indexing_again_replaces_a_products_entries(
        self, search: ProductSearch
    ) -> None:
        white = sample_catalog()[0]
        white.brand = "Polarlicht"
        white.remove_variant("SN-W-41")
        white.remove_variant("SN-W-43")
        search.index([white])  # without prices now
        assert _ids(search.search(SearchQuery(text="nordlicht"))) == ["p-socks"]
        found = search.search(SearchQuery(text="polarlicht", currency="EUR"))
        assert _skus(found) == {"p-white": ("SN-W-42",)}
        assert found.hits[0].price_from is None
        assert search.search(SearchQuery(options={"size": {"43"}})).total == 1

    def test_a_sku_indexed_with_another_product_moves_to_it(
        self, search: ProductSearch
    ) -> None:
        pro = _product(
            "p-green-pro",
            ("Grüner Sneaker Pro", "Green sneaker pro"),
            ("", ""),
            _sneakers("G", "grün", [42]),
            created_at=datetime(2026, 1, 20, tzinfo=UTC),
        )
        search.index([pro])
        result = search.search(SearchQuery(text="grün"))
        assert _ids(result) == ["p-green", "p-green-pro", "p-socks"]
        assert _skus(result)["p-green"] == ("SN-G-41",)
        assert _skus(result)["p-green-pro"] == ("SN-G-42",)

    def test_remove_takes_products_out_and_ignores_unknown_ids(
        self, search: ProductSearch
    ) -> None:
        search.remove([ProductId("p-green"), ProductId("p-unknown")])
        assert _ids(search.search(SearchQuery(text="grün"))) == ["p-socks"]
        search.remove([])
        assert search.search(SearchQuery()).total == 4
        with pytest.raises(ValidationError, match="list of product ids"):
            search.remove("p-socks")  # type: ignore[arg-type]
        assert search.search(SearchQuery()).total == 4

    def test_a_new_search_finds_nothing(self, tmp_path: Path) -> None:
        search = self.make_search(tmp_path, FakeAvailability([]))
        result = search.search(SearchQuery(text="sneaker"))
        assert result == SearchResult(hits=(), total=0, page=1, per_page=20, facets={})
        assert search.search(SearchQuery(in_stock_only=True)).total == 0

    def test_bad_input_indexes_nothing(self, search: ProductSearch) -> None:
        sandal = _product(
            "p-sandal",
            ("Sandale", "Sandal"),
            ("", ""),
            [Variant(sku="SA-1")],
            created_at=datetime(2026, 1, 21, tzinfo=UTC),
        )
        white = sample_catalog()[0]
        white.brand = "Polarlicht"

        def twice(sku: Sku) -> list[Money]:
            return [_eur("1.00"), _eur("2.00")] if sku == "SA-1" else []

        with pytest.raises(ValidationError, match="two prices in EUR"):
            search.index([white, sandal], prices=twice)
        with pytest.raises(ValidationError, match="Product"):
            search.index([white, "p-sandal"])  # type: ignore[list-item]
        with pytest.raises(ValidationError, match="list of products"):
            search.index(sandal)  # type: ignore[arg-type]
        assert search.search(SearchQuery(text="polarlicht")).total == 0
        assert search.search(SearchQuery(text="sandale")).total == 0
        assert search.search(SearchQuery()).total == 5

    def test_bad_queries_are_refused(self, search: ProductSearch) -> None:
        with pytest.raises(ValidationError, match="SearchQuery"):
            search.search("sneaker")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="page must be a positive int"):
            SearchQuery(page=0)
        with pytest.raises(ValidationError, match="per_page must be at most 100"):
            SearchQuery(per_page=101)
        with pytest.raises(CurrencyMismatchError):
            SearchQuery(currency="EUR", min_price=money("1", "USD"))
        with pytest.raises(ValidationError, match="above max_price"):
            SearchQuery(currency="EUR", min_price=_eur("2"), max_price=_eur("1"))

    def test_indexing_from_several_threads_at_once_loses_nothing(
        self, tmp_path: Path
    ) -> None:
        search = self.make_search(tmp_path, None)
        catalog = sample_catalog()
        barrier = threading.Barrier(len(catalog))
        errors: list[BaseException] = []

        def index(product: Product) -> None:
            try:
                barrier.wait(timeout=10)
                search.index([product], prices=sample_prices)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=index, args=(p,)) for p in catalog]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        result = search.search(SearchQuery(currency="EUR", sort=Sort.PRICE_ASC))
        assert _ids(result) == ["p-socks", "p-black", "p-green", "p-white", "p-polish"]
        assert result.facets == _ALL_FACETS
