"""Input checks the adapter families share, so each refuses the same input."""

from __future__ import annotations

from commercekit.errors import ValidationError
from commercekit.money import Money, minor_units
from commercekit.promotions import Promotion

__all__: list[str] = []


def _check_promotion(value: object) -> Promotion:
    if not isinstance(value, Promotion):
        msg = f"promotion must be a Promotion, not {value!r}"
        raise ValidationError(msg, field="promotion")
    return value


def _check_expected_version(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"expected_version must be a whole number from 1, not {value!r}"
        raise ValidationError(msg, field="expected_version")
    return value


def _whole_minor_units(value: object) -> tuple[Money, int]:
    """``value`` and its count of minor units, if it is a whole number of them."""
    if not isinstance(value, Money):
        msg = f"amount must be Money, such as money('5.00', 'EUR'), not {value!r}"
        raise ValidationError(msg, field="amount")
    units = value.amount.scaleb(minor_units(value.currency))
    if units != units.to_integral_value():
        msg = (
            f"amount must be whole minor units of {value.currency.code}, "
            f"not {value.amount}"
        )
        raise ValidationError(msg, field="amount")
    return value, int(units)
