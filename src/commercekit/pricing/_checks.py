"""Input checks the pricing modules share, so bad input is a ValidationError."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TypeVar

import attrs

from commercekit.errors import ValidationError
from commercekit.money import Money, as_money

__all__: list[str] = []

_E = TypeVar("_E", bound=enum.Enum)
_T = TypeVar("_T")


def _check_enum(cls: type[_E], value: object, field: str) -> _E:
    """``value`` as a member of ``cls``, or a ValidationError naming the choices."""
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        choices = ", ".join(repr(member.value) for member in cls)
        msg = f"{field} must be one of {choices}, not {value!r}"
        raise ValidationError(msg, field=field) from None


def _check_list(kind: type[_T], value: object, field: str) -> list[_T]:
    """``value`` as a list of ``kind``: any iterable but text, each item checked."""
    if isinstance(value, str | bytes | kind) or not isinstance(value, Iterable):
        msg = f"{field} must be a list of {kind.__name__} objects, not {value!r}"
        raise ValidationError(msg, field=field)
    items = list(value)
    for item in items:
        if not isinstance(item, kind):
            msg = f"{field} must hold {kind.__name__} objects, not {item!r}"
            raise ValidationError(msg, field=field)
    return items


def _as_money(value: object, field: str) -> Money:
    """``value`` as commercekit's Money; any other type is a ValidationError."""
    return as_money(value, field=field)


def _is_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    """An attrs validator: text without NUL characters."""
    if not isinstance(value, str) or "\x00" in value:
        msg = f"{attribute.name} must be text, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _is_optional_text(
    _: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    """An attrs validator: ``None``, or text that is not blank."""
    if value is not None and (not isinstance(value, str) or not value.strip()):
        msg = f"{attribute.name} must be non-empty text or None, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _is_flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    """An attrs validator: ``True`` or ``False``, nothing else."""
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be True or False, not {value!r}"
        raise ValidationError(msg, field=attribute.name)
