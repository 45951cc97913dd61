"""Card data never enters commercekit: a guard for free text and metadata."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from stdnum import luhn

from commercekit.payments._errors import CardDataError

__all__ = ["check_no_card_data", "looks_like_card_number"]

# Digits with single spaces or dashes between them: "4111 1111-1111 1111".
_RUN: Final = re.compile(r"\d(?:[ -]?\d)+")
_SEPARATORS: Final = re.compile(r"[ -]")
_SHORTEST, _LONGEST = 13, 19

# Leading digits of the card networks: Visa; Mastercard (51-55, 2221-2720);
# American Express; Discover (6011, 644-649, 65); JCB (3528-3589); Diners
# (300-305, 36, 38, 39); UnionPay (62); Maestro (50, 56-58, 63, 67).
_PREFIXES: Final = (
    ("4",),
    tuple(str(n) for n in range(51, 56)),
    tuple(str(n) for n in range(2221, 2721)),
    ("34", "37"),
    ("6011", "65", *(str(n) for n in range(644, 650))),
    tuple(str(n) for n in range(3528, 3590)),
    (*(str(n) for n in range(300, 306)), "36", "38", "39"),
    ("62",),
    ("50", "56", "57", "58", "63", "67"),
)
_ALL_PREFIXES: Final = tuple(p for group in _PREFIXES for p in group)


def _is_card(digits: str) -> bool:
    return (
        _SHORTEST <= len(digits) <= _LONGEST
        and digits.startswith(_ALL_PREFIXES)
        and luhn.is_valid(digits)
    )


def looks_like_card_number(text: str) -> bool:
    """Whether ``text`` holds what may be a payment card's number.

    A run of 13 to 19 digits (single spaces or dashes between them allowed,
    inside longer text too) that starts with a card network's prefix and
    passes the Luhn check. In a run of digit groups, every stretch of whole
    groups of 13 to 19 digits is tried too, so a number beside a card number
    does not hide it.

    >>> looks_like_card_number("order note: 4111 1111 1111 1111")
    True
    >>> looks_like_card_number("customer 4111111111111112")  # fails the Luhn check
    False
    """
    for match in _RUN.finditer(text):
        run = match.group()
        digits = _SEPARATORS.sub("", run)
        if _is_card(digits):
            return True
        groups = _SEPARATORS.split(run)
        if len(groups) > 1:
            for start in range(len(groups)):
                joined = ""
                for group in groups[start:]:
                    joined += group
                    if len(joined) > _LONGEST:
                        break
                    if _is_card(joined):
                        return True
    return False


def check_no_card_data(values: Mapping[str, str], *, field: str = "metadata") -> None:
    """Refuse metadata with a value that looks like a card number.

    Requests to a payment provider take its tokens only; card data would
    bring the whole application into the scope of PCI DSS. The error names
    the key, never the value.

    Raises:
        CardDataError: for a value (or key) that looks like a card number.

    >>> check_no_card_data({"note": "gift for Ada"})
    >>> check_no_card_data({"note": "card 5555 5555 5555 4444"})
    Traceback (most recent call last):
    ...
    commercekit.payments._errors.CardDataError: metadata['note'] looks like a card number: pass the payment provider's token, never card data
    """  # noqa: E501 - a doctest's output is one line
    items: Mapping[Any, object] = values  # checked at run time too
    for key, value in items.items():
        if isinstance(key, str) and looks_like_card_number(key):
            raise CardDataError(field=f"a key of {field}")
        if isinstance(value, str) and looks_like_card_number(value):
            raise CardDataError(field=f"{field}[{key!r}]")
