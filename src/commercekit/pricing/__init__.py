"""Pricing and tax: price lists, quantity tiers, VAT and the price breakdown.

Every number a customer sees comes from here. A :class:`PriceList` holds the
unit prices of SKUs in one currency, gross or net, with quantity tiers;
:func:`resolve_price` chooses the price that applies to a sale.
"""

from commercekit.pricing._errors import (
    InvalidVatIdError,
    PriceNotFoundError,
    TaxRateNotFoundError,
)
from commercekit.pricing._ports import PriceListRepository, PricingUnitOfWork
from commercekit.pricing._prices import (
    OMNIBUS_DAYS,
    ListedPrice,
    PriceChange,
    PriceContext,
    PriceEntry,
    PriceList,
    PriceListId,
    PriceMode,
    PriceTier,
    ResolvedPrice,
    lowest_prior_price,
    resolve_price,
)

__all__ = [
    "OMNIBUS_DAYS",
    "InvalidVatIdError",
    "ListedPrice",
    "PriceChange",
    "PriceContext",
    "PriceEntry",
    "PriceList",
    "PriceListId",
    "PriceListRepository",
    "PriceMode",
    "PriceNotFoundError",
    "PriceTier",
    "PricingUnitOfWork",
    "ResolvedPrice",
    "TaxRateNotFoundError",
    "lowest_prior_price",
    "resolve_price",
]
