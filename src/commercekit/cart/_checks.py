"""Checks of the cart's fields, so bad input is a ValidationError."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs
from babel import Locale, UnknownLocaleError

from commercekit.cart._values import CartLine, _optional_text
from commercekit.errors import ValidationError
from commercekit.money import get_currency
from commercekit.promotions import normalize_code
from commercekit.values import Address, as_utc

__all__: list[str] = []


def _updated_at(value: object) -> datetime:
    return as_utc(value, field="updated_at")  # type: ignore[arg-type]


def _customer_id(value: object) -> str | None:
    return _optional_text(value, "customer_id")


def _shipping_method(value: object) -> str | None:
    return _optional_text(value, "shipping_method")


def _payment_method(value: object) -> str | None:
    return _optional_text(value, "payment_method")


def _lines(value: object) -> tuple[CartLine, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"lines must be a list of CartLine objects, not {value!r}"
        raise ValidationError(msg, field="lines")
    lines = tuple(value)
    keys: set[str] = set()
    for line in lines:
        if not isinstance(line, CartLine):
            msg = f"lines must hold CartLine objects, not {line!r}"
            raise ValidationError(msg, field="lines")
        if line.key in keys:
            msg = f"two lines have the key {line.key!r}"
            raise ValidationError(msg, field="lines")
        keys.add(line.key)
    return lines


def _coupon_codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"coupon_codes must be a list of codes, not {value!r}"
        raise ValidationError(msg, field="coupon_codes")
    return tuple(dict.fromkeys(normalize_code(code) for code in value))


def _currency_code(value: object) -> str:
    return get_currency(value).code  # type: ignore[arg-type]


def _locale(value: object) -> str:
    if isinstance(value, str):
        try:
            return str(Locale.parse(value.strip().replace("-", "_")))
        except (UnknownLocaleError, ValueError, TypeError):
            pass
    msg = f"locale must be a known locale such as 'de_DE', not {value!r}"
    raise ValidationError(msg, field="locale")


def _email(value: object) -> str | None:
    if value is None:
        return None
    text = value.strip() if isinstance(value, str) else ""
    local, at, domain = text.rpartition("@")
    if not (local and at and domain) or not text.isprintable() or " " in text:
        msg = "guest_email must be an e-mail address such as 'ada@example.com'"
        raise ValidationError(msg, field="guest_email")
    return text


def _version(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        msg = f"version must be an int of 0 or more, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _address(value: object, field: str) -> Address | None:
    if value is None or isinstance(value, Address):
        return value
    msg = f"{field} must be an Address or None, not {type(value).__name__}"
    raise ValidationError(msg, field=field)


def _shipping_address(value: object) -> Address | None:
    return _address(value, "shipping_address")


def _billing_address(value: object) -> Address | None:
    return _address(value, "billing_address")


def _a(value: object, cls: type[Any], field: str) -> None:
    """Refuse a ``value`` that is not a ``cls``, naming the field."""
    if not isinstance(value, cls):
        msg = f"{field} must be a {cls.__name__}, not {value!r}"
        raise ValidationError(msg, field=field)
