"""The pricing context's errors."""

from __future__ import annotations

from datetime import date
from typing import Final

import attrs

from commercekit.errors import BusinessRuleError, NotFoundError, ValidationError

__all__ = [
    "SHIPPING_RULES",
    "InvalidVatIdError",
    "PriceNotFoundError",
    "ShippingMethodUnavailableError",
    "TaxRateNotFoundError",
]


@attrs.define(slots=False)
class PriceNotFoundError(NotFoundError):
    """No price list that applies has a price for the SKU and quantity.

    Args:
        sku: The SKU that has no price.
        currency: The currency the price was asked in.
        quantity: The quantity the price was asked for.
    """

    code = "price_not_found"

    sku: str = attrs.field(kw_only=True)
    currency: str = attrs.field(kw_only=True)
    quantity: int = attrs.field(default=1, kw_only=True)
    kind: str = attrs.field(default="price", kw_only=True)
    key: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.key:
            self.key = self.sku
        super().__attrs_post_init__()

    def _default_message(self) -> str:
        return (
            f"no price for SKU {self.sku!r} in {self.currency} at quantity "
            f"{self.quantity}: add it to a price list in {self.currency} that "
            "applies to this sale"
        )


@attrs.define(slots=False)
class TaxRateNotFoundError(NotFoundError):
    """The rate table has no rate for the country, tax category and date.

    Args:
        country: The country whose rate was asked for.
        category: The tax category.
        on: The date of supply.
    """

    code = "tax_rate_not_found"

    country: str = attrs.field(kw_only=True)
    category: str = attrs.field(kw_only=True)
    on: date = attrs.field(kw_only=True)
    kind: str = attrs.field(default="tax rate", kw_only=True)
    key: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if not self.key:
            self.key = f"{self.country}/{self.category}"
        super().__attrs_post_init__()

    def _default_message(self) -> str:
        return (
            f"no {self.category!r} VAT rate for {self.country} on "
            f"{self.on.isoformat()}: add one to the rate table, or use "
            "another tax category"
        )


@attrs.define(slots=False)
class InvalidVatIdError(ValidationError):
    """A VAT identification number is malformed or fails its checksum.

    Args:
        vat_id: The number as given.
        reason: What is wrong with it.
    """

    code = "invalid_vat_id"

    vat_id: str = attrs.field(default="", kw_only=True)
    reason: str = attrs.field(default="", kw_only=True)

    def _default_message(self) -> str:
        return f"VAT id {self.vat_id!r} is not valid: {self.reason}"


SHIPPING_RULES: Final = frozenset(
    {"unknown_shipping_method", "no_shipping_rate_for_country", "parcel_too_heavy"}
)
"""The rules a :class:`ShippingMethodUnavailableError` names.

``"unknown_shipping_method"`` (no method has the code),
``"no_shipping_rate_for_country"`` (the method does not ship to the country)
and ``"parcel_too_heavy"`` (the parcel weighs more than the method's heaviest
weight band).
"""


@attrs.define(slots=False)
class ShippingMethodUnavailableError(BusinessRuleError):
    """The chosen shipping method cannot ship this parcel; ``rule`` says why.

    Choosing another method helps; asking again with the same parcel does not.
    The rule is one of :data:`SHIPPING_RULES`:

    * ``"unknown_shipping_method"``: no method has the code;
    * ``"no_shipping_rate_for_country"``: the method does not ship to the
      destination country;
    * ``"parcel_too_heavy"``: the parcel weighs more than the upper bound of
      the method's heaviest weight band for the destination.

    Args:
        method: The shipping method's code, as asked for.
        rule: Which rule refused it.
        country: The destination country.
        weight_grams: The parcel's weight.
        max_grams: For ``"parcel_too_heavy"``: the heaviest weight the method
            takes to the country.

    >>> error = ShippingMethodUnavailableError(
    ...     method="express", rule="no_shipping_rate_for_country", country="US"
    ... )
    >>> error.code, error.rule
    ('shipping_method_unavailable', 'no_shipping_rate_for_country')
    >>> print(error)
    shipping method 'express' does not ship to US: choose another method
    """

    code = "shipping_method_unavailable"

    method: str = attrs.field(kw_only=True)
    rule: str = attrs.field(kw_only=True)
    country: str | None = attrs.field(default=None, kw_only=True)
    weight_grams: int | None = attrs.field(default=None, kw_only=True)
    max_grams: int | None = attrs.field(default=None, kw_only=True)

    def _default_message(self) -> str:
        method = f"shipping method {self.method!r}"
        if self.rule == "unknown_shipping_method":
            return f"there is no {method}: choose one of the methods offered"
        if self.rule == "no_shipping_rate_for_country":
            return f"{method} does not ship to {self.country}: choose another method"
        if self.rule == "parcel_too_heavy":
            limit = "" if self.max_grams is None else f" up to {self.max_grams} g"
            return (
                f"{method} takes parcels to {self.country}{limit}, not "
                f"{self.weight_grams} g: choose another method, or split the parcel"
            )
        return f"{method} cannot ship this parcel: refused by {self.rule!r}"
