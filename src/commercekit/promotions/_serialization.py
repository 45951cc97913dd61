"""Promotions as JSON: the tags of actions and conditions, and their hooks.

A promotion's ``action`` is one of nine classes and each of its
``conditions`` one of two; several of them have the same fields
(:class:`AmountOff` and :class:`AmountOffPerUnit` both have an ``amount``),
so the JSON of each names its class under the key ``"kind"``:

=========================  ============================
class                      ``"kind"``
=========================  ============================
``PercentOff``             ``"percent_off"``
``PercentOffCheapest``     ``"percent_off_cheapest"``
``AmountOff``              ``"amount_off"``
``AmountOffPerUnit``       ``"amount_off_per_unit"``
``BuyXGetY``               ``"buy_x_get_y"``
``SpendTiers``             ``"spend_tiers"``
``FreeShipping``           ``"free_shipping"``
``BundlePrice``            ``"bundle_price"``
``FreeGift``               ``"free_gift"``
``MinSubtotal``            ``"min_subtotal"``
``MinQuantity``            ``"min_quantity"``
=========================  ============================

The tags are part of the stored format: they never change when a class is
renamed. A bundle's ``items`` are an object of SKUs to quantities, as
:class:`BundlePrice` takes them.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Any, Final

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from commercekit.errors import ValidationError
from commercekit.promotions._model import (
    Action,
    AmountOff,
    AmountOffPerUnit,
    BundlePrice,
    BuyXGetY,
    Condition,
    FreeGift,
    FreeShipping,
    MinQuantity,
    MinSubtotal,
    PercentOff,
    PercentOffCheapest,
    SpendTiers,
)
from commercekit.serialization import register_hooks

__all__ = ["register_promotion_hooks"]

_KIND: Final = "kind"

_ACTION_KINDS: Final[Mapping[type, str]] = {
    PercentOff: "percent_off",
    PercentOffCheapest: "percent_off_cheapest",
    AmountOff: "amount_off",
    AmountOffPerUnit: "amount_off_per_unit",
    BuyXGetY: "buy_x_get_y",
    SpendTiers: "spend_tiers",
    FreeShipping: "free_shipping",
    BundlePrice: "bundle_price",
    FreeGift: "free_gift",
}

_CONDITION_KINDS: Final[Mapping[type, str]] = {
    MinSubtotal: "min_subtotal",
    MinQuantity: "min_quantity",
}


def _raw(value: Any, _: type) -> Any:
    """Hand the value to the class's own converter, which checks it."""
    return value


def _tagged_union(
    converter: cattrs.Converter,
    union: Any,
    kinds: Mapping[type, str],
    what: str,
) -> None:
    """Write each member of ``union`` with its kind; read it back by the kind.

    What :func:`cattrs.strategies.configure_tagged_union` does, built when
    the union is first met rather than now: making a converter stays cheap,
    and the members' hooks are the converter's at that time (hooks a caller
    registers after :func:`~commercekit.serialization.make_converter` count).
    """
    tags = {member: kinds[member] for member in typing.get_args(union)}
    classes = {tag: member for member, tag in tags.items()}
    known = ", ".join(sorted(classes))

    def is_union(type_: Any) -> bool:
        return bool(type_ == union)

    def unstructure_hook(_: Any) -> Callable[[Any], dict[str, Any]]:
        hooks = {member: converter.get_unstructure_hook(member) for member in tags}

        def unstructure(value: Any) -> dict[str, Any]:
            member = type(value)
            data: dict[str, Any] = hooks[member](value)
            data[_KIND] = tags[member]
            return data

        return unstructure

    def structure_hook(_: Any) -> Callable[[Any, Any], Any]:
        hooks = {tag: converter.get_structure_hook(cls) for tag, cls in classes.items()}

        def structure(value: Any, _: Any) -> Any:
            tag = value.get(_KIND) if isinstance(value, Mapping) else None
            if tag not in hooks:
                msg = (
                    f"{what} must be an object whose {_KIND!r} is one of "
                    f"{known}; not {value!r}"
                )
                raise ValidationError(msg, field=what)
            fields = {key: item for key, item in value.items() if key != _KIND}
            return hooks[tag](fields, classes[tag])

        return structure

    converter.register_unstructure_hook_factory(is_union, unstructure_hook)
    converter.register_structure_hook_factory(is_union, structure_hook)


def register_promotion_hooks(converter: cattrs.Converter) -> None:
    """Teach ``converter`` to write promotions as JSON and read them back.

    Every converter that :func:`commercekit.serialization.make_converter`
    builds has these hooks already: importing :mod:`commercekit.promotions`
    registers this function with
    :func:`~commercekit.serialization.register_hooks`. Call it yourself on a
    converter built before that import, or on one of your own that has
    commercekit's hooks for money, decimals and instants.

    Each action and condition carries its kind under ``"kind"``
    (``"percent_off"``, ``"min_subtotal"``, ...); an unknown or missing kind
    reads as a :class:`~commercekit.errors.ValidationError`.

    >>> from commercekit.serialization import dumps, loads, make_converter
    >>> from commercekit.promotions import AmountOffPerUnit, Promotion
    >>> from commercekit.money import money
    >>> promotion = Promotion(
    ...     promotion_id="UNIT-1",
    ...     name="1.00 off each",
    ...     action=AmountOffPerUnit(amount=money("1.00", "EUR")),
    ... )
    >>> text = dumps(promotion)
    >>> '"kind":"amount_off_per_unit"' in text
    True
    >>> loads(text, Promotion) == promotion
    True
    """
    # A bundle's items as SKU -> quantity, the mapping its class takes.
    converter.register_unstructure_hook_factory(
        lambda type_: type_ is BundlePrice,
        lambda _: make_dict_unstructure_fn(
            BundlePrice, converter, items=override(unstruct_hook=dict)
        ),
    )
    converter.register_structure_hook_factory(
        lambda type_: type_ is BundlePrice,
        lambda _: make_dict_structure_fn(
            BundlePrice, converter, items=override(struct_hook=_raw)
        ),
    )
    _tagged_union(converter, Action, _ACTION_KINDS, "action")
    _tagged_union(converter, Condition, _CONDITION_KINDS, "condition")


register_hooks(register_promotion_hooks)
