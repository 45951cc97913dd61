"""The catalog's model: products, variants, texts and codes."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given

from commercekit.catalog import (
    LocalizedText,
    NonReturnableReason,
    Product,
    ProductId,
    Variant,
    gtin,
)
from commercekit.errors import DuplicateError, NotFoundError, ValidationError
from commercekit.money import money
from commercekit.serialization import dumps, loads
from commercekit.testing import strategies as cks
from commercekit.values import FrozenMap, TaxCategory, sku

MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)


def sneaker(*variants: Variant) -> Product:
    return Product(
        product_id=ProductId("p-1"),
        name=LocalizedText("Weißer Sneaker", {"en": "White sneaker"}),
        brand="Nordlicht",
        variants=variants,
        created_at=MONDAY,
    )


@pytest.mark.parametrize(
    ("given_sku", "expected"),
    [("SN-W-42", "SN-W-42"), ("  sn.w_42/b ", "sn.w_42/b"), ("A", "A")],
)
def test_sku_accepts_codes_and_trims(given_sku: str, expected: str) -> None:
    assert sku(given_sku) == expected


@pytest.mark.parametrize("bad", ["", " ", "-LEADING", "SPACE INSIDE", "X" * 65, "Ä-1"])
def test_sku_refuses_what_is_no_code(bad: str) -> None:
    with pytest.raises(ValidationError, match="SKU"):
        sku(bad)


@pytest.mark.parametrize("code", ["4006381333931", "96385074", "036000291452"])
def test_gtin_accepts_ean13_ean8_and_upc(code: str) -> None:
    assert gtin(code) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [("4006381333932", "checksum"), ("123", "length"), ("40063813339AB", "")],
)
def test_gtin_refuses_a_wrong_check_digit_or_length(code: str, message: str) -> None:
    with pytest.raises(ValidationError, match=f"GTIN .*{message}") as info:
        gtin(code)
    assert info.value.field == "gtin"


def test_localized_text_falls_back_from_locale_to_language_to_default() -> None:
    name = LocalizedText(
        "Weißer Sneaker", {"en": "White sneaker", "de_AT": "Weißer Patschen"}
    )
    assert name.get("de_AT") == "Weißer Patschen"
    assert name.get("en-US") == "White sneaker"
    assert name.get("fr") == "Weißer Sneaker"
    assert name.get() == "Weißer Sneaker"
    assert name.all_texts() == ("Weißer Sneaker", "White sneaker", "Weißer Patschen")
    assert hash(name) == hash(LocalizedText("Weißer Sneaker", dict(name.translations)))


def test_a_variant_checks_its_fields() -> None:
    variant = Variant(
        sku=" SN-W-42 ",
        options={"color": "white", "size": "42"},
        gtin="4006381333931",
        weight_grams=900,
        tax_category="reduced",
        cost_price=money("31.50", "EUR"),
    )
    assert variant.sku == "SN-W-42"
    assert variant.tax_category is TaxCategory.REDUCED
    assert variant.options == {"color": "white", "size": "42"}
    assert isinstance(variant.options, FrozenMap)
    assert variant.returnable
    with pytest.raises(ValidationError, match="weight_grams"):
        Variant(sku="X-1", weight_grams=-1)
    with pytest.raises(ValueError, match="gift"):
        Variant(sku="X-1", tax_category="gift")
    with pytest.raises(ValidationError, match="must be text"):
        Variant(sku="X-1", options={"size": 42})  # type: ignore[dict-item]


def test_a_non_returnable_variant_says_why() -> None:
    engraved = Variant(sku="RING-1", not_returnable="personalized")
    assert engraved.not_returnable is NonReturnableReason.PERSONALIZED
    assert not engraved.returnable


def test_variants_of_one_product_have_distinct_skus() -> None:
    with pytest.raises(DuplicateError, match="SKU 'SN-W-42'"):
        sneaker(Variant(sku="SN-W-42"), Variant(sku="SN-W-42"))
    product = sneaker(Variant(sku="SN-W-42"))
    with pytest.raises(DuplicateError):
        product.variants = (Variant(sku="A"), Variant(sku="A"))


def test_put_variant_adds_or_replaces_in_place_and_remove_variant_removes() -> None:
    product = sneaker(Variant(sku="A"), Variant(sku="B"))
    product.put_variant(Variant(sku="A", weight_grams=500))
    product.put_variant(Variant(sku="C"))
    assert list(product.skus) == ["A", "B", "C"]
    assert product.variant("A").weight_grams == 500
    product.remove_variant("B")
    assert list(product.skus) == ["A", "C"]
    with pytest.raises(NotFoundError, match="variant 'B'"):
        product.remove_variant("B")


def test_a_product_needs_an_aware_creation_time() -> None:
    with pytest.raises(ValidationError, match="no time zone"):
        Product(
            product_id=ProductId("p-1"),
            name="Sneaker",
            created_at=datetime(2026, 1, 5),  # noqa: DTZ001 - the point of the test
        )


def test_products_copy_and_serialize_without_losing_anything() -> None:
    product = sneaker(
        Variant(sku="SN-W-42", options={"size": "42"}, cost_price=money("31.50", "EUR"))
    )
    assert copy.deepcopy(product) == product
    assert pickle.loads(pickle.dumps(product.variants[0])) == product.variants[0]
    assert loads(dumps(product), Product) == product


@given(cks.products())
def test_every_drawn_product_survives_the_json_round_trip(product: Product) -> None:
    """What the SQLite store writes, it reads back unchanged."""
    assert loads(dumps(product), Product) == product


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"categories": "shoes/sneakers"}, "categories must be a list"),
        ({"related": "p-2"}, "related must be a list"),
        ({"categories": ["shoes", ""]}, "non-empty text"),
        ({"brand": None}, "brand must be text"),
        ({"active": None}, "active must be True or False"),
        ({"attributes": {"material": "Le\x00der"}}, "NUL"),
        ({"attributes": {"size": "42"}}, "also an attribute"),
    ],
)
def test_product_fields_are_checked(fields: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "product_id": ProductId("p-1"),
        "name": "Sneaker",
        "variants": [Variant(sku="A-1", options={"size": "41"})],
        "created_at": MONDAY,
    }
    with pytest.raises(ValidationError, match=message):
        Product(**(base | fields))  # type: ignore[arg-type]


def test_an_option_cannot_repeat_an_attribute_added_later() -> None:
    product = sneaker(Variant(sku="A-1", options={"size": "41"}))
    with pytest.raises(ValidationError, match="also an attribute"):
        product.attributes = {"size": "42"}


@pytest.mark.parametrize("cost", [1.5, "31.50", Decimal("31.50")])
def test_a_cost_price_must_be_money(cost: object) -> None:
    with pytest.raises(ValidationError, match="cost_price must be Money"):
        Variant(sku="A-1", cost_price=cost)
