"""The pricing context's errors."""

from __future__ import annotations

from datetime import date

import attrs

from commercekit.errors import NotFoundError, ValidationError

__all__ = ["InvalidVatIdError", "PriceNotFoundError", "TaxRateNotFoundError"]


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
