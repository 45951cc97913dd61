"""Pricing and tax: price lists, quantity tiers, VAT and the price breakdown.

Every number a customer sees comes from here:

* a :class:`PriceList` holds the unit prices of SKUs in one currency, gross
  or net, with quantity tiers; :func:`resolve_price` (or :func:`resolve_prices`
  from stored lists) chooses the price that applies to a sale, and
  :func:`announce_reduction` answers the Omnibus rule;
* a :class:`TaxProvider` decides the VAT of each item: :class:`EUTaxProvider`
  applies the EU's rules with the dated rates of
  :data:`~commercekit.pricing.EU_VAT_RATES`, and
  checks business buyers' VAT ids (:func:`vat_id`, :class:`VatIdValidator`);
* a :class:`ShippingRates` port quotes the shipping methods that can send a
  parcel (:class:`TableRates` is the built-in table: flat, by weight band,
  by zone, free from a goods total);
* :func:`price_lines` computes the frozen :class:`PriceBreakdown` of a cart:
  lines, discounts, shipping, VAT per rate and totals, to the minor unit.
"""

from commercekit.pricing._breakdown import price_lines
from commercekit.pricing._breakdown_model import (
    Discount,
    LineItem,
    PriceBreakdown,
    PricedLine,
    PricedShipping,
    RoundingPolicy,
    ShippingBasis,
    ShippingPart,
    TaxRateTotal,
    TaxRounding,
)
from commercekit.pricing._errors import (
    SHIPPING_RULES,
    InvalidVatIdError,
    PriceNotFoundError,
    ShippingMethodUnavailableError,
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
from commercekit.pricing._service import (
    PriceReduction,
    announce_reduction,
    resolve_prices,
)
from commercekit.pricing._shipping import (
    ShippingQuote,
    ShippingRates,
    ShippingRequest,
)
from commercekit.pricing._shipping_methods import (
    ShippingMethod,
    ShippingZone,
    WeightBand,
    ZoneRate,
)
from commercekit.pricing._shipping_table import TableRates
from commercekit.pricing._tax import (
    DISTANCE_SALES_THRESHOLD,
    EUTaxProvider,
    SupplyKind,
    TaxContext,
    TaxDecision,
    TaxProvider,
    TaxSettings,
    TaxTreatment,
)
from commercekit.pricing._tax_rates import (
    EU_MEMBER_STATES,
    EU_RATES_AS_OF,
    EU_VAT_RATES,
    MAX_PERCENT,
    TaxRate,
    TaxRateTable,
)
from commercekit.pricing._vat_id import (
    VatId,
    VatIdConfirmation,
    VatIdValidator,
    check_vat_id,
    confirm_vat_id,
    vat_id,
)

__all__ = [
    "DISTANCE_SALES_THRESHOLD",
    "EU_MEMBER_STATES",
    "EU_RATES_AS_OF",
    "EU_VAT_RATES",
    "MAX_PERCENT",
    "OMNIBUS_DAYS",
    "SHIPPING_RULES",
    "Discount",
    "EUTaxProvider",
    "InvalidVatIdError",
    "LineItem",
    "ListedPrice",
    "PriceBreakdown",
    "PriceChange",
    "PriceContext",
    "PriceEntry",
    "PriceList",
    "PriceListId",
    "PriceListRepository",
    "PriceMode",
    "PriceNotFoundError",
    "PriceReduction",
    "PriceTier",
    "PricedLine",
    "PricedShipping",
    "PricingUnitOfWork",
    "ResolvedPrice",
    "RoundingPolicy",
    "ShippingBasis",
    "ShippingMethod",
    "ShippingMethodUnavailableError",
    "ShippingPart",
    "ShippingQuote",
    "ShippingRates",
    "ShippingRequest",
    "ShippingZone",
    "SupplyKind",
    "TableRates",
    "TaxContext",
    "TaxDecision",
    "TaxProvider",
    "TaxRate",
    "TaxRateNotFoundError",
    "TaxRateTable",
    "TaxRateTotal",
    "TaxRounding",
    "TaxSettings",
    "TaxTreatment",
    "VatId",
    "VatIdConfirmation",
    "VatIdValidator",
    "WeightBand",
    "ZoneRate",
    "announce_reduction",
    "check_vat_id",
    "confirm_vat_id",
    "lowest_prior_price",
    "price_lines",
    "resolve_price",
    "resolve_prices",
    "vat_id",
]
