"""Addresses and the personal-data mark."""

from __future__ import annotations

import attrs
import pytest

from commercekit.errors import ValidationError
from commercekit.serialization import make_converter
from commercekit.values import (
    PERSONAL_DATA,
    Address,
    personal,
    personal_fields,
    redacted,
)


def _address(**changes: object) -> Address:
    fields: dict[str, object] = {
        "name": "Ada Lovelace",
        "street": "Unter den Linden 1",
        "postal_code": "10117",
        "city": "Berlin",
        "country": "DE",
    }
    fields.update(changes)
    return Address(**fields)  # type: ignore[arg-type]


def test_text_is_trimmed_and_inner_space_collapsed() -> None:
    address = _address(name="  Ada   Lovelace ", city=" Berlin ", street_2="  ")
    assert (address.name, address.city, address.street_2) == (
        "Ada Lovelace",
        "Berlin",
        None,
    )


def test_country_and_postal_code_are_upper_cased() -> None:
    address = _address(country="nl", postal_code="1011ab", city="Amsterdam")
    assert (address.country, address.postal_code) == ("NL", "1011AB")


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("DE", "01067"),
        ("AT", "1010"),
        ("NL", "1011 AB"),
        ("PL", "00-950"),
        ("PT", "1000-001"),
        ("SE", "111 22"),
        ("GB", "SW1A 1AA"),
        ("US", "10001-1234"),
        ("JP", "100-0001"),  # no fixed form known: printable text is enough
    ],
)
def test_postal_codes_of_the_right_form_pass(country: str, code: str) -> None:
    assert _address(country=country, postal_code=code).postal_code == code


@pytest.mark.parametrize(
    ("country", "code"), [("DE", "1011"), ("DE", "101178"), ("AT", "10115")]
)
def test_a_postal_code_of_the_wrong_form_is_refused(country: str, code: str) -> None:
    with pytest.raises(ValidationError, match=f"not a postal code of {country}") as e:
        _address(country=country, postal_code=code)
    assert e.value.field == "postal_code"


def test_a_postal_code_is_required_where_the_country_has_them() -> None:
    with pytest.raises(ValidationError, match="in DE needs a postal code") as e:
        _address(postal_code=None)
    assert e.value.field == "postal_code"


def test_ireland_may_leave_the_postal_code_out() -> None:
    assert _address(country="IE", postal_code=" ", city="Dublin").postal_code is None


@pytest.mark.parametrize("field", ["name", "street", "city"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_required_fields_are_named_when_missing(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=f"needs a {field}") as e:
        _address(**{field: value})
    assert e.value.field == field


@pytest.mark.parametrize("value", [42, "Line\nbreak", "x" * 201])
def test_text_that_is_not_printable_or_too_long_is_refused(value: object) -> None:
    with pytest.raises(ValidationError, match="printable text") as e:
        _address(street=value)
    assert e.value.field == "street"


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(ValidationError, match="ISO 3166-1"):
        _address(country="XX")


def test_repr_shows_no_name_street_postal_code_or_phone() -> None:
    address = _address(company="Analytical Engines", phone="+49 30 123456")
    text = repr(address)
    for secret in ("Ada", "Linden", "10117", "Analytical", "123456"):
        assert secret not in text
    assert "city='Berlin'" in text
    assert "country='DE'" in text


def test_the_personal_fields_are_the_marked_ones() -> None:
    assert personal_fields(Address) == (
        "name",
        "company",
        "street",
        "street_2",
        "postal_code",
        "phone",
    )
    unmarked = [
        f.name for f in attrs.fields(Address) if PERSONAL_DATA not in f.metadata
    ]
    assert unmarked == ["city", "region", "country"]


def test_personal_fields_needs_an_attrs_class() -> None:
    with pytest.raises(ValidationError, match="not an attrs class"):
        personal_fields(dict)


def test_a_custom_class_uses_the_mark() -> None:
    @attrs.frozen
    class Contact:
        email: str = attrs.field(metadata=personal(), repr=redacted)
        note: str | None = attrs.field(default=None, metadata=personal(), repr=redacted)

    assert repr(Contact("ada@example.com")) == "Contact(email='***', note=None)"
    assert personal_fields(Contact) == ("email", "note")


def test_lines_for_a_label_in_the_customer_locale() -> None:
    address = _address(company="Engines Ltd", street_2="c/o Babbage")
    assert address.lines("de_DE") == [
        "Ada Lovelace",
        "Engines Ltd",
        "Unter den Linden 1",
        "c/o Babbage",
        "10117 Berlin",
        "Deutschland",
    ]
    us = _address(
        country="US", postal_code="10001", city="New York", region="NY"
    ).lines()
    assert us[-2:] == ["10001 New York, NY", "United States"]


def test_lines_refuse_an_unknown_locale() -> None:
    with pytest.raises(ValidationError, match="not a locale") as e:
        _address().lines("xx_YY")
    assert e.value.field == "locale"


def test_an_address_survives_a_json_round_trip() -> None:
    converter = make_converter()
    address = _address(company="Engines Ltd", phone="+49 30 1")
    assert converter.structure(converter.unstructure(address), Address) == address
