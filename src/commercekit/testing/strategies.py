"""Hypothesis strategies for commercekit's public types.

Each public type has a strategy here, and the ones Hypothesis cannot build by
itself are registered for ``st.from_type`` through Hypothesis's entry point, so
``st.from_type(Money)`` just works. Needs ``commercekit[testing]``.

Amounts are drawn as whole minor units of their currency, so they are exact,
finite, and shrink toward zero.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Final, NamedTuple, TypeAlias, TypeVar

import attrs
import moneyed
from hypothesis import assume
from hypothesis import strategies as st
from stdnum import ean

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.cart import (
    Alternative,
    Cart,
    CartExpired,
    CartLine,
    CartLineAdded,
    CartLineRemoved,
    CartPrice,
    CartPricingSettings,
    CartProblem,
    CartQuantityChanged,
    CartSettings,
    CartsMerged,
    CartValidation,
    CheckoutStarted,
    CouponApplied,
    CouponRemoved,
    FrozenPrice,
    LineMovedToCart,
    LineSavedForLater,
    LoginResult,
    MergedLine,
    MergeOutcome,
    MergeReport,
    ProblemCode,
    Relation,
    Wishlist,
    WishlistItem,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
    cart_id,
    price_cart,
    validate_cart,
    wishlist_id,
)
from commercekit.catalog import (
    LocalizedText,
    NonReturnableReason,
    Product,
    ProductId,
    SearchQuery,
    Sort,
    Variant,
)
from commercekit.errors import ValidationError
from commercekit.inventory import (
    Allocation,
    AllocationPlan,
    InventorySettings,
    MovementKind,
    ReleaseReason,
    Reservation,
    ReservationId,
    ReservationKind,
    StockAdjusted,
    StockCommitted,
    StockLevel,
    StockLocation,
    StockLocationId,
    StockMovement,
    StockPolicy,
    StockRanLow,
    StockReceived,
    StockReleased,
    StockReserved,
    reservation_id,
    stock_location_id,
)
from commercekit.money import (
    Amount,
    Money,
    Rounding,
    minor_units,
    quantize,
    sum_money,
    to_decimal,
)
from commercekit.orders import (
    ORDER_BUTTON_LABELS,
    CancelReason,
    LegalAcceptance,
    Move,
    Order,
    OrderCanceled,
    OrderConfirmed,
    OrderId,
    OrderLifecycle,
    OrderLine,
    OrderLinesCanceled,
    OrderLinesShipped,
    OrderPage,
    OrderPlaced,
    OrderSettings,
    OrderStatus,
    OrderStatusChanged,
    OrderTransition,
    PlacementOutcome,
    PlacementResult,
    RefundDue,
    extend_lifecycle,
    order_id,
)
from commercekit.payments import (
    AuthorizeRequest,
    CaptureRequest,
    ChargebackLost,
    ChargebackOpened,
    ChargebackWon,
    Dispute,
    DisputeStatus,
    GatewayOutcome,
    GatewayResult,
    IdempotencyRecord,
    NotificationKind,
    Operation,
    Payment,
    PaymentActionRequired,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentExpired,
    PaymentFailed,
    PaymentMethod,
    PaymentMethodKind,
    PaymentMethods,
    PaymentNotification,
    PaymentRefunded,
    PaymentStatus,
    PaymentTransaction,
    PaymentVoided,
    RefundRequest,
    RequiredAction,
    SplitTender,
    StoreCreditAccount,
    StoreCreditEntry,
    TransferOutcome,
    Unavailable,
    UnavailableReason,
    VoidRequest,
    open_cash_on_delivery_payment,
    open_invoice_payment,
    open_prepayment,
    record_bank_transfer,
    record_cash_collected,
    record_incoming_payment,
    split_tender,
)
from commercekit.ports import DomainEvent
from commercekit.pricing import (
    EU_MEMBER_STATES,
    SHIPPING_RULES,
    Discount,
    EUTaxProvider,
    LineItem,
    ListedPrice,
    PriceBreakdown,
    PriceChange,
    PriceContext,
    PricedLine,
    PricedShipping,
    PriceEntry,
    PriceList,
    PriceListId,
    PriceMode,
    PriceNotFoundError,
    PriceReduction,
    PriceTier,
    ResolvedPrice,
    RoundingPolicy,
    ShippingBasis,
    ShippingMethod,
    ShippingMethodUnavailableError,
    ShippingPart,
    ShippingQuote,
    ShippingRequest,
    ShippingZone,
    SupplyKind,
    TableRates,
    TaxContext,
    TaxDecision,
    TaxRate,
    TaxRateTable,
    TaxRateTotal,
    TaxRounding,
    TaxSettings,
    TaxTreatment,
    VatId,
    VatIdConfirmation,
    WeightBand,
    ZoneRate,
    price_lines,
    vat_id,
)
from commercekit.promotions import (
    COUPON_RULES,
    SAFE_ALPHABET,
    AmountOff,
    AmountOffPerUnit,
    AppliedPromotion,
    BundlePrice,
    BuyXGetY,
    Coupon,
    CouponRedemption,
    FreeGift,
    FreeShipping,
    ItemFacts,
    MinQuantity,
    MinSubtotal,
    PercentOff,
    PercentOffCheapest,
    Promotion,
    PromotionContext,
    PromotionId,
    PromotionResult,
    Scope,
    SpendTier,
    SpendTiers,
    StoredPromotion,
    apply_promotions,
    normalize_code,
)
from commercekit.values import Address, CustomerFacts, FrozenMap, Sku, TaxCategory

__all__ = [
    "addresses",
    "allocation_plans",
    "allocations",
    "alternatives",
    "authorize_requests",
    "capture_requests",
    "cart_events",
    "cart_lines",
    "cart_prices",
    "cart_pricing_settings",
    "cart_problems",
    "cart_settings",
    "cart_validations",
    "carts",
    "coupon_redemptions",
    "coupons",
    "currencies",
    "customer_facts",
    "discounts",
    "disputes",
    "eu_tax_providers",
    "frozen_prices",
    "gateway_results",
    "gtins",
    "idempotency_records",
    "inventory_events",
    "inventory_settings",
    "item_facts",
    "legal_acceptances",
    "line_items",
    "listed_prices",
    "localized_texts",
    "login_results",
    "merge_reports",
    "merged_lines",
    "min_quantities",
    "min_subtotals",
    "money",
    "moves",
    "order_events",
    "order_ids",
    "order_lines",
    "order_pages",
    "order_settings",
    "order_transitions",
    "orders",
    "payment_events",
    "payment_method_registries",
    "payment_methods",
    "payment_notifications",
    "payment_transactions",
    "payments",
    "placement_results",
    "price_breakdowns",
    "price_changes",
    "price_contexts",
    "price_entries",
    "price_lists",
    "price_reductions",
    "price_tiers",
    "priced_lines",
    "priced_shippings",
    "products",
    "promotion_actions",
    "promotion_contexts",
    "promotion_results",
    "promotions",
    "refund_requests",
    "refunds_due",
    "required_actions",
    "reservations",
    "resolved_prices",
    "rounding_policies",
    "scopes",
    "search_queries",
    "shipping_methods",
    "shipping_parts",
    "shipping_quotes",
    "shipping_requests",
    "shipping_zones",
    "skus",
    "spend_tiers",
    "split_tenders",
    "stock_levels",
    "stock_locations",
    "stock_movements",
    "stock_policies",
    "store_credit_accounts",
    "store_credit_entries",
    "stored_promotions",
    "table_rates",
    "tax_contexts",
    "tax_decisions",
    "tax_rate_tables",
    "tax_rate_totals",
    "tax_rates",
    "tax_settings",
    "transfer_outcomes",
    "unavailable_methods",
    "variants",
    "vat_id_confirmations",
    "vat_ids",
    "void_requests",
    "weight_bands",
    "wishlist_items",
    "wishlists",
    "zone_rates",
]

_DEFAULT_BOUND = Decimal(1_000_000_000)


@functools.cache
def _codes_in_use() -> tuple[str, ...]:
    usable = []
    for code, currency in moneyed.CURRENCIES.items():
        try:
            minor_units(code)
        except ValidationError:
            continue  # gold, test codes: no minor unit
        if currency.country_codes:  # legal tender somewhere today
            usable.append(code)
    return tuple(sorted(usable, key=lambda code: (code != "EUR", code)))


def currencies() -> st.SearchStrategy[str]:
    """Draw codes of the ISO 4217 currencies in use today, such as ``"EUR"``.

    Withdrawn currencies (``DEM``) and codes without a minor unit (``XAU``) are
    left out. Shrinks toward ``"EUR"``.
    """
    return st.sampled_from(_codes_in_use())


def _units(value: Decimal, places: int, *, upper: bool) -> int:
    scaled = value.scaleb(places)
    return math.floor(scaled) if upper else math.ceil(scaled)


def money(
    currency: str | st.SearchStrategy[str] | None = None,
    min_value: Amount | None = None,
    max_value: Amount | None = None,
) -> st.SearchStrategy[Money]:
    """Draw :class:`~commercekit.money.Money` in whole minor units.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
        min_value: The smallest amount; minus one billion by default.
        max_value: The largest amount; one billion by default.

    Raises:
        ValidationError: for a float bound, or ``min_value > max_value``.
    """
    low = (
        -_DEFAULT_BOUND
        if min_value is None
        else to_decimal(min_value, field="min_value")
    )
    high = (
        _DEFAULT_BOUND
        if max_value is None
        else to_decimal(max_value, field="max_value")
    )
    if low > high:
        msg = f"min_value {low} is above max_value {high}"
        raise ValidationError(msg, field="min_value")

    def in_currency(code: str) -> st.SearchStrategy[Money]:
        places = minor_units(code)
        lowest = _units(low, places, upper=False)
        highest = _units(high, places, upper=True)
        if lowest > highest:
            msg = f"no amount in {code} lies between {low} and {high}"
            raise ValidationError(msg, field="min_value")
        return st.integers(lowest, highest).map(
            lambda units: Money(Decimal(units).scaleb(-places), code)
        )

    if isinstance(currency, str):
        return in_currency(currency.strip().upper())
    return (currencies() if currency is None else currency).flatmap(in_currency)


_SKU_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def skus() -> st.SearchStrategy[Sku]:
    """Draw valid SKUs such as ``"SN-W-42"``."""
    return st.builds(
        lambda first, rest: Sku(first + rest),
        st.sampled_from(_SKU_FIRST),
        st.text(_SKU_FIRST + "._/-", max_size=20),
    )


def gtins() -> st.SearchStrategy[str]:
    """Draw GTINs with a correct check digit: EAN-8, UPC-A or EAN-13."""
    return st.sampled_from([7, 11, 12]).flatmap(
        lambda size: st.text("0123456789", min_size=size, max_size=size).map(
            lambda digits: digits + ean.calc_check_digit(digits)
        )
    )


_WORDS = st.sampled_from(
    ["Sneaker", "weiß", "grün", "Größe", "Leder", "blue", "Café", "classic", "Öko"]
)


def localized_texts() -> st.SearchStrategy[LocalizedText]:
    """Draw texts of a few words, with translations for some locales."""
    words = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
    return st.builds(
        LocalizedText,
        words,
        st.dictionaries(st.sampled_from(["en", "fr", "de_AT"]), words, max_size=2),
    )


_OPTIONS = st.dictionaries(
    st.sampled_from(["color", "size", "width"]),
    st.sampled_from(["white", "black", "grün", "41", "42", "43", "wide"]),
    max_size=3,
)


def variants(sku: st.SearchStrategy[Sku] | None = None) -> st.SearchStrategy[Variant]:
    """Draw variants with every field filled in some of the time."""
    return st.builds(
        Variant,
        sku=skus() if sku is None else sku,
        options=_OPTIONS,
        gtin=st.none() | gtins(),
        weight_grams=st.integers(0, 50_000),
        tax_category=st.sampled_from(TaxCategory),
        cost_price=st.none() | money("EUR", min_value=0, max_value=10_000),
        not_returnable=st.none() | st.sampled_from(NonReturnableReason),
    )


def products() -> st.SearchStrategy[Product]:
    """Draw products with up to four variants of distinct SKUs."""
    return st.builds(
        Product,
        product_id=st.text("abcdef0123456789-", min_size=1, max_size=12).map(ProductId),
        name=localized_texts(),
        description=localized_texts(),
        brand=st.sampled_from(["", "Nordlicht", "Südwind"]),
        categories=st.lists(
            st.sampled_from(["shoes", "shoes/sneakers", "bags"]), max_size=2
        ),
        attributes=st.dictionaries(
            st.sampled_from(["material", "sole"]),
            st.sampled_from(["leather", "rubber", "Öko-Baumwolle"]),
            max_size=2,
        ),
        variants=st.lists(variants(), max_size=4, unique_by=lambda v: v.sku),
        related=st.lists(st.sampled_from(["p-1", "p-2"]).map(ProductId), max_size=2),
        active=st.booleans(),
        created_at=st.integers(0, 10 * 365 * 24 * 3600).map(
            lambda seconds: (
                datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
            )
        ),
    )


_QUERY_WORDS = st.sampled_from(
    [
        "sneaker",
        "weiße",
        "WEISSE",
        "grün",
        "gruen",
        "leder",
        "socken",
        "Nordlicht",
        "südwind",
        "size:42",
        '"',
        "*",
        "schuh",
        "canvas",
    ]
)


def search_queries(currency: str = "EUR") -> st.SearchStrategy[SearchQuery]:
    """Draw valid search queries over the words of a shoe shop.

    Queries have up to three words (some with umlauts, some stray syntax such
    as ``size:42`` or ``"``), option filters, a category, price bounds in
    ``currency``, any sort, in-stock-only or not, and pages. The vocabulary
    fits the catalog of ``commercekit.testing.contracts.sample_catalog``, so
    many queries find something.
    """
    bounds = st.tuples(
        st.none() | money(currency, min_value=0, max_value=100),
        st.none() | money(currency, min_value=0, max_value=100),
    ).map(lambda pair: sorted(pair, key=lambda m: (m is None, m.amount if m else 0)))
    return st.builds(
        lambda words, options, category, price, sort, stock, page, per_page: (
            SearchQuery(
                text=" ".join(words),
                options=options,
                category=category,
                currency=currency,
                min_price=price[0],
                max_price=price[1],
                sort=sort,
                in_stock_only=stock,
                page=page,
                per_page=per_page,
            )
        ),
        st.lists(_QUERY_WORDS, max_size=3),
        st.dictionaries(
            st.sampled_from(["color", "size", "material"]),
            st.frozensets(
                st.sampled_from(["weiß", "grün", "schwarz", "41", "42", "Leder"]),
                min_size=1,
                max_size=2,
            ),
            max_size=2,
        ),
        st.none() | st.sampled_from(["shoes", "shoes/sneakers", "clothing", "sale"]),
        bounds,
        st.sampled_from(Sort),
        st.booleans(),
        st.integers(1, 3),
        st.integers(1, 4),
    )


# -- pricing -------------------------------------------------------------------

_START: Final = datetime(2019, 1, 1, tzinfo=UTC)
_END: Final = datetime(2028, 1, 1, tzinfo=UTC)


def _instants() -> st.SearchStrategy[datetime]:
    """UTC instants, to the second, from 2019 to the end of 2027."""
    span = int((_END - _START).total_seconds()) - 1
    return st.integers(0, span).map(lambda seconds: _START + timedelta(seconds=seconds))


def _one_more_decimal(currency: str, max_value: int) -> st.SearchStrategy[Money]:
    places = minor_units(currency) + 1
    return st.integers(0, max_value * 10**places).map(
        lambda units: Money(Decimal(units).scaleb(-places), currency)
    )


def _unit_prices(currency: str, max_value: int = 1000) -> st.SearchStrategy[Money]:
    """Unit prices from 0 to ``max_value``: whole minor units, or one decimal more."""
    return money(currency, min_value=0, max_value=max_value) | _one_more_decimal(
        currency, max_value
    )


_TIER_STARTS: Final = st.sampled_from([1, 5, 10, 25, 50, 100]) | st.integers(1, 200)
_CHANNELS: Final = st.none() | st.sampled_from(["web", "app"])
_GROUPS: Final = st.none() | st.sampled_from(["b2b", "staff"])


def price_tiers(currency: str = "EUR") -> st.SearchStrategy[PriceTier]:
    """Draw quantity tiers: a minimum quantity and a unit price in ``currency``.

    Unit prices lie between 0 and 1000, in whole minor units of the currency
    or with one decimal more (``12.345`` EUR), as price lists allow.

    Args:
        currency: The currency code of the unit price.
    """
    return st.builds(PriceTier, _TIER_STARTS, _unit_prices(currency))


def price_entries(currency: str = "EUR") -> st.SearchStrategy[PriceEntry]:
    """Draw the price of one SKU: one to three tiers, given in any order.

    Args:
        currency: The currency code of every tier.
    """
    return st.builds(
        PriceEntry,
        tiers=st.lists(
            price_tiers(currency),
            min_size=1,
            max_size=3,
            unique_by=lambda tier: tier.min_quantity,
        ),
        since=_instants(),
    )


def _window(
    start: datetime | None, length: int | None
) -> tuple[datetime | None, datetime | None]:
    if length is None:
        return start, None
    return start, (_START if start is None else start) + timedelta(seconds=length)


_WINDOWS: Final = st.builds(
    _window,
    st.none() | _instants(),
    st.none() | st.integers(1, 400 * 24 * 3600),
)
_LIST_IDS: Final = st.text("abcdef0123456789-", min_size=1, max_size=12).map(
    PriceListId
)


@st.composite
def _price_list(
    draw: st.DrawFn, currency: str, min_prices: int = 0, max_prices: int = 5
) -> PriceList:
    valid_from, valid_until = draw(_WINDOWS)
    return PriceList(
        list_id=draw(_LIST_IDS),
        currency=currency,
        mode=draw(st.sampled_from(PriceMode)),
        name=draw(st.sampled_from(["", "Shop", "Sommer-Sale", "B2B"])),
        priority=draw(st.integers(-3, 3)),
        channel=draw(_CHANNELS),
        customer_group=draw(_GROUPS),
        valid_from=valid_from,
        valid_until=valid_until,
        prices=draw(
            st.dictionaries(
                skus(),
                price_entries(currency),
                min_size=min_prices,
                max_size=max_prices,
            )
        ),
    )


def _codes(currency: str | st.SearchStrategy[str] | None) -> st.SearchStrategy[str]:
    if isinstance(currency, str):
        return st.just(currency.strip().upper())
    return currencies() if currency is None else currency


def price_lists(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceList]:
    """Draw valid price lists of up to five SKUs, each with one to three tiers.

    Lists are gross or net, for all or for a channel (``web``, ``app``) or a
    customer group (``b2b``, ``staff``), with or without a validity window
    (either end may be open), at priorities from -3 to 3, at version 0.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(_price_list)


def price_contexts(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceContext]:
    """Draw the facts of a sale that choose a price list.

    Instants lie between 2019 and 2027; channels and customer groups are those
    of :func:`price_lists`, or ``None``.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return st.builds(
        PriceContext,
        currency=_codes(currency),
        at=_instants(),
        channel=_CHANNELS,
        customer_group=_GROUPS,
    )


def listed_prices(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[ListedPrice]:
    """Draw one SKU's price with the terms of its list, as repositories return it.

    Each is taken from a list of :func:`price_lists` holding that one price
    (:meth:`~commercekit.pricing.PriceList.listed`), so its tiers are in the
    list's currency and its validity window is ordered.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(
        lambda code: _price_list(code, min_prices=1, max_prices=1).map(
            lambda price_list: price_list.listed_prices()[0]
        )
    )


@st.composite
def _resolved_price(draw: st.DrawFn, currency: str) -> ResolvedPrice:
    tier = draw(price_tiers(currency))
    return ResolvedPrice(
        sku=draw(skus()),
        quantity=tier.min_quantity + draw(st.integers(0, 100)),
        unit_price=tier.unit_price,
        mode=draw(st.sampled_from(PriceMode)),
        list_id=draw(_LIST_IDS),
        min_quantity=tier.min_quantity,
    )


