"""What checkout and the order services need to know about the shop."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

import attrs

from commercekit.cart import CartPricingSettings
from commercekit.errors import ValidationError
from commercekit.inventory import InventorySettings
from commercekit.orders._lifecycle import OrderLifecycle, _OrderMachine
from commercekit.payments import PaymentMethod, PaymentMethodKind, PaymentMethods
from commercekit.values import FrozenMap

__all__ = ["ORDER_BUTTON_LABELS", "OrderSettings"]

ORDER_BUTTON_LABELS: Final = frozenset(
    {
        "zahlungspflichtig bestellen",
        "jetzt zahlungspflichtig bestellen",
        "kaufen",
        "jetzt kaufen",
        "kostenpflichtig bestellen",
        "order with obligation to pay",
        "buy now",
        "pay now",
        "place order and pay",
    }
)
"""Order button labels that name the obligation to pay (§ 312j(3) BGB).

Compared without case and surrounding space. "Bestellen", "Weiter" or
"Order" alone do not name it, and a consumer order with such a button is
not placed.
"""


def _typed(cls: type[Any]) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            msg = f"{attribute.name} must be a {cls.__name__}, not {value!r}"
            raise ValidationError(msg, field=attribute.name)

    return check


def _lifecycle(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (isinstance(value, type) and issubclass(value, _OrderMachine)):
        msg = f"lifecycle must be an order lifecycle class, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _window(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        msg = f"{attribute.name} must be a positive timedelta, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _windows(value: object) -> FrozenMap[str, timedelta]:
    if not isinstance(value, Mapping) or not all(
        isinstance(key, str) and isinstance(window, timedelta) and window > timedelta(0)
        for key, window in value.items()
    ):
        msg = (
            "payment_windows must map method codes or kinds to positive "
            f"timedeltas, not {value!r}"
        )
        raise ValidationError(msg, field="payment_windows")
    return FrozenMap(value)


def _labels(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, frozenset | set | list | tuple):
        msg = f"button_labels must be a set of labels, not {value!r}"
        raise ValidationError(msg, field="button_labels")
    if not value or not all(
        isinstance(label, str) and label.strip() for label in value
    ):
        msg = f"button_labels must be non-empty text, at least one, not {value!r}"
        raise ValidationError(msg, field="button_labels")
    return frozenset(label.strip().casefold() for label in value)


def _prefix(value: object) -> str:
    if not isinstance(value, str) or value != value.strip() or not value.isprintable():
        msg = (
            f"number_prefix must be printable text without outer spaces, not {value!r}"
        )
        raise ValidationError(msg, field="number_prefix")
    return value


_MAX_WIDTH: Final = 20


def _width(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not 1 <= value <= _MAX_WIDTH
    ):
        msg = f"number_width must be 1 to {_MAX_WIDTH}, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _bank_details(value: object) -> FrozenMap[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(key, str) and isinstance(text, str) for key, text in value.items()
    ):
        msg = f"bank_details must map names to text, not {value!r}"
        raise ValidationError(msg, field="bank_details")
    return FrozenMap(value)


_DEFAULT_WINDOWS: Final = FrozenMap(
    {PaymentMethodKind.PREPAYMENT.value: timedelta(days=7)}
)


@attrs.frozen(kw_only=True)
class OrderSettings:
    """The shop's settings for checkout and orders.

    Args:
        pricing: How carts are priced (the cart context's settings).
        inventory: Where stock is held, and each SKU's policy.
        payment_methods: The methods offered; the cart's chosen code must be
            one, and offered for the order's country and amount.
        lifecycle: The order lifecycle (an extension from
            :func:`~commercekit.orders.extend_lifecycle`, or the library's).
        payment_window: How long a placed order waits for its payment
            before the sweep cancels it (3-D Secure left unfinished).
        payment_windows: Longer or shorter windows by payment method code or
            :class:`~commercekit.payments.PaymentMethodKind` value (the code
            first); prepayment waits 7 days unless set.
        recovery_grace: How old a placement whose payment never got an
            answer must be before the recovery sweep asks the provider.
        number_prefix: Put before every order number, such as ``"SO-"``.
        number_width: Digits of an order number, zero-padded.
        button_labels: Order button labels that name the obligation to pay.
        bank_details: What a prepayment's instructions show beside the
            amount and reference (``"iban"``, ``"bic"``, ``"account_holder"``).
    """

    pricing: CartPricingSettings = attrs.field(validator=_typed(CartPricingSettings))
    inventory: InventorySettings = attrs.field(validator=_typed(InventorySettings))
    payment_methods: PaymentMethods = attrs.field(validator=_typed(PaymentMethods))
    lifecycle: type[OrderLifecycle] = attrs.field(
        default=OrderLifecycle, validator=_lifecycle
    )
    payment_window: timedelta = attrs.field(
        default=timedelta(hours=1), validator=_window
    )
    payment_windows: FrozenMap[str, timedelta] = attrs.field(
        default=_DEFAULT_WINDOWS, converter=_windows
    )
    recovery_grace: timedelta = attrs.field(
        default=timedelta(minutes=15), validator=_window
    )
    number_prefix: str = attrs.field(default="", converter=_prefix)
    number_width: int = attrs.field(default=6, validator=_width)
    button_labels: frozenset[str] = attrs.field(
        default=ORDER_BUTTON_LABELS, converter=_labels
    )

    bank_details: FrozenMap[str, str] = attrs.field(
        factory=FrozenMap, converter=_bank_details
    )

    def window_for(self, method: PaymentMethod) -> timedelta:
        """How long an order paid by ``method`` waits for its payment."""
        for key in (method.code, method.kind.value):
            if key in self.payment_windows:
                return self.payment_windows[key]
        return self.payment_window

    def number(self, value: int) -> str:
        """The order number for a sequence value: prefix and zero-padded digits."""
        return f"{self.number_prefix}{value:0{self.number_width}d}"

    def names_obligation_to_pay(self, label: str) -> bool:
        """Whether an order button's label is one of ``button_labels``."""
        return label.strip().casefold() in self.button_labels
