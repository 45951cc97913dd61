"""Input checks the pricing modules share, so bad input is a ValidationError."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TypeVar

from commercekit.errors import ValidationError

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
