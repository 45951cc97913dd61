"""Shared values: identifiers and instants."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from commercekit.errors import ValidationError
from commercekit.values import as_utc, identifier


@pytest.mark.parametrize("value", ["cart-1", "Lager Berlin", "ä/42"])
def test_identifiers_of_printable_text_pass(value: str) -> None:
    assert identifier(value, field="cart_id") == value


@pytest.mark.parametrize("value", ["", "  ", " x", "x ", "a\nb", 42, None])
def test_other_identifiers_are_refused_naming_the_field(value: object) -> None:
    with pytest.raises(ValidationError, match="printable text") as error:
        identifier(value, field="location")
    assert error.value.field == "location"


def test_an_instant_past_the_calendar_in_utc_is_refused() -> None:
    west = timezone(timedelta(hours=-1))
    with pytest.raises(ValidationError, match="cannot be expressed in UTC") as error:
        as_utc(datetime.max.replace(tzinfo=west), field="at")
    assert error.value.field == "at"
