"""The one JSON format of commercekit's types."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import attrs
import cattrs
import pytest
from hypothesis import given

from commercekit.errors import ValidationError
from commercekit.money import Money, money
from commercekit.serialization import (
    _installers,
    dumps,
    loads,
    make_converter,
    register_hooks,
)
from commercekit.testing import strategies as cks


class Status(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"


@attrs.frozen
class Line:
    sku: str
    price: Money
    rate: Decimal
    status: Status
    placed_at: datetime
    delivery: date | None = None


LINE = Line(
    sku="SNEAKER-42",
    price=money("89.90", "EUR"),
    rate=Decimal("0.190"),
    status=Status.PAID,
    placed_at=datetime(2026, 1, 5, 10, 30, tzinfo=timezone(timedelta(hours=1))),
    delivery=date(2026, 1, 8),
)


def test_an_attrs_value_becomes_readable_json() -> None:
    assert dumps(LINE) == (
        '{"delivery":"2026-01-08","placed_at":"2026-01-05T09:30:00+00:00",'
        '"price":{"amount":"89.90","currency":"EUR"},"rate":"0.190",'
        '"sku":"SNEAKER-42","status":"paid"}'
    )


def test_json_reads_back_into_an_equal_value() -> None:
    back = loads(dumps(LINE), Line)
    assert back == LINE
    assert back.rate.as_tuple() == Decimal("0.190").as_tuple()  # every digit kept
    assert back.placed_at.tzinfo is UTC
    assert isinstance(back.price, Money)


@given(cks.money())
def test_money_survives_the_round_trip(value: Money) -> None:
    """Any amount written as JSON reads back as the same amount and currency."""
    assert loads(dumps(value), Money) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "money must be an object with amount and currency"),
        ('{"amount": "1.5"}', "money must be an object with amount and currency"),
        ('{"amount": "1.5", "currency": "EUX"}', "unknown currency code"),
        ('{"amount": "abc", "currency": "EUR"}', "not a decimal number"),
    ],
)
def test_bad_json_is_a_validation_error(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        loads(text, Money)


def test_a_json_number_is_read_exactly_not_as_a_float() -> None:
    assert loads('{"amount": 0.1, "currency": "EUR"}', Money) == money("0.1", "EUR")


def test_a_value_that_does_not_fit_the_class_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="does not describe a Line"):
        loads('{"sku": "X"}', Line)


def test_naive_or_malformed_instants_are_refused_when_read() -> None:
    converter = make_converter()
    with pytest.raises(ValidationError, match="no time zone"):
        converter.structure("2026-01-05T09:30:00", datetime)
    with pytest.raises(ValidationError, match="not an ISO 8601 instant"):
        converter.structure("yesterday", datetime)
    with pytest.raises(ValidationError, match="not an ISO 8601 date"):
        converter.structure("05.01.2026", date)


def test_each_converter_is_independent() -> None:
    mine = make_converter()
    mine.register_unstructure_hook(Decimal, lambda value: f"D{value}")
    assert mine.unstructure(Decimal("1.5")) == "D1.5"
    assert make_converter().unstructure(Decimal("1.5")) == "1.5"


@attrs.frozen
class Tagged:
    name: str
    tags: frozenset[str]
    sizes: set[int]


def test_sets_become_sorted_lists_so_equal_sets_give_equal_text() -> None:
    one = Tagged(name="x", tags=frozenset({"b", "a", "c"}), sizes={42, 9, 10})
    other = Tagged(name="x", tags=frozenset({"c", "b", "a"}), sizes={10, 42, 9})
    assert dumps(one) == dumps(other)
    assert dumps(one) == '{"name":"x","sizes":[9,10,42],"tags":["a","b","c"]}'
    assert loads(dumps(one), Tagged) == one
    assert make_converter().unstructure(frozenset({"z", "y"})) == ["y", "z"]


def test_a_value_that_does_not_fit_says_where() -> None:
    with pytest.raises(ValidationError, match=r"required field missing @ \$\.price"):
        loads('{"sku": "X"}', Line)


def test_registered_hooks_reach_every_converter_made_afterwards() -> None:
    @attrs.frozen
    class Secret:
        value: str

    def install(converter: cattrs.Converter) -> None:
        converter.register_unstructure_hook(Secret, lambda _: "***")

    before = make_converter()
    register_hooks(install)
    register_hooks(install)  # once is enough
    try:
        assert make_converter().unstructure(Secret("pw")) == "***"
        assert before.unstructure(Secret("pw")) == {"value": "pw"}
        install(before)  # a converter made earlier learns it by the call
        assert before.unstructure(Secret("pw")) == "***"
    finally:
        _installers.remove(install)
    assert make_converter().unstructure(Secret("pw")) == {"value": "pw"}


def test_a_text_is_not_read_as_a_set_of_its_letters() -> None:
    converter = make_converter()

    with pytest.raises(ValidationError, match="expected a list"):
        converter.structure("web", frozenset[str])
    assert converter.structure(["web", "app"], frozenset[str]) == {"web", "app"}
