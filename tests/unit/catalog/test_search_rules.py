"""The rules of catalog search: folding, terms, matching, relevance, queries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

import pytest

from commercekit.catalog import (
    LocalizedText,
    Product,
    ProductId,
    SearchDocument,
    SearchQuery,
    Sort,
    Variant,
    build_result,
    documents_for,
    fold,
    matches,
    relevance,
    search_terms,
)
from commercekit.errors import CurrencyMismatchError, UsageError, ValidationError
from commercekit.money import Money, money
from commercekit.values import Sku


def eur(amount: str) -> Money:
    return money(amount, "EUR")


def product(
    product_id: str = "p-1",
    name: str = "Weißer Sneaker",
    *,
    brand: str = "Nordlicht",
    active: bool = True,
    day: int = 1,
    variants: tuple[Variant, ...] = (),
) -> Product:
    return Product(
        product_id=ProductId(product_id),
        name=LocalizedText(name, {"en": "White sneaker"}),
        description=LocalizedText("Aus Leder, für jeden Tag.", {"en": "Leather."}),
        brand=brand,
        categories=["shoes/sneakers"],
        attributes={"material": "Leder"},
        variants=variants
        or (
            Variant(sku=f"{product_id}-42", options={"color": "weiß", "size": "42"}),
            Variant(sku=f"{product_id}-43", options={"color": "natur", "size": "43"}),
        ),
        active=active,
        created_at=datetime(2026, 1, day, tzinfo=UTC),
    )


def prices(sku: Sku) -> list[Money]:
    return [eur("10.00")] if sku.endswith("-42") else [eur("12.50"), money("14", "CHF")]


# -- folding -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Weißer Sneaker", ("weisser", "sneaker")),
        ("WEISSE", ("weisse",)),
        ("weiße", ("weisse",)),
        ("Straße ẞ", ("strasse", "ss")),
        ("grün", ("grun", "gruen")),
        ("GRÜN", ("grun", "gruen")),
        ("gru\u0308n", ("grun", "gruen")),  # a decomposed ü
        ("Öl Ärger Übel", ("ol", "oel", "arger", "aerger", "ubel", "uebel")),
        ("Café Crème", ("cafe", "creme")),
        ("Ångström", ("angstrom", "angstroem")),
        ("Bjørn Łódź Æble", ("bjorn", "lodz", "aeble")),
        ("İstanbul", ("istanbul",)),
        ("ﬁt ²", ("fit", "2")),
        ('size:42 "', ("size", "42")),
        ("39-42", ("39", "42")),
        ("snake_case", ("snake", "case")),
        ("AND OR NOT * NEAR()", ("and", "or", "not", "near")),
        ("grün Grün gruen", ("grun", "gruen")),
        ('"{}:*^', ()),
        ("", ()),
    ],
)
def test_fold(text: str, expected: tuple[str, ...]) -> None:
    assert fold(text) == expected


def test_search_terms_keep_one_tuple_of_forms_per_word() -> None:
    assert search_terms("Grüne Sneaker") == (("grune", "gruene"), ("sneaker",))
    assert search_terms("weiße WEISSE weisse") == (("weisse",),)
    assert search_terms("grun grün") == (("grun",), ("grun", "gruen"))
    assert search_terms(" - ") == ()


# -- documents -----------------------------------------------------------------


def test_a_product_gives_one_document_per_variant() -> None:
    first, second = documents_for(product(), prices)
    assert (first.sku, first.position, second.sku, second.position) == (
        "p-1-42",
        0,
        "p-1-43",
        1,
    )
    assert first.name_words == {"weisser", "sneaker", "white"}
    assert first.brand_words == {"nordlicht"}
    assert first.other_words == {
        *("aus", "leder", "fur", "fuer", "jeden", "tag", "leather"),
        *("weiss", "42"),
    }
    assert second.words == first.words - {"weiss", "42"} | {"natur", "43"}
    # product attributes and variant options both become values
    assert first.values == {"material": {"Leder"}, "color": {"weiß"}, "size": {"42"}}
    assert second.values == {"material": {"Leder"}, "color": {"natur"}, "size": {"43"}}
    assert first.prices == {"EUR": eur("10.00")}
    assert second.prices == {"EUR": eur("12.50"), "CHF": money("14", "CHF")}
    assert documents_for(product(active=False)) == ()


def test_two_prices_in_one_currency_are_refused() -> None:
    with pytest.raises(ValidationError, match="two prices in EUR"):
        documents_for(product(), lambda _: [eur("1"), eur("2")])
    with pytest.raises(ValidationError, match="must be Money"):
        documents_for(product(), lambda _: ["1.00"])  # type: ignore[list-item]


# -- matching and relevance ----------------------------------------------------


def document(sku: str = "p-1-42") -> SearchDocument:
    return next(d for d in documents_for(product(), prices) if d.sku == sku)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("weisser", True),
        ("weiss", True),  # the option value weiß
        ("weisse", False),  # no stemming: weiß, weißer
        ("white sneaker", True),
        ("white boot", False),  # every word must match
        ("sneak", False),  # no prefixes
        ("fuer", True),
        ("für", True),
        ("fur", True),
        ("43", False),  # another variant's size
        ("", True),
    ],
)
def test_every_word_must_match_a_whole_word(text: str, found: bool) -> None:
    query = SearchQuery(text=text)
    assert matches(document(), query, query.terms) is found


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({"options": {"size": {"42", "44"}}}, True),
        ({"options": {"size": {"43"}}}, False),
        ({"options": {"color": {"natur"}}}, False),  # the other variant's
        ({"options": {"material": {"Leder"}}}, True),  # the product's attribute
        ({"options": {"color": {"weiß"}, "material": {"Leder"}}}, True),
        ({"options": {"color": {"Weiß"}}}, False),  # values compare exactly
        ({"options": {"fit": {"wide"}}}, False),
        ({"category": "shoes"}, True),
        ({"category": "shoes/sneakers"}, True),
        ({"category": "shoe"}, False),
        ({"category": "shoes/sneakers/low"}, False),
        ({"currency": "EUR", "min_price": eur("10"), "max_price": eur("10")}, True),
        ({"currency": "EUR", "min_price": eur("10.01")}, False),
        ({"currency": "EUR", "max_price": eur("9.99")}, False),
        ({"currency": "CHF", "max_price": money("100", "CHF")}, False),
        ({"currency": "CHF"}, True),  # no bound, no price needed
    ],
)
def test_filters(fields: dict[str, object], found: bool) -> None:
    query = SearchQuery(**fields)  # type: ignore[arg-type]
    assert matches(document(), query, query.terms) is found


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("sneaker", 3),  # the name
        ("nordlicht", 2),  # the brand
        ("leder", 1),  # the description
        ("white nordlicht leder", 3 + 2 + 1),
        ("weiss", 1),  # an option value
        ("", 0),
    ],
)
def test_relevance(text: str, score: int) -> None:
    assert relevance(search_terms(text), document()) == score


def test_a_word_in_both_name_and_brand_counts_as_name() -> None:
    (doc,) = documents_for(
        product(name="Nordlicht Sneaker", variants=(Variant(sku="A"),))
    )
    assert relevance(search_terms("nordlicht"), doc) == 3


# -- results -------------------------------------------------------------------


def catalog() -> list[SearchDocument]:
    return [
        *documents_for(product("p-b", "Beta", day=3), prices),
        *documents_for(product("p-a", "alpha", brand="Sneaker", day=3), prices),
        *documents_for(
            product("p-c", "Gamma", day=1, variants=(Variant(sku="p-c-1"),)), prices
        ),
    ]


def ids(query: SearchQuery) -> list[str]:
    return [hit.product_id for hit in build_result(query, catalog()).hits]


def test_relevance_ties_go_by_casefolded_name_then_id() -> None:
    # "sneaker" is in every English name (3), and p-a's brand too: still 3
    assert ids(SearchQuery(text="sneaker")) == ["p-a", "p-b", "p-c"]
    # p-a: "alpha" sorts before "Beta" only when casefolded
    assert ids(SearchQuery(text="leder")) == ["p-a", "p-b", "p-c"]
    # "nordlicht" is p-b's and p-c's brand (2), p-a's is Sneaker (no match)
    assert ids(SearchQuery(text="nordlicht")) == ["p-b", "p-c"]


def test_sorts() -> None:
    assert ids(SearchQuery(sort=Sort.NEWEST)) == ["p-a", "p-b", "p-c"]  # a tie: id
    assert ids(SearchQuery(sort=Sort.NAME)) == ["p-a", "p-b", "p-c"]
    # p-a and p-b start at 10.00; p-c-1 has no price in CHF but 12.50 in EUR
    assert ids(SearchQuery(sort=Sort.PRICE_ASC, currency="EUR")) == [
        "p-a",
        "p-b",
        "p-c",
    ]
    assert ids(SearchQuery(sort=Sort.PRICE_DESC, currency="EUR")) == [
        "p-c",
        "p-a",
        "p-b",
    ]
    # in CHF only the -43 variants and p-c-1 have prices: the 42s have none
    assert ids(SearchQuery(sort=Sort.PRICE_DESC, currency="CHF", text="42")) == [
        "p-a",
        "p-b",
    ]


def test_a_hit_has_its_matching_variants_and_their_lowest_price() -> None:
    query = SearchQuery(text="beta", currency="EUR")
    (hit,) = build_result(query, catalog()).hits
    assert (hit.name, hit.brand, hit.skus) == (
        "Beta",
        "Nordlicht",
        ("p-b-42", "p-b-43"),
    )
    assert hit.price_from == eur("10.00")
    query = SearchQuery(text="beta", currency="EUR", options={"size": "43"})
    (hit,) = build_result(query, catalog()).hits
    assert (hit.skus, hit.price_from) == (("p-b-43",), eur("12.50"))


def test_facets_count_products_after_every_filter() -> None:
    result = build_result(SearchQuery(options={"size": {"43"}}), catalog())
    assert result.facets == {
        "color": {"natur": 2},
        "material": {"Leder": 2},
        "size": {"43": 2},
    }
    result = build_result(SearchQuery(), catalog())
    assert result.facets == {
        "color": {"natur": 2, "weiß": 2},
        "material": {"Leder": 3},
        "size": {"42": 2, "43": 2},
    }


class Stock:
    def __init__(self, *skus: str) -> None:
        self.asked: list[set[Sku]] = []
        self.skus = {Sku(code) for code in skus}

    def in_stock(self, skus: Collection[Sku]) -> set[Sku]:
        self.asked.append(set(skus))
        return self.skus | {Sku("not-asked")}


def test_in_stock_only_keeps_what_the_availability_names() -> None:
    stock = Stock("p-b-43", "p-c-1")
    query = SearchQuery(in_stock_only=True, text="leder")
    result = build_result(query, catalog(), availability=stock)
    assert [hit.skus for hit in result.hits] == [("p-b-43",), ("p-c-1",)]
    assert stock.asked == [{"p-a-42", "p-a-43", "p-b-42", "p-b-43", "p-c-1"}]
    with pytest.raises(UsageError, match="in_stock_only needs an Availability"):
        build_result(SearchQuery(in_stock_only=True), catalog())


def test_pages() -> None:
    pages = [
        build_result(SearchQuery(page=n, per_page=2), catalog()) for n in (1, 2, 3)
    ]
    assert [[h.product_id for h in p.hits] for p in pages] == [
        ["p-a", "p-b"],
        ["p-c"],
        [],
    ]
    assert [p.total for p in pages] == [3, 3, 3]


# -- queries -------------------------------------------------------------------


def test_a_query_normalizes_its_fields() -> None:
    query = SearchQuery(
        options={"size": "42", "color": ["weiß", "grün"]}, currency="eur"
    )
    assert query.options == {"size": {"42"}, "color": {"weiß", "grün"}}
    assert query.currency == "EUR"
    assert SearchQuery(sort="price_asc", currency="EUR").sort is Sort.PRICE_ASC
    assert SearchQuery(text="Grüne Sneaker").terms == (
        ("grune", "gruene"),
        ("sneaker",),
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"page": 0}, "page must be a positive int, not 0"),
        ({"page": 1.0}, "page must be a positive int, not 1.0"),
        ({"page": True}, "page must be a positive int, not True"),
        ({"per_page": 0}, "per_page must be a positive int, not 0"),
        ({"per_page": 101}, "per_page must be at most 100, not 101"),
        ({"text": 42}, "text must be a str"),
        ({"text": " ".join(f"w{n}" for n in range(33))}, "more than 32 words"),
        ({"options": ["size"]}, "options must map names to values"),
        ({"options": {"size": []}}, "option 'size' has no values"),
        ({"options": {"size": 42}}, "must be text"),
        ({"options": {"size": {42}}}, "must be text"),
        ({"category": ""}, "category must be a non-empty path"),
        ({"currency": "XYZ"}, "unknown currency"),
        ({"currency": 978}, "currency must be a code"),
        ({"min_price": eur("1")}, "min_price needs currency='EUR'"),
        ({"currency": "EUR", "max_price": "9.99"}, "max_price must be Money"),
        ({"currency": "EUR", "max_price": 9.99}, "max_price must be Money"),
        (
            {"currency": "EUR", "min_price": eur("2"), "max_price": eur("1.99")},
            "min_price 2 EUR is above max_price 1.99 EUR",
        ),
        ({"in_stock_only": 1}, "in_stock_only must be a bool"),
        ({"sort": "cheapest"}, "sort must be one of 'relevance', 'price_asc'"),
        ({"sort": Sort.PRICE_DESC}, "sorting by price needs a currency"),
    ],
)
def test_bad_queries_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SearchQuery(**fields)  # type: ignore[arg-type]


def test_a_bound_in_another_currency_is_a_currency_mismatch() -> None:
    with pytest.raises(CurrencyMismatchError) as info:
        SearchQuery(currency="EUR", max_price=money("5", "USD"))
    assert (info.value.expected, info.value.got, info.value.field) == (
        "EUR",
        "USD",
        "max_price",
    )
    assert "max_price is in USD, but the query's currency is EUR" in str(info.value)


def test_build_result_needs_a_query() -> None:
    with pytest.raises(ValidationError, match="expected a SearchQuery"):
        build_result("sneaker", catalog())  # type: ignore[arg-type]
