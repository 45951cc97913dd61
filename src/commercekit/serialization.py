"""One way to turn commercekit's types into JSON and back.

Stores (the SQLite outbox and aggregates), exports (a GDPR access request) and
anything else that writes commercekit's public types as JSON use the cattrs
converter from :func:`make_converter`, so every place agrees on the format:

========================  ==============================================
type                      JSON
========================  ==============================================
``Decimal``               a string, every digit kept: ``"19.990"``
``Money``                 ``{"amount": "19.99", "currency": "EUR"}``
``datetime``              ISO 8601 text in UTC: ``"2026-01-01T09:00:00+00:00"``
``date``                  ISO 8601 text: ``"2026-01-01"``
enums                     their value
sets and frozensets       a sorted list, so equal sets give equal text
attrs classes             an object of their fields
========================  ==============================================

A context whose types need more (a union of classes that cattrs cannot tell
apart by their fields) registers its hooks with :func:`register_hooks` when
it is imported; every converter :func:`make_converter` builds afterwards has
them, and this module never imports a context.

There is no pickle anywhere: JSON cannot run code when it is read.
"""

from __future__ import annotations

import collections.abc
import json
import threading
import typing
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import cattrs
import moneyed
from cattrs.v import format_exception

from commercekit.errors import ValidationError
from commercekit.money import Money, to_decimal
from commercekit.values import as_utc

__all__ = ["dumps", "loads", "make_converter", "register_hooks"]

_T = TypeVar("_T")


def _structure_money(value: Any, _: type) -> Money:
    if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
        msg = f"money must be an object with amount and currency, not {value!r}"
        raise ValidationError(msg, field="money")
    return Money(value["amount"], value["currency"])


def _structure_datetime(value: Any, _: type) -> datetime:
    if not isinstance(value, str):
        msg = f"an instant must be ISO 8601 text, not {value!r}"
        raise ValidationError(msg, field="instant")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        msg = f"{value!r} is not an ISO 8601 instant"
        raise ValidationError(msg, field="instant") from exc
    return as_utc(parsed)


def _structure_date(value: Any, _: type) -> date:
    if not isinstance(value, str):
        msg = f"a date must be ISO 8601 text, not {value!r}"
        raise ValidationError(msg, field="date")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        msg = f"{value!r} is not an ISO 8601 date"
        raise ValidationError(msg, field="date") from exc


_SETS = frozenset({set, frozenset, collections.abc.Set, collections.abc.MutableSet})

_installers: list[Callable[[cattrs.Converter], None]] = []
_installers_lock = threading.Lock()


def _is_set(type_: Any) -> bool:
    return (typing.get_origin(type_) or type_) in _SETS


def _sort_key(value: Any) -> tuple[int, Any]:
    """Texts in order, then whole numbers in order, then anything else."""
    if isinstance(value, str):
        return (0, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (1, value)
    return (2, json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))


def _unstructure_set(
    type_: Any, converter: cattrs.Converter
) -> Callable[[Iterable[Any]], list[Any]]:
    args = typing.get_args(type_)
    element: Callable[[Any], Any] = (
        converter.get_unstructure_hook(args[0]) if args else converter.unstructure
    )

    def unstructure(value: Iterable[Any]) -> list[Any]:
        return sorted((element(item) for item in value), key=_sort_key)

    return unstructure


def _structure_set(
    type_: Any, converter: cattrs.Converter
) -> Callable[[Any, Any], Any]:
    args = typing.get_args(type_)
    item_type = args[0] if args else Any
    element = converter.get_structure_hook(item_type) if args else None
    origin = typing.get_origin(type_) or type_
    build: Callable[[Iterable[Any]], Any] = (
        set if origin in (set, collections.abc.MutableSet) else frozenset
    )

    def structure(value: Any, _: Any) -> Any:
        # A text is iterable too, and would become a set of its letters.
        if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
            msg = f"expected a list of values, not {value!r}"
            raise ValidationError(msg)
        if element is None:
            return build(value)
        return build(element(item, item_type) for item in value)

    return structure


def register_hooks(install: Callable[[cattrs.Converter], None]) -> None:
    """Have every converter that :func:`make_converter` builds call ``install``.

    A context calls this once, when it is imported, with a function that
    registers the hooks of its types on the converter it is given (the
    promotions context: :func:`commercekit.promotions.register_promotion_hooks`).
    The installers run in the order they were registered, after
    commercekit's own hooks; registering one twice has no effect. A
    converter built before the context was imported lacks its hooks: call
    the context's function on it.
    """
    with _installers_lock:
        if install not in _installers:
            _installers.append(install)


def make_converter() -> cattrs.Converter:
    """Return a new converter with commercekit's hooks.

    Each call builds a fresh converter, so a caller may add hooks for its own
    types without touching anyone else's.

    >>> from commercekit.money import money
    >>> make_converter().unstructure(money("19.99", "EUR"))
    {'amount': '19.99', 'currency': 'EUR'}
    """
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(
        Decimal, lambda value, _: to_decimal(value, field="decimal")
    )
    converter.register_unstructure_hook(
        moneyed.Money,
        lambda value: {"amount": str(value.amount), "currency": value.currency.code},
    )
    converter.register_structure_hook(Money, _structure_money)
    converter.register_structure_hook(moneyed.Money, _structure_money)
    converter.register_unstructure_hook(
        datetime, lambda value: as_utc(value).isoformat()
    )
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook_factory(
        _is_set, lambda type_: _unstructure_set(type_, converter)
    )
    converter.register_structure_hook_factory(
        _is_set, lambda type_: _structure_set(type_, converter)
    )
    with _installers_lock:
        installers = list(_installers)
    for install in installers:
        install(converter)
    return converter


def dumps(value: object, converter: cattrs.Converter | None = None) -> str:
    """Write ``value`` as compact JSON text with sorted keys.

    >>> from commercekit.money import money
    >>> dumps(money("19.99", "EUR"))
    '{"amount":"19.99","currency":"EUR"}'
    """
    conv = converter if converter is not None else make_converter()
    return json.dumps(conv.unstructure(value), sort_keys=True, separators=(",", ":"))


def loads(text: str, cls: type[_T], converter: cattrs.Converter | None = None) -> _T:
    """Read ``text`` written by :func:`dumps` back into a ``cls``.

    Raises:
        ValidationError: if the text is not JSON or does not fit ``cls``.

    >>> from commercekit.money import Money
    >>> loads('{"amount":"19.99","currency":"EUR"}', Money)
    Money('19.99', 'EUR')
    """
    conv = converter if converter is not None else make_converter()
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        msg = f"not JSON: {exc.msg} at position {exc.pos}"
        raise ValidationError(msg) from exc
    try:
        return conv.structure(data, cls)
    except ValidationError:
        raise
    except cattrs.BaseValidationError as exc:
        where = "; ".join(cattrs.transform_error(exc, format_exception=_explain))
        msg = f"the JSON does not describe a {cls.__name__}: {where}"
        raise ValidationError(msg) from exc
    except (ValueError, TypeError, KeyError) as exc:
        msg = f"the JSON does not describe a {cls.__name__}: {exc}"
        raise ValidationError(msg) from exc


def _explain(exc: BaseException, type_: type | None) -> str:
    """Our own errors in their own words; cattrs's wording for the rest."""
    if isinstance(exc, ValidationError):
        return str(exc)
    return format_exception(exc, type_)
