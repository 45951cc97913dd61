"""The Hypothesis strategies, and their registration for ``st.from_type``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commercekit.catalog import Product, gtin
from commercekit.errors import ValidationError
from commercekit.money import Money, minor_units
from commercekit.testing import strategies as cks
from commercekit.values import sku


@given(st.from_type(Money))
def test_from_type_builds_money_through_the_entry_point(value: Money) -> None:
    """Hypothesis finds commercekit's strategy without being told."""
    assert isinstance(value, Money)
    assert value.amount.is_finite()
    assert value.amount.as_tuple().exponent == -minor_units(value.currency)


@given(cks.money("JPY", min_value="-5", max_value="5"))
def test_money_keeps_to_its_currency_and_bounds(value: Money) -> None:
    """Drawn amounts lie within the bounds, in whole minor units."""
    assert value.currency.code == "JPY"
    assert Decimal(-5) <= value.amount <= Decimal(5)
    assert value.amount == value.amount.to_integral_value()


@given(cks.money(st.sampled_from(["KWD", "EUR"]), min_value="0.0005", max_value="1"))
def test_bounds_round_inward_to_the_minor_unit(value: Money) -> None:
    """A bound between two minor units admits only amounts inside it."""
    assert Decimal("0.0005") <= value.amount <= 1


@given(cks.currencies())
def test_currencies_are_codes_commercekit_knows(code: str) -> None:
    assert minor_units(code) in {0, 2, 3, 4}


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValidationError, match="above max_value"):
        cks.money("EUR", min_value=2, max_value=1)
    with pytest.raises(ValidationError, match="float"):
        cks.money("EUR", min_value=0.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown currency"):
        cks.money("EUX")


def test_an_empty_range_in_the_minor_unit_is_refused() -> None:
    with pytest.raises(ValidationError, match="no amount in EUR"):
        cks.money("EUR", min_value="0.001", max_value="0.009")


@given(st.from_type(Product))
def test_from_type_builds_valid_products(product: Product) -> None:
    """Every drawn product keeps the catalog's rules: distinct, valid SKUs."""
    assert len(set(product.skus)) == len(product.skus)
    for variant in product.variants:
        assert sku(variant.sku) == variant.sku
        if variant.gtin is not None:
            assert gtin(variant.gtin) == variant.gtin


@given(cks.gtins())
def test_drawn_gtins_pass_the_checksum(code: str) -> None:
    assert gtin(code) == code
