"""The order's field checks: converters and validators of its attrs fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from commercekit.errors import ValidationError
from commercekit.orders._status import OrderTransition
from commercekit.orders._values import OrderLine, RefundDue, order_id
from commercekit.payments import PaymentMethodKind, PaymentStatus
from commercekit.pricing import PriceMode
from commercekit.promotions import AppliedPromotion
from commercekit.values import as_utc, identifier

__all__: list[str] = []


def _id(value: object) -> str:
    return order_id(value)  # type: ignore[arg-type]


def _number(value: object) -> str:
    return identifier(value, field="number")


def _checkout_token(value: object) -> str:
    return identifier(value, field="checkout_token")


def _cart_id(value: object) -> str:
    return identifier(value, field="cart_id")


def _currency(value: object) -> str:
    return identifier(value, field="currency")


def _locale(value: object) -> str:
    return identifier(value, field="locale")


def _payment_method(value: object) -> str:
    return identifier(value, field="payment_method")


def _optional(value: object, field: str) -> str | None:
    return None if value is None else identifier(value, field=field)


def _customer_id(value: object) -> str | None:
    return _optional(value, "customer_id")


def _shipping_method(value: object) -> str | None:
    return _optional(value, "shipping_method")


def _payment_id(value: object) -> str | None:
    return _optional(value, "payment_id")


def _instant(value: object) -> datetime:
    if not isinstance(value, datetime):
        msg = f"placed_at must be a datetime, not {value!r}"
        raise ValidationError(msg, field="placed_at")
    return as_utc(value, field="placed_at")


def _optional_instant(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        msg = f"payment_due_by must be a datetime or None, not {value!r}"
        raise ValidationError(msg, field="payment_due_by")
    return as_utc(value, field="payment_due_by")


def _lines(value: object) -> tuple[OrderLine, ...]:
    lines = tuple(value) if isinstance(value, list | tuple) else None
    if not lines or not all(isinstance(line, OrderLine) for line in lines):
        msg = f"an order needs lines, a list of OrderLine, not {value!r}"
        raise ValidationError(msg, field="lines")
    keys = [line.key for line in lines]
    if len(set(keys)) != len(keys):
        msg = f"an order's line keys must differ: {keys}"
        raise ValidationError(msg, field="lines")
    return lines


def _typed(cls: type[Any], field: str, *, optional: bool = False) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        if not isinstance(value, cls):
            msg = f"{attribute.name} must be a {cls.__name__}, not {value!r}"
            raise ValidationError(msg, field=field)

    return check


def _items(value: object, cls: type[Any], field: str) -> tuple[Any, ...]:
    items = tuple(value) if isinstance(value, list | tuple) else None
    if items is None or not all(isinstance(item, cls) for item in items):
        msg = f"{field} must be a list of {cls.__name__}, not {value!r}"
        raise ValidationError(msg, field=field)
    return items


def _promotions(value: object) -> tuple[AppliedPromotion, ...]:
    return _items(value, AppliedPromotion, "promotions")


def _coupons(value: object) -> tuple[str, ...]:
    return _items(value, str, "coupons")


def _history(value: object) -> tuple[OrderTransition, ...]:
    return _items(value, OrderTransition, "history")


def _payment_kind(value: object) -> PaymentMethodKind:
    try:
        return PaymentMethodKind(str(value))
    except ValueError:
        msg = f"payment_kind must be a PaymentMethodKind, not {value!r}"
        raise ValidationError(msg, field="payment_kind") from None


def _refunds(value: object) -> tuple[RefundDue, ...]:
    return _items(value, RefundDue, "refunds")


def _payment_status(value: object) -> PaymentStatus | None:
    if value is None:
        return None
    try:
        return PaymentStatus(str(value))
    except ValueError:
        msg = f"payment_status must be a PaymentStatus, not {value!r}"
        raise ValidationError(msg, field="payment_status") from None


def _mode(value: object) -> PriceMode:
    try:
        return PriceMode(str(value))
    except ValueError:
        msg = f"mode must be gross or net, not {value!r}"
        raise ValidationError(msg, field="mode") from None


def _email(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or "@" not in value:
        msg = "email must be an e-mail address or None"
        raise ValidationError(msg, field="email")
    return value.strip()


def _minor(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        msg = f"{attribute.name} must be an amount in minor units, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _version(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        msg = f"version must be a whole number, 0 or more, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _reason_text(value: object) -> str | None:
    if value is None:
        return None
    return identifier(value, field="cancel_reason")


def _units(value: Mapping[str, int], field: str) -> dict[str, int]:
    given: object = value
    if not isinstance(given, Mapping) or not given:
        msg = f"{field} must map line keys to units, at least one, not {given!r}"
        raise ValidationError(msg, field=field)
    units: dict[str, int] = {}
    for key, count in value.items():
        given_count: object = count
        if (
            not isinstance(given_count, int)
            or isinstance(given_count, bool)
            or count < 1
        ):
            msg = f"{field}: units of line {key!r} must be 1 or more, not {count!r}"
            raise ValidationError(msg, field=field)
        units[identifier(key, field=field)] = count
    return units


def _budgets(value: object) -> tuple[str, ...]:
    items = _items(value, str, "budgets")
    return tuple(identifier(item, field="budgets") for item in items)
