"""Card data never enters commercekit."""

from __future__ import annotations

import pytest

from commercekit.money import money
from commercekit.payments import (
    AuthorizeRequest,
    CardDataError,
    check_no_card_data,
    looks_like_card_number,
)


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111111",  # Visa test number
        "5555 5555 5555 4444",  # Mastercard, spaces
        "2223-0031-2200-3222",  # Mastercard 2-series, dashes
        "3782 822463 10005",  # American Express, 15 digits
        "6011111111111117",  # Discover
        "3530111333300000",  # JCB
        "note: pay with 4012888888881881 please",  # inside text
        "ref 12 4111 1111 1111 1111",  # beside another number
    ],
)
def test_card_numbers_are_found(text: str) -> None:
    assert looks_like_card_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",  # fails the Luhn check
        "1234567812345670",  # Luhn-valid, but no network starts with 1
        "411111111111",  # 12 digits: too short
        "41111111111111111111",  # 20 digits in one piece: too long
        "4111  1111 1111 1111",  # two spaces break the run
        "order 2026-000123",
        "DE89370400440532013000",  # an IBAN
    ],
)
def test_other_numbers_pass(text: str) -> None:
    assert not looks_like_card_number(text)


def test_metadata_with_a_card_number_is_refused_without_showing_it() -> None:
    with pytest.raises(CardDataError) as error:
        check_no_card_data({"order": "o-1", "note": "4111-1111-1111-1111"})
    assert error.value.field == "metadata['note']"
    assert "4111" not in str(error.value)
    with pytest.raises(CardDataError, match="a key of metadata"):
        check_no_card_data({"4111111111111111": "x"})


def test_a_request_refuses_a_card_number_as_token_or_metadata() -> None:
    fields = {
        "payment_id": "pay-1",
        "amount": money("10.00", "EUR"),
        "idempotency_key": "k-1",
    }
    with pytest.raises(CardDataError):
        AuthorizeRequest(token="4111111111111111", **fields)  # type: ignore[arg-type]
    with pytest.raises(CardDataError):
        AuthorizeRequest(
            token="tok_visa",
            metadata={"pan": "5555555555554444"},
            **fields,  # type: ignore[arg-type]
        )
    assert AuthorizeRequest(token="tok_visa", **fields).token == "tok_visa"  # type: ignore[arg-type]