def resolved_prices(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[ResolvedPrice]:
    """Draw unit prices as :func:`~commercekit.pricing.resolve_price` returns them.

    The unit price is a tier's (see :func:`price_tiers`), and the quantity
    priced is at or up to 100 above the tier's minimum quantity.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(_resolved_price)


def price_changes(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceChange]:
    """Draw rows of a price history: a new base price of a SKU in a list.

    Prices are unit prices as in :func:`price_tiers`; instants lie between
    2019 and 2027. Rows drawn separately belong to any list and SKU, which
    :func:`~commercekit.pricing.lowest_prior_price` does not mind, but draw a
    history in one currency.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return st.builds(
        PriceChange,
        list_id=_LIST_IDS,
        sku=skus(),
        unit_price=_codes(currency).flatmap(_unit_prices),
        changed_at=_instants(),
    )


_RATE_COUNTRIES: Final = ("DE", "AT", "FR", "NL", "IT", "PL", "GR", "DK", "CH", "GB")
_PERCENTS: Final = st.sampled_from(
    ["0", "2.1", "4.9", "5", "5.5", "7", "10", "13.5", "19", "21", "25.5", "27"]
).map(Decimal) | st.integers(0, 100).map(Decimal)


@st.composite
def _tax_rate(draw: st.DrawFn) -> TaxRate:
    valid_from = draw(st.dates(date(2019, 1, 1), date(2027, 12, 31)))
    days = draw(st.none() | st.integers(1, 3650))
    return TaxRate(
        draw(st.sampled_from(_RATE_COUNTRIES)),
        draw(st.sampled_from(["standard", "reduced", "reduced_2", "super_reduced"])),
        draw(_PERCENTS),
        valid_from,
        None if days is None else valid_from + timedelta(days=days),
    )


def tax_rates() -> st.SearchStrategy[TaxRate]:
    """Draw VAT rates: a country, a category, a percentage and a span of dates.

    Percentages are real ones (``19``, ``5.5``, ``25.5``) or whole numbers
    from 0 to 100; spans start between 2019 and 2027 and are open or last up
    to ten years. Rates drawn separately may overlap, so build a
    :class:`~commercekit.pricing.TaxRateTable` from them with care.
    """
    return _tax_rate()


_VALID_VAT_IDS: Final = (
    "DE136695976",
    "FR40303265045",
    "ATU57194903",
    "EL094259216",
    "BE0697449992",
    "NL004495445B01",
    "IT00743110157",
)


def customer_facts() -> st.SearchStrategy[CustomerFacts]:
    """Draw what the rules may know of a customer.

    The VAT id, if any, is one of a few ids valid in form and checksum (of
    Germany, France, Austria, Greece, Belgium, the Netherlands and Italy, in
    compact form), confirmed by a VAT id service or not; without a VAT id the
    facts never claim a confirmation. Customers are consumers or
    businesses, in no group or in ``b2b`` or ``staff``, with up to 20 orders.
    """
    return st.builds(
        lambda group, business, vat, confirmed, count: CustomerFacts(
            customer_group=group,
            business=business,
            vat_id=vat,
            vat_id_confirmed=confirmed and vat is not None,
            order_count=count,
        ),
        _GROUPS,
        st.booleans(),
        st.none() | st.sampled_from(_VALID_VAT_IDS),
        st.booleans(),
        st.integers(0, 20),
    )


def vat_ids() -> st.SearchStrategy[VatId]:
    """Draw VAT ids valid in form and checksum.

    They are the few ids of :func:`customer_facts` (of Germany, France,
    Austria, Greece, Belgium, the Netherlands and Italy), made by
    :func:`~commercekit.pricing.vat_id` as a shop makes them from its input.
    """
    return st.sampled_from(_VALID_VAT_IDS).map(vat_id)


def vat_id_confirmations() -> st.SearchStrategy[VatIdConfirmation]:
    """Draw what a VAT id service answered about an id of :func:`vat_ids`.

    The answer is a confirmation or a refusal, checked between 2019 and 2027,
    with a consultation reference or none; only a confirmation may carry the
    registered name of the business.
    """
    return st.builds(
        lambda number, valid, checked_at, name, reference: VatIdConfirmation(
            vat_id=number,
            valid=valid,
            checked_at=checked_at,
            name=name if valid else None,
            reference=reference,
        ),
        vat_ids(),
        st.booleans(),
        _instants(),
        st.none() | st.sampled_from(["Nordlicht GmbH", "Südwind SARL", "Öko AG"]),
        st.none() | st.sampled_from(["WAPIAAAAZ2xvY2Fs", "FAKE-000001", "4711"]),
    )


_SHIP_TO: Final = ("DE", "AT", "FR", "NL", "IT", "PL", "GR", "CH", "US", "GB", "NO")


def tax_contexts(
    *,
    ship_to: st.SearchStrategy[str] | None = None,
    supplied_at: st.SearchStrategy[datetime] | None = None,
    buyer: st.SearchStrategy[CustomerFacts] | None = None,
) -> st.SearchStrategy[TaxContext]:
    """Draw the facts of a sale that decide its VAT.

    By default the goods go to a few member states (``DE``, ``AT``, ``FR``,
    ``NL``, ``IT``, ``PL``, ``GR``) or out of the EU (``CH``, ``US``, ``GB``,
    ``NO``), are supplied between 2019 and 2027, to a buyer from
    :func:`customer_facts`. The EU's own rate table starts in 2020, so pass
    ``supplied_at`` to stay inside it when pricing with
    :class:`~commercekit.pricing.EUTaxProvider`.

    Args:
        ship_to: Country codes to ship to.
        supplied_at: Aware instants of supply.
        buyer: Facts about the buyer.
    """
    return st.builds(
        TaxContext,
        ship_to=st.sampled_from(_SHIP_TO) if ship_to is None else ship_to,
        supplied_at=_instants() if supplied_at is None else supplied_at,
        buyer=customer_facts() if buyer is None else buyer,
    )


# Germany first, so that merchants shrink toward it.
_MEMBER_STATES: Final = tuple(
    sorted(EU_MEMBER_STATES, key=lambda code: (code != "DE", code))
)
_TIME_ZONES: Final = (
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Vienna",
    "Europe/Athens",
    "Europe/Lisbon",
    "Europe/Helsinki",
    "UTC",
)
_DISTANCE_SALES: Final = (
    st.none()
    | money("EUR", min_value=0, max_value=50_000)
    | st.sampled_from(["10000.00", "10000.01"]).map(
        lambda amount: Money(Decimal(amount), "EUR")
    )
)


def tax_settings() -> st.SearchStrategy[TaxSettings]:
    """Draw the VAT facts of a merchant in an EU member state.

    The merchant is in any of the 27 member states (shrinking toward
    Germany), in one of a few time zones (``Europe/Berlin``, ``Europe/Paris``,
    ``Europe/Vienna``, ``Europe/Athens``, ``Europe/Lisbon``,
    ``Europe/Helsinki``, ``UTC``), chooses the destination principle or not,
    and has EU distance sales of up to 50,000 EUR (at times exactly at or
    just above :data:`~commercekit.pricing.DISTANCE_SALES_THRESHOLD`), or
    none given.
    """
    return st.builds(
        TaxSettings,
        merchant_country=st.sampled_from(_MEMBER_STATES),
        time_zone=st.sampled_from(_TIME_ZONES),
        destination_principle=st.booleans(),
        eu_distance_sales=_DISTANCE_SALES,
    )


def _tenths(tenths: int) -> Decimal:
    whole, rest = divmod(tenths, 10)
    return Decimal(whole) if not rest else Decimal(tenths).scaleb(-1)


_DECISION_PERCENTS: Final = st.integers(0, 270).map(_tenths)
_DECISION_CATEGORIES: Final = (
    "standard",
    "reduced",
    "reduced_2",
    "super_reduced",
    "zero",
    "exempt",
)
# Treatments that charge no VAT, whatever the category.
_UNTAXED: Final = frozenset(
    {
        TaxTreatment.INTRA_COMMUNITY_SUPPLY,
        TaxTreatment.REVERSE_CHARGE,
        TaxTreatment.EXPORT,
        TaxTreatment.OUTSIDE_SCOPE,
        TaxTreatment.EXEMPT,
    }
)
_REASONS: Final = st.sampled_from(
    [
        "a sale within DE",
        "the item is exempt from VAT",
        "goods shipped from DE to FR for a business with a confirmed VAT id",
        "Lieferung an einen Verbraucher in Österreich",
    ]
)


@st.composite
def _tax_decision(draw: st.DrawFn) -> TaxDecision:
    category = draw(st.sampled_from(_DECISION_CATEGORIES))
    if category == TaxCategory.EXEMPT:
        treatment = TaxTreatment.EXEMPT
    else:
        treatment = draw(
            st.sampled_from([t for t in TaxTreatment if t is not TaxTreatment.EXEMPT])
        )
    untaxed = category == TaxCategory.ZERO or treatment in _UNTAXED
    return TaxDecision(
        percent=Decimal(0) if untaxed else draw(_DECISION_PERCENTS),
        country=draw(st.sampled_from(_MEMBER_STATES)),
        category=category,
        treatment=treatment,
        reason=draw(_REASONS),
    )


def tax_decisions() -> st.SearchStrategy[TaxDecision]:
    """Draw VAT decisions as the EU rules make them.

    A decision has a member state, a category (``standard``, ``reduced``,
    ``reduced_2``, ``super_reduced``, ``zero`` or ``exempt``), a treatment
    and a reason in words. The percentage lies between 0 and 27 with at most
    one decimal (``Decimal("19")``, ``Decimal("5.5")``), and is 0 where the
    EU rules charge no VAT: for category ``zero``, and under the exempt,
    intra-Community, reverse-charge, export and outside-scope treatments.
    Category ``exempt`` always has the treatment ``exempt``.
    """
    return _tax_decision()


_SOURCES: Final = st.sampled_from(["SUMMER10", "WELCOME", "promo-42", "bundle"])
_LABELS: Final = st.sampled_from(["", "10% off", "Sommerrabatt", "3 for 2"])


def discounts(
    currency: str = "EUR", max_value: Amount = 100
) -> st.SearchStrategy[Discount]:
    """Draw discounts of one minor unit up to ``max_value``, in whole minor units.

    Args:
        currency: The currency code of the amount.
        max_value: The largest amount.
    """
    smallest = Decimal(1).scaleb(-minor_units(currency))
    return st.builds(
        Discount,
        money(currency, min_value=smallest, max_value=max_value),
        _SOURCES,
        _LABELS,
    )


_LINE_CATEGORIES: Final = st.sampled_from(
    [TaxCategory.STANDARD, TaxCategory.REDUCED, TaxCategory.ZERO, TaxCategory.EXEMPT]
)


@st.composite
def _line_item(draw: st.DrawFn, currency: str, rounding: Rounding) -> LineItem:
    places = minor_units(currency)
    unit_price = draw(_unit_prices(currency))
    quantity = draw(st.integers(1, 50))
    subtotal = quantize(unit_price * quantity, rounding)
    remaining = int(subtotal.amount.scaleb(places))
    given: list[Discount] = []
    for _ in range(draw(st.integers(0, 3))):
        if remaining < 1:
            break
        units = draw(st.integers(1, remaining))
        remaining -= units
        amount = Money(Decimal(units).scaleb(-places), currency)
        given.append(Discount(amount, draw(_SOURCES), draw(_LABELS)))
    return LineItem(
        sku=draw(skus()),
        quantity=quantity,
        unit_price=unit_price,
        tax_category=draw(_LINE_CATEGORIES),
        supply=draw(st.sampled_from(SupplyKind)),
        discounts=given,
    )


def line_items(
    currency: str = "EUR", rounding: Rounding = Rounding.HALF_UP
) -> st.SearchStrategy[LineItem]:
    """Draw lines to price, in one currency.

    Quantities run from 1 to 50, unit prices from 0 to 1000 in whole minor
    units or with one decimal more; the tax category is ``standard``,
    ``reduced``, ``zero`` or ``exempt``, for goods or services. Up to three
    discounts never add up to more than the line's subtotal, computed as
    :func:`~commercekit.pricing.price_lines` does: ``unit_price * quantity``
    rounded to the minor unit by ``rounding``. Each line's key is its SKU, so
    draw a cart with ``st.lists(line_items(), unique_by=lambda line: line.key)``.

    Args:
        currency: The currency code of every amount.
        rounding: The rounding of the breakdown's policy the lines are for;
            with another, a line's discounts may exceed its subtotal.
    """
    return _line_item(currency.strip().upper(), Rounding(rounding))


def rounding_policies(currency: str = "EUR") -> st.SearchStrategy[RoundingPolicy]:
    """Draw rounding policies: any tax rounding and mode, cash rounding or none.

    A cash increment, when there is one, is 5, 10, 50 or 100 minor units of
    ``currency`` (``0.05`` EUR, ``5`` JPY), so the breakdown accepts it.

    Args:
        currency: The currency whose minor unit the cash increments are in.
    """
    places = minor_units(currency)
    return st.builds(
        RoundingPolicy,
        tax=st.sampled_from(TaxRounding),
        rounding=st.sampled_from(Rounding),
        cash_increment=st.none()
        | st.sampled_from([5, 10, 50, 100]).map(
            lambda units: Decimal(units).scaleb(-places)
        ),
    )


# The EU's rate table starts on 2020-01-01, in Berlin a little before midnight
# UTC: start a day later.
_EU_RATES_START: Final = datetime(2020, 1, 2, tzinfo=UTC)


def _eu_rate_instants() -> st.SearchStrategy[datetime]:
    span = int((_END - _EU_RATES_START).total_seconds()) - 1
    return st.integers(0, span).map(
        lambda seconds: _EU_RATES_START + timedelta(seconds=seconds)
    )


@functools.cache
def _german_merchant() -> EUTaxProvider:
    return EUTaxProvider(TaxSettings(merchant_country="DE"))


@st.composite
def _price_breakdown(
    draw: st.DrawFn,
    currency: str,
    *,
    min_lines: int = 0,
    shipped: bool = False,
    ship_to: tuple[str, ...] | None = None,
) -> PriceBreakdown:
    policy = draw(rounding_policies(currency))
    lines = draw(
        st.lists(
            line_items(currency, policy.rounding),
            min_size=min_lines,
            max_size=5,
            unique_by=lambda line: line.key,
        )
    )
    charges = money(currency, min_value=0, max_value=30)
    shipping = draw(charges if shipped else st.none() | charges) if lines else None
    return price_lines(
        lines,
        currency=currency,
        mode=draw(st.sampled_from(PriceMode)),
        tax=_german_merchant(),
        context=draw(
            tax_contexts(
                ship_to=None if ship_to is None else st.sampled_from(ship_to),
                supplied_at=_eu_rate_instants(),
            )
        ),
        shipping=shipping,
        order_discounts=draw(st.lists(discounts(currency, max_value=500), max_size=2)),
        shipping_basis=draw(st.sampled_from(ShippingBasis)),
        policy=policy,
    )


def price_breakdowns(currency: str = "EUR") -> st.SearchStrategy[PriceBreakdown]:
    """Draw breakdowns of carts, computed by :func:`~commercekit.pricing.price_lines`.

    A cart has up to five lines of :func:`line_items` with distinct keys, no
    shipping or up to 30 in ``currency`` (only with lines), and up to two
    order discounts of :func:`discounts` up to 500. It is priced gross or
    net, with shipping split either way, under any of
    :func:`rounding_policies`, for a :func:`tax_contexts` supplied from
    2020-01-02 to 2027, by :class:`~commercekit.pricing.EUTaxProvider` for a
    merchant in Germany.

    Args:
        currency: The currency code of every amount.
    """
    return _price_breakdown(currency.strip().upper())


def priced_lines(currency: str = "EUR") -> st.SearchStrategy[PricedLine]:
    """Draw lines of breakdowns of :func:`price_breakdowns`, as priced there.

    The breakdown has at least one line, and the line drawn is any of them,
    so its amounts (with its share of the order discounts and its VAT) are
    what :func:`~commercekit.pricing.price_lines` computed.

    Args:
        currency: The currency code of every amount.
    """
    return _price_breakdown(currency.strip().upper(), min_lines=1).flatmap(
        lambda breakdown: st.sampled_from(breakdown.lines)
    )


def _shipping_of(breakdown: PriceBreakdown) -> PricedShipping:
    if breakdown.shipping is None:  # pragma: no cover - drawn with shipping
        msg = "the breakdown was drawn with shipping and has none"
        raise AssertionError(msg)
    return breakdown.shipping


def priced_shippings(currency: str = "EUR") -> st.SearchStrategy[PricedShipping]:
    """Draw the shipping of breakdowns of :func:`price_breakdowns`.

    The breakdown has at least one line and 0 to 30 of shipping in
    ``currency``, split over the goods' rates by either basis, so the parts
    add up to the whole as :func:`~commercekit.pricing.price_lines` split it.

    Args:
        currency: The currency code of every amount.
    """
    code = currency.strip().upper()
    return _price_breakdown(code, min_lines=1, shipped=True).map(_shipping_of)


def shipping_parts(currency: str = "EUR") -> st.SearchStrategy[ShippingPart]:
    """Draw one rate's share of shipping, from :func:`priced_shippings`.

    Args:
        currency: The currency code of every amount.
    """
    return priced_shippings(currency).flatmap(
        lambda shipping: st.sampled_from(shipping.parts)
    )


def tax_rate_totals(currency: str = "EUR") -> st.SearchStrategy[TaxRateTotal]:
    """Draw one rate's totals from a breakdown of :func:`price_breakdowns`.

    The breakdown has at least one line, so it has at least one rate; the
    totals drawn are any of its rates'.

    Args:
        currency: The currency code of every amount.
    """
    return _price_breakdown(currency.strip().upper(), min_lines=1).flatmap(
        lambda breakdown: st.sampled_from(breakdown.rates)
    )


def _overlap(one: TaxRate, other: TaxRate) -> bool:
    """Whether two rates of one country and category share a day."""
    if (one.country, one.category) != (other.country, other.category):
        return False
    return (other.valid_until is None or one.valid_from < other.valid_until) and (
        one.valid_until is None or other.valid_from < one.valid_until
    )


def _table(rates: list[TaxRate]) -> TaxRateTable:
    kept: list[TaxRate] = []
    for rate in rates:
        if not any(_overlap(rate, other) for other in kept):
            kept.append(rate)
    return TaxRateTable(kept)


def tax_rate_tables() -> st.SearchStrategy[TaxRateTable]:
    """Draw VAT rate tables of up to eight rates of :func:`tax_rates`.

    A drawn rate that shares a day with one drawn before it, for the same
    country and category, is left out, so the table never has two rates
    for one supply. Shrinks toward the empty table.
    """
    return st.lists(tax_rates(), max_size=8).map(_table)


def eu_tax_providers() -> st.SearchStrategy[EUTaxProvider]:
    """Draw the EU's VAT rules for a merchant of :func:`tax_settings`.

    The rates are the EU's own (:data:`~commercekit.pricing.EU_VAT_RATES`).
    """
    return st.builds(EUTaxProvider, tax_settings())


def _percent_off(new_price: Money, reference: Money | None) -> int | None:
    """The reduction in whole percent, rounded down, as the library computes it."""
    if reference is None or reference.amount <= 0 or new_price >= reference:
        return None
    saved = Fraction(reference.amount) - Fraction(new_price.amount)
    return math.floor(saved * 100 / Fraction(reference.amount))


@st.composite
def _price_reduction(draw: st.DrawFn, currency: str) -> PriceReduction:
    prices = _unit_prices(currency)
    low, high = sorted(draw(st.tuples(prices, prices)), key=lambda p: p.amount)
    reference = draw(st.sampled_from([high, None, low]))
    return PriceReduction(
        new_price=low,
        reference_price=reference,
        percent_off=_percent_off(low, reference),
    )


def price_reductions(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PriceReduction]:
    """Draw price reductions as :func:`~commercekit.pricing.announce_reduction` does.

    The new price and the reference price (the lowest of the 30 days before)
    are unit prices as in :func:`price_tiers`. The reference is ``None`` (a
    new product), the new price itself, or a price at or above it; the
    percentage off is computed from it and rounded down, and is ``None``
    without a reduction from a reference above zero.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
    """
    return _codes(currency).flatmap(_price_reduction)


# -- promotions ----------------------------------------------------------------

_Action: TypeAlias = (
    PercentOff
    | PercentOffCheapest
    | AmountOff
    | AmountOffPerUnit
    | BuyXGetY
    | SpendTiers
    | FreeShipping
    | BundlePrice
    | FreeGift
)
# What a Promotion gives: one of nine actions.

_T = TypeVar("_T")
_ACTION_KINDS: Final[tuple[type[_Action], ...]] = (
    PercentOff,
    PercentOffCheapest,
    AmountOff,
    AmountOffPerUnit,
    BuyXGetY,
    SpendTiers,
    FreeShipping,
    BundlePrice,
    FreeGift,
)
_PROMOTION_SKUS: Final = ("SN-W-42", "SOCK-3", "BAG-1", "TOTE")
_PRODUCTS: Final = ("p-sneaker", "p-sock", "p-bag")
_CATEGORIES: Final = ("shoes", "socks", "bags", "sale")
_PROMOTION_IDS: Final = (
    "summer",
    "welcome",
    "ship-free",
    "vip",
    "gift",
    "p-1",
    "p-2",
    "p-3",
    "p-4",
    "p-5",
)
_PROMOTION_NAMES: Final = st.sampled_from(
    ["10% off", "Sommer-Sale", "Gratisversand", "3 für 2", "Willkommen"]
)
_COUPON_CODES: Final = ("SPRING", "SUMMER10", "WELCOME", "VIP-2026")
_SHIPPING_METHODS: Final = ("standard", "express")
_PROMOTION_PERCENTS: Final = st.sampled_from(
    ["10", "5", "7.5", "12.5", "33.33", "50", "100"]
).map(Decimal) | st.integers(1, 100).map(Decimal)
# Promotion windows and sale instants lie around one instant, so a window
# holds the sale as often as not.
_AROUND: Final = datetime(2026, 1, 5, 9, tzinfo=UTC)
_HOURS_AROUND: Final = 72
# False three times in four; shrinks to False.
_NOW_AND_THEN: Final = st.integers(0, 3).map(lambda n: n == 3)  # noqa: PLR2004


def _named_skus(skus: st.SearchStrategy[Sku] | None) -> st.SearchStrategy[Sku]:
    return st.sampled_from(_PROMOTION_SKUS).map(Sku) if skus is None else skus


def _small_amounts(currency: str, max_value: int = 100) -> st.SearchStrategy[Money]:
    """Amounts from one minor unit of ``currency`` up to ``max_value``."""
    smallest = Decimal(1).scaleb(-minor_units(currency))
    return money(currency, min_value=smallest, max_value=max_value)


def item_facts() -> st.SearchStrategy[ItemFacts]:
    """Draw what promotions know of a SKU: its product and categories.

    The product is none or one of ``p-sneaker``, ``p-sock`` and ``p-bag``; the
    categories are up to two of ``shoes``, ``socks``, ``bags`` and ``sale``,
    the names :func:`scopes` uses.
    """
    return st.builds(
        ItemFacts,
        product_id=st.none() | st.sampled_from(_PRODUCTS),
        categories=st.frozensets(st.sampled_from(_CATEGORIES), max_size=2),
    )


def scopes(skus: st.SearchStrategy[Sku] | None = None) -> st.SearchStrategy[Scope]:
    """Draw the lines an action or condition looks at.

    A scope is the whole cart, or includes and excludes a few SKUs, products
    and categories: those of :func:`item_facts`, and SKUs of ``skus``.

    Args:
        skus: The SKUs a scope may name; by default a few fixed ones
            (``SN-W-42``, ``SOCK-3``, ``BAG-1``, ``TOTE``). Pass the SKUs of
            a cart so that scopes match some of its lines.
    """
    codes = _named_skus(skus)
    products = st.sampled_from(_PRODUCTS)
    categories = st.sampled_from(_CATEGORIES)
    return st.just(Scope()) | st.builds(
        Scope,
        skus=st.frozensets(codes, max_size=2),
        products=st.frozensets(products, max_size=1),
        categories=st.frozensets(categories, max_size=2),
        exclude_skus=st.frozensets(codes, max_size=1),
        exclude_products=st.frozensets(products, max_size=1),
        exclude_categories=st.frozensets(categories, max_size=1),
    )


def min_subtotals(
    currency: str = "EUR", skus: st.SearchStrategy[Sku] | None = None
) -> st.SearchStrategy[MinSubtotal]:
    """Draw minimum subtotals from one minor unit up to 200 in ``currency``.

    Args:
        currency: The currency code of the amount.
        skus: The SKUs their scopes may name, as in :func:`scopes`.
    """
    return st.builds(
        MinSubtotal,
        amount=_small_amounts(currency.strip().upper(), 200),
        scope=scopes(skus),
    )


def min_quantities(
    skus: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[MinQuantity]:
    """Draw minimum quantities from 1 to 10 units, over a scope of :func:`scopes`.

    Args:
        skus: The SKUs their scopes may name, as in :func:`scopes`.
    """
    return st.builds(MinQuantity, quantity=st.integers(1, 10), scope=scopes(skus))


def spend_tiers(currency: str = "EUR") -> st.SearchStrategy[SpendTier]:
    """Draw spend tiers: from a threshold up to 200, an amount up to 50 off.

    Both amounts are in whole minor units of ``currency``, at least one.

    Args:
        currency: The currency code of both amounts.
    """
    code = currency.strip().upper()
    return st.builds(SpendTier, _small_amounts(code, 200), _small_amounts(code, 50))


def _action_strategies(
    currency: str, skus: st.SearchStrategy[Sku]
) -> dict[type[_Action], st.SearchStrategy[_Action]]:
    amounts = _small_amounts(currency)
    scope = scopes(skus)
    percent = _PROMOTION_PERCENTS
    return {
        PercentOff: st.builds(PercentOff, percent=percent, scope=st.none() | scope),
        PercentOffCheapest: st.builds(
            PercentOffCheapest, percent=percent, count=st.integers(1, 3), scope=scope
        ),
        AmountOff: st.builds(AmountOff, amount=amounts),
        AmountOffPerUnit: st.builds(AmountOffPerUnit, amount=amounts, scope=scope),
        BuyXGetY: st.builds(
            BuyXGetY,
            buy=st.integers(1, 3),
            get=st.integers(1, 2),
            percent=percent,
            scope=scope,
        ),
        SpendTiers: st.builds(
            SpendTiers,
            tiers=st.lists(
                spend_tiers(currency),
                min_size=1,
                max_size=3,
                unique_by=lambda tier: tier.threshold.amount,
            ),
            scope=scope,
        ),
        FreeShipping: st.builds(
            FreeShipping,
            methods=st.frozensets(st.sampled_from(_SHIPPING_METHODS), max_size=1),
        ),
        BundlePrice: st.builds(
            BundlePrice,
            items=st.dictionaries(skus, st.integers(1, 3), min_size=1, max_size=2),
            price=amounts,
        ),
        FreeGift: st.builds(FreeGift, sku=skus, quantity=st.integers(1, 2)),
    }


def promotion_actions(
    currency: str = "EUR",
    *,
    kinds: Iterable[type[_Action]] | None = None,
    skus: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[_Action]:
    """Draw what a promotion gives: any of the nine actions, or of ``kinds``.

    Amounts lie between one minor unit of ``currency`` and 100 (spend tiers:
    thresholds up to 200, amounts up to 50); percentages are common ones
    (``10``, ``12.5``, ``33.33``, ``100``) or whole numbers from 1 to 100;
    counts are small (buy 1 to 3, get 1 or 2; the 1 to 3 cheapest; bundles
    of one or two SKUs, 1 to 3 of each; gifts of 1 or 2). Scopes are those
    of :func:`scopes`; free shipping is by any method, or by ``standard`` or
    ``express`` only.

    Args:
        currency: The currency code of every amount.
        kinds: The action classes to draw from, such as ``[AmountOff]``; all
            nine by default.
        skus: The SKUs scopes, bundles and gifts may name, as in
            :func:`scopes`.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            action classes.
    """
    chosen = _ACTION_KINDS if kinds is None else tuple(kinds)
    unknown = [kind for kind in chosen if kind not in _ACTION_KINDS]
    if not chosen or unknown:
        names = ", ".join(kind.__name__ for kind in _ACTION_KINDS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")
    found = _action_strategies(currency.strip().upper(), _named_skus(skus))
    return st.one_of([found[kind] for kind in chosen])


def _promotion_window(
    start: int | None, length: int | None
) -> tuple[datetime | None, datetime | None]:
    """A window of whole hours around :data:`_AROUND`; either end may be open."""
    valid_from = None if start is None else _AROUND + timedelta(hours=start)
    if length is None:
        return valid_from, None
    if valid_from is None:
        return None, _AROUND + timedelta(hours=length - _HOURS_AROUND)
    return valid_from, valid_from + timedelta(hours=length)


_PROMOTION_WINDOWS: Final = st.builds(
    _promotion_window,
    st.none() | st.integers(-_HOURS_AROUND, _HOURS_AROUND),
    st.none() | st.integers(1, 2 * _HOURS_AROUND),
)


def _one(text: str) -> frozenset[str]:
    return frozenset({text})


_PRIORITIES: Final = st.integers(0, 5)
_PROMOTION_COUPONS: Final = st.frozensets(
    st.sampled_from(_COUPON_CODES), min_size=1, max_size=2
)
_PROMOTION_CHANNELS: Final = st.sampled_from(["web", "app"]).map(_one)
_PROMOTION_GROUPS: Final = st.sampled_from(["b2b", "staff"]).map(_one)
_NO_TEXTS: Final[frozenset[str]] = frozenset()


@st.composite
def _promotion(
    draw: st.DrawFn,
    *,
    ids: st.SearchStrategy[str],
    actions: st.SearchStrategy[_Action],
    conditions: st.SearchStrategy[list[MinSubtotal | MinQuantity]],
    combinable: st.SearchStrategy[frozenset[str]],
    budgets: st.SearchStrategy[Money],
) -> Promotion:
    def now_and_then(strategy: st.SearchStrategy[_T], default: _T) -> _T:
        return draw(strategy) if draw(_NOW_AND_THEN) else default

    valid_from, valid_until = now_and_then(_PROMOTION_WINDOWS, (None, None))
    return Promotion(
        promotion_id=draw(ids),
        name=draw(_PROMOTION_NAMES),
        action=draw(actions),
        conditions=draw(conditions),
        priority=draw(_PRIORITIES),
        exclusive=draw(_NOW_AND_THEN),
        stop_further=draw(_NOW_AND_THEN),
        combinable_with=now_and_then(combinable, None),
        coupon_codes=now_and_then(_PROMOTION_COUPONS, _NO_TEXTS),
        valid_from=valid_from,
        valid_until=valid_until,
        channels=now_and_then(_PROMOTION_CHANNELS, _NO_TEXTS),
        customer_groups=now_and_then(_PROMOTION_GROUPS, _NO_TEXTS),
        first_order_only=draw(_NOW_AND_THEN),
        budget=now_and_then(budgets, None),
    )


def promotions(
    currency: str = "EUR",
    *,
    ids: st.SearchStrategy[str] | None = None,
    skus: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[Promotion]:
    """Draw valid promotions in ``currency``.

    A promotion has an action of :func:`promotion_actions`, up to two
    conditions (:func:`min_subtotals`, :func:`min_quantities`) and a priority
    from 0 to 5. Now and then (one time in four each) it is exclusive, stops
    further promotions, combines only with a few ids, needs one of the coupon
    codes ``SPRING``, ``SUMMER10``, ``WELCOME`` and ``VIP-2026``, has a
    validity window of whole hours (either end may be open) around
    2026-01-05 09:00 UTC, is for the ``web`` or ``app`` channel only, for
    the ``b2b`` or ``staff`` group only, for first orders only, or has a
    budget of up to 200. Draw a set with
    ``st.lists(promotions(), unique_by=lambda p: p.promotion_id)``.

    Args:
        currency: The currency code of every amount.
        ids: The promotion ids, also those ``combinable_with`` names; by
            default ten fixed ones (``summer``, ``welcome``, ``p-1``, ...).
        skus: The SKUs scopes, bundles and gifts may name, as in
            :func:`scopes`.
    """
    code = currency.strip().upper()
    codes = _named_skus(skus)
    ids = st.sampled_from(_PROMOTION_IDS) if ids is None else ids
    return _promotion(
        ids=ids,
        actions=promotion_actions(code, skus=codes),
        conditions=st.lists(
            min_subtotals(code, codes) | min_quantities(codes), max_size=2
        ),
        combinable=st.frozensets(ids, max_size=3),
        budgets=_small_amounts(code, 200),
    )


def _entered(code: str) -> st.SearchStrategy[str]:
    return st.sampled_from([code, code.lower(), f" {code} "])


def promotion_contexts(
    currency: str = "EUR", *, ids: st.SearchStrategy[str] | None = None
) -> st.SearchStrategy[PromotionContext]:
    """Draw the facts of a sale that decide which promotions apply.

    The sale happens within three days of 2026-01-05 09:00 UTC (shrinking
    toward it), around the windows of :func:`promotions`, in no channel or
    in ``web`` or ``app``, for a customer of :func:`customer_facts`. The
    customer entered up to three of the coupon codes of :func:`promotions`,
    as typed (``"spring"``, ``" SPRING "``); an order may use one to three.
    A shipping method (``standard`` or ``express``) and a shipping price up
    to 30 are given or not, and up to three promotions have given up to 200
    of their budgets so far.

    Args:
        currency: The currency code of the sale and every amount.
        ids: The promotion ids whose budgets were spent, as in
            :func:`promotions`.
    """
    code = currency.strip().upper()
    minutes = _HOURS_AROUND * 60
    return st.builds(
        PromotionContext,
        currency=st.just(code),
        at=st.integers(-minutes, minutes).map(
            lambda offset: _AROUND + timedelta(minutes=offset)
        ),
        channel=_CHANNELS,
        customer=customer_facts(),
        coupon_codes=st.lists(
            st.sampled_from(_COUPON_CODES).flatmap(_entered), max_size=3
        ),
        shipping_method=st.none() | st.sampled_from(_SHIPPING_METHODS),
        shipping_price=st.none() | money(code, min_value=0, max_value=30),
        max_coupons=st.integers(1, 3),
        spent=st.dictionaries(
            st.sampled_from(_PROMOTION_IDS) if ids is None else ids,
            money(code, min_value=0, max_value=200),
            max_size=3,
        ),
    )


def coupons() -> st.SearchStrategy[Coupon]:
    """Draw coupons with codes of the safe alphabet.

    A code of :data:`~commercekit.promotions.SAFE_ALPHABET` (sometimes with a
    prefix), a promotion id, an optional window of whole hours around
    2026-01-05 09:00 UTC, and optional limits in total (0 to 5) and per
    customer (0 to 2).
    """

    @st.composite
    def build(draw: st.DrawFn) -> Coupon:
        prefix = draw(st.sampled_from(["", "XMAS-", "VIP-"]))
        body = draw(st.text(SAFE_ALPHABET, min_size=4, max_size=10))
        start = draw(st.none() | st.integers(-_HOURS_AROUND, 0))
        length = draw(st.none() | st.integers(1, 2 * _HOURS_AROUND))
        valid_from = None if start is None else _AROUND + timedelta(hours=start)
        valid_until = None
        if length is not None:
            base = valid_from if valid_from is not None else _AROUND
            valid_until = base + timedelta(hours=length)
        return Coupon(
            code=prefix + body,
            promotion_id=draw(st.sampled_from(_PROMOTION_IDS)),
            valid_from=valid_from,
            valid_until=valid_until,
            usage_limit=draw(st.none() | st.integers(0, 5)),
            per_customer_limit=draw(st.none() | st.integers(0, 2)),
        )

    return build()


def coupon_redemptions() -> st.SearchStrategy[CouponRedemption]:
    """Draw records of a coupon of :func:`coupons` redeemed for an order."""
    return st.builds(
        CouponRedemption,
        code=coupons().map(lambda coupon: coupon.code),
        order_id=st.from_regex(r"ord-[0-9]{1,6}", fullmatch=True),
        customer=st.sampled_from(["c-1", "c-2", "guest@example.com"]),
        redeemed_at=st.integers(0, _HOURS_AROUND).map(
            lambda hours: _AROUND + timedelta(hours=hours)
        ),
    )


def stored_promotions(currency: str = "EUR") -> st.SearchStrategy[StoredPromotion]:
    """Draw a promotion of :func:`promotions` with the version a store gave it."""
    return st.builds(
        StoredPromotion,
        promotion=promotions(currency),
        version=st.integers(1, 50),
    )


def promotion_results(currency: str = "EUR") -> st.SearchStrategy[PromotionResult]:
    """Draw results of :func:`~commercekit.promotions.apply_promotions`.

    Up to five cart lines of :func:`line_items` (each its own key) meet up
    to four promotions of :func:`promotions` in a sale of
    :func:`promotion_contexts`; the result is what the library computes.
    """

    @st.composite
    def build(draw: st.DrawFn) -> PromotionResult:
        lines = draw(
            st.lists(line_items(currency), max_size=5, unique_by=lambda line: line.key)
        )
        offers = draw(
            st.lists(
                promotions(currency),
                max_size=4,
                unique_by=lambda promotion: promotion.promotion_id,
            )
        )
        context = draw(promotion_contexts(currency))
        return apply_promotions(lines, offers, context=context)

    return build()


# -- inventory -----------------------------------------------------------------

_LOCATIONS: Final = ("berlin", "hamburg", "wien-1", "dropship.eu")


def _locations() -> st.SearchStrategy[StockLocationId]:
    return st.sampled_from(_LOCATIONS).map(stock_location_id)


def _reservation_ids() -> st.SearchStrategy[ReservationId]:
    return st.integers(1, 99_999).map(lambda n: reservation_id(f"res-{n}"))


def stock_levels(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[StockLevel]:
    """Draw stock levels of a SKU at one location, or over all of them.

    On hand is 0 to 500 and reserved mostly at most on hand; now and then
    reserved exceeds on hand by up to 20 units, as backorders allow, so
    ``available`` goes below zero.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> StockLevel:
        on_hand = draw(st.integers(0, 500))
        if draw(st.integers(0, 9)) == 0:
            reserved = on_hand + draw(st.integers(1, 20))
        else:
            reserved = draw(st.integers(0, on_hand))
        return StockLevel(
            sku=draw(skus() if sku is None else sku),
            location=draw(st.none() | _locations()),
            on_hand=on_hand,
            reserved=reserved,
        )

    return build()


_RESERVATION_KINDS: Final = frozenset(
    {MovementKind.RESERVATION, MovementKind.RELEASE, MovementKind.COMMIT}
)


def stock_movements(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[StockMovement]:
    """Draw entries of the stock ledger, of every kind of movement.

    Quantities are 1 to 50; an adjustment's is -50 to 50 but not 0 and comes
    with a reason. A reservation, release or commit names a reservation id
    as its reference (a release sometimes with the reason ``"expired"``); a
    receipt or return names a delivery note or return, or nothing. Instants
    are whole seconds in UTC, from 2019 to the end of 2027.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> StockMovement:
        kind = draw(st.sampled_from(MovementKind))
        quantity = draw(st.integers(1, 50))
        reference: str | None
        reason = ""
        if kind in _RESERVATION_KINDS:
            reference = draw(_reservation_ids())
            if kind is MovementKind.RELEASE:
                reason = draw(st.sampled_from(["", "expired"]))
        elif kind is MovementKind.ADJUSTMENT:
            reference = None
            quantity *= draw(st.sampled_from([1, -1]))
            reason = draw(st.sampled_from(["stock count", "damaged", "found"]))
        else:
            prefix = "dn" if kind is MovementKind.RECEIPT else "ret"
            reference = draw(
                st.none() | st.integers(1, 9999).map(lambda n: f"{prefix}-{n}")
            )
        return StockMovement(
            sku=draw(skus() if sku is None else sku),
            location=draw(_locations()),
            kind=kind,
            quantity=quantity,
            reference=reference,
            reason=reason,
            at=draw(_instants()),
        )

    return build()


def reservations(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[Reservation]:
    """Draw reservations: active, released or committed.

    1 to 20 units held for a cart or an order (``"cart-…"``, ``"ord-…"``),
    made at a whole second from 2019 to the end of 2027, expiring 1 minute
    to 7 days later or never, some of them backorders. An ended reservation
    ended at or after it was made, and is either released or committed,
    never both.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Reservation:
        reserved_at = draw(_instants())
        expires_in = draw(st.none() | st.integers(1, 7 * 24 * 60))
        ended = reserved_at + timedelta(minutes=draw(st.integers(0, 8 * 24 * 60)))
        state = draw(st.sampled_from(["active", "released", "committed"]))
        return Reservation(
            reservation_id=draw(_reservation_ids()),
            sku=draw(skus() if sku is None else sku),
            location=draw(_locations()),
            quantity=draw(st.integers(1, 20)),
            reference=draw(st.from_regex(r"(cart|ord)-[0-9]{1,6}", fullmatch=True)),
            reserved_at=reserved_at,
            expires_at=(
                None
                if expires_in is None
                else reserved_at + timedelta(minutes=expires_in)
            ),
            backorder=draw(st.booleans()),
            released_at=ended if state == "released" else None,
            committed_at=ended if state == "committed" else None,
        )

    return build()


# -- shipping rates ------------------------------------------------------------

_SHIPPING_COUNTRIES: Final = ("DE", "AT", "FR", "NL", "PL", "CH", "GB", "US", "JP")
_METHOD_CODES: Final = ("standard", "express", "economy", "pickup", "freight")
_METHOD_NAMES: Final = ("Standard", "DHL Paket", "Express", "Spedition", "Abholung")


def weight_bands(currency: str = "EUR") -> st.SearchStrategy[WeightBand]:
    """Draw weight bands up to 1 g to 40 kg, or open, at 0 to 50.

    Args:
        currency: The currency code of the price.
    """
    return st.builds(
        WeightBand,
        st.none() | st.integers(1, 40_000),
        money(currency, min_value=0, max_value=50),
    )


def shipping_zones(
    *, rest_of_world: bool | None = None
) -> st.SearchStrategy[ShippingZone]:
    """Draw zones of one to four of a few countries, or the rest of the world.

    A zone's code is made of its countries (``"AT-DE"``; ``"WORLD"`` for the
    rest of the world), so zones with one code have the same countries, as
    :class:`~commercekit.pricing.TableRates` wants.

    Args:
        rest_of_world: ``True`` for rest-of-the-world zones only, ``False``
            for zones with countries only, ``None`` for both.
    """
    listed = st.lists(
        st.sampled_from(_SHIPPING_COUNTRIES), min_size=1, max_size=4, unique=True
    ).map(lambda codes: ShippingZone("-".join(sorted(codes)), codes))
    world = st.just(ShippingZone("WORLD"))
    if rest_of_world is None:
        return listed | world
    return world if rest_of_world else listed


def zone_rates(
    currency: str = "EUR", zone: st.SearchStrategy[ShippingZone] | None = None
) -> st.SearchStrategy[ZoneRate]:
    """Draw rates of a zone: a flat price or one to four weight bands.

    Prices are 0 to 50; bands are 1 g to 40 kg, rising, their prices never
    falling, the last one sometimes open. Half of the rates ship free from a
    goods total of up to 200.

    Args:
        currency: The currency code of the amounts.
        zone: The zones to draw from; :func:`shipping_zones` by default.
    """

    @st.composite
    def build(draw: st.DrawFn) -> ZoneRate:
        drawn_zone = draw(shipping_zones() if zone is None else zone)
        free_above = draw(st.none() | money(currency, min_value=1, max_value=200))
        if draw(st.booleans()):
            price = draw(money(currency, min_value=0, max_value=50))
            return ZoneRate(drawn_zone, price=price, free_above=free_above)
        size = draw(st.integers(1, 4))
        drawn = st.lists(
            st.integers(1, 40_000), min_size=size, max_size=size, unique=True
        )
        bounds: list[int | None] = [*sorted(draw(drawn))]
        if draw(st.booleans()):
            bounds[-1] = None
        prices = draw(
            st.lists(
                money(currency, min_value=0, max_value=50), min_size=size, max_size=size
            )
        )
        prices.sort(key=lambda price: price.amount)
        bands = [
            WeightBand(bound, price)
            for bound, price in zip(bounds, prices, strict=True)
        ]
        return ZoneRate(drawn_zone, bands=bands, free_above=free_above)

    return build()


def _disjoint(zones: list[ShippingZone]) -> list[ShippingZone]:
    """The zones, leaving out each that shares a country with one before it."""
    kept: list[ShippingZone] = []
    served: set[str | None] = set()
    for zone in zones:
        countries = set(zone.countries or (None,))
        if not countries & served:
            kept.append(zone)
            served |= countries
    return kept


def shipping_methods(currency: str = "EUR") -> st.SearchStrategy[ShippingMethod]:
    """Draw shipping methods with rates for one to four zones.

    Codes are a few such as ``"standard"`` and ``"express"``; a country is in
    one zone of a method at most, and some methods have a rest-of-the-world
    zone.

    Args:
        currency: The currency code of the amounts.
    """

    @st.composite
    def build(draw: st.DrawFn) -> ShippingMethod:
        zones = _disjoint(draw(st.lists(shipping_zones(), min_size=1, max_size=4)))
        rates = [draw(zone_rates(currency, st.just(zone))) for zone in zones]
        return ShippingMethod(
            draw(st.sampled_from(_METHOD_CODES)),
            draw(st.sampled_from(_METHOD_NAMES)),
            rates,
        )

    return build()


def table_rates(currency: str = "EUR") -> st.SearchStrategy[TableRates]:
    """Draw tables of one to four shipping methods with distinct codes.

    Args:
        currency: The currency code of every amount in the table.
    """
    return st.lists(
        shipping_methods(currency), min_size=1, max_size=4, unique_by=lambda m: m.code
    ).map(TableRates)


def shipping_requests(currency: str = "EUR") -> st.SearchStrategy[ShippingRequest]:
    """Draw requests to a few countries (and Brazil, which no listed zone has).

    Goods totals are 0 to 300 (most of the thresholds :func:`zone_rates`
    draws lie below), weights 0 g to 45 kg (some above every band), and some
    requests have a postal code.

    Args:
        currency: The currency code of the goods total.
    """
    return st.builds(
        ShippingRequest,
        country=st.sampled_from((*_SHIPPING_COUNTRIES, "BR")),
        goods_total=money(currency, min_value=0, max_value=300),
        weight_grams=st.integers(0, 45_000),
        postal_code=st.none() | st.from_regex(r"[0-9]{5}", fullmatch=True),
    )


def shipping_quotes(currency: str = "EUR") -> st.SearchStrategy[ShippingQuote]:
    """Draw quotes: priced, free by their threshold, or free by their rate.

    Args:
        currency: The currency code of the amounts.
    """

    @st.composite
    def build(draw: st.DrawFn) -> ShippingQuote:
        free_above = draw(st.none() | money(currency, min_value=1, max_value=200))
        price = draw(money(currency, min_value=0, max_value=50))
        free_because = None
        if free_above is not None and draw(st.booleans()):
            price = Money(Decimal(0).scaleb(-minor_units(currency)), currency)
            free_because = f"free shipping from {free_above.amount} {currency}"
        return ShippingQuote(
            method=draw(st.sampled_from(_METHOD_CODES)),
            name=draw(st.sampled_from(_METHOD_NAMES)),
            price=price,
            free_above=free_above,
            free_because=free_because,
        )

    return build()


# -- inventory settings, allocation and events -----------------------------------


def stock_locations() -> st.SearchStrategy[StockLocation]:
    """Draw stock locations: one of a few ids, named after it, priority 0 to 9."""
    return st.builds(
        lambda place, priority: StockLocation(
            location_id=place, name=place.title(), priority=priority
        ),
        _locations(),
        st.integers(0, 9),
    )


def stock_policies() -> st.SearchStrategy[StockPolicy]:
    """Draw per-SKU stock policies.

    Backorders and preorders allowed or not, independently; a preorder now
    and then with a release instant (a whole second from 2019 to the end of
    2027); a low-stock threshold of 0 to 20, or none.
    """

    @st.composite
    def build(draw: st.DrawFn) -> StockPolicy:
        preorder = draw(st.booleans())
        return StockPolicy(
            backorder=draw(st.booleans()),
            preorder=preorder,
            available_from=draw(st.none() | _instants()) if preorder else None,
            low_stock_threshold=draw(st.none() | st.integers(0, 20)),
        )

    return build()


def inventory_settings(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[InventorySettings]:
    """Draw inventory settings: 1 to 4 locations, policies for up to 3 SKUs.

    The default policy is mostly the plain one (no backorders, preorders or
    low-stock event), sometimes any of :func:`stock_policies`.

    Args:
        sku: The SKUs that get policies; any of :func:`skus` by default.
    """
    return st.builds(
        lambda locations, policies, default: InventorySettings(
            locations=locations, policies=policies, default_policy=default
        ),
        st.lists(
            stock_locations(),
            min_size=1,
            max_size=4,
            unique_by=lambda location: location.location_id,
        ),
        st.dictionaries(skus() if sku is None else sku, stock_policies(), max_size=3),
        st.just(StockPolicy()) | stock_policies(),
    )


def allocations(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[Allocation]:
    """Draw parts of allocation plans: 1 to 50 units of a SKU at one location.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """
    return st.builds(
        lambda item, place, quantity: Allocation(
            sku=item, location=place, quantity=quantity
        ),
        skus() if sku is None else sku,
        _locations(),
        st.integers(1, 50),
    )


def allocation_plans(
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[AllocationPlan]:
    """Draw allocation plans: up to 6 parts, each SKU once per location.

    Now and then a plan is short of 1 to 20 units of a SKU or two.

    Args:
        sku: The SKUs to draw from; any of :func:`skus` by default.
    """
    items = skus() if sku is None else sku
    return st.builds(
        lambda parts, short: AllocationPlan(allocations=parts, short=short),
        st.lists(
            allocations(items),
            max_size=6,
            unique_by=lambda part: (part.sku, part.location),
        ),
        st.dictionaries(items, st.integers(1, 20), max_size=2),
    )


_INVENTORY_EVENTS: Final = (
    StockReceived,
    StockAdjusted,
    StockReserved,
    StockReleased,
    StockCommitted,
    StockRanLow,
)


def _inventory_event(
    kind: type[DomainEvent], item: st.SearchStrategy[Sku]
) -> st.SearchStrategy[DomainEvent]:
    quantity = st.integers(1, 50)
    held = {
        "reservation_id": _reservation_ids(),
        "reference": st.from_regex(r"(cart|ord)-[0-9]{1,6}", fullmatch=True),
        "sku": item,
        "location": _locations(),
        "quantity": quantity,
        "at": _instants(),
    }
    fields: dict[type[DomainEvent], dict[str, st.SearchStrategy[object]]] = {
        StockReceived: {
            "sku": item,
            "location": _locations(),
            "quantity": quantity,
            "at": _instants(),
        },
        StockAdjusted: {
            "sku": item,
            "location": _locations(),
            "delta": st.integers(-50, 50).filter(bool),
            "reason": st.sampled_from(["stock count", "damaged", "found"]),
            "at": _instants(),
        },
        StockReserved: {
            **held,
            "kind": st.sampled_from(ReservationKind),
            "expires_at": st.none() | _instants(),
        },
        StockReleased: {**held, "reason": st.sampled_from(ReleaseReason)},
        StockCommitted: held,
        StockRanLow: {
            "sku": item,
            "available": st.integers(0, 20),
            "threshold": st.integers(0, 20),
            "at": _instants(),
        },
    }
    return st.fixed_dictionaries(fields[kind]).map(lambda values: kind(**values))


def inventory_events(
    *,
    kinds: Iterable[type[DomainEvent]] | None = None,
    sku: st.SearchStrategy[Sku] | None = None,
) -> st.SearchStrategy[DomainEvent]:
    """Draw the inventory context's events: any of them, or of ``kinds``.

    Quantities are 1 to 50, an adjustment's delta -50 to 50 but not 0, a
    low-stock event's figures 0 to 20; instants are whole seconds in UTC,
    from 2019 to the end of 2027.

    Args:
        kinds: The event classes to draw from, such as ``[StockReserved]``;
            all six by default.
        sku: The SKUs to draw from; any of :func:`skus` by default.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            the inventory's event classes.
    """
    chosen = _INVENTORY_EVENTS if kinds is None else tuple(kinds)
    if not chosen or any(kind not in _INVENTORY_EVENTS for kind in chosen):
        names = ", ".join(kind.__name__ for kind in _INVENTORY_EVENTS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")
    item = skus() if sku is None else sku
    return st.one_of([_inventory_event(kind, item) for kind in chosen])


# -- cart ----------------------------------------------------------------------

_NAMES: Final = (
    "Ada Lovelace",
    "Jörg Müller",
    "Zoë Øster",
    "Mehmet Yilmaz",
    "Ana María García López",
    "Li Wang",
)
_STREETS: Final = (
    "Hauptstraße",
    "Rue de Rivoli",
    "Keizersgracht",
    "Ringstraße",
    "Ulica Długa",
    "Main Street",
)
# Countries whose postal codes have a fixed form: the form, as a pattern to
# draw from, and a few cities. Ireland needs no code (an Eircode may be given).
_POSTAL_FORMS: Final = {
    "DE": (r"[0-9]{5}", ("Berlin", "München", "Köln")),
    "AT": (r"[1-9][0-9]{3}", ("Wien", "Graz")),
    "FR": (r"[0-9]{5}", ("Paris", "Lyon")),
    "NL": (r"[1-9][0-9]{3} [A-Z]{2}", ("Amsterdam", "Utrecht")),
    "PL": (r"[0-9]{2}-[0-9]{3}", ("Kraków", "Gdańsk")),
    "US": (r"[0-9]{5}(-[0-9]{4})?", ("New York", "Austin")),
    "IE": (r"[A-Z][0-9]{2} [A-Z0-9]{4}", ("Dublin", "Cork")),
}


def addresses(countries: Iterable[str] | None = None) -> st.SearchStrategy[Address]:
    """Draw valid postal addresses, with postal codes of their country's form.

    Countries are Germany (5 digits), Austria (4), France (5), the
    Netherlands (``"1011 AB"``), Poland (``"00-950"``), the United States
    (``"10001"`` or ``"10001-0001"``) and Ireland (no code, or an Eircode).
    Names and streets have letters beyond ASCII; company, second line,
    region and phone are filled some of the time.

    Args:
        countries: Draw only from these (codes of the list above).

    Raises:
        ValidationError: for a country not in the list.
    """
    chosen = tuple(_POSTAL_FORMS if countries is None else countries)
    unknown = [code for code in chosen if code not in _POSTAL_FORMS]
    if unknown or not chosen:
        msg = f"addresses() draws from {sorted(_POSTAL_FORMS)}, not {unknown or chosen}"
        raise ValidationError(msg, field="countries")

    @st.composite
    def build(draw: st.DrawFn) -> Address:
        country = draw(st.sampled_from(chosen))
        form, cities = _POSTAL_FORMS[country]
        code: str | None = draw(st.from_regex(form, fullmatch=True))
        if country == "IE" and draw(st.booleans()):
            code = None
        return Address(
            name=draw(st.sampled_from(_NAMES)),
            company=draw(st.none() | st.sampled_from(["Nordlicht GmbH", "ACME Ltd"])),
            street=f"{draw(st.sampled_from(_STREETS))} {draw(st.integers(1, 250))}",
            street_2=draw(st.none() | st.sampled_from(["c/o Schmidt", "3rd floor"])),
            postal_code=code,
            city=draw(st.sampled_from(cities)),
            region=draw(st.sampled_from([None, "NY"])) if country == "US" else None,
            country=country,
            phone=draw(
                st.none()
                | st.integers(1_000_000, 99_999_999).map(lambda n: f"+49 30 {n}")
            ),
        )

    return build()


def cart_settings() -> st.SearchStrategy[CartSettings]:
    """Draw a merchant's cart limits.

    1 to 99 units a line, 1 to 100 lines, 1 to 100 wishlist items, expiry
    after a minute to 90 days.
    """
    return st.builds(
        CartSettings,
        max_quantity_per_line=st.integers(1, 99),
        max_lines=st.integers(1, 100),
        expires_after=st.integers(1, 90 * 24 * 60).map(
            lambda minutes: timedelta(minutes=minutes)
        ),
        max_wishlist_items=st.integers(1, 100),
    )


_CUSTOM_LINES: Final = {
    "GIFT-WRAP": "Gift wrap",
    "ENGRAVING": "Engraving",
    "COD-FEE": "Cash on delivery",
}


def cart_lines(currency: str = "EUR") -> st.SearchStrategy[CartLine]:
    """Draw cart lines: mostly catalog SKUs, sometimes a custom line.

    A catalog line holds 1 to 20 units of a SKU of :func:`skus`, with or
    without the price seen; a custom line (gift wrap, engraving, a cash on
    delivery fee) has its own name and price. Prices are 0 to 500 in
    ``currency``, in whole minor units.
    """
    prices = money(currency, min_value=0, max_value=500)
    catalog = st.builds(
        lambda code, **fields: CartLine(key=code, sku=code, **fields),
        skus(),
        quantity=st.integers(1, 20),
        added_at=_instants(),
        unit_price_seen=st.none() | prices,
        tax_category=st.sampled_from(TaxCategory).map(str),
    )
    custom = st.sampled_from(sorted(_CUSTOM_LINES)).flatmap(
        lambda key: st.builds(
            CartLine,
            key=st.just(key),
            sku=st.just(key),
            quantity=st.integers(1, 3),
            added_at=_instants(),
            unit_price_seen=prices,
            custom=st.just(True),  # noqa: FBT003 - a field's value
            name=st.just(_CUSTOM_LINES[key]),
        )
    )
    return st.one_of(catalog, catalog, custom)


def _latest(base: datetime, instants: Iterable[datetime]) -> datetime:
    return max([base, *instants])


def carts(currency: str = "EUR") -> st.SearchStrategy[Cart]:
    """Draw carts in ``currency`` within the default cart limits.

    Up to five lines of :func:`cart_lines` (each its own key), a customer or
    a guest (with an e-mail address some of the time), coupon codes, chosen
    methods, addresses of :func:`addresses` some of the time (billing mostly
    the same as shipping), changed last at or after its lines were added,
    at a version from 0 to 20. It has recorded no events.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Cart:
        lines = draw(st.lists(cart_lines(currency), max_size=5, unique_by=_line_key))
        customer = draw(st.none() | _customer_ids())
        updated_at = _latest(draw(_instants()), (line.added_at for line in lines))
        return Cart(
            cart_id=draw(st.integers(1, 99_999).map(lambda n: f"cart-{n}")),
            currency=currency,
            locale=draw(st.sampled_from(["de_DE", "en_GB", "fr_FR", "nl_NL"])),
            updated_at=updated_at,
            customer_id=customer,
            guest_email=(
                None
                if customer is not None
                else draw(st.none() | st.just("guest@example.com"))
            ),
            lines=lines,
            coupon_codes=draw(st.lists(st.sampled_from(_COUPON_CODES), max_size=2)),
            shipping_method=draw(st.none() | st.sampled_from(_SHIPPING_METHODS)),
            payment_method=draw(st.none() | st.sampled_from(["paypal", "card"])),
            shipping_address=draw(st.none() | addresses()),
            billing_address=draw(st.none() | st.none() | addresses()),
            version=draw(st.integers(0, 20)),
        )

    return build()


def _line_key(line: CartLine | MergedLine) -> str:
    return line.key


def _customer_ids() -> st.SearchStrategy[str]:
    return st.integers(1, 999).map(lambda n: f"cust-{n}")


def wishlist_items() -> st.SearchStrategy[WishlistItem]:
    """Draw wishlist items: a SKU of :func:`skus`, an instant, sometimes a note."""
    return st.builds(
        WishlistItem,
        sku=skus(),
        added_at=_instants(),
        note=st.none() | st.sampled_from(["in white", "for Jörg's birthday"]),
    )


def wishlists() -> st.SearchStrategy[Wishlist]:
    """Draw wishlists of up to five items of :func:`wishlist_items`.

    One item per SKU; a customer's or a guest's; changed last at or after
    their items were added; at a version from 0 to 20. They have recorded no
    events.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Wishlist:
        items = draw(
            st.lists(wishlist_items(), max_size=5, unique_by=lambda item: item.sku)
        )
        return Wishlist(
            wishlist_id=draw(st.integers(1, 99_999).map(lambda n: f"wish-{n}")),
            updated_at=_latest(draw(_instants()), (item.added_at for item in items)),
            customer_id=draw(st.none() | _customer_ids()),
            items=items,
            version=draw(st.integers(0, 20)),
        )

    return build()


def merge_reports(currency: str = "EUR") -> st.SearchStrategy[MergeReport]:
    """Draw what :meth:`~commercekit.cart.Cart.merge` reports.

    Two carts of :func:`carts`, merged under limits of :func:`cart_settings`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> MergeReport:
        ours, guest = draw(carts(currency)), draw(carts(currency))
        if guest.cart_id == ours.cart_id:
            guest = attrs.evolve(guest, cart_id=f"{guest.cart_id}-guest")
        return ours.merge(guest, at=ours.updated_at, settings=draw(cart_settings()))

    return build()


_CART_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    CartLineAdded,
    CartLineRemoved,
    CartQuantityChanged,
    CouponApplied,
    CouponRemoved,
    CartsMerged,
    CartExpired,
    CheckoutStarted,
    LineSavedForLater,
    LineMovedToCart,
    WishlistItemAdded,
    WishlistItemRemoved,
    WishlistsMerged,
)


@st.composite
def _merged_line(draw: st.DrawFn) -> MergedLine:
    """One line of a merge report, its fields consistent with its outcome."""
    outcome = draw(st.sampled_from(MergeOutcome))
    wanted = draw(st.integers(2, 40))
    quantity, reason = wanted, None
    if outcome is MergeOutcome.CAPPED:
        quantity, reason = draw(st.integers(1, wanted - 1)), "max_quantity_per_line"
    elif outcome is MergeOutcome.DROPPED:
        quantity = 0
        reason = draw(st.sampled_from(["max_lines", "key_taken"]))
    return MergedLine(
        key=draw(skus()),
        outcome=outcome,
        wanted=wanted,
        quantity=quantity,
        reason=reason,
    )


def _cart_event(kind: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    cart = st.integers(1, 99_999).map(lambda n: cart_id(f"cart-{n}"))
    wish = st.integers(1, 99_999).map(lambda n: wishlist_id(f"wish-{n}"))
    units = st.integers(1, 99)
    code = st.sampled_from(_COUPON_CODES).map(normalize_code)
    fields: dict[str, st.SearchStrategy[object]] = {
        "cart_id": cart,
        "guest_cart_id": cart.map(lambda c: cart_id(f"{c}-guest")),
        "wishlist_id": wish,
        "guest_wishlist_id": wish.map(lambda w: wishlist_id(f"{w}-guest")),
        "sku": skus(),
        "quantity": units,
        "old_quantity": units,
        "custom": st.booleans(),
        "code": code,
        "lines": st.lists(_merged_line(), max_size=4, unique_by=_line_key).map(tuple),
        "coupon_codes_added": st.lists(code, max_size=2, unique=True).map(tuple),
        "added": st.lists(skus(), max_size=3, unique=True).map(tuple),
        "dropped": st.lists(skus(), max_size=2, unique=True).map(tuple),
        "grand_total": money(min_value=0, max_value=10_000),
        "frozen_until": _instants(),
    }
    names = [field.name for field in attrs.fields(kind)]
    return st.builds(kind, **{name: fields[name] for name in names})


def cart_events(
    kinds: Iterable[type[DomainEvent]] | None = None,
) -> st.SearchStrategy[DomainEvent]:
    """Draw the cart context's domain events, of every kind or of ``kinds``.

    Ids are ``cart-…`` and ``wish-…``, SKUs of :func:`skus`, quantities 1 to
    99, coupon codes normalized; a merge's lines are consistent with their
    outcomes (a dropped line holds 0, a capped one less than wanted); a
    checkout's frozen total is 0 to 10,000 in any of :func:`currencies`,
    held until a whole second from 2019 to 2027.

    Raises:
        ValidationError: for a kind that is not a cart event.
    """
    chosen = _CART_EVENTS if kinds is None else tuple(kinds)
    unknown = [kind for kind in chosen if kind not in _CART_EVENTS]
    if unknown or not chosen:
        msg = f"cart_events() draws the cart's events, not {unknown or chosen}"
        raise ValidationError(msg, field="kinds")
    return st.one_of([_cart_event(kind) for kind in chosen])


def login_results(currency: str = "EUR") -> st.SearchStrategy[LoginResult]:
    """Draw what :func:`~commercekit.cart.log_in` reports.

    The customer has a cart now or none; only with one is there a merge
    report of :func:`merge_reports` (two carts were merged) or not (one was
    handed over). They have a wishlist now or none; only with one are there
    SKUs of :func:`skus` the merge added or dropped, never one SKU both.

    Args:
        currency: The currency of the merged carts.
    """

    @st.composite
    def build(draw: st.DrawFn) -> LoginResult:
        cart = draw(st.none() | st.integers(1, 99_999).map(lambda n: f"cart-{n}"))
        merge = None if cart is None else draw(st.none() | merge_reports(currency))
        wishlist = draw(st.none() | st.integers(1, 99_999).map(lambda n: f"wish-{n}"))
        codes = (
            [] if wishlist is None else draw(st.lists(skus(), max_size=5, unique=True))
        )
        split = draw(st.integers(0, len(codes)))
        return LoginResult(
            cart_id=None if cart is None else cart_id(cart),
            merge=merge,
            wishlist_id=None if wishlist is None else wishlist_id(wishlist),
            wishlist_skus_added=tuple(codes[:split]),
            wishlist_skus_dropped=tuple(codes[split:]),
        )

    return build()


def merged_lines() -> st.SearchStrategy[MergedLine]:
    """Draw one guest line's fate in a merge, its fields matching its outcome.

    A line of a SKU of :func:`skus` that both carts held 2 to 40 units of:
    merged or added in full, capped below what was wanted (by
    ``max_quantity_per_line``), or dropped with 0 units (``max_lines`` or
    ``key_taken``).
    """
    return _merged_line()


# -- checkout: pricing and validating a cart ------------------------------------

# Merchants in countries that have a rate of every category a drawn shop
# sells, and the destinations of its carts (outside the EU: exports).
_SHOP_SELLERS: Final = ("DE", "AT", "FR", "NL", "PL", "IE")
_SHOP_SHIP_TO: Final = (*_SHOP_SELLERS, "CH", "US")
_SHOP_CATEGORIES: Final = ("standard", "reduced", "zero", "exempt")
_SHOP_SINCE: Final = _AROUND - timedelta(days=30)
_SHOP_SIZES: Final = ("41", "43", "44")
_MAIN: Final = stock_location_id("main")


def _sale_instants() -> st.SearchStrategy[datetime]:
    """Instants within three days of :data:`_AROUND`, to the minute."""
    minutes = _HOURS_AROUND * 60
    return st.integers(-minutes, minutes).map(
        lambda offset: _AROUND + timedelta(minutes=offset)
    )


def cart_pricing_settings(
    currency: str = "EUR",
) -> st.SearchStrategy[CartPricingSettings]:
    """Draw how a shop prices its carts in ``currency``.

    VAT by :class:`~commercekit.pricing.EUTaxProvider` for a merchant in
    Germany, Austria, France, the Netherlands, Poland or Ireland (by the
    destination principle or not), carts taxed and shipped to one of those,
    Switzerland or the United States until the customer gives an address,
    gross or net prices, shipping rates of :func:`table_rates` or none, no
    channel or ``web`` or ``app``, any of :func:`rounding_policies`, shipping
    split by either basis, 1 to 3 coupons a cart, and prices frozen for a
    minute to two hours.

    Args:
        currency: The currency of the shipping rates and rounding.
    """
    code = currency.strip().upper()
    merchant = st.builds(
        TaxSettings,
        merchant_country=st.sampled_from(_SHOP_SELLERS),
        destination_principle=st.booleans(),
    )
    return st.builds(
        CartPricingSettings,
        tax=merchant.map(EUTaxProvider),
        default_ship_to=st.sampled_from(_SHOP_SHIP_TO),
        mode=st.sampled_from(PriceMode),
        shipping_rates=st.none() | table_rates(code),
        channel=_CHANNELS,
        rounding=rounding_policies(code),
        shipping_basis=st.sampled_from(ShippingBasis),
        max_coupons=st.integers(1, 3),
        freeze_for=st.integers(1, 120).map(lambda minutes: timedelta(minutes=minutes)),
    )


class _Checkout(NamedTuple):
    """A drawn shop with a cart in it, at the instant it is priced."""

    cart: Cart
    store: InMemoryStore
    settings: CartPricingSettings
    inventory: InventorySettings
    at: datetime
    customer: CustomerFacts | None

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)


def _variants_of(
    draw: st.DrawFn, code: Sku, taken: set[Sku]
) -> list[tuple[Sku, dict[str, str]]]:
    """The SKU in size 42, and up to two other sizes not sold already."""
    found = [(code, {"size": "42"})]
    for size in draw(st.lists(st.sampled_from(_SHOP_SIZES), max_size=2, unique=True)):
        other = Sku(f"{code}.{size}")
        if other not in taken:
            taken.add(other)
            found.append((other, {"size": size}))
    return found


def _shop_cart(draw: st.DrawFn, currency: str, settings: CartPricingSettings) -> Cart:
    """A cart of :func:`carts`, with lines promotions name, its method the shop's.

    An empty cart gets a line three times in four; half of the carts get
    what checkout asks for (an address, a payment method, an e-mail
    address for a guest).
    """
    cart = draw(carts(currency))
    at = cart.updated_at
    empty = not cart.lines
    least = 1 if empty and not draw(_NOW_AND_THEN) else 0
    for code in draw(
        st.lists(st.sampled_from(_PROMOTION_SKUS), min_size=least, max_size=2)
    ):
        cart.add(code, draw(st.integers(1, 5)), at=at, settings=CartSettings())
    rates = settings.shipping_rates
    if isinstance(rates, TableRates) and draw(st.booleans()):
        methods = [method.code for method in rates.methods]
        cart.choose_shipping_method(draw(st.sampled_from(methods)), at=at)
    if draw(st.booleans()):
        if cart.shipping_address is None:
            cart.set_shipping_address(draw(addresses()), at=at)
        if cart.payment_method is None:
            cart.choose_payment_method("card", at=at)
        if cart.customer_id is None and cart.guest_email is None:
            cart.set_guest_email("guest@example.com", at=at)
    return cart


@st.composite
def _checkout(draw: st.DrawFn, currency: str, *, gaps: bool) -> _Checkout:
    """A cart of :func:`carts` in a shop that sells it (``gaps``: mostly)."""
    settings = draw(cart_pricing_settings(currency))
    at = draw(_sale_instants())
    cart = _shop_cart(draw, currency, settings)
    catalog = sorted({line.sku for line in cart.lines if not line.custom})
    taken = set(catalog)
    ids = [
        ProductId(_PRODUCTS[index] if index < len(_PRODUCTS) else f"p-{index}")
        for index in range(len(catalog))
    ]
    unpriced = (
        draw(st.sampled_from(catalog))
        if gaps and catalog and draw(_NOW_AND_THEN)
        else None
    )
    prices = money(currency, min_value=0, max_value=300)
    main = PriceList(list_id=PriceListId("shop"), currency=currency, mode=settings.mode)
    later = PriceList(
        list_id=PriceListId("from-now"),
        currency=currency,
        mode=settings.mode,
        priority=1,
        valid_from=at - timedelta(minutes=draw(st.integers(0, 240))),
    )
    policies: dict[Sku, StockPolicy] = {}
    store = InMemoryStore()
    with InMemoryUnitOfWork(store) as uow:
        for index, code in enumerate(catalog):
            sold = _variants_of(draw, code, taken)
            uow.products.add(
                Product(
                    product_id=ids[index],
                    name=f"Product {index}",
                    categories=draw(
                        st.lists(st.sampled_from(_CATEGORIES), max_size=2, unique=True)
                    ),
                    variants=[
                        Variant(
                            sku=variant,
                            options=options,
                            weight_grams=draw(st.integers(0, 1000)),
                            tax_category=draw(st.sampled_from(_SHOP_CATEGORIES)),
                        )
                        for variant, options in sold
                    ],
                    related=[ids[index - 1]] if index and draw(st.booleans()) else [],
                    active=not gaps or not draw(_NOW_AND_THEN),
                    created_at=_SHOP_SINCE,
                )
            )
            for variant, _ in sold:
                if variant == unpriced:
                    continue
                main.set_price(variant, draw(prices), at=_SHOP_SINCE)
                if draw(_NOW_AND_THEN):
                    later.set_price(variant, draw(prices), at=_SHOP_SINCE)
                if not gaps:
                    continue
                if draw(_NOW_AND_THEN):
                    policies[variant] = StockPolicy(backorder=True)
                units = draw(st.integers(0, 25) | st.just(50))
                if units:
                    uow.stock.receive(variant, _MAIN, units, at=_SHOP_SINCE)
        uow.price_lists.add(main)
        uow.price_lists.add(later)
        offers = draw(
            st.lists(promotions(currency), max_size=3, unique_by=_promotion_id)
        )
        for offer in offers:
            uow.promotions.add(offer)
        for entered in cart.coupon_codes:
            if draw(st.booleans()):
                uow.coupons.add(attrs.evolve(draw(coupons()), code=entered))
        uow.commit()
    return _Checkout(
        cart=cart,
        store=store,
        settings=settings,
        inventory=InventorySettings(
            locations=[StockLocation(location_id=_MAIN, name="Main")],
            policies=policies,
        ),
        at=at,
        customer=draw(st.none() | customer_facts()),
    )


def _promotion_id(promotion: Promotion) -> str:
    return promotion.promotion_id


def _price(checkout: _Checkout, at: datetime) -> CartPrice:
    """Price the cart; unchoose a method that cannot ship it, as checkout would."""
    cart = checkout.cart
    try:
        return price_cart(
            cart,
            uow=checkout.uow(),
            settings=checkout.settings,
            at=at,
            customer=checkout.customer,
        )
    except ShippingMethodUnavailableError:
        cart.choose_shipping_method(None, at=cart.updated_at)
    return price_cart(
        cart,
        uow=checkout.uow(),
        settings=checkout.settings,
        at=at,
        customer=checkout.customer,
    )


def cart_prices(currency: str = "EUR") -> st.SearchStrategy[CartPrice]:
    """Draw what :func:`~commercekit.cart.price_cart` computes for a drawn shop.

    A cart of :func:`carts`, with up to two lines of the SKUs
    :func:`promotions` name added (an empty cart gets one three times in
    four), in an in-memory shop priced by :func:`cart_pricing_settings`.
    Half of the carts choose one of the shop's shipping methods, and half
    have an address, a payment method and, for a guest, an e-mail address.
    Each catalog SKU is a variant (0 to 1 kg, of a tax category every
    destination has) of an active product, with other sizes beside it, and
    has a price of 0 to 300 in a price list in the settings' mode; some have
    a newer one in a second list that starts up to four hours before the
    sale. Up to three :func:`promotions` run, and some of the cart's coupon
    codes are coupons of :func:`coupons`. The cart is priced within three
    days of 2026-01-05 09:00 UTC, for no known customer or one of
    :func:`customer_facts`; a chosen shipping method that cannot ship it is
    unchosen first, as :func:`~commercekit.cart.validate_cart` does.

    Args:
        currency: The cart's currency.
    """
    code = currency.strip().upper()
    return _checkout(code, gaps=False).map(
        lambda checkout: _price(checkout, checkout.at)
    )


def frozen_prices(currency: str = "EUR") -> st.SearchStrategy[FrozenPrice]:
    """Draw prices of :func:`cart_prices`, frozen for a minute to a day.

    Built by :meth:`CartPrice.freeze <commercekit.cart.CartPrice.freeze>`,
    so each holds from the instant it was priced until later, for its cart's
    fingerprint.

    Args:
        currency: The cart's currency.
    """
    return st.builds(
        lambda price, minutes: price.freeze(timedelta(minutes=minutes)),
        cart_prices(currency),
        st.integers(1, 24 * 60),
    )


def alternatives() -> st.SearchStrategy[Alternative]:
    """Draw in-stock variants to offer for a line that ran out.

    A SKU of :func:`skus`, one of a few products, a name, a size and colour
    now and then, either relation, and 1 to 100 units available or
    ``None`` (sold on backorder or preorder): never 0, as only variants in
    stock are offered.
    """
    return st.builds(
        Alternative,
        sku=skus(),
        product_id=st.sampled_from(_PRODUCTS).map(ProductId),
        name=st.lists(_WORDS, min_size=1, max_size=3).map(" ".join),
        options=_OPTIONS.map(FrozenMap),
        relation=st.sampled_from(Relation),
        available=st.none() | st.integers(1, 100),
    )


_MISSING: Final = {
    ProblemCode.MISSING_ADDRESS: (
        "shipping_address",
        "the cart has no shipping address",
    ),
    ProblemCode.MISSING_EMAIL: (
        "guest_email",
        "a guest's cart needs an e-mail address",
    ),
    ProblemCode.MISSING_SHIPPING_METHOD: (
        "shipping_method",
        "no shipping method is chosen",
    ),
    ProblemCode.MISSING_PAYMENT_METHOD: (
        "payment_method",
        "no payment method is chosen",
    ),
}


@st.composite
def _offers(draw: st.DrawFn, line: Sku) -> tuple[Alternative, ...]:
    """Alternatives for ``line``: the same product's variants first."""
    found = draw(st.lists(alternatives(), max_size=3, unique_by=_alternative_sku))
    own, *others = _PRODUCTS
    offered = [
        attrs.evolve(
            offer,
            product_id=ProductId(
                own
                if offer.relation is Relation.SAME_PRODUCT
                else draw(st.sampled_from(others))
            ),
        )
        for offer in found
        if offer.sku != line
    ]
    offered.sort(key=lambda offer: offer.relation is not Relation.SAME_PRODUCT)
    return tuple(offered)


def _alternative_sku(alternative: Alternative) -> Sku:
    return alternative.sku


@st.composite
def _cart_problem(draw: st.DrawFn, code: ProblemCode, currency: str) -> CartProblem:
    if code in _MISSING:
        field, message = _MISSING[code]
        return CartProblem(code=code, message=message, field=field)
    if code is ProblemCode.EMPTY:
        return CartProblem(code=code, message="the cart is empty")
    if code is ProblemCode.COUPON_INVALID:
        coupon = draw(st.sampled_from(_COUPON_CODES))
        reason = draw(st.sampled_from(sorted({*COUPON_RULES, "coupon_unknown"})))
        return CartProblem(
            code=code,
            message=f"coupon code {coupon!r} cannot be used: {reason}",
            coupon_code=coupon,
            reason=reason,
        )
    if code is ProblemCode.SHIPPING_UNAVAILABLE:
        error = ShippingMethodUnavailableError(
            method=draw(st.sampled_from(_SHIPPING_METHODS)),
            rule=draw(st.sampled_from(sorted(SHIPPING_RULES))),
            country=draw(st.sampled_from(_SHIPPING_COUNTRIES)),
            weight_grams=draw(st.integers(30_001, 60_000)),
            max_grams=30_000,
        )
        return CartProblem(
            code=code, message=str(error), reason=error.rule, field="shipping_method"
        )
    if code is ProblemCode.TOTAL_CHANGED:
        seen, now = draw(
            st.lists(money(currency, 0, 5000), min_size=2, max_size=2, unique=True)
        )
        return CartProblem(
            code=code,
            message=f"the total was {seen} at checkout and is {now} now",
            seen=seen,
            now=now,
        )
    return draw(_line_problem(code, currency))


@st.composite
def _line_problem(draw: st.DrawFn, code: ProblemCode, currency: str) -> CartProblem:
    line = draw(skus())
    if code is ProblemCode.PRICE_CHANGED:
        seen, now = draw(
            st.lists(money(currency, 0, 500), min_size=2, max_size=2, unique=True)
        )
        direction = "rose" if now > seen else "fell"
        return CartProblem(
            code=code,
            message=f"the price of {line} {direction} from {seen} to {now}",
            key=line,
            sku=line,
            seen=seen,
            now=now,
        )
    if code is ProblemCode.PRICE_MISSING:
        error = PriceNotFoundError(sku=line, currency=currency, quantity=1)
        return CartProblem(code=code, message=str(error), key=line, sku=line)
    if code is ProblemCode.PRODUCT_UNAVAILABLE:
        return CartProblem(
            code=code,
            message=f"{line} is no longer for sale",
            key=line,
            sku=line,
            alternatives=draw(_offers(line)),
        )
    wanted = draw(st.integers(1 if code is ProblemCode.OUT_OF_STOCK else 2, 40))
    available = (
        0 if code is ProblemCode.OUT_OF_STOCK else draw(st.integers(1, wanted - 1))
    )
    message = (
        f"{line} is out of stock"
        if available == 0
        else f"only {available} of {wanted} units of {line} are left"
    )
    return CartProblem(
        code=code,
        message=message,
        key=line,
        sku=line,
        wanted=wanted,
        available=available,
        alternatives=draw(_offers(line)),
    )


def cart_problems(
    currency: str = "EUR", *, codes: Iterable[ProblemCode] | None = None
) -> st.SearchStrategy[CartProblem]:
    """Draw problems of every code, or of ``codes``, their fields set as it says.

    Line problems name a line of a SKU of :func:`skus` (its key is its
    SKU); ``out_of_stock`` holds 1 to 40 units wanted and none available,
    ``partly_available`` fewer available than wanted but some; both, and
    ``product_unavailable``, offer up to three :func:`alternatives` other
    than the line's SKU, the same product's variants first.
    ``price_changed`` and ``total_changed`` have two different prices in
    ``currency`` (up to 500 a unit, up to 5,000 a total); ``coupon_invalid``
    a code and the rule that refused it; ``shipping_unavailable`` a rule of
    :data:`~commercekit.pricing.SHIPPING_RULES`; the ``missing_*`` problems
    the cart field to fill. The messages are the library's.

    Args:
        currency: The currency of the prices.
        codes: The codes to draw from; all by default.

    Raises:
        ValidationError: for codes that are empty or not problem codes.
    """
    chosen = tuple(ProblemCode) if codes is None else tuple(codes)
    if not chosen or not all(isinstance(code, ProblemCode) for code in chosen):
        msg = f"codes must be some ProblemCode members, not {chosen!r}"
        raise ValidationError(msg, field="codes")
    unit = currency.strip().upper()
    return st.sampled_from(chosen).flatmap(lambda code: _cart_problem(code, unit))


def cart_validations(currency: str = "EUR") -> st.SearchStrategy[CartValidation]:
    """Draw what :func:`~commercekit.cart.validate_cart` finds in a drawn shop.

    The shop and cart are those of :func:`cart_prices`, with gaps: a
    product is inactive one time in four, and now and then one catalog SKU
    has no price. Each variant has 0 to 25 units in stock, or 50, and one
    in four sells on backorder. One time in four the cart's price was
    frozen at checkout up to four hours before (held for the settings'
    ``freeze_for``; the newer price list may have started since). The cart
    is validated at the sale's instant, offering 1 to 3 alternatives.

    Args:
        currency: The cart's currency.
    """

    @st.composite
    def build(draw: st.DrawFn) -> CartValidation:
        checkout = draw(_checkout(currency.strip().upper(), gaps=True))
        if draw(_NOW_AND_THEN):
            earlier = checkout.at - timedelta(minutes=draw(st.integers(0, 240)))
            try:
                price = _price(checkout, earlier)
            except PriceNotFoundError:
                pass  # nothing to freeze
            else:
                checkout.cart.freeze_price(price, hold_for=checkout.settings.freeze_for)
        return validate_cart(
            checkout.cart,
            uow=checkout.uow(),
            pricing=checkout.settings,
            inventory=checkout.inventory,
            at=checkout.at,
            customer=checkout.customer,
            alternatives=draw(st.integers(1, 3)),
        )

    return build()


# -- payments ------------------------------------------------------------------

_PAYMENT_UNITS: Final = 10_000_000
"""The most minor units a drawn payment asks for: 100,000.00 EUR, 10,000,000 JPY."""
_PAYMENT_METHOD_CODES: Final = ("card", "paypal", "sepa_debit", "klarna")
_DECLINES: Final = {
    "card_declined": "The card was declined.",
    "insufficient_funds": "The card has insufficient funds.",
    "expired_card": "The card has expired.",
    "authentication_failed": "The card's authentication failed.",
}
_TEST_TOKENS: Final = ("tok_visa", "tok_mastercard", "tok_3ds", "tok_pending")
_METADATA_VALUES: Final = ("2026-000123", "web", "app", "gift for Ada", "Jörg's order")
_WAITING: Final = frozenset({PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION})
_HINTED: Final = {
    PaymentStatus.FAILED: GatewayOutcome.DECLINED,
    PaymentStatus.REQUIRES_ACTION: GatewayOutcome.REQUIRES_ACTION,
    PaymentStatus.PENDING: GatewayOutcome.PENDING,
}
_PAYMENT_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    PaymentActionRequired,
    PaymentAuthorized,
    PaymentCaptured,
    PaymentRefunded,
    PaymentVoided,
    PaymentFailed,
    PaymentExpired,
    ChargebackOpened,
    ChargebackWon,
    ChargebackLost,
)


def _in_units(code: str, units: int) -> Money:
    """``units`` minor units of the currency ``code``."""
    return Money(Decimal(units).scaleb(-minor_units(code)), code)


def _payment_currencies(
    currency: str | st.SearchStrategy[str] | None,
) -> st.SearchStrategy[str]:
    if isinstance(currency, str):
        code = currency.strip().upper()
        minor_units(code)  # an unknown code is refused here, not while drawing
        return st.just(code)
    return currencies() if currency is None else currency


def _positive_money(
    currency: str | st.SearchStrategy[str] | None,
) -> st.SearchStrategy[Money]:
    """Amounts from one minor unit to :data:`_PAYMENT_UNITS` of them."""
    return _payment_currencies(currency).flatmap(
        lambda code: st.integers(1, _PAYMENT_UNITS).map(
            lambda units: _in_units(code, units)
        )
    )


@st.composite
def _parts(draw: st.DrawFn, total: int, most: int = 3) -> list[int]:
    """``total`` split into one to ``most`` positive parts."""
    count = draw(st.integers(1, max(1, min(most, total))))
    cuts = draw(
        st.lists(
            st.integers(1, max(1, total - 1)),
            min_size=count - 1,
            max_size=count - 1,
            unique=True,
        )
    )
    points = [0, *sorted(cuts), total]
    return [high - low for low, high in itertools.pairwise(points)]


@functools.cache
def _numbered(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(1, 99_999).map(lambda n: f"{prefix}-{n}")


_STEP: Final = st.integers(0, 3 * 24 * 3600)
_VERSIONS: Final = st.integers(0, 20)
_DECLINE_CODES: Final = st.sampled_from(sorted(_DECLINES))


class _Timeline:
    """Instants that move on by 0 seconds to 3 days a step, drawn as they go."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw
        self.now = draw(_instants())

    def later(self) -> datetime:
        self.now += timedelta(seconds=self._draw(_STEP))
        return self.now


@st.composite
def _payment(draw: st.DrawFn, code: str, target: PaymentStatus) -> Payment:
    """A payment driven by its own methods until it is ``target``."""
    status = PaymentStatus
    split = target in {status.PARTIALLY_CAPTURED, status.PARTIALLY_REFUNDED}
    least = 2 if split else 1
    total = draw(st.integers(least, _PAYMENT_UNITS))
    time = _Timeline(draw)
    reference = draw(_numbered("psp"))
    payment = Payment(
        payment_id=draw(_numbered("pay")),
        order_id=draw(_numbered("ord")),
        method=draw(st.sampled_from(_PAYMENT_METHOD_CODES)),
        amount=_in_units(code, total),
        created_at=time.now,
    )
    if target is status.PENDING:
        # A provider's "pending" answer leaves its reference on the payment.
        payment.provider_reference = draw(st.none() | st.just(reference))
    elif target is status.REQUIRES_ACTION or draw(_NOW_AND_THEN):
        for _ in range(draw(st.integers(1, 2))):
            action = draw(required_actions())
            payment.require_action(action, at=time.later(), reference=reference)
    if target is status.FAILED:
        decline = draw(_DECLINE_CODES)
        payment.fail(at=time.later(), decline_code=decline, message=_DECLINES[decline])
    if target in _WAITING or target is status.FAILED:
        return _loaded(draw, payment)
    held = draw(st.integers(least, total))
    at = time.later()
    expires = draw(st.none() | st.just(at + timedelta(days=7)))
    payment.authorize(
        _in_units(code, held), at=at, reference=reference, expires_at=expires
    )
    if target is status.VOIDED:
        payment.void(at=time.later(), reference=f"{reference}-void-1")
    elif target is status.EXPIRED:
        payment.expire(at=max(time.later(), expires or time.now))
    elif target is not status.AUTHORIZED:
        _capture_dispute_and_refund(draw, payment, target, held, time)
    return _loaded(draw, payment)


def _capture_dispute_and_refund(
    draw: st.DrawFn,
    payment: Payment,
    target: PaymentStatus,
    held: int,
    time: _Timeline,
) -> None:
    """Capture, open disputes (some decided), then refund, to reach ``target``."""
    status, code = PaymentStatus, payment.currency
    reference = payment.provider_reference
    if target in {status.CAPTURED, status.REFUNDED}:
        # A refund closes a payment only when nothing is left to capture.
        taken = held
    elif target is status.PARTIALLY_CAPTURED:
        taken = draw(st.integers(1, held - 1))
    else:
        taken = draw(st.integers(2, held))
    for number, part in enumerate(draw(_parts(taken)), 1):
        payment.capture(
            _in_units(code, part),
            at=time.later(),
            reference=f"{reference}-capture-{number}",
        )
    # What no dispute holds or took; refunds come out of it, so that they
    # never return money a dispute may still take.
    keep = {status.REFUNDED: 1, status.PARTIALLY_REFUNDED: 2}.get(target, 0)
    free = taken
    ends = ["won", "lost"] if target is status.REFUNDED else ["open", "won", "lost"]
    for number in range(1, draw(st.integers(0, 2)) + 1):
        if free - keep < 1:
            break
        disputed = draw(st.integers(1, free - keep))
        dispute = f"dp-{number}"
        payment.open_dispute(dispute, _in_units(code, disputed), at=time.later())
        end = draw(st.sampled_from(ends))
        if end == "won":
            payment.win_dispute(dispute, at=time.later())
        else:
            free -= disputed
            if end == "lost":
                payment.lose_dispute(dispute, at=time.later())
    if target in {status.PARTIALLY_REFUNDED, status.REFUNDED}:
        back = free if target is status.REFUNDED else draw(st.integers(1, free - 1))
        for number, part in enumerate(draw(_parts(back)), 1):
            payment.refund(
                _in_units(code, part),
                at=time.later(),
                reference=f"{reference}-refund-{number}",
            )


def _loaded(draw: st.DrawFn, payment: Payment) -> Payment:
    """The payment as a repository returns it: no events, some version."""
    payment.pull_events()
    payment.version = draw(_VERSIONS)
    return payment


def payments(
    currency: str | st.SearchStrategy[str] | None = None,
    *,
    statuses: Iterable[PaymentStatus] | None = None,
) -> st.SearchStrategy[Payment]:
    """Draw payments in every status, or in ``statuses``, reached by their methods.

    Each is created for 1 to 10,000,000 minor units and driven, a step 0
    seconds to 3 days after the last, by :class:`~commercekit.payments.Payment`'s
    own methods to its status: it may require action first (one of
    :func:`required_actions`, once or twice), is authorized for all or part
    of the amount (expiring 7 days later, or not), captured in one to three
    parts, disputed up to twice (each dispute left open, won or lost), and
    refunded in one to three parts. Disputes are opened before refunds and
    refunds never return money a dispute holds, so a refunded payment has
    no open dispute. Provider references are ``psp-…``, its captures'
    ``psp-…-capture-1``, ... It has recorded no events (as loaded) and has
    a version from 0 to 20.

    Args:
        currency: A currency code, a strategy of codes, or ``None`` for any
            (:func:`currencies`).
        statuses: The statuses to draw; all by default.

    Raises:
        ValidationError: for ``statuses`` that are empty or not statuses.
    """
    chosen = tuple(PaymentStatus) if statuses is None else tuple(statuses)
    if not chosen or not all(isinstance(s, PaymentStatus) for s in chosen):
        msg = f"statuses must be some PaymentStatus members, not {chosen!r}"
        raise ValidationError(msg, field="statuses")
    return st.tuples(_payment_currencies(currency), st.sampled_from(chosen)).flatmap(
        lambda pair: _payment(*pair)
    )


def _entries_of(payment: Payment) -> st.SearchStrategy[PaymentTransaction]:
    return st.sampled_from(payment.transactions)


def payment_transactions(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PaymentTransaction]:
    """Draw entries of the ledgers of :func:`payments` (all but pending ones).

    So each is what a payment's method wrote: an amount on the kinds that
    move or dispute money, a provider reference on operations, a decline
    code or dispute id as its note.

    Args:
        currency: As for :func:`payments`.
    """
    moved = [s for s in PaymentStatus if s is not PaymentStatus.PENDING]
    return payments(currency, statuses=moved).flatmap(_entries_of)


def required_actions() -> st.SearchStrategy[RequiredAction]:
    """Draw what a customer must do before a payment goes on.

    A redirect to an ``https://pay.example.com/…`` address; a 3-D Secure
    challenge with the client secret the provider's script needs (and a
    fallback address now and then); or a prepayment's bank transfer, as
    :func:`~commercekit.payments.open_prepayment` writes it (the reference
    to quote, what is due, received and outstanding, the currency and the
    bank details).
    """
    url = _numbered("https://pay.example.com/redirect/r")
    secret = _numbered("seti").map(lambda code: {"client_secret": f"{code}_secret"})
    return st.one_of(
        st.builds(RequiredAction, kind=st.just("redirect"), url=url),
        st.builds(
            RequiredAction,
            kind=st.just("three_d_secure"),
            url=st.none() | url,
            data=secret,
        ),
        st.builds(_transfer_action, _positive_money(None), _numbered("ord")),
    )


def _transfer_action(amount: Money, order: str) -> RequiredAction:
    waiting = open_prepayment(
        payment_id=f"pay-{order}",
        order_id=order,
        amount=amount,
        at=_START,
        bank_details={"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
    )
    assert waiting.action is not None  # noqa: S101 - a prepayment waits
    return waiting.action


def disputes(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Dispute]:
    """Draw chargebacks: ``dp-…``, a positive amount, open, won or lost.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        Dispute,
        dispute_id=_numbered("dp"),
        amount=_positive_money(currency),
        status=st.sampled_from(DisputeStatus),
        opened_at=_instants(),
    )


@st.composite
def _gateway_result(
    draw: st.DrawFn,
    currency: st.SearchStrategy[str],
    outcomes: tuple[GatewayOutcome, ...],
) -> GatewayResult:
    outcome = draw(st.sampled_from(outcomes))
    hints = [
        s for s in PaymentStatus if _HINTED.get(s, GatewayOutcome.APPROVED) is outcome
    ]
    hint = draw(st.none() | st.sampled_from(hints).map(str))
    reference = draw(_numbered("psp"))
    if outcome is GatewayOutcome.DECLINED:
        decline = draw(_DECLINE_CODES)
        return GatewayResult(
            outcome=outcome,
            reference=reference,
            decline_code=decline,
            decline_message=_DECLINES[decline],
            status_hint=hint,
        )
    if outcome is GatewayOutcome.REQUIRES_ACTION:
        action = draw(required_actions())
        return GatewayResult(
            outcome=outcome, reference=reference, action=action, status_hint=hint
        )
    if outcome is GatewayOutcome.PENDING:
        return GatewayResult(outcome=outcome, reference=reference, status_hint=hint)
    return GatewayResult(
        outcome=outcome,
        reference=reference,
        amount=draw(st.none() | _positive_money(currency)),
        expires_at=draw(st.none() | _instants()),
        status_hint=hint,
    )


def gateway_results(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[GatewayResult]:
    """Draw a provider's answers: approved, declined, requires action or pending.

    An approval may carry the amount it moved and when a hold lapses; a
    decline a code and words for the customer; a demand for action one of
    :func:`required_actions`. Now and then a status hint says how the
    provider sees the payment, one that fits the outcome (``failed`` for a
    decline, ``pending`` for pending, ...).

    Args:
        currency: As for :func:`payments`.
    """
    return _gateway_result(_payment_currencies(currency), tuple(GatewayOutcome))


_METADATA: Final = st.dictionaries(
    st.sampled_from(["order_number", "channel", "note"]),
    st.sampled_from(_METADATA_VALUES),
    max_size=3,
)


def authorize_requests(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[AuthorizeRequest]:
    """Draw requests to hold (or, now and then, take) an amount.

    Tokens are the fake gateway's test tokens or ``pm_…``; keys
    ``auth-…``; a return address some of the time; metadata of up to three
    short texts, none of them a card number.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        AuthorizeRequest,
        payment_id=_numbered("pay"),
        amount=_positive_money(currency),
        token=st.sampled_from(_TEST_TOKENS) | _numbered("pm"),
        idempotency_key=_numbered("auth"),
        capture=_NOW_AND_THEN,
        return_url=st.none() | _numbered("https://shop.example.com/return/ord"),
        metadata=_METADATA,
    )


def capture_requests(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[CaptureRequest]:
    """Draw requests to take a positive amount of an authorization ``psp-…``.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        CaptureRequest,
        payment_id=_numbered("pay"),
        reference=_numbered("psp"),
        amount=_positive_money(currency),
        idempotency_key=_numbered("cap"),
    )


def void_requests() -> st.SearchStrategy[VoidRequest]:
    """Draw requests to give up an authorization ``psp-…``."""
    return st.builds(
        VoidRequest,
        payment_id=_numbered("pay"),
        reference=_numbered("psp"),
        idempotency_key=_numbered("void"),
    )


def refund_requests(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[RefundRequest]:
    """Draw requests to give back a positive amount, with a reason now and then.

    Args:
        currency: As for :func:`payments`.
    """
    return st.builds(
        RefundRequest,
        payment_id=_numbered("pay"),
        reference=_numbered("psp"),
        amount=_positive_money(currency),
        idempotency_key=_numbered("ref"),
        reason=st.none() | st.sampled_from(["returned", "damaged in transit"]),
    )


_ANSWERS: Final = {
    Operation.AUTHORIZE: tuple(GatewayOutcome),
    Operation.CAPTURE: (GatewayOutcome.APPROVED, GatewayOutcome.DECLINED),
    Operation.VOID: (GatewayOutcome.APPROVED, GatewayOutcome.DECLINED),
    Operation.REFUND: (GatewayOutcome.APPROVED, GatewayOutcome.DECLINED),
}


def idempotency_records(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[IdempotencyRecord]:
    """Draw what an idempotency key stands for, answered or still in flight.

    A key ``key-…`` for one operation on a payment, with a fingerprint of
    32 hex digits; the amount the request moves (none for a void); no
    result while in flight, else an answer of :func:`gateway_results` that
    fits the operation (capture, refund and void are approved or declined).

    Args:
        currency: As for :func:`payments`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> IdempotencyRecord:
        code = draw(_payment_currencies(currency))
        operation = draw(st.sampled_from(Operation))
        amount = (
            None
            if operation is Operation.VOID
            else draw(st.integers(1, _PAYMENT_UNITS).map(lambda u: _in_units(code, u)))
        )
        result = draw(st.none() | _gateway_result(st.just(code), _ANSWERS[operation]))
        return IdempotencyRecord(
            key=draw(_numbered("key")),
            operation=operation,
            payment_id=draw(_numbered("pay")),
            fingerprint=draw(st.integers(0, 16**32 - 1).map(lambda n: f"{n:032x}")),
            created_at=draw(_instants()),
            amount=amount,
            result=result,
        )

    return build()


def payment_notifications(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[PaymentNotification]:
    """Draw a provider's notifications of every kind, their fields as the kind needs.

    Event ids ``evt-…`` about payments ``psp-…``; captures, refunds and
    voids name their operation (``psp-…-capture-…``); authorizations,
    captures and refunds carry the amount now and then, an opened dispute
    always; the dispute kinds name the dispute, a failure its decline code.

    Args:
        currency: As for :func:`payments`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> PaymentNotification:
        kind = draw(st.sampled_from(NotificationKind))
        reference = draw(_numbered("psp"))
        amount = draw(_positive_money(currency))
        fields: dict[str, object] = {}
        if kind in {NotificationKind.CAPTURED, NotificationKind.REFUNDED}:
            what = "capture" if kind is NotificationKind.CAPTURED else "refund"
            fields["operation_reference"] = (
                f"{reference}-{what}-{draw(st.integers(1, 3))}"
            )
        if kind is NotificationKind.VOIDED:
            fields["operation_reference"] = f"{reference}-void-1"
        if kind in {
            NotificationKind.AUTHORIZED,
            NotificationKind.CAPTURED,
            NotificationKind.REFUNDED,
        } and draw(st.booleans()):
            fields["amount"] = amount
        if kind.value.startswith("dispute_"):
            fields["dispute_id"] = draw(_numbered("dp"))
        if kind is NotificationKind.DISPUTE_OPENED:
            fields["amount"] = amount
        if kind is NotificationKind.FAILED:
            fields["decline_code"] = draw(_DECLINE_CODES)
        return PaymentNotification(
            event_id=draw(_numbered("evt")),
            kind=kind,
            reference=reference,
            occurred_at=draw(_instants()),
            **fields,  # type: ignore[arg-type]
        )

    return build()


def payment_events(
    *,
    kinds: Iterable[type[DomainEvent]] | None = None,
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[DomainEvent]:
    """Draw the payments context's events: any of them, or of ``kinds``.

    Ids are ``pay-…`` and ``ord-…``, amounts positive; a capture's or
    refund's running total is at least its own amount; a failure names a
    decline code, a dispute its id.

    Args:
        kinds: The event classes to draw from, such as ``[PaymentCaptured]``;
            all ten by default.
        currency: As for :func:`payments`.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            the payments' event classes.
    """
    chosen = _PAYMENT_EVENTS if kinds is None else tuple(kinds)
    if not chosen or any(kind not in _PAYMENT_EVENTS for kind in chosen):
        names = ", ".join(kind.__name__ for kind in _PAYMENT_EVENTS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")

    @st.composite
    def build(draw: st.DrawFn) -> DomainEvent:
        kind = draw(st.sampled_from(chosen))
        code = draw(_payment_currencies(currency))
        amount = draw(st.integers(1, _PAYMENT_UNITS))
        total = amount + draw(st.integers(0, _PAYMENT_UNITS))
        facts: dict[str, object] = {
            "payment_id": draw(_numbered("pay")),
            "order_id": draw(_numbered("ord")),
        }
        if kind in {
            PaymentAuthorized,
            PaymentCaptured,
            PaymentRefunded,
            ChargebackOpened,
            ChargebackLost,
        }:
            facts["amount"] = _in_units(code, amount)
        if kind is PaymentCaptured:
            facts["captured"] = _in_units(code, total)
        if kind is PaymentRefunded:
            facts["refunded"] = _in_units(code, total)
        if kind is PaymentFailed:
            facts["decline_code"] = draw(_DECLINE_CODES)
        if kind is PaymentExpired:
            facts["expired_at"] = draw(_instants())
        if kind in {ChargebackOpened, ChargebackWon, ChargebackLost}:
            facts["dispute_id"] = draw(_numbered("dp"))
        return kind(**facts)

    return build()


# -- payment methods, split tender, store credit, offline payments ---------------

_METHOD_CODES_BY_KIND: Final = {
    PaymentMethodKind.GATEWAY: ("card", "paypal", "sepa_debit", "klarna"),
    PaymentMethodKind.INVOICE: ("invoice",),
    PaymentMethodKind.PREPAYMENT: ("prepayment",),
    PaymentMethodKind.CASH_ON_DELIVERY: ("cash_on_delivery",),
    PaymentMethodKind.STORE_CREDIT: ("gift_card", "store_credit"),
}
_METHOD_NAMES_BY_CODE: Final = {
    "card": "Kreditkarte",
    "paypal": "PayPal",
    "sepa_debit": "SEPA-Lastschrift",
    "klarna": "Klarna",
    "invoice": "Kauf auf Rechnung",
    "prepayment": "Vorkasse",
    "cash_on_delivery": "Nachnahme",
    "gift_card": "Gutschein",
    "store_credit": "Guthaben",
}
_METHOD_CURRENCIES: Final = ("EUR", "CHF", "GBP", "PLN", "SEK")
_METHOD_COUNTRIES: Final = ("DE", "AT", "NL", "FR", "CH", "PL")
_NO_FEE_CURRENCIES: Final = st.lists(
    st.sampled_from(_METHOD_CURRENCIES), min_size=1, max_size=3, unique=True
)
_LEAST_CENTS: Final = st.none() | st.integers(0, 100_00)
_MOST_CENTS: Final = st.none() | st.integers(100_00, 5000_00)
_SERVED: Final = st.none() | st.lists(
    st.sampled_from(_METHOD_COUNTRIES), min_size=1, max_size=4, unique=True
)


@st.composite
def _payment_method(draw: st.DrawFn) -> PaymentMethod:
    kind = draw(st.sampled_from(PaymentMethodKind))
    code = draw(st.sampled_from(_METHOD_CODES_BY_KIND[kind]))
    if kind is PaymentMethodKind.CASH_ON_DELIVERY:
        surcharge = not draw(_NOW_AND_THEN)
    else:
        surcharge = kind is PaymentMethodKind.GATEWAY and draw(_NOW_AND_THEN)
    fee = None
    if surcharge and draw(st.booleans()):
        currency = draw(st.sampled_from(_METHOD_CURRENCIES))
        fee = _in_units(currency, draw(st.integers(1, 1000)))
        taken = [currency]
    else:
        taken = draw(_NO_FEE_CURRENCIES)
    lows, highs = [], []
    for currency in taken:  # all of them in cents
        low, high = draw(_LEAST_CENTS), draw(_MOST_CENTS)
        if low is not None:
            lows.append(_in_units(currency, low))
        if high is not None:
            highs.append(_in_units(currency, high))
    countries = draw(_SERVED)
    return PaymentMethod(
        code=code,
        name=_METHOD_NAMES_BY_CODE[code],
        kind=kind,
        currencies=taken,
        countries=countries,
        min_amounts=lows,
        max_amounts=highs,
        fee=fee,
        surcharge_allowed=surcharge,
    )


def payment_methods() -> st.SearchStrategy[PaymentMethod]:
    """Draw payment methods of every kind, with a fee only where the law allows one.

    A method takes one to three of EUR, CHF, GBP, PLN and SEK, in all
    countries or some of DE, AT, NL, FR, CH and PL, with a least amount (0
    to 100) and a greatest (100 to 5,000) per currency now and then. Cash
    on delivery may carry a fee (mostly it may, and now and then does), a
    gateway method now and then; invoice, prepayment and store credit
    never (§ 270a BGB). A method with a fee takes the fee's currency only.
    """
    return _payment_method()


def _method_code(method: PaymentMethod) -> str:
    return method.code


def payment_method_registries() -> st.SearchStrategy[PaymentMethods]:
    """Draw a shop's registry of up to five :func:`payment_methods`, each code once."""
    return st.lists(payment_methods(), max_size=5, unique_by=_method_code).map(
        PaymentMethods
    )


@st.composite
def _unavailable(draw: st.DrawFn) -> Unavailable:
    method = draw(payment_methods())
    reasons = [UnavailableReason.CURRENCY]
    if method.countries is not None and len(method.countries) < len(_METHOD_COUNTRIES):
        reasons.append(UnavailableReason.COUNTRY)
    if any(low.amount > 0 for low in method.min_amounts):
        reasons.append(UnavailableReason.BELOW_MINIMUM)
    if method.max_amounts:
        reasons.append(UnavailableReason.ABOVE_MAXIMUM)
    reason = draw(st.sampled_from(reasons))
    served = _METHOD_COUNTRIES if method.countries is None else method.countries
    country = draw(st.sampled_from(served))
    currency = method.currencies[0]
    amount = draw(money(currency, min_value=0, max_value=50))
    if reason is UnavailableReason.COUNTRY:
        country = draw(
            st.sampled_from([c for c in _METHOD_COUNTRIES if c not in served])
        )
    elif reason is UnavailableReason.CURRENCY:
        other = [c for c in ("USD", "JPY", "DKK") if c not in method.currencies]
        amount = draw(money(st.sampled_from(other), min_value=0, max_value=50))
    elif reason is UnavailableReason.BELOW_MINIMUM:
        low = draw(st.sampled_from([m for m in method.min_amounts if m.amount > 0]))
        amount = low - _in_units(
            low.currency.code,
            draw(
                st.integers(1, int(low.amount.scaleb(minor_units(low.currency.code))))
            ),
        )
    else:
        high = draw(st.sampled_from(method.max_amounts))
        amount = high + _in_units(high.currency.code, draw(st.integers(1, 10_000)))
    (found,) = PaymentMethods([method]).unavailable(country, amount)
    return found


def unavailable_methods() -> st.SearchStrategy[Unavailable]:
    """Draw why a registry does not offer one of :func:`payment_methods`.

    Each is what :meth:`~commercekit.payments.PaymentMethods.unavailable`
    answers for a country and an amount chosen to break one rule: a country
    the method does not serve, a currency it does not take, an amount
    below its least or above its greatest (then the limit is named).
    """
    return _unavailable()


def split_tenders(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[SplitTender]:
    """Draw what :func:`~commercekit.payments.split_tender` makes of an amount due.

    A total of one minor unit or more and a store credit balance of 0 or
    more (now and then more than the total) in one currency.

    Args:
        currency: As for :func:`payments`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> SplitTender:
        code = draw(_payment_currencies(currency))
        total = draw(st.integers(1, _PAYMENT_UNITS))
        credit = draw(st.integers(0, 2 * total))
        return split_tender(_in_units(code, total), _in_units(code, credit))

    return build()


@st.composite
def _store_credit_account(draw: st.DrawFn, code: str) -> StoreCreditAccount:
    account = StoreCreditAccount(account_id=draw(_numbered("gc")), currency=code)
    time = _Timeline(draw)
    for number in range(1, draw(st.integers(1, 3)) + 1):
        issued = _in_units(code, draw(st.integers(1, 100_000)))
        account.issue(issued, at=time.later(), reference=f"gift-order-{number}")
    charges = []
    for number in range(1, draw(st.integers(0, 2)) + 1):
        left = int(account.balance.amount.scaleb(minor_units(code)))
        if left < 1:
            break
        charge = f"pay-{number}"
        spent = _in_units(code, draw(st.integers(1, left)))
        account.charge(spent, at=time.later(), reference=charge)
        charges.append(charge)
    for number in range(1, draw(st.integers(0, 2)) + 1):
        if not charges:
            break
        charge = draw(st.sampled_from(charges))
        left = int(account.reversible(charge).amount.scaleb(minor_units(code)))
        if left < 1:
            continue
        back = _in_units(code, draw(st.integers(1, left)))
        account.reverse(charge, back, at=time.later(), reference=f"refund-{number}")
    account.version = draw(_VERSIONS)
    return account


def store_credit_accounts(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[StoreCreditAccount]:
    """Draw gift card and store credit balances built by their own methods.

    One to three issues of up to 100,000 minor units, then up to two
    charges (``pay-1``, ``pay-2``) of no more than the balance, then up to
    two reversals (``refund-…``) of no more than is left of a charge; at a
    version from 0 to 20.

    Args:
        currency: As for :func:`payments`.
    """
    return _payment_currencies(currency).flatmap(_store_credit_account)


def _credit_entries(account: StoreCreditAccount) -> st.SearchStrategy[StoreCreditEntry]:
    return st.sampled_from(account.entries)


def store_credit_entries(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[StoreCreditEntry]:
    """Draw entries of the ledgers of :func:`store_credit_accounts`.

    Args:
        currency: As for :func:`payments`.
    """
    return store_credit_accounts(currency).flatmap(_credit_entries)


@st.composite
def _transfer_outcome(draw: st.DrawFn, code: str) -> TransferOutcome:
    time = _Timeline(draw)
    due = draw(st.integers(1, 100_000))
    opened = {
        "payment_id": draw(_numbered("pay")),
        "order_id": draw(_numbered("ord")),
        "amount": _in_units(code, due),
        "at": time.now,
    }
    way = draw(st.sampled_from(["invoice", "cash_on_delivery", "prepayment"]))
    outcomes = []
    if way == "prepayment":
        payment = open_prepayment(**opened)  # type: ignore[arg-type]
        quoted = payment.provider_reference
        assert quoted is not None  # noqa: S101 - a prepayment has its reference
        for _ in range(draw(st.integers(1, 3))):
            came_in = _in_units(code, draw(st.integers(1, due)))
            text = draw(
                st.sampled_from([quoted, f"Order {quoted}, thanks", "rent May"])
            )
            outcomes.append(
                record_bank_transfer(payment, came_in, text, at=time.later())
            )
    else:
        opener = (
            open_invoice_payment if way == "invoice" else open_cash_on_delivery_payment
        )
        record = record_incoming_payment if way == "invoice" else record_cash_collected
        payment = opener(**opened)  # type: ignore[arg-type]
        for number in range(1, draw(st.integers(1, 3)) + 1):
            came_in = _in_units(code, draw(st.integers(1, due)))
            outcomes.append(
                record(payment, came_in, at=time.later(), reference=f"bank-{number}")
            )
    return draw(st.sampled_from(outcomes))


def transfer_outcomes(
    currency: str | st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[TransferOutcome]:
    """Draw what money coming in did to an invoice, cash-on-delivery or prepayment.

    A payment of up to 100,000 minor units, opened by
    :func:`~commercekit.payments.open_invoice_payment`,
    :func:`~commercekit.payments.open_cash_on_delivery_payment` or
    :func:`~commercekit.payments.open_prepayment`, receives one to three
    amounts of up to what is due (a prepayment's transfers quote its
    reference, in words around it, or not at all); one of the outcomes the
    recording functions returned is drawn.

    Args:
        currency: As for :func:`payments`.
    """
    return _payment_currencies(currency).flatmap(_transfer_outcome)


# -- orders: the checkout's snapshot and its lifecycle ----------------------------

_ORDER_COUNTRIES: Final = ("DE", "AT", "FR", "NL", "PL", "US")
"""Countries both :func:`tax_contexts` and :func:`addresses` know: orders ship there."""
_ORDER_LOCALES: Final = ("de_DE", "en_GB", "fr_FR", "nl_NL")
_ORDER_NAMES: Final = (
    "Weißer Sneaker",
    "Laufschuh Nordlicht",
    "Wanderstiefel",
    "Socken (3er-Pack)",
    "Das Turnschuh-Buch",
)
_ORDER_OPTIONS: Final = st.sampled_from(
    [{}, {"size": "42"}, {"size": "43", "color": "weiß"}, {"color": "schwarz"}]
)
_GUEST_EMAILS: Final = ("guest@example.com", "jörg@example.de")
_LEGAL_DOCUMENTS: Final = st.sampled_from(
    [
        {"terms": "2026-05", "withdrawal": "2026-05"},
        {"terms": "2025-11", "withdrawal": "3", "privacy": "2025-09"},
        {},
    ]
)
_COUPON_SOURCES: Final = frozenset({"SUMMER10", "WELCOME"})
"""The discount sources of :func:`discounts` that a coupon unlocked."""
_STAFF: Final = st.sampled_from(["staff-7", "staff-12"])
_SHIPPERS: Final = st.sampled_from(["system", "warehouse", "staff-7"])
_STEP_DAYS: Final = 3
_CHECKOUT_KINDS: Final = (
    PaymentMethodKind.GATEWAY,
    PaymentMethodKind.INVOICE,
    PaymentMethodKind.CASH_ON_DELIVERY,
    PaymentMethodKind.PREPAYMENT,
)
"""The payment methods checkout takes for a whole order; the gateway first."""
_SHIPS_FIRST: Final = frozenset(
    {PaymentMethodKind.INVOICE, PaymentMethodKind.CASH_ON_DELIVERY}
)
_ASKED_REASONS: Final = (CancelReason.CUSTOMER, CancelReason.MERCHANT)
"""Why an order that is no longer waiting for its payment is canceled."""
_WAITING_KINDS: Final = (PaymentMethodKind.GATEWAY, PaymentMethodKind.PREPAYMENT)
"""The methods a placed order waits for: checkout confirms the others at once."""
_PAID_WITH: Final = {
    PaymentMethodKind.GATEWAY: PaymentStatus.AUTHORIZED,
    PaymentMethodKind.INVOICE: PaymentStatus.AUTHORIZED,
    PaymentMethodKind.CASH_ON_DELIVERY: PaymentStatus.AUTHORIZED,
    PaymentMethodKind.PREPAYMENT: PaymentStatus.CAPTURED,
}
"""The payment's status once it lets the order ship (a prepayment: transferred)."""
_SHIPPING_STATUSES: Final = (
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
_ORDER_EVENTS: Final[tuple[type[DomainEvent], ...]] = (
    OrderPlaced,
    OrderStatusChanged,
    OrderConfirmed,
    OrderCanceled,
    OrderLinesCanceled,
    OrderLinesShipped,
)
_EVENT_STATUSES: Final[dict[type[DomainEvent], tuple[OrderStatus, ...]]] = {
    OrderPlaced: tuple(OrderStatus),
    OrderStatusChanged: tuple(OrderStatus)[1:],
    OrderConfirmed: (
        OrderStatus.CONFIRMED,
        OrderStatus.IN_FULFILLMENT,
        *_SHIPPING_STATUSES,
    ),
    OrderCanceled: (OrderStatus.CANCELED,),
    OrderLinesCanceled: tuple(OrderStatus),
    OrderLinesShipped: _SHIPPING_STATUSES,
}
"""Where an order drawn for an event of the kind is driven: it records one on
the way (for lines canceled, a partial cancel is made to happen)."""
_OWN_MOVES: Final = (
    Move("confirm", "placed", "awaiting_approval", cond="needs_approval"),
    Move("approve", "awaiting_approval", "confirmed"),
    Move("cancel", "awaiting_approval", "canceled"),
    Move("hold", "in_fulfillment", "on_hold"),
    Move("release", "on_hold", "in_fulfillment"),
)
"""An application's own moves: an approval step and a warehouse hold."""


def order_ids() -> st.SearchStrategy[OrderId]:
    """Draw order ids as an id factory makes them, ``ord-1`` to ``ord-99999``."""
    return _numbered("ord").map(order_id)


def _button_label(label: str) -> str:
    """A label as a shop shows it: its first letter capitalized."""
    return label[:1].upper() + label[1:]


def legal_acceptances() -> st.SearchStrategy[LegalAcceptance]:
    """Draw what a customer accepted with the order button.

    The button's words are one of
    :data:`~commercekit.orders.ORDER_BUTTON_LABELS` (so they name the
    obligation to pay, § 312j BGB), capitalized as a shop shows them; the
    legal texts' versions are those of terms and withdrawal policy, also of
    a privacy notice, or none; pressed at a second from 2019 to 2027.
    """
    return st.builds(
        LegalAcceptance,
        button_label=st.sampled_from(sorted(ORDER_BUTTON_LABELS)).map(_button_label),
        accepted_at=_instants(),
        documents=_LEGAL_DOCUMENTS,
    )


def refunds_due(currency: str | None = None) -> st.SearchStrategy[RefundDue]:
    """Draw a refund an order noted: its key, and more than 0 going back.

    Args:
        currency: The refund's currency; any when ``None``.
    """
    return st.builds(
        RefundDue,
        key=st.builds(
            "order-{}-refund-{}".format,
            order_ids(),
            st.integers(min_value=1, max_value=50),
        ),
        amount=money(currency, min_value=Decimal("0.01"), max_value=Decimal(10_000)),
    )


def _order_line(draw: st.DrawFn, priced: PricedLine) -> OrderLine:
    """A line as checkout stores it from a priced line: nothing canceled yet."""
    return OrderLine(
        key=priced.key,
        sku=priced.sku,
        name=draw(st.sampled_from(_ORDER_NAMES)),
        options=draw(_ORDER_OPTIONS),
        quantity=priced.quantity,
        unit_price=priced.unit_price,
        tax=priced.tax,
        subtotal_minor=priced.subtotal_minor,
        total_minor=priced.total_minor,
        net_minor=priced.net_minor,
        tax_minor=priced.tax_minor,
        discounts=priced.discounts,
    )


def _customized(draw: st.DrawFn, line: OrderLine, taken: set[str]) -> OrderLine:
    """The line as a custom one (gift wrap, engraving), if its key is free."""
    key = draw(st.sampled_from(sorted(_CUSTOM_LINES)))
    if key in taken:
        return line
    return attrs.evolve(
        line, key=key, sku=key, name=_CUSTOM_LINES[key], options={}, custom=True
    )


@st.composite
def _order_line_counts(draw: st.DrawFn, code: str) -> OrderLine:
    breakdown = draw(_price_breakdown(code, min_lines=1))
    line = _order_line(draw, draw(st.sampled_from(breakdown.lines)))
    if draw(_NOW_AND_THEN):
        line = _customized(draw, line, set())
    canceled = draw(st.integers(0, line.quantity))
    shipped = draw(st.integers(0, line.quantity - canceled))
    returned = draw(st.integers(0, shipped))
    return attrs.evolve(line, canceled=canceled, shipped=shipped, returned=returned)


def order_lines(currency: str = "EUR") -> st.SearchStrategy[OrderLine]:
    """Draw lines of orders: a priced line, and what became of its units.

    The amounts are those of a line of :func:`price_breakdowns` (so they add
    up: in gross mode ``total == net + tax``, in net mode ``total == net``,
    with the line's own discounts and its parts of order discounts), its
    name one of a few products', with options or not; now and then it is a
    custom line (gift wrap, engraving). Of its units some may be canceled,
    some of the rest shipped, and some of those returned.

    Args:
        currency: The currency code of every amount.
    """
    return _order_line_counts(currency.strip().upper())


def _applied_promotions(
    lines: Iterable[OrderLine], currency: str
) -> tuple[AppliedPromotion, ...]:
    """The promotions that gave the lines' discounts: one per discount source."""
    given: dict[str, list[Discount]] = {}
    for line in lines:
        for discount in line.discounts:
            given.setdefault(discount.source, []).append(discount)
    return tuple(
        AppliedPromotion(
            promotion_id=PromotionId(source),
            name=next((d.label for d in found if d.label), source),
            amount=sum_money([d.amount for d in found], currency),
            coupon_code=normalize_code(source) if source in _COUPON_SOURCES else None,
        )
        for source, found in given.items()
    )


@functools.cache
def _addresses_in(country: str | None) -> st.SearchStrategy[Address]:
    """:func:`addresses` in ``country`` (or anywhere), built once."""
    return addresses(None if country is None else [country])


def _payment_window(kind: PaymentMethodKind) -> timedelta:
    """:class:`~commercekit.orders.OrderSettings`' default wait for a payment."""
    if kind is PaymentMethodKind.PREPAYMENT:
        return timedelta(days=7)
    return timedelta(hours=1)


@st.composite
def _placed_order(
    draw: st.DrawFn, code: str, kind: PaymentMethodKind, min_lines: int
) -> Order:
    """An order as checkout stores it from a priced cart, before its payment.

    It has recorded :class:`~commercekit.orders.OrderPlaced`, as checkout does.
    """
    breakdown = draw(
        _price_breakdown(code, min_lines=min_lines, ship_to=_ORDER_COUNTRIES)
    )
    context = breakdown.context
    lines = [_order_line(draw, priced) for priced in breakdown.lines]
    if draw(_NOW_AND_THEN):
        lines[-1] = _customized(draw, lines[-1], {line.key for line in lines})
    customer = draw(st.none() | _customer_ids())
    promotions = _applied_promotions(lines, breakdown.currency)
    business = context.buyer.business
    placed_at = context.supplied_at
    order = Order(
        order_id=draw(order_ids()),
        number=draw(st.integers(1, 999_999).map(lambda n: f"{n:06d}")),
        checkout_token=draw(_numbered("chk")),
        cart_id=draw(_numbered("cart")),
        placed_at=placed_at,
        currency=breakdown.currency,
        mode=breakdown.mode,
        locale=draw(st.sampled_from(_ORDER_LOCALES)),
        customer_id=customer,
        email=None if customer else draw(st.sampled_from(_GUEST_EMAILS)),
        customer=context.buyer,
        shipping_address=draw(_addresses_in(context.ship_to)),
        billing_address=draw(st.none() | st.none() | _addresses_in(None)),
        lines=lines,
        shipping_method=(
            draw(st.sampled_from(_SHIPPING_METHODS)) if breakdown.shipping else None
        ),
        shipping=breakdown.shipping,
        payment_method=draw(st.sampled_from(_METHOD_CODES_BY_KIND[kind])),
        ships_before_payment=kind in _SHIPS_FIRST,
        payment_due_by=(
            None if kind in _SHIPS_FIRST else placed_at + _payment_window(kind)
        ),
        promotions=promotions,
        coupons=tuple(p.coupon_code for p in promotions if p.coupon_code),
        acceptance=(
            None
            if business and draw(st.booleans())
            else draw(
                legal_acceptances().map(
                    lambda accepted: attrs.evolve(accepted, accepted_at=placed_at)
                )
            )
        ),
        cash_rounding_minor=breakdown.due_minor
        - breakdown.net_minor
        - breakdown.tax_minor,
    )
    order.record(
        OrderPlaced(
            order_id=order.order_id,
            number=order.number,
            cart_id=order.cart_id,
            customer_id=order.customer_id,
            total=order.amount_due,
            payment_method=order.payment_method,
            at=placed_at,
        )
    )
    return order


def _some_units(draw: st.DrawFn, order: Order, most: int) -> dict[str, int]:
    """One to ``most`` open units of the order, by line key; shrinks to one unit."""
    units: dict[str, int] = {}
    left = most
    for line in order.lines:
        if left and line.open:
            count = draw(st.integers(0, min(line.open, left)))
            if count:
                units[line.key] = count
                left -= count
    if not units:
        first = next(line for line in order.lines if line.open)
        units[first.key] = 1
    return units


def _open_units(order: Order) -> dict[str, int]:
    return {line.key: line.open for line in order.lines if line.open}


class _OrderRun:
    """Drives an order by its own methods, as checkout and the services do.

    Each step comes 0 seconds to 3 days after the last; while the order
    waits for its payment, no later than its payment is due.
    """

    def __init__(
        self,
        draw: st.DrawFn,
        order: Order,
        kind: PaymentMethodKind,
        *,
        cancel_some: bool,
    ) -> None:
        self.draw = draw
        self.order = order
        self.kind = kind
        self.payment_id = draw(_numbered("pay"))
        self.now = order.placed_at
        self.owed_cancel = cancel_some

    def later(self) -> datetime:
        until = self.order.payment_due_by
        most = timedelta(days=_STEP_DAYS)
        if self.order.status == OrderStatus.PLACED and until is not None:
            most = max(timedelta(0), min(most, until - self.now))
        seconds = int(most.total_seconds())
        self.now += timedelta(seconds=self.draw(st.integers(0, seconds)))
        return self.now

    def pay(self, status: PaymentStatus) -> None:
        self.order.record_payment(self.payment_id, status)

    def checkout(self) -> None:
        """Record the payment checkout started; a ship-first method confirms."""
        if self.kind in _SHIPS_FIRST:
            self.pay(PaymentStatus.AUTHORIZED)
            self.order.confirm(at=self.now, actor="customer")
        elif self.kind is PaymentMethodKind.PREPAYMENT:
            self.pay(PaymentStatus.REQUIRES_ACTION)
        else:
            self.pay(self.draw(st.sampled_from(sorted(_WAITING))))

    def confirm(self) -> None:
        """The payment allows shipping: the order follows it."""
        self.pay(_PAID_WITH[self.kind])
        self.order.confirm(at=self.later())

    def cancel_some(self, keep: int) -> None:
        """Now and then (or when owed) cancel open units, leaving ``keep`` open."""
        order = self.order
        if order.open_units <= keep:
            return
        if not (self.owed_cancel or self.draw(_NOW_AND_THEN)):
            return
        self.owed_cancel = False
        units = _some_units(self.draw, order, order.open_units - keep)
        reason = self.draw(st.sampled_from(_ASKED_REASONS))
        actor = "customer" if reason is CancelReason.CUSTOMER else self.draw(_STAFF)
        order.cancel_lines(units, at=self.later(), reason=reason, actor=actor)

    def cancel(self) -> None:
        """Cancel every open unit: by the order's cancel, or all its lines'."""
        order = self.order
        placed = order.status == OrderStatus.PLACED
        reason = self.draw(st.sampled_from(CancelReason if placed else _ASKED_REASONS))
        if reason is CancelReason.CUSTOMER:
            actor = "customer"
        elif reason is CancelReason.MERCHANT:
            actor = self.draw(_STAFF)
        else:  # the payment failed, or never came: the provider's answer first
            actor = "system"
            self.pay(PaymentStatus.FAILED)
        at = self.later()
        due = order.payment_due_by
        if reason is CancelReason.PAYMENT_EXPIRED and due is not None:
            # The sweep finds it once its payment is due.
            swept = due + timedelta(seconds=self.draw(st.integers(0, 3600)))
            at = self.now = max(at, swept)
        if self.draw(st.booleans()):
            order.cancel(at=at, reason=reason, actor=actor)
        else:
            order.cancel_lines(_open_units(order), at=at, reason=reason, actor=actor)
        self.settle()

    def settle(self) -> None:
        """End the payment of a canceled order, as the services do."""
        if self.order.status != OrderStatus.CANCELED:
            return  # the shipped units are still to be paid
        status = self.order.payment_status
        if status in _WAITING:
            self.pay(PaymentStatus.FAILED)
        elif status is PaymentStatus.AUTHORIZED:
            self.pay(PaymentStatus.VOIDED)

    def ship_some(self) -> None:
        """Ship some open units, leaving at least one open."""
        order = self.order
        units = _some_units(self.draw, order, order.open_units - 1)
        order.ship(units, at=self.later(), actor=self.draw(_SHIPPERS))
        if self.kind is PaymentMethodKind.GATEWAY and self.draw(_NOW_AND_THEN):
            self.pay(PaymentStatus.PARTIALLY_CAPTURED)

    def finish_shipping(self) -> None:
        """Ship every open unit, or, after a partial shipment, cancel the rest."""
        order = self.order
        if order.status == OrderStatus.PARTIALLY_SHIPPED and self.draw(_NOW_AND_THEN):
            self.cancel()
        else:
            order.ship(_open_units(order), at=self.later(), actor=self.draw(_SHIPPERS))
        if self.kind is not PaymentMethodKind.PREPAYMENT and self.draw(st.booleans()):
            self.pay(PaymentStatus.CAPTURED)

    def return_some(self) -> None:
        """Now and then count some shipped units back, as a return does."""
        order = self.order
        if not self.draw(_NOW_AND_THEN):
            return
        order.lines = tuple(
            attrs.evolve(line, returned=self.draw(st.integers(0, line.shipped)))
            for line in order.lines
        )


def _drive(run: _OrderRun, target: OrderStatus) -> None:
    """Move the order to ``target`` through a path its lifecycle allows."""
    status, order = OrderStatus, run.order
    # Units every partial cancel leaves open: two, to ship some but not all.
    keep = 2 if target is status.PARTIALLY_SHIPPED else 1
    cancel_from = None
    if target is status.CANCELED:
        ways = [status.CONFIRMED, status.IN_FULFILLMENT]
        if not order.ships_before_payment:
            ways.insert(0, status.PLACED)
        cancel_from = run.draw(st.sampled_from(ways))
    run.checkout()
    if not order.ships_before_payment:
        run.cancel_some(keep)
        if target is status.PLACED:
            return
        if cancel_from is status.PLACED:
            run.cancel()
            return
        run.confirm()
    run.cancel_some(keep)
    if target is status.CONFIRMED:
        return
    if cancel_from is status.CONFIRMED:
        run.cancel()
        return
    started = target is status.IN_FULFILLMENT or cancel_from is not None
    if started or run.draw(st.booleans()):
        order.start_fulfillment(at=run.later(), actor=run.draw(_SHIPPERS))
        run.cancel_some(keep)
    if target is status.IN_FULFILLMENT:
        return
    if cancel_from is not None:
        run.cancel()
        return
    _ship(run, target)


def _ship(run: _OrderRun, target: OrderStatus) -> None:
    """Ship the order, in rounds, to ``target`` (partially shipped or later)."""
    status, order = OrderStatus, run.order
    rounds = run.draw(st.integers(1 if target is status.PARTIALLY_SHIPPED else 0, 3))
    for _ in range(rounds):
        if order.open_units < 2:  # noqa: PLR2004 - one to ship, one to keep
            break
        run.ship_some()
        run.cancel_some(1)
    if target is status.PARTIALLY_SHIPPED:
        return
    run.finish_shipping()
    if target in {status.DELIVERED, status.COMPLETED}:
        order.deliver(at=run.later())
        run.return_some()
    if target is status.COMPLETED:
        order.complete(at=run.later())


@st.composite
def _order(
    draw: st.DrawFn,
    code: str,
    statuses: tuple[OrderStatus, ...],
    *,
    cancel_some: bool = False,
) -> Order:
    """An order driven to one of ``statuses``, with the events it recorded."""
    target = draw(st.sampled_from(statuses))
    waits = target is OrderStatus.PLACED
    kinds = _WAITING_KINDS if waits else _CHECKOUT_KINDS
    kind = draw(st.sampled_from(kinds))
    keep = 2 if target is OrderStatus.PARTIALLY_SHIPPED else 1
    order = draw(_placed_order(code, kind, keep + cancel_some))
    _drive(_OrderRun(draw, order, kind, cancel_some=cancel_some), target)
    return order


def _statuses(statuses: Iterable[OrderStatus] | None) -> tuple[OrderStatus, ...]:
    chosen = tuple(OrderStatus) if statuses is None else tuple(statuses)
    if not chosen or not all(isinstance(s, OrderStatus) for s in chosen):
        msg = f"statuses must be some OrderStatus members, not {chosen!r}"
        raise ValidationError(msg, field="statuses")
    return chosen


def orders(
    currency: str = "EUR", *, statuses: Iterable[OrderStatus] | None = None
) -> st.SearchStrategy[Order]:
    """Draw orders in every status, or in ``statuses``, reached by their methods.

    An order is stored as checkout stores it: the lines, discounts, VAT and
    shipping of a cart of :func:`price_breakdowns` (at least one line; two
    or three where a partial shipment or cancel needs them; now and then
    one a custom line), priced for a customer or a guest (with an e-mail
    address) shipping to an address of :func:`addresses` in the country
    its VAT was decided for, with the promotions and coupons its discounts
    came from, and the order button's :func:`legal_acceptances` (a
    business may lack it). It is paid by a gateway (card, PayPal...), an
    invoice or cash on delivery (which ship first: confirmed at checkout)
    or a prepayment, waiting for the payment for the default window (an
    hour; a prepayment a week).

    Then :class:`~commercekit.orders.Order`'s own methods drive it, a step 0
    seconds to 3 days after the last (before the payment is due while it
    waits), to its status: the payment is recorded and the order
    confirmed; the warehouse starts on it or not; it ships in rounds,
    units are canceled now and then, the rest canceled after a partial
    shipment; it is canceled from placed (for any
    :class:`~commercekit.orders.CancelReason`), confirmed or in
    fulfillment; delivered (with some units returned now and then) and
    completed. The payment status follows, as the services record it.
    So its history is a path of its lifecycle and its lines' counts are
    what the moves did. It has recorded no events (as loaded) and has a
    version from 1 to 20.

    Args:
        currency: The currency code of every amount.
        statuses: The statuses to draw; all by default.

    Raises:
        ValidationError: for ``statuses`` that are empty or not statuses.
    """
    code, chosen = currency.strip().upper(), _statuses(statuses)

    @st.composite
    def build(draw: st.DrawFn) -> Order:
        order = draw(_order(code, chosen))
        order.pull_events()
        order.version = draw(st.integers(1, 20))
        return order

    return build()


def order_events(
    kinds: Iterable[type[DomainEvent]] | None = None, currency: str = "EUR"
) -> st.SearchStrategy[DomainEvent]:
    """Draw the orders context's events, of every kind or of ``kinds``.

    Each is an event an order of :func:`orders` recorded as its methods
    drove it (:class:`~commercekit.orders.OrderPlaced` as checkout records
    it), so its ids, units, totals and moves are the order's.

    Args:
        kinds: The event classes to draw from, such as ``[OrderCanceled]``;
            all six by default.
        currency: The currency code of every amount.

    Raises:
        ValidationError: for ``kinds`` that are empty or hold anything but
            the orders' event classes.
    """
    chosen = _ORDER_EVENTS if kinds is None else tuple(kinds)
    if not chosen or any(kind not in _ORDER_EVENTS for kind in chosen):
        names = ", ".join(kind.__name__ for kind in _ORDER_EVENTS)
        msg = f"kinds must be some of {names}, not {chosen!r}"
        raise ValidationError(msg, field="kinds")
    code = currency.strip().upper()

    @st.composite
    def build(draw: st.DrawFn) -> DomainEvent:
        kind = draw(st.sampled_from(chosen))
        order = draw(
            _order(
                code,
                _EVENT_STATUSES[kind],
                cancel_some=kind is OrderLinesCanceled,
            )
        )
        recorded = [event for event in order.pull_events() if type(event) is kind]
        return draw(st.sampled_from(recorded))

    return build()


def order_transitions() -> st.SearchStrategy[OrderTransition]:
    """Draw entries of order histories: a move of the order lifecycle.

    Its source, event and target are one of
    :attr:`OrderLifecycle.moves <commercekit.orders.OrderLifecycle.moves>`; by
    the customer, the system or a staff member, at a second from 2019 to
    2027; a cancel gives a :class:`~commercekit.orders.CancelReason`, other
    moves no reason.
    """

    @st.composite
    def build(draw: st.DrawFn) -> OrderTransition:
        move = draw(st.sampled_from(OrderLifecycle.moves))
        reason = draw(st.sampled_from(CancelReason)) if move.event == "cancel" else None
        return OrderTransition(
            source=move.source,
            target=move.target,
            event=move.event,
            actor=draw(st.sampled_from(["customer", "system"]) | _STAFF),
            at=draw(_instants()),
            reason=reason,
        )

    return build()


def moves() -> st.SearchStrategy[Move]:
    """Draw moves of order lifecycles.

    The library's own (:attr:`OrderLifecycle.moves
    <commercekit.orders.OrderLifecycle.moves>`, with their conditions and
    rules), or an application's: an approval step (``confirm`` to
    ``awaiting_approval`` under a condition, then ``approve`` or ``cancel``)
    and a warehouse hold (``hold`` and ``release``).
    """
    return st.sampled_from(OrderLifecycle.moves + _OWN_MOVES)


def _page_key(order: Order) -> tuple[datetime, str]:
    return (order.placed_at, order.order_id)


def _order_number(order: Order) -> str:
    return order.number


def _order_token(order: Order) -> str:
    return order.checkout_token


def _order_key(order: Order) -> str:
    return order.order_id


@st.composite
def _order_page(draw: st.DrawFn, code: str) -> OrderPage:
    found = draw(
        st.lists(
            orders(code),
            max_size=3,
            unique_by=(_order_key, _order_number, _order_token),
        )
    )
    found.sort(key=_page_key, reverse=True)
    limit = draw(st.integers(max(1, len(found)), 50))
    offset = draw(st.integers(0, 100))
    total = offset + len(found)
    if len(found) == limit:
        total += draw(st.integers(0, 100))
    return OrderPage(orders=tuple(found), total=total, offset=offset, limit=limit)


def order_pages(currency: str = "EUR") -> st.SearchStrategy[OrderPage]:
    """Draw pages of a query's orders, as a repository returns them.

    Up to three :func:`orders` (each id, number and checkout token once),
    newest first (placed last first, then by id descending); the page size
    asked for is at least as many (1 to 50), after 0 to 100 orders; only a
    full page may have more after it.

    Args:
        currency: The currency code of every amount.
    """
    return _order_page(currency.strip().upper())


@st.composite
def _placement(draw: st.DrawFn, code: str) -> PlacementResult:
    outcome = draw(st.sampled_from(PlacementOutcome))
    gateway = PaymentMethodKind.GATEWAY
    kinds = {
        PlacementOutcome.CONFIRMED: (gateway, *sorted(_SHIPS_FIRST)),
        PlacementOutcome.REQUIRES_ACTION: _WAITING_KINDS,
        PlacementOutcome.AWAITING_PAYMENT: (gateway,),
    }[outcome]
    kind = draw(st.sampled_from(kinds))
    order = draw(_placed_order(code, kind, 1))
    # A payment asks for more than 0: a cart that costs nothing pays nothing.
    assume(order.amount_due.amount > 0)
    payment = _checkout_payment(draw, order, kind, outcome)
    order.record_payment(payment.payment_id, payment.status)
    if outcome is PlacementOutcome.CONFIRMED:
        actor = "customer" if kind in _SHIPS_FIRST else "system"
        order.confirm(at=order.placed_at, actor=actor)
    order.pull_events()
    payment.pull_events()
    order.version = draw(st.integers(1, 2))
    payment.version = draw(st.integers(1, 2))
    return PlacementResult(
        order=order, outcome=outcome, payment=payment, action=payment.action
    )


def _checkout_payment(
    draw: st.DrawFn, order: Order, kind: PaymentMethodKind, outcome: PlacementOutcome
) -> Payment:
    """The payment checkout started for ``order``, as the provider answered."""
    code, at, due = draw(_numbered("pay")), order.placed_at, order.amount_due
    method = order.payment_method
    if kind is PaymentMethodKind.INVOICE:
        return open_invoice_payment(
            payment_id=code, order_id=order.order_id, amount=due, at=at, method=method
        )
    if kind is PaymentMethodKind.CASH_ON_DELIVERY:
        return open_cash_on_delivery_payment(
            payment_id=code, order_id=order.order_id, amount=due, at=at, method=method
        )
    if kind is PaymentMethodKind.PREPAYMENT:
        return open_prepayment(
            payment_id=code,
            order_id=order.order_id,
            amount=due,
            at=at,
            reference=order.number,
            bank_details={"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"},
            method=method,
        )
    payment = Payment(
        payment_id=code,
        order_id=order.order_id,
        method=method,
        amount=due,
        created_at=at,
    )
    reference = draw(_numbered("psp"))
    if outcome is PlacementOutcome.CONFIRMED:
        payment.authorize(due, at=at, reference=reference)
    elif outcome is PlacementOutcome.REQUIRES_ACTION:
        action = draw(required_actions().filter(_not_a_transfer))
        payment.require_action(action, at=at, reference=reference)
    else:  # the provider answers later; its reference may be known already
        payment.provider_reference = draw(st.none() | st.just(reference))
    return payment


def _not_a_transfer(action: RequiredAction) -> bool:
    return action.kind != "bank_transfer"


def placement_results(currency: str = "EUR") -> st.SearchStrategy[PlacementResult]:
    """Draw what :func:`~commercekit.orders.place_order` returns.

    The order is one of :func:`orders` as checkout stored it, for more than
    0, and its payment is the one checkout started, for its amount due:
    confirmed at once (a gateway authorized it, or an invoice or cash on
    delivery ships first); requiring action (a gateway's redirect or 3-D
    Secure challenge, or a prepayment's bank transfer: the action is handed
    back); or awaiting the provider's answer (pending). The order's
    payment id and status are the payment's; neither has recorded events.

    Args:
        currency: The currency code of every amount.
    """
    return _placement(currency.strip().upper())


@functools.cache
def _approval_lifecycle() -> type[OrderLifecycle]:
    """An application's lifecycle with an approval step for large orders."""
    return extend_lifecycle(
        "ApprovalLifecycle",
        statuses=["awaiting_approval"],
        moves=[
            Move("confirm", "placed", "awaiting_approval", cond=_needs_approval),
            Move("approve", "awaiting_approval", "confirmed"),
            Move("cancel", "awaiting_approval", "canceled"),
        ],
    )


def _needs_approval(model: Order) -> bool:
    return model.grand_total.amount > _APPROVAL_ABOVE


_APPROVAL_ABOVE: Final = 1000


@st.composite
def _shop_methods(draw: st.DrawFn, code: str) -> PaymentMethods:
    kinds = draw(
        st.lists(
            st.sampled_from([*_CHECKOUT_KINDS, PaymentMethodKind.STORE_CREDIT]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    methods = []
    for kind in kinds:
        method = draw(st.sampled_from(_METHOD_CODES_BY_KIND[kind]))
        methods.append(
            PaymentMethod(
                code=method,
                name=_METHOD_NAMES_BY_CODE[method],
                kind=kind,
                currencies=[code],
                countries=draw(_SERVED),
            )
        )
    return PaymentMethods(methods)


def order_settings(currency: str = "EUR") -> st.SearchStrategy[OrderSettings]:
    """Draw a shop's settings for checkout and orders in ``currency``.

    Carts priced by :func:`cart_pricing_settings`, stock held by
    :func:`inventory_settings`; one to four payment methods of the kinds
    checkout takes (a gateway, invoice, cash on delivery, prepayment; store
    credit beside them), in ``currency``, without a fee, in all countries
    or some; the library's lifecycle, or now and then one extended by an
    approval step for orders above 1,000. A payment waits 5 minutes to a
    day (a prepayment a week, or as set), the recovery sweep 1 to 60
    minutes; order numbers have a prefix or not and 4 to 10 digits; the
    order button's labels are the library's or some of them; bank details
    for prepayments are given or not.

    Args:
        currency: The shop's currency.
    """
    code = currency.strip().upper()
    minutes = st.integers(5, 24 * 60).map(lambda n: timedelta(minutes=n))
    days = st.integers(3, 14).map(lambda n: timedelta(days=n))
    return st.builds(
        OrderSettings,
        pricing=cart_pricing_settings(code),
        inventory=inventory_settings(),
        payment_methods=_shop_methods(code),
        lifecycle=_NOW_AND_THEN.map(
            lambda extended: _approval_lifecycle() if extended else OrderLifecycle
        ),
        payment_window=minutes,
        payment_windows=st.just({PaymentMethodKind.PREPAYMENT.value: timedelta(days=7)})
        | days.map(lambda wait: {PaymentMethodKind.PREPAYMENT.value: wait})
        | minutes.map(lambda wait: {"paypal": wait}),
        recovery_grace=st.integers(1, 60).map(lambda n: timedelta(minutes=n)),
        number_prefix=st.sampled_from(["", "SO-", "2026-"]),
        number_width=st.integers(4, 10),
        button_labels=st.just(ORDER_BUTTON_LABELS)
        | st.sets(st.sampled_from(sorted(ORDER_BUTTON_LABELS)), min_size=1),
        bank_details=st.just({})
        | st.just({"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}),
    )
